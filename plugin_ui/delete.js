// The Delete Virtual Container Host dialog: its containers by state, "also delete volumes", progress, then the
// result with only Close. Escape closes it and Enter runs its default button, as in every dialog.
import { ApiError, del, get } from "./api.js";
import { alertBox, h, powerText } from "./dom.js";
import { closeButton, contextVch, dialogKeys } from "./modal.js";
import { progressList } from "./progress.js";
import { upgradeTarget } from "./upgrade.js";

export async function render(root) {
  let done = null;
  let primary = null;
  dialogKeys(() => primary, () => done);
  const { path } = await contextVch();
  let vch;
  let containers = [];
  try {
    vch = await get(path);
    containers = (await get(`${path}/containers`)).containers || [];
  } catch (error) {
    const close = closeButton("Close");
    primary = close;
    root.append(alertBox("danger", error instanceof ApiError && error.status === 404
      ? "This VM is not a virtual container host." : error.message), h("div", { class: "vic-buttons" }, close));
    close.focus();
    return;
  }
  const byState = {};
  containers.forEach((c) => { byState[c.state] = (byState[c.state] || 0) + 1; });
  const running = containers.filter((c) => /running|poweredOn/i.test(c.state)).length;
  // As vic-machine 1.5.8: a VCH older than the server's appliance is deleted only with everything in it (its
  // containers too), since this version cannot know how an older one keeps them.
  const older = upgradeTarget((vch.runtime || {}).upgrade_status);
  const mustStop = running > 0 || Boolean(older);
  const volumes = h("input", { type: "checkbox", id: "delete-volumes", class: "clr-checkbox" });
  const stopAll = h("input", { type: "checkbox", id: "delete-running", class: "clr-checkbox" });
  const confirm = h("button", { type: "submit", class: "btn btn-danger", id: "confirm-delete" }, "Delete");
  const cancel = closeButton("Cancel");
  primary = confirm;
  const result = h("div", { class: "vic-result", "aria-live": "polite" });
  const buttons = h("div", { class: "vic-buttons" }, cancel, confirm);
  const question = h("div", { class: "vic-question" },
    h("p", {}, "Delete virtual container host ", h("strong", {}, vch.name), " and its endpoint VM?"),
    h("p", {}, containers.length
      ? `Its containers: ${Object.entries(byState).map(([s, n]) => `${n} ${powerText(s).toLowerCase()}`).join(", ")}.`
      : "It has no containers."),
    older ? h("p", { class: "vic-note" }, `${vch.name} runs ${vch.version || "an older version"}, older than the `
      + `${older} this server installs: it can only be deleted together with its containers, powered on or not.`) : null,
    mustStop ? h("div", { class: "clr-checkbox-wrapper" }, stopAll,
      h("label", { for: "delete-running" }, running
        ? `Also power off and delete the ${running} running container${running === 1 ? "" : "s"}`
        : "Also delete its containers, whatever their state")) : null,
    h("div", { class: "clr-checkbox-wrapper" }, volumes,
      h("label", { for: "delete-volumes" }, "Delete volume stores (persistent and anonymous volumes)")));
  const form = h("form", { class: "vic-delete", onsubmit: (e) => { e.preventDefault(); run(); } }, question, result, buttons);
  root.append(form);
  confirm.focus();

  async function run() {
    if (confirm.disabled) return;
    if (mustStop && !stopAll.checked) {
      result.replaceChildren(alertBox("warning", older
        ? `Tick “Also delete its containers” to delete ${vch.name}, or upgrade it to ${older} first.`
        : "Running containers would be left without their VCH: tick the box to delete them too, or stop them first."));
      return;
    }
    confirm.disabled = true;
    cancel.disabled = true;
    question.querySelectorAll("input").forEach((i) => { i.disabled = true; });
    const progress = progressList();
    result.replaceChildren(progress.element);
    let end;
    try {
      const op = await del(path, { containers: stopAll.checked ? "all" : "off", volume_stores: volumes.checked ? "all" : "none" });
      end = await progress.follow(op.id);
    } catch (error) {
      if (!end) progress.element.remove();  // refused before anything ran: no progress to show
      result.append(alertBox("danger", error.message));
    }
    // Finished, either way: the result and only Close (a failed delete can be run again from the list).
    done = { deleted: end?.state === "success" };
    if (end?.state === "success") {
      question.replaceChildren();
      result.append(alertBox("success", `${vch.name} was deleted.`),
        ...((end.result && end.result.warnings) || []).map((w) => alertBox("warning", typeof w === "string" ? w : w.message)));
    }
    const close = closeButton("Close", done);
    buttons.replaceChildren(close);
    primary = close;
    close.focus();
  }
}
