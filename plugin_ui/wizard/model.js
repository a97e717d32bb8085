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
    case "quantity": return { value: Number(raw), units: field.unit };
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
