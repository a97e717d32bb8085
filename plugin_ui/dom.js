// Building DOM without innerHTML: text from the server is always text.
let counter = 0;

/** h("button", {class: "btn", onclick: fn}, "Text", child) → element. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A Clarity select: the element in its wrapper (the wrapper draws the arrow). */
export function selectBox(select, extraClass = "") {
  return h("div", { class: `clr-select-wrapper${extraClass ? ` ${extraClass}` : ""}` }, select);
}

/** A fresh element id. */
export function uid(prefix = "vic") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** An alert box: level is info, success, warning or danger. */
export function alertBox(level, ...content) {
  return h("div", { class: `alert alert-${level}`, role: level === "danger" ? "alert" : "status" },
    h("div", { class: "alert-items" }, h("div", { class: "alert-item static" },
      h("span", { class: "alert-text" }, ...content))));
}

/** Human-readable bytes. */
export function bytes(n) {
  if (n === undefined || n === null || n === "") return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

/** Copy text; falls back to a selection copy where the clipboard API is not allowed (iframes). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h("textarea", { class: "vic-offscreen", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

const POWER = { poweredOn: "Powered on", poweredOff: "Powered off", suspended: "Suspended" };

/** A VM's power state as the vSphere Client shows it: an icon and its words. */
export function powerState(state, text) {
  return h("span", { class: "vic-power-state" }, h("span", { class: "vic-power-icon", "data-state": state || "unknown",
    "aria-hidden": "true" }), text || POWER[state] || state || "Unknown");
}

/** The words for a power state. */
export function powerText(state) {
  return POWER[state] || state || "Unknown";
}
