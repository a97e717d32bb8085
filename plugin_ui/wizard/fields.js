// One input per field of the wizard description: label, input, help, and slots beside it for an error (blocks
// Next), a warning (the server's, kept until the value changes) and a hint (a limit the inventory sets).
import { h, selectBox, uid } from "../dom.js";
import { bestUnit, initialValue } from "./model.js";

/** Render ``field``; returns {element, input, read(), show(message), warn(message), hint(text)}.
 * ``options`` may give choices [{value, label}], ``initial`` (a raw value), ``emptyLabel`` and ``keepEmpty``. */
export function renderField(field, options = {}) {
  const id = uid("f");
  const help = h("span", { class: "clr-subtext vic-help", id: `${id}-help` }, field.help || "");
  const slots = besideSlots(id, field.path);
  const described = `${id}-help ${id}-error ${id}-warning ${id}-hint`;
  const choices = options.choices || (field.choices || []).map((c) => ({ value: String(c), label: String(c) }));
  const start = options.initial ?? initialValue(field);
  if (field.type === "boolean") {
    // The label in the label column; beside the box, what ticking it does (the field's help).
    const input = h("input", { type: "checkbox", id, class: "clr-checkbox", "aria-describedby": described });
    input.checked = Boolean(start);
    const wrapper = h("div", { class: "clr-form-control vic-field vic-boolean", "data-path": field.path },
      h("label", { for: id, class: "clr-control-label" }, field.label),
      h("div", { class: "clr-control-container" },
        h("div", { class: "clr-checkbox-wrapper" }, input,
          h("label", { for: id, class: "vic-check-text", id: `${id}-help` }, field.help || field.label)),
        ...slots.nodes));
    return wire(field, wrapper, input, slots, () => input.checked);
  }
  if (field.type === "quantity" && !choices.length) return quantityField(field, options, id, help, slots, start);
  let input;
  if (choices.length) {
    input = h("select", { id, class: "clr-select", "aria-describedby": described },
      field.required && !options.keepEmpty ? h("option", { value: "", disabled: true }, options.emptyLabel || "Choose…")
        : h("option", { value: "" }, options.emptyLabel || "—"),
      ...choices.map((c) => h("option", { value: c.value }, c.label)));
  } else if (field.type === "pem") {
    input = h("textarea", { id, class: "clr-textarea vic-pem", rows: "4", "aria-describedby": described,
      placeholder: "-----BEGIN CERTIFICATE-----" });
  } else {
    const type = field.secret ? "password" : (field.type === "integer" ? "number" : "text");
    input = h("input", { id, type, class: "clr-input", "aria-describedby": described, autocomplete: "off",
      placeholder: options.placeholder || (field.multiple ? "comma-separated" : "") });
  }
  input.value = start === undefined || start === null ? "" : String(start);
  if (choices.length && !choices.some((c) => c.value === input.value)) input.value = "";
  const wrapper = h("div", { class: "clr-form-control vic-field", "data-path": field.path },
    h("label", { for: id, class: `clr-control-label${field.required ? " vic-required" : ""}` }, field.label),
    h("div", { class: "clr-control-container" }, h("div", { class: "vic-input-row" }, choices.length ? selectBox(input) : input),
      help, ...slots.nodes));
  return wire(field, wrapper, input, slots, () => input.value.trim());
}

/** A number with its unit chosen beside it, and "Unlimited" for limits. Reads {amount, unit} or "" (none). */
function quantityField(field, options, id, help, slots, start) {
  const units = field.units && field.units.length ? field.units : [field.unit];
  const amount = h("input", { id, type: "number", min: "0", step: "any", class: "clr-input vic-amount",
    "aria-describedby": `${id}-help ${id}-error ${id}-warning ${id}-hint`, autocomplete: "off" });
  const unit = h("select", { class: "clr-select vic-unit-select", "aria-label": `${field.label}: unit` },
    ...units.map((u) => h("option", { value: u }, u)));
  const raw = typeof start === "object" && start ? start : (start === "" || start == null ? "" : bestUnit(field, Number(start)));
  amount.value = raw ? String(raw.amount) : "";
  unit.value = raw && units.includes(raw.unit) ? raw.unit : units[0];
  let unlimited = null;
  const row = h("div", { class: "vic-input-row" }, amount, selectBox(unit, "vic-unit-box"));
  if (field.unlimited) {
    const boxId = `${id}-unlimited`;
    unlimited = h("input", { type: "checkbox", id: boxId, class: "clr-checkbox vic-unlimited",
      onchange: () => {
        amount.disabled = unlimited.checked;
        unit.disabled = unlimited.checked;
        if (!unlimited.checked) amount.focus();
      } });
    unlimited.checked = !raw;
    amount.disabled = unit.disabled = unlimited.checked;
    row.append(h("div", { class: "clr-checkbox-wrapper vic-unlimited-box" }, unlimited,
      h("label", { for: boxId }, "Unlimited")));
  }
  const wrapper = h("div", { class: "clr-form-control vic-field vic-quantity", "data-path": field.path },
    h("label", { for: id, class: `clr-control-label${field.required ? " vic-required" : ""}` }, field.label),
    h("div", { class: "clr-control-container" }, row, help, ...slots.nodes));
  const read = () => (unlimited && unlimited.checked) || amount.value.trim() === "" ? ""
    : { amount: amount.value.trim(), unit: unit.value };
  const widget = wire(field, wrapper, amount, slots, read);
  unit.addEventListener("change", () => { widget.show(""); widget.warn(""); });
  if (unlimited) unlimited.addEventListener("change", () => { widget.show(""); widget.warn(""); });
  return widget;
}

function besideSlots(id, path) {
  const error = h("span", { class: "clr-subtext vic-error", id: `${id}-error`, role: "alert", "data-for": path });
  const warning = h("span", { class: "clr-subtext vic-warning", id: `${id}-warning`, "data-for": path });
  const hint = h("span", { class: "clr-subtext vic-hint", id: `${id}-hint` });
  return { error, warning, hint, nodes: [hint, error, warning] };
}

function wire(field, element, input, slots, read) {
  const show = (text) => {
    slots.error.textContent = text || "";
    element.classList.toggle("clr-error", Boolean(text));
    input.setAttribute("aria-invalid", text ? "true" : "false");
  };
  const warn = (text) => {
    slots.warning.textContent = text ? `⚠ ${text}` : "";
    element.classList.toggle("vic-warned", Boolean(text));
  };
  const hint = (text) => { slots.hint.textContent = text || ""; };
  // A changed value is checked again: what the server said about the old one no longer holds.
  const changed = () => { show(""); warn(""); };
  input.addEventListener("input", changed);
  input.addEventListener("change", changed);
  return { field, element, input, read, show, warn, hint };
}
