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
  dialogKeys(() => null);
}

// Where Enter already does something of its own.
const OWN_ENTER = "textarea, select, button, a[href], summary, [role=menuitem], [contenteditable]";

/**
 * The keys every dialog shares: Escape closes it (with the result, once there is one: ``result()``), Enter runs
 * its default button (``defaultButton()``: the primary action, or Close once done) unless the focus is on
 * something Enter already works on.
 */
export function dialogKeys(defaultButton, result = () => null) {
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented) return;
    if (e.key === "Escape") {
      e.preventDefault();
      window.htmlClientSdk.modal.close(result());
    } else if (e.key === "Enter" && !e.isComposing && !e.target.closest?.(OWN_ENTER)) {
      const button = defaultButton();
      if (!button || button.disabled) return;
      e.preventDefault();
      button.click();
    }
  });
}
