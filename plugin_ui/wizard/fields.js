// One input per field of the wizard description: label, input, help and a message slot beside it.
import { h, uid } from "../dom.js";
import { initialValue } from "./model.js";

/** Render ``field``; returns {element, input, read(), show(message)}. ``options`` may give choices [{value, label}]. */
export function renderField(field, options = {}) {
  const id = uid("f");
  const help = h("span", { class: "clr-subtext vic-help", id: `${id}-help` }, field.help || "");
  const message = h("span", { class: "clr-subtext vic-error", id: `${id}-error`, role: "alert", "data-for": field.path });
  const described = `${id}-help ${id}-error`;
  let input;
  const choices = options.choices || (field.choices || []).map((c) => ({ value: String(c), label: String(c) }));
  if (field.type === "boolean") {
    input = h("input", { type: "checkbox", id, class: "clr-checkbox", "aria-describedby": described });
    input.checked = Boolean(options.initial ?? initialValue(field));
    const wrapper = h("div", { class: "clr-form-control vic-field", "data-path": field.path },
      h("div", { class: "clr-checkbox-wrapper" }, input, h("label", { for: id, class: "clr-control-label" }, field.label)),
      help, message);
    return wire(field, wrapper, input, message, () => input.checked);
  }
  if (choices.length) {
    input = h("select", { id, class: "clr-select", "aria-describedby": described },
      field.required && !options.keepEmpty ? null : h("option", { value: "" }, options.emptyLabel || "—"),
      ...choices.map((c) => h("option", { value: c.value }, c.label)));
  } else if (field.type === "pem") {
    input = h("textarea", { id, class: "clr-textarea vic-pem", rows: "4", "aria-describedby": described,
      placeholder: "-----BEGIN CERTIFICATE-----" });
  } else {
    const type = field.secret ? "password" : (["integer", "quantity"].includes(field.type) ? "number" : "text");
    input = h("input", { id, type, class: "clr-input", "aria-describedby": described, autocomplete: "off",
      placeholder: field.multiple ? "comma-separated" : "" });
  }
  const start = options.initial ?? initialValue(field);
  input.value = start === undefined || start === null ? "" : String(start);
  const unit = field.unit && field.type === "quantity" && !choices.length ? h("span", { class: "vic-unit" }, field.unit) : null;
  const wrapper = h("div", { class: "clr-form-control vic-field", "data-path": field.path },
    h("label", { for: id, class: `clr-control-label${field.required ? " vic-required" : ""}` }, field.label),
    h("div", { class: "clr-control-container" }, h("div", { class: "vic-input-row" }, input, unit), help, message));
  return wire(field, wrapper, input, message, () => input.value.trim());
}

function wire(field, element, input, message, read) {
  const show = (text) => {
    message.textContent = text || "";
    element.classList.toggle("clr-error", Boolean(text));
    input.setAttribute("aria-invalid", text ? "true" : "false");
  };
  input.addEventListener("input", () => show(""));
  return { field, element, input, read, show };
}
