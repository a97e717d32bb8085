// Checks that need no server, from the field's description; the message is shown beside the field.
import { bestUnit, canonical } from "./model.js";

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isIp(text) { return IPV4.test(text); }

export function isCidr(text) {
  const [ip, prefix, extra] = String(text).split("/");
  return extra === undefined && isIp(ip) && /^\d{1,2}$/.test(prefix || "") && Number(prefix) <= 32;
}

function one(field, text) {
  if (field.type === "ip" && !isIp(text)) return `${text} is not an IPv4 address`;
  if (field.type === "cidr" && !isCidr(text)) return `${text} is not in CIDR notation (like 192.0.2.0/24)`;
  if (field.pattern && !new RegExp(field.pattern).test(text)) {
    return `Use ${field.pattern_help || "the allowed characters"}`;
  }
  return "";
}

function limitText(field, amount) {
  const best = bestUnit(field, amount);
  return `${best.amount} ${best.unit}`;
}

function checkQuantity(field, raw) {
  if (!/^\d+(\.\d+)?$/.test(raw.amount)) return "Enter a number";
  const amount = canonical(field, raw);
  if (!Number.isInteger(amount)) return `${raw.amount} ${raw.unit} is not a whole number of ${field.unit}`;
  if (field.min !== null && field.min !== undefined && amount < field.min) return `At least ${limitText(field, field.min)}`;
  if (field.max !== null && field.max !== undefined && amount > field.max) return `At most ${limitText(field, field.max)}`;
  return "";
}

/** "" when the raw value is acceptable, else what is wrong with it. */
export function checkField(field, raw) {
  if (field.type === "boolean") return "";
  const text = typeof raw === "string" ? raw.trim() : raw;
  if (text === "" || text === undefined || text === null) return field.required ? `${field.label} is required` : "";
  if (field.type === "quantity" && typeof text === "object") return checkQuantity(field, text);
  if (typeof text === "object") return "";
  if (field.min_length && text.length < field.min_length) return `At least ${field.min_length} characters`;
  if (field.max_length && !field.multiple && text.length > field.max_length) {
    return `At most ${field.max_length} characters (${text.length} now)`;
  }
  if (["integer", "quantity"].includes(field.type) && !(field.choices || []).length) {
    if (!/^\d+$/.test(text)) return "Enter a whole number";
    if (field.min !== null && Number(text) < field.min) return `At least ${field.min}${field.unit ? ` ${field.unit}` : ""}`;
    if (field.max !== null && Number(text) > field.max) return `At most ${field.max}${field.unit ? ` ${field.unit}` : ""}`;
  }
  if (field.type === "pem") return /-----BEGIN [^-]+-----/.test(text) ? "" : "Paste a PEM block (-----BEGIN …-----)";
  const items = field.multiple ? text.split(/[\s,]+/).filter(Boolean) : [text];
  if (field.multiple && field.max_length && items.length > field.max_length) return `At most ${field.max_length} entries`;
  for (const item of items) {
    const problem = one(field, item);
    if (problem) return problem;
  }
  return "";
}
