// The summary card on a VM: the VCH card on a VCH's endpoint VM, the container card on a container VM.
import { ApiError, currentTarget, get, openModal, parseObjectId, post, targetPath } from "./api.js";
import { alertBox, copyText, h, powerState } from "./dom.js";
import { upgradeTarget } from "./upgrade.js";

const WIZARD_SIZE = { width: 1050, height: 700 };

function facts(rows) {
  return h("dl", { class: "vic-facts" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

async function orNull(promise) {
  try { return await promise; } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

// Configure and Upgrade open as modals about this VM; the card is drawn again when they close.
function manage(vch, objectId, redraw) {
  const open = (view, title, size) => async () => { await openModal(view, title, size, [{ id: objectId }]); redraw(); };
  const to = upgradeTarget((vch.runtime || {}).upgrade_status);
  return h("div", { class: "vic-card-actions" },
    h("button", { type: "button", class: "btn btn-sm btn-outline", id: "configure-vch",
      onclick: open("/configure", `Configure ${vch.name}`, WIZARD_SIZE) }, "Configure…"),
    to ? h("button", { type: "button", class: "btn btn-sm btn-outline", id: "upgrade-vch",
      onclick: open("/upgrade", `Upgrade ${vch.name}`, { width: 640, height: 480 }) }, `Upgrade to ${to}…`) : null,
    h("button", { type: "button", class: "btn btn-sm btn-outline", id: "enable-ssh",
      onclick: open("/debug", `Enable SSH on ${vch.name}`, { width: 560, height: 440 }) }, "Enable SSH…"));
}

function vchCard(vch) {
  const runtime = vch.runtime || {};
  const on = runtime.power_state === "poweredOn";
  const endpoint = on && runtime.docker_host ? `DOCKER_HOST=tcp://${runtime.docker_host.replace(/^tcp:\/\//, "")}` : "-";
  const copied = h("span", { class: "vic-copied", role: "status" });
  return h("div", { class: "vic-portlet", "data-kind": "vch" }, h("h2", {}, "Virtual Container Host"), facts([
    ["Status", powerState(runtime.power_state)],
    ["Docker API endpoint", h("code", { class: "vic-endpoint" }, endpoint)],
    ["VCH admin portal", on && runtime.admin_portal
      ? h("a", { href: runtime.admin_portal, target: "_blank", rel: "noopener" }, runtime.admin_portal) : "-"],
    ["Version", vch.version || "-"],
    ["Upgrade status", runtime.upgrade_status || "-"],
  ]), endpoint === "-" ? null : h("button", { type: "button", class: "btn btn-sm btn-outline",
    onclick: async () => { copied.textContent = (await copyText(`export ${endpoint}`)) ? "Copied" : "Copy failed"; } },
  "Copy Docker environment"), copied);
}

function containerCard(c) {
  const ports = Array.isArray(c.ports) ? c.ports.join(", ") : c.ports;
  return h("div", { class: "vic-portlet", "data-kind": "container" }, h("h2", {}, "Container"), facts([
    ["Name", c.name], ["State", powerState(c.state)], ["Image", c.image || "-"], ports ? ["Port mapping", ports] : null,
    ["VCH", c.vch_name || c.vch_id || "-"],
  ].filter(Boolean)));
}

/** What the VM is ("vch", "container" or ""), asked as the vSphere Client asks: the card's and the Delete
 * action's dynamic items (one read of the VM's configuration each), so nothing answers 404 for a container VM. */
async function kindOf(objectId) {
  const body = { objectIds: [objectId] };
  const visible = (answer, id) => ((answer.dynamicItems || []).find((i) => i.id === id) || {}).visible === true;
  const [card, actions] = await Promise.all([post("api/dynamic-items/vm/summary", body), post("api/dynamic-items/vm/actions", body)]);
  if (visible(actions, "deleteVch")) return "vch";
  return visible(card, "vicVmCard") ? "container" : "";
}

export async function render(root) {
  const context = (window.htmlClientSdk.app.getContextObjects() || [])[0];
  const { moid } = parseObjectId(context && context.id);
  try {
    const target = await currentTarget();
    const base = targetPath(target);
    const kind = moid ? await kindOf(context.id) : "";
    if (kind === "vch") {
      const vch = await orNull(get(`${base}/vch/${encodeURIComponent(moid)}`));
      if (vch) {
        const redraw = () => { root.replaceChildren(); render(root); };
        root.append(vchCard(vch), manage(vch, context.id, redraw));
        return;
      }
    }
    const list = kind === "container" ? await orNull(get(`${base}/containers`)) : null;
    const container = ((list && list.containers) || []).find((c) => c.vm === moid);
    root.append(container ? containerCard(container)
      : h("div", { class: "vic-portlet", "data-kind": "none" },
        h("p", {}, "This VM is neither a virtual container host nor a container VM.")));
  } catch (error) {
    root.append(alertBox("danger", `Cannot read this VM's container information: ${error.message}`));
  }
}
