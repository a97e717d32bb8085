// The "Enable SSH" dialog, opened from a VCH's summary card: POST …/vch/<id>?action=debug with SSH on, root's
// authorized key and/or a new root password. The password goes to the server once and is cleared from the page;
// it is never shown back.
import { ApiError, get, post } from "./api.js";
import { alertBox, h, uid } from "./dom.js";
import { closeButton, closeOnEscape, contextVch } from "./modal.js";

export async function render(root) {
  closeOnEscape();
  const { path } = await contextVch();
  let vch;
  try {
    vch = await get(path);
  } catch (error) {
    root.append(alertBox("danger", error.message), h("div", { class: "vic-buttons" }, closeButton("Close")));
    return;
  }
  root.append(sshForm(path, vch.name));
  root.querySelector("input").focus();
}

/** The form enabling SSH on the VCH at ``path`` (container/target/<t>/vch/<id>). */
export function sshForm(path, vchName) {
  const ids = { ssh: uid("ssh"), key: uid("ssh-key"), password: uid("rootpw") };
  const enable = h("input", { type: "checkbox", id: ids.ssh, class: "clr-checkbox", checked: true });
  const key = h("textarea", { id: ids.key, class: "clr-textarea vic-ssh-key", rows: "2", spellcheck: "false",
    placeholder: "ssh-ed25519 AAAA… (optional)" });
  const password = h("input", { type: "password", id: ids.password, class: "clr-input", autocomplete: "new-password" });
  const apply = h("button", { type: "submit", class: "btn btn-primary", id: "apply-debug" }, "Apply");
  const cancel = closeButton("Cancel");
  const buttons = h("div", { class: "vic-buttons" }, cancel, apply);
  const result = h("div", { class: "vic-result", "aria-live": "polite" });
  const form = h("form", { class: "vic-debug", onsubmit: (e) => { e.preventDefault(); submit(); } },
    h("div", { class: "clr-checkbox-wrapper" }, enable, h("label", { for: ids.ssh }, "Enable SSH")),
    h("label", { for: ids.key, class: "clr-control-label" }, "Authorized public key for root"), key,
    h("label", { for: ids.password, class: "clr-control-label" }, "New root password"), password,
    h("p", { class: "clr-subtext vic-muted" }, `For troubleshooting ${vchName}'s endpoint VM; lasts until it restarts.`),
    result, buttons);

  async function submit() {
    const body = { enable_ssh: enable.checked };
    if (key.value.trim()) body.authorized_key = key.value.trim();
    if (password.value) body.root_password = password.value;
    password.value = "";
    apply.disabled = true;
    result.replaceChildren(h("p", { class: "vic-loading" }, "Asking the endpoint VM…"));
    try {
      const done = await post(`${path}?action=debug`, body);
      const what = [done.ssh_enabled ? "SSH is enabled" : null, done.authorized_key ? "root's authorized key is set" : null,
        done.root_password_set ? "root's password is changed" : null].filter(Boolean);
      result.replaceChildren(alertBox("success", `${vchName}: ${what.join(", ") || "nothing was changed"}.`));
      // Done: the result, and only Close.
      form.querySelectorAll("input, textarea").forEach((i) => { i.disabled = true; });
      const close = closeButton("Close", { debug: true });
      buttons.replaceChildren(close);
      close.focus();
      return;
    } catch (error) {
      const fields = Object.entries((error instanceof ApiError && error.errors) || {})
        .map(([field, messages]) => `${field}: ${[].concat(messages).join("; ")}`);
      result.replaceChildren(alertBox("danger", error.message, fields.length ? ` (${fields.join(" · ")})` : ""));
    } finally {
      apply.disabled = false;
    }
  }
  return form;
}
