// The Upgrade Virtual Container Host dialog: what the VCH runs and what it can be upgraded to, a confirmation,
// live progress (POST …/vch/<id>?action=upgrade), the result, and after an upgrade a way back (rollback).
import { ApiError, get, post } from "./api.js";
import { alertBox, h } from "./dom.js";
import { closeButton, closeOnEscape, contextVch } from "./modal.js";
import { progressList } from "./progress.js";

const UPGRADEABLE = /^Upgradeable to (.+)$/;

/** The version a VCH can be upgraded to, from its upgrade status; null when it cannot. */
export function upgradeTarget(status) {
  const match = UPGRADEABLE.exec(status || "");
  return match ? match[1] : null;
}

export async function render(root) {
  closeOnEscape();
  const { path } = await contextVch();
  let vch;
  try {
    vch = await get(path);
  } catch (error) {
    root.append(alertBox("danger", error instanceof ApiError && error.status === 404
      ? "This VM is not a virtual container host." : error.message), h("div", { class: "vic-buttons" }, closeButton("Close")));
    return;
  }
  // The VCH model (vic-machine-server 1.5.8's GET) has the upgrade status under runtime.
  const status = (vch.runtime || {}).upgrade_status;
  const to = upgradeTarget(status);
  const result = h("div", { class: "vic-result", "aria-live": "polite" });
  const buttons = h("div", { class: "vic-buttons" });
  root.append(h("div", { class: "vic-upgrade" },
    h("dl", { class: "vic-facts" }, h("dt", {}, "VCH"), h("dd", {}, vch.name), h("dt", {}, "Version"),
      h("dd", { id: "vch-version" }, vch.version || "-"), h("dt", {}, "Upgrade status"),
      h("dd", { id: "vch-upgrade-status" }, status || "-")),
    to ? h("p", {}, `Upgrade ${vch.name} to ${to}? The endpoint VM is powered off, its appliance ISO replaced and its `
      + "configuration rewritten for the new version, then it is powered on again: the Docker API is unavailable "
      + "meanwhile; containers keep running. A snapshot is taken first, and the VCH is returned to it, running its "
      + "current version, if any step fails.")
      : alertBox("info", `${vch.name} cannot be upgraded: ${status || "its status is unknown"}.`),
    buttons, result));
  const upgradeButton = h("button", { type: "button", class: "btn btn-primary", id: "confirm-upgrade",
    onclick: () => run({}, `Upgrading ${vch.name} to ${to}`) }, "Upgrade");
  buttons.append(closeButton("Cancel"), to ? upgradeButton : null);
  (to ? upgradeButton : buttons.firstChild).focus();

  async function run(body, heading) {
    buttons.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const progress = progressList();
    result.replaceChildren(h("h3", {}, heading), progress.element);
    let end;
    try {
      const op = await post(`${path}?action=upgrade`, body);
      end = await progress.follow(op.id);
    } catch (error) {
      result.append(alertBox("danger", error.message));
      buttons.replaceChildren(closeButton("Close"));
      return;
    }
    const done = end.result || {};
    if (end.state !== "success") {
      const left = (end.error && end.error.left) || [];
      if (!left.length) result.append(h("p", { class: "vic-kept" }, `${vch.name} still runs version ${vch.version}.`));
      buttons.replaceChildren(closeButton("Close", { upgraded: false }));
    } else if (done.action === "rollback") {
      result.append(alertBox("success", `${vch.name} was rolled back to ${done.to_version || "its previous version"}.`));
      buttons.replaceChildren(closeButton("Close", { upgraded: true }));
    } else {
      result.append(alertBox("success", `${vch.name} was upgraded from ${done.from_version || vch.version} to `
        + `${done.to_version || to}.`), ...(done.warnings || []).map((w) => alertBox("warning", w)));
      buttons.replaceChildren(closeButton("Close", { upgraded: true }), rollbackButton(done.from_version || vch.version));
    }
    buttons.firstChild.focus();
  }

  // A second click confirms: rolling back restarts the VCH too.
  function rollbackButton(previous) {
    const button = h("button", { type: "button", class: "btn btn-outline btn-danger", id: "rollback",
      onclick: () => {
        if (button.dataset.armed) { run({ rollback: true }, `Rolling ${vch.name} back to ${previous}`); return; }
        button.dataset.armed = "true";
        button.textContent = `Confirm: roll back to ${previous} (restarts the VCH)`;
      } }, `Roll back to ${previous}`);
    return button;
  }
}
