// Field values (as typed) ↔ the VCH model JSON of vic-machine-server.

/** Set a dotted path in a nested object. */
export function setPath(target, path, value) {
  const keys = path.split(".");
  let node = target;
  keys.slice(0, -1).forEach((key) => { node = node[key] ??= {}; });
  node[keys[keys.length - 1]] = value;
}

function list(text) {
  return String(text || "").split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

function pems(text) {
  return (String(text || "").match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g) || []).map((pem) => ({ pem }));
}

/** One field's typed value as JSON, or undefined when left empty. */
export function toJson(field, raw) {
  if (field.type === "boolean") return Boolean(raw);
  if (raw === undefined || raw === null || raw === "") return undefined;
  if (field.multiple) {
    if (field.type === "pem") return pems(raw);
    const items = Array.isArray(raw) ? raw : list(raw);
    return items.length ? items : undefined;
  }
  switch (field.type) {
    case "integer": return Number(raw);
    case "quantity": return { value: canonical(field, raw), units: field.unit };
    case "shares": return /^\d+$/.test(raw) ? { number: Number(raw) } : { level: raw };
    case "pem": return { pem: raw };
    case "managed_object": return typeof raw === "object" ? raw : { name: raw };
    default: return raw;
  }
}

/** The text an input starts with, from the field's default. */
export function initialValue(field) {
  const d = field.default;
  if (d === null || d === undefined) return field.type === "boolean" ? false : "";
  if (field.type === "managed_object") return d.id || d.name || "";
  if (field.type === "quantity" && !(field.choices || []).length) return bestUnit(field, Number(d));
  if (Array.isArray(d)) return d.join(", ");
  return d;
}

/** The VCH model from {path: raw value} and the fields describing them. */
export function buildModel(fields, values, extras = {}) {
  const model = {};
  for (const field of fields) {
    if (field.type === "object") continue;
    const value = toJson(field, values[field.path]);
    if (value !== undefined) setPath(model, field.path, value);
  }
  for (const [path, value] of Object.entries(extras)) if (value !== undefined) setPath(model, path, value);
  return model;
}

/** A dotted path's value in a nested object, or undefined. */
export function getPath(source, path) {
  return path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), source);
}

// Units a stored quantity may come in, per base unit, to show it in the unit the field asks for.
const FACTORS = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
  Hz: 1, KHz: 1e3, MHz: 1e6, GHz: 1e9, bit: 1 };

function inUnit(quantity, unit) {
  if (typeof quantity !== "object") return quantity;
  const from = FACTORS[quantity.units];
  const to = FACTORS[unit];
  return from && to ? Math.round((quantity.value * from) / to) : quantity.value;
}

/** A typed quantity ({amount, unit}, or a bare number of the field's unit) as a number of the field's unit;
 * NaN when it is not a number. */
export function canonical(field, raw) {
  if (raw === "" || raw === null || raw === undefined) return NaN;
  if (typeof raw !== "object") return Number(raw);
  const amount = Number(raw.amount);
  const from = FACTORS[raw.unit] || 1;
  const to = FACTORS[field.unit] || 1;
  const value = (amount * from) / to;
  const whole = Math.round(value);
  return Math.abs(value - whole) < 1e-6 * Math.max(1, Math.abs(value)) ? whole : value;
}

/** {amount, unit}: ``amount`` of the field's unit shown in the largest offered unit it is a whole number of. */
export function bestUnit(field, amount) {
  const units = field.units && field.units.length ? field.units : [field.unit];
  const base = FACTORS[field.unit] || 1;
  const ordered = [...units].sort((a, b) => (FACTORS[b] || 1) - (FACTORS[a] || 1));
  for (const unit of ordered) {
    const value = (amount * base) / (FACTORS[unit] || 1);
    if (Number.isInteger(value) && (value !== 0 || unit === field.unit)) return { amount: value, unit };
  }
  return { amount, unit: field.unit };
}

/** "2 GiB", "Unlimited" or "-": a model quantity as a person reads it. */
export function quantityText(field, value) {
  if (value === undefined || value === null || value === "") return field.unlimited ? "Unlimited" : "-";
  const amount = typeof value === "object" ? inUnit(value, field.unit) : Number(value);
  if (field.unlimited && amount === 0) return "Unlimited";
  const best = bestUnit(field, amount);
  return `${best.amount} ${best.unit}`;
}

/** The text an input shows for a value of the VCH model: the inverse of toJson. */
export function rawValue(field, value) {
  if (field.type === "boolean") return Boolean(value);
  if (value === undefined || value === null) return "";
  if (field.multiple) {
    const items = Array.isArray(value) ? value : [value];
    if (field.type === "pem") return items.map((item) => String((item && item.pem) || item).trim()).join("\n");
    return items.join(", ");
  }
  switch (field.type) {
    case "quantity": return (field.choices || []).length ? inUnit(value, field.unit) : bestUnit(field, inUnit(value, field.unit));
    case "shares": return typeof value === "object" ? String(value.level ?? value.number ?? "") : String(value);
    // Trimmed as an input reads them, so an untouched field compares equal to what is stored.
    case "pem": return String(typeof value === "object" ? value.pem || "" : value).trim();
    case "managed_object": return typeof value === "object" ? value : { name: value };
    default: return typeof value === "object" ? JSON.stringify(value) : String(value).trim();
  }
}

/** {path: raw} for plain fields and {list path: [row]} for object lists, read from a VCH model. */
export function rawFromModel(fields, model) {
  const values = {};
  const rows = {};
  for (const field of fields) {
    const value = getPath(model, field.path);
    if (field.type !== "object") { values[field.path] = rawValue(field, value); continue; }
    rows[field.path] = (Array.isArray(value) ? value : []).map((item) => Object.fromEntries(field.fields.map((sub) =>
      [sub.path, rawValue(sub, getPath(item, sub.path.slice(field.path.length + 3)))])));
  }
  return { values, rows };
}
