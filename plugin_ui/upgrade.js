// The Upgrade Virtual Container Host dialog: what the VCH runs and what it can be upgraded to, a confirmation,
// live progress (POST …/vch/<id>?action=upgrade), the result, and after an upgrade a way back (rollback).
import { ApiError, get, post } from "./api.js";
import { alertBox, h } from "./dom.js";
import { closeButton, contextVch, dialogKeys } from "./modal.js";
import { progressList } from "./progress.js";

const UPGRADEABLE = /^Upgradeable to (.+)$/;

/** The version a VCH can be upgraded to, from its upgrade status; null when it cannot. */
export function upgradeTarget(status) {
  const match = UPGRADEABLE.exec(status || "");
  return match ? match[1] : null;
}

export async function render(root) {
  let primary = null;
  let outcome = null;
  dialogKeys(() => primary, () => outcome);
  const { path } = await contextVch();
  let vch;
  try {
    vch = await get(path);
  } catch (error) {
    primary = closeButton("Close");
    root.append(alertBox("danger", error instanceof ApiError && error.status === 404
      ? "This VM is not a virtual container host." : error.message), h("div", { class: "vic-buttons" }, primary));
    primary.focus();
    return;
  }
  // The VCH model (vic-machine-server 1.5.8's GET) has the upgrade status under runtime.
  const status = (vch.runtime || {}).upgrade_status;
  const to = upgradeTarget(status);
  const result = h("div", { class: "vic-result", "aria-live": "polite" });
  const buttons = h("div", { class: "vic-buttons" });
  const version = h("dd", { id: "vch-version" }, vch.version || "-");
  const statusText = h("dd", { id: "vch-upgrade-status" }, status || "-");
  const question = to ? h("p", { class: "vic-question" }, `Upgrade ${vch.name} to ${to}? The endpoint VM is powered off, its appliance ISO replaced and its `
    + "configuration rewritten for the new version, then it is powered on again: the Docker API is unavailable "
    + "meanwhile; containers keep running. A snapshot is taken first, and the VCH is returned to it, running its "
    + "current version, if any step fails.")
    : alertBox("info", `${vch.name} cannot be upgraded: ${status || "its status is unknown"}.`);
  root.append(h("div", { class: "vic-upgrade" },
    h("dl", { class: "vic-facts" }, h("dt", {}, "VCH"), h("dd", {}, vch.name), h("dt", {}, "Version"), version,
      h("dt", {}, "Upgrade status"), statusText),
    question, result, buttons));
  const upgradeButton = h("button", { type: "button", class: "btn btn-primary", id: "confirm-upgrade",
    onclick: () => run({}, `Upgrading ${vch.name} to ${to}`) }, "Upgrade");
  const cancel = closeButton(to ? "Cancel" : "Close");
  buttons.append(cancel, to ? upgradeButton : null);
  primary = to ? upgradeButton : cancel;
  primary.focus();

  // The facts as they are now (after an upgrade or a roll-back), read again from vCenter.
  async function refresh() {
    try {
      const now = await get(path);
      version.textContent = now.version || "-";
      statusText.textContent = (now.runtime || {}).upgrade_status || "-";
    } catch { /* the result below says what happened */ }
  }

  function finished(data) {
    outcome = data;
    const close = closeButton("Close", data);
    buttons.replaceChildren(close);
    primary = close;
    close.focus();
  }

  async function run(body, heading) {
    buttons.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    result.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    question.remove();
    const progress = progressList();
    const title = h("h3", {}, `${heading}…`);
    result.replaceChildren(title, progress.element);
    let end;
    try {
      const op = await post(`${path}?action=upgrade`, body);
      end = await progress.follow(op.id);
    } catch (error) {
      result.append(alertBox("danger", error.message));
      finished({ upgraded: false });
      return;
    }
    const done = end.result || {};
    await refresh();
    title.textContent = end.state === "success" ? "Done" : "Failed";
    if (end.state !== "success") {
      const left = (end.error && end.error.left) || [];
      if (!left.length) result.append(h("p", { class: "vic-kept" }, `${vch.name} still runs version ${vch.version}.`));
      finished({ upgraded: false });
    } else if (done.action === "rollback") {
      result.append(alertBox("success", `${vch.name} was rolled back to ${done.to_version || "its previous version"}.`));
      finished({ upgraded: true });
    } else {
      // The result, and from it a way back: rolling back is what can still be done about it.
      const previous = done.from_version || vch.version;
      result.append(alertBox("success", h("span", {}, `${vch.name} was upgraded from ${previous} to ${done.to_version || to}. `),
        rollbackButton(previous)), ...(done.warnings || []).map((w) => alertBox("warning", w)));
      finished({ upgraded: true });
    }
  }

  // A second click confirms: rolling back restarts the VCH too.
  function rollbackButton(previous) {
    const button = h("button", { type: "button", class: "btn btn-sm btn-link vic-rollback", id: "rollback",
      onclick: () => {
        if (button.dataset.armed) { run({ rollback: true }, `Rolling ${vch.name} back to ${previous}`); return; }
        button.dataset.armed = "true";
        button.textContent = `Confirm: roll back to ${previous} (restarts the VCH)`;
      } }, `Roll back to ${previous}…`);
    return button;
  }
}
