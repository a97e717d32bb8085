// The Delete Virtual Container Host dialog: its containers by state, "also delete volumes", progress.
import { ApiError, currentTarget, del, get, parseObjectId, targetPath } from "./api.js";
import { alertBox, h } from "./dom.js";
import { progressList } from "./progress.js";

export async function render(root) {
  const context = (window.htmlClientSdk.app.getContextObjects() || [])[0];
  const { moid } = parseObjectId(context && context.id);
  const target = await currentTarget();
  const path = `${targetPath(target)}/vch/${encodeURIComponent(moid)}`;
  let vch;
  let containers = [];
  try {
    vch = await get(path);
    containers = (await get(`${path}/containers`)).containers || [];
  } catch (error) {
    root.append(alertBox("danger", error instanceof ApiError && error.status === 404
      ? "This VM is not a virtual container host." : error.message), closeButton("Close"));
    return;
  }
  const byState = {};
  containers.forEach((c) => { byState[c.state] = (byState[c.state] || 0) + 1; });
  const running = containers.filter((c) => /running|poweredOn/i.test(c.state)).length;
  const volumes = h("input", { type: "checkbox", id: "delete-volumes", class: "clr-checkbox" });
  const stopAll = h("input", { type: "checkbox", id: "delete-running", class: "clr-checkbox" });
  const confirm = h("button", { type: "submit", class: "btn btn-danger", id: "confirm-delete" }, "Delete");
  const result = h("div", { "aria-live": "polite" });
  const buttons = h("div", { class: "vic-buttons" }, closeButton("Cancel"), confirm);
  const form = h("form", { class: "vic-delete", onsubmit: (e) => { e.preventDefault(); run(); } },
    h("p", {}, `Delete virtual container host ${vch.name} and its endpoint VM?`),
    h("p", {}, containers.length
      ? `Containers: ${Object.entries(byState).map(([s, n]) => `${n} ${s}`).join(", ")}.` : "It has no containers."),
    running ? h("div", { class: "clr-checkbox-wrapper" }, stopAll,
      h("label", { for: "delete-running" }, `Also power off and delete the ${running} running container(s)`)) : null,
    h("div", { class: "clr-checkbox-wrapper" }, volumes,
      h("label", { for: "delete-volumes" }, "Delete volume stores (persistent and anonymous volumes)")),
    buttons, result);
  root.append(form);
  confirm.focus();

  async function run() {
    if (running && !stopAll.checked) {
      result.replaceChildren(alertBox("warning", "Running containers would be left without their VCH: tick the box to delete them too, or stop them first."));
      return;
    }
    confirm.disabled = true;
    const progress = progressList();
    result.replaceChildren(progress.element);
    try {
      const op = await del(path, { containers: stopAll.checked ? "all" : "off", volume_stores: volumes.checked ? "all" : "none" });
      const end = await progress.follow(op.id);
      if (end.state === "success") {
        buttons.replaceChildren(closeButton("Close", { deleted: true }));
        result.append(alertBox("success", `${vch.name} was deleted.`));
        buttons.firstChild.focus();
      }
      else confirm.disabled = false;
    } catch (error) {
      result.append(alertBox("danger", error.message));
      confirm.disabled = false;
    }
  }
}

function closeButton(label, data = null) {
  return h("button", { type: "button", class: "btn btn-outline", onclick: () => window.htmlClientSdk.modal.close(data) }, label);
}
