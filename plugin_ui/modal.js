// What the VCH dialogs (configure, upgrade) share: the VCH their context object names, and closing.
import { currentTarget, parseObjectId, targetPath } from "./api.js";
import { h } from "./dom.js";

/** The VCH of the modal's context object: {target, moid, path: "container/target/<t>/vch/<moid>"}. */
export async function contextVch() {
  const context = (window.htmlClientSdk.app.getContextObjects() || [])[0];
  const { moid } = parseObjectId(context && context.id);
  const target = await currentTarget();
  return { target, moid, path: `${targetPath(target)}/vch/${encodeURIComponent(moid)}` };
}

/** A button closing the modal with ``data`` (what the opener's onClosed receives). */
export function closeButton(label, data = null, props = {}) {
  return h("button", { type: "button", class: "btn btn-outline", ...props,
    onclick: () => window.htmlClientSdk.modal.close(data) }, label);
}

/** The vSphere Client object id of a VCH's endpoint VM, for modals' context objects. */
export function vmObjectId(target, vchId) {
  return `urn:vmomi:VirtualMachine:${vchId}:${target.instance_uuid}`;
}

/** Escape closes the modal, as in the vSphere Client (keys typed in our iframe never reach its page). */
export function closeOnEscape() {
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") window.htmlClientSdk.modal.close(null); });
}
