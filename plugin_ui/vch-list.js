// Virtual Container Hosts tab: the VCHs of the vCenter, paged, each row's actions (Configure, Upgrade, Delete,
// certificate bundle, deployment log) in one menu so the list fits a 1280-pixel screen.
import { currentTarget, download, get, openModal, targetPath } from "./api.js";
import { alertBox, h, powerState, powerText } from "./dom.js";
import { dataGrid } from "./table.js";
import { upgradeTarget } from "./upgrade.js";

const WIZARD_SIZE = { width: 1050, height: 700 };

function vmId(target, vch) {
  return `urn:vmomi:VirtualMachine:${vch.id}:${target.instance_uuid}`;
}

// Ours, beside vic-machine-server 1.5.8's list item: TLS mode, whether it is being created or deleted.
function extension(vch) {
  return vch.vic_plugin || {};
}

// What is going on with a VCH beyond its power state: being created (or left so by a crash), being deleted, or
// what is left of one whose endpoint VM is gone.
const STATES = {
  creating: ["Being created", "A create is running, or one was interrupted: if none is running, Delete cleans it up"],
  deleting: ["Being deleted", "A delete is running, or one was interrupted: Delete finishes it"],
  incomplete: ["Incomplete", "What is left of a VCH whose endpoint VM is gone: Delete removes it"],
};

function lifecycle(vch) {
  const ext = extension(vch);
  if (ext.state && STATES[ext.state]) return ext.state;
  if (ext.creating) return "creating";
  if (ext.left) return "incomplete";
  return "";
}

function statusText(vch) {
  const state = lifecycle(vch);
  return state ? STATES[state][0] : powerText(vch.power_state);
}

function statusCell(vch) {
  const state = lifecycle(vch);
  if (!state) return powerState(vch.power_state);
  return h("span", { title: STATES[state][1] }, powerState(state, STATES[state][0]));
}

function endpoint(vch) {
  if (!vch.docker_host) return "-";
  return h("code", { class: "vic-endpoint", title: `DOCKER_HOST=${vch.docker_host}` }, vch.docker_host);
}

function portal(vch) {
  if (vch.admin_portal) {
    return h("a", { href: vch.admin_portal, target: "_blank", rel: "noopener", title: vch.admin_portal },
      vch.admin_portal.replace(/^https:\/\//, ""));
  }
  return vch.power_state === "poweredOn" ? h("span", { class: "vic-muted" }, "Waiting for an address…") : "-";
}

function nameCell(target, vch) {
  if (!vch.id || lifecycle(vch) === "incomplete") return h("span", { class: "vic-name-text", title: vch.name }, vch.name);
  return h("a", { href: "#", class: "vic-vm-link", title: `${vch.name}: open its endpoint VM`,
    onclick: (e) => { e.preventDefault(); window.htmlClientSdk.app.navigateTo({ objectId: vmId(target, vch) }); } }, vch.name);
}

export async function render(root) {
  const target = await currentTarget();
  const base = targetPath(target);
  const status = h("div", { class: "vic-status", role: "status" });
  const newButton = h("button", { type: "button", class: "btn btn-primary btn-sm", id: "new-vch",
    onclick: async () => { await openModal("/create-wizard", "New Virtual Container Host", WIZARD_SIZE); reload(); } },
  "New Virtual Container Host…");
  const holder = h("div", {}, h("p", { class: "vic-loading" }, "Reading the virtual container hosts…"));
  root.append(h("div", { class: "vic-toolbar" }, newButton), status, holder);

  function open(view, title, size, vch) {
    return async () => { await openModal(view, title, size, [{ id: vmId(target, vch) }]); reload(); };
  }

  function actions(v) {
    const state = lifecycle(v);
    const tls = extension(v).tls && extension(v).tls !== "no-tls";
    const to = upgradeTarget(v.upgrade_status);
    return [
      state ? null : { action: "configure", label: "Configure…", run: open("/configure", `Configure ${v.name}`, WIZARD_SIZE, v) },
      !state && to ? { action: "upgrade", label: `Upgrade to ${to}…`,
        run: open("/upgrade", `Upgrade ${v.name}`, { width: 640, height: 480 }, v) } : null,
      v.id ? { action: "delete", label: "Delete…", danger: true,
        run: open("/delete", "Delete Virtual Container Host", { width: 600, height: 440 }, v) } : null,
      tls && !state ? { action: "bundle", label: "Download certificate bundle", run: () => download(
        `${base}/vch/${encodeURIComponent(v.id)}/certificate-bundle`, `${v.name}-certificates.zip`)
        .catch((err) => status.replaceChildren(alertBox("danger", err.message))) } : null,
    ];
  }

  async function reload() {
    let vchs;
    try {
      vchs = (await get(`${base}/vch`)).vchs || [];
    } catch (error) {
      holder.replaceChildren(alertBox("danger", `Cannot list virtual container hosts: ${error.message}`));
      return;
    }
    holder.replaceChildren(dataGrid([
      { key: "name", label: "Name", className: "vic-name", cell: (v) => nameCell(target, v) },
      { key: "power_state", label: "Status", className: "vic-power", value: statusText, cell: statusCell },
      { key: "docker_host", label: "Docker API endpoint", className: "vic-docker", cell: endpoint },
      { key: "admin_portal", label: "VCH admin portal", className: "vic-portal", cell: portal },
      { key: "version", label: "Version", className: "vic-version" },
      { key: "upgrade_status", label: "Upgrade status", className: "vic-upgrade-status" },
    ], vchs, {
      filterLabel: "Filter VCHs",
      empty: "No virtual container hosts yet: create one with New Virtual Container Host.",
      noMatch: (text) => `No virtual container host matches “${text}”.`,
      detail: async (v) => h("pre", { class: "vic-log" }, await get(`${base}/vch/${encodeURIComponent(v.id)}/log`)),
      detailError: (err) => `No deployment log to show: ${err.message}`,
      hasDetail: (v) => Boolean(v.id) && lifecycle(v) !== "incomplete",
      actions,
    }));
  }

  window.htmlClientSdk.event.onGlobalRefresh(reload);
  await reload();
}
