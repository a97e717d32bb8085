// Virtual Container Hosts tab: the VCHs of the vCenter, with New, Delete, certificate bundle and log.
import { currentTarget, download, get, openModal, targetPath } from "./api.js";
import { alertBox, h } from "./dom.js";
import { dataGrid } from "./table.js";
import { upgradeTarget } from "./upgrade.js";

const WIZARD_SIZE = { width: 1050, height: 700 };

function vmId(target, vch) {
  return `urn:vmomi:VirtualMachine:${vch.id}:${target.instance_uuid}`;
}

function dockerEndpoint(vch) {
  return vch.docker_host ? `DOCKER_HOST=${vch.docker_host}` : "-";
}

// Ours, beside vic-machine-server 1.5.8's list item: TLS mode and whether it is still marked as being created.
function extension(vch) {
  return vch.vic_plugin || {};
}

// A VCH still marked as being created: a create in progress, or one a crashed server left behind.
function statusText(vch) {
  return extension(vch).creating ? "Being created (if no creation is running, Delete cleans it up)" : vch.power_state;
}

function portal(vch) {
  if (vch.admin_portal) return h("a", { href: vch.admin_portal, target: "_blank", rel: "noopener" }, vch.admin_portal);
  return vch.power_state === "poweredOn" ? "Waiting for an address… (refresh)" : "-";
}

export async function render(root) {
  const target = await currentTarget();
  const base = targetPath(target);
  const status = h("div", { class: "vic-status", role: "status" });
  const newButton = h("button", { type: "button", class: "btn btn-primary btn-sm", id: "new-vch",
    onclick: async () => { await openModal("/create-wizard", "New Virtual Container Host", WIZARD_SIZE); reload(); } },
  "New Virtual Container Host…");
  const holder = h("div");
  root.append(h("div", { class: "vic-toolbar" }, newButton), status, holder);

  async function reload() {
    let vchs;
    try {
      vchs = (await get(`${base}/vch`)).vchs || [];
    } catch (error) {
      holder.replaceChildren(alertBox("danger", `Cannot list virtual container hosts: ${error.message}`));
      return;
    }
    holder.replaceChildren(dataGrid([
      { key: "name", label: "Name", cell: (v) => h("a", { href: "#", class: "vic-vm-link",
        onclick: (e) => { e.preventDefault(); window.htmlClientSdk.app.navigateTo({ objectId: vmId(target, v) }); } }, v.name) },
      { key: "power_state", label: "Status", value: statusText },
      { key: "docker_host", label: "Docker API endpoint", value: dockerEndpoint },
      { key: "admin_portal", label: "VCH admin portal", cell: portal },
      { key: "version", label: "Version" },
      { key: "upgrade_status", label: "Upgrade status" },
    ], vchs, {
      filterLabel: "Filter VCHs",
      empty: "No virtual container hosts yet: create one with New Virtual Container Host.",
      detail: async (v) => h("pre", { class: "vic-log" }, await get(`${base}/vch/${encodeURIComponent(v.id)}/log`)),
      rowActions: (v) => [
        extension(v).creating ? null : h("button", { type: "button", class: "btn btn-sm btn-link", "data-action": "configure",
          onclick: async () => { await openModal("/configure", `Configure ${v.name}`, WIZARD_SIZE, [{ id: vmId(target, v) }]); reload(); } },
        "Configure"),
        upgradeTarget(v.upgrade_status) ? h("button", { type: "button", class: "btn btn-sm btn-link", "data-action": "upgrade",
          onclick: async () => {
            await openModal("/upgrade", `Upgrade ${v.name}`, { width: 640, height: 480 }, [{ id: vmId(target, v) }]);
            reload();
          } }, "Upgrade") : null,
        h("button", { type: "button", class: "btn btn-sm btn-link", "data-action": "delete",
          onclick: async () => {
            await openModal("/delete", "Delete Virtual Container Host", { width: 600, height: 420 },
              [{ id: vmId(target, v) }]);
            reload();
          } }, `Delete`),
        extension(v).tls && extension(v).tls !== "no-tls" ? h("button", { type: "button", class: "btn btn-sm btn-link", "data-action": "bundle",
          onclick: () => download(`${base}/vch/${encodeURIComponent(v.id)}/certificate-bundle`, `${v.name}-certificates.zip`)
            .catch((err) => status.replaceChildren(alertBox("danger", err.message))) }, "Certificate bundle") : null,
      ],
    }));
  }

  window.htmlClientSdk.event.onGlobalRefresh(reload);
  await reload();
}
