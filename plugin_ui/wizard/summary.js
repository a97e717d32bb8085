// The Summary page: the whole configuration checked once more (errors send the user back, each warning is
// confirmed here before Finish), every value entered as a person reads it (names and inventory paths, sizes in
// their units), and the equivalent vic-machine command for Linux, macOS or Windows (password left out).
import { post } from "../api.js";
import { alertBox, copyText, h, selectBox } from "../dom.js";
import { getPath, quantityText } from "./model.js";

// What an untouched page means.
const EMPTY = {
  registry: "Any registry, over verified TLS; no extra certificate authorities.",
  operations: "No operations user: the VCH acts as the user who creates it.",
  security: "A generated server certificate and client certificates.",
};

const OS = [["linux", "Linux"], ["darwin", "macOS"], ["windows", "Windows"]];

function defaultOs() {
  const platform = `${navigator.userAgentData?.platform || navigator.platform || ""}`.toLowerCase();
  if (platform.includes("win")) return "windows";
  if (platform.includes("mac")) return "darwin";
  return "linux";
}

/** One value of the model as text, "" when it is not set. */
export function valueText(field, value) {
  if (field.type === "quantity" && !(field.choices || []).length) {
    return value === undefined || value === null ? (field.unlimited ? "Unlimited" : "") : quantityText(field, value);
  }
  if (value === undefined || value === null || value === "") return "";
  if (field.type === "boolean") return value ? "Yes" : "";
  if (Array.isArray(value)) {
    if (field.type === "pem") return value.length ? `${value.length} PEM certificate${value.length === 1 ? "" : "s"}` : "";
    return value.map((v) => valueText({ ...field, multiple: false }, v)).filter(Boolean).join(", ");
  }
  if (typeof value === "object") {
    if ("pem" in value) return "PEM";
    if ("value" in value && "units" in value) return `${value.value} ${value.units}`;
    if ("level" in value || "number" in value) return String(value.level ?? value.number);
    if ("name" in value || "id" in value) return String(value.name || value.id);
    return Object.values(value).map((v) => valueText({}, v)).filter(Boolean).join(" ");
  }
  return String(value);
}

function itemText(field, item) {
  if (field.path === "storage.volume_stores") return `${item.label}: ${item.datastore}`;
  if (field.path === "network.container") {
    const pg = item.port_group ? valueText({}, item.port_group) : "";
    const parts = [item.alias && item.alias !== pg ? `${pg} as ${item.alias}` : pg];
    if ((item.ip_ranges || []).length) parts.push(`IP ranges ${item.ip_ranges.join(", ")}`);
    if (item.gateway?.address) parts.push(`gateway ${item.gateway.address}`);
    if ((item.nameservers || []).length) parts.push(`DNS ${item.nameservers.join(", ")}`);
    if (item.firewall) parts.push(`firewall ${item.firewall}`);
    return parts.filter(Boolean).join(", ");
  }
  return valueText({}, item);
}

function rowsOf(step, model) {
  const rows = [];
  for (const field of step.fields) {
    if (field.secret || /password|private_key/.test(field.path)) continue;
    const value = getPath(model, field.path);
    if (field.type === "object") {
      (Array.isArray(value) ? value : []).forEach((item, i) => rows.push([`${field.label.replace(/s$/, "")} ${i + 1}`, itemText(field, item)]));
      continue;
    }
    const text = valueText(field, value);
    if (text || field.required) rows.push([field.label, text || "-"]);
  }
  return rows;
}

export async function renderSummary(page, ui, model) {
  const { forward, steps, byPath, state } = ui;
  forward.disabled = true;
  const checks = h("div", { class: "vic-summary-checks", "aria-live": "polite" },
    h("p", { class: "vic-loading" }, "Checking the whole configuration against vCenter…"));
  const shown = ui.displayModel();
  const sections = steps.filter((s) => s.fields.length).map((step) => {
    const rows = rowsOf(step, shown);
    return h("section", { class: "vic-summary-section", "data-step": step.id },
      h("h3", {}, step.title, " ", h("button", { type: "button", class: "btn btn-sm btn-link vic-edit",
        onclick: () => ui.goToStep(step.id), "aria-label": `Change ${step.title}` }, "Change")),
      rows.length ? h("dl", { class: "vic-facts" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))
        : h("p", { class: "vic-muted" }, EMPTY[step.id] || "Defaults"));
  });
  const command = h("pre", { class: "vic-command", id: "cli-command" }, "…");
  const status = h("span", { class: "vic-copy-status", id: "copy-cli-status", role: "status" });
  const os = h("select", { class: "clr-select", id: "cli-os", "aria-label": "Operating system of the command" },
    ...OS.map(([value, label]) => h("option", { value }, label)));
  os.value = defaultOs();
  let commands = null;
  // Shown one flag and its value to a piece that does not break (lines wrap between flags); copied as one line.
  const showCommand = () => {
    if (!commands) return;
    const text = commands[os.value];
    command.dataset.command = text;
    command.replaceChildren(...text.split(/ (?=--)/).flatMap((part, i) => [i ? " " : "", h("span", { class: "vic-arg" }, part)]));
    status.textContent = "";
  };
  os.addEventListener("change", showCommand);
  const copy = h("button", { type: "button", class: "btn btn-sm btn-outline", id: "copy-cli",
    onclick: async () => { status.textContent = (await copyText(command.dataset.command || command.textContent)) ? "Copied" : "Copy failed"; } },
  "Copy CLI command");
  page.append(h("div", { class: "vic-summary" }, checks, ...sections,
    h("section", { class: "vic-summary-section vic-cli" }, h("h3", {}, "Equivalent command"),
      h("div", { class: "vic-cli-tools" }, h("label", { for: "cli-os" }, "For"), selectBox(os), copy, status),
      command,
      h("p", { class: "clr-subtext vic-muted" }, "VIC Engine 1.5.8's vic-machine runs it as it is, and so does this "
        + "project's vic-machine (write vic-machine for the program's name). It asks for the password; PEM files are "
        + "named as vic-machine writes them."))));

  const target = ui.target;
  const dc = (target.datacenters || []).find((d) => d.id === state.datacenter) || (target.datacenters || [])[0];
  const query = new URLSearchParams({ target: target.target, ...(dc ? { datacenter: dc.name } : {}) });
  post(`api/create-command?${query}`, shown).then((answer) => {
    commands = answer.commands || { linux: answer.command, darwin: answer.command, windows: answer.command };
    showCommand();
  }, (error) => { command.textContent = `(unavailable: ${error.message})`; });

  let findings;
  try {
    findings = await ui.validateAll();
  } catch (error) {
    checks.replaceChildren(alertBox("danger", `The configuration could not be checked: ${error.message}`));
    return;
  }
  if (!checks.isConnected) return;
  const key = (f) => `${f.code}|${f.path}|${f.message}`;
  const label = (f) => (byPath.get(f.path.replace(/\[\d+\]/g, "[]")) || {}).label || "";
  const goTo = (f) => {
    const step = ui.stepOf(f.path) || steps.find((s) => s.id === f.step);
    return step && step.id !== "summary" ? h("button", { type: "button", class: "btn btn-sm btn-link",
      onclick: () => ui.goToStep(step.id) }, `Go to ${step.title}`) : null;
  };
  const sentence = (f) => {
    const message = String(f.message || "");
    const text = label(f) && /^[a-z]/.test(message) ? `${label(f)} ${message}` : message;
    return `${label(f) && text.startsWith(label(f)) ? "" : label(f) ? `${label(f)}: ` : ""}${text}${f.remedy ? ` — ${f.remedy}` : ""}`;
  };
  const errors = findings.filter((f) => f.level === "error");
  const warnings = findings.filter((f) => f.level === "warning");
  const parts = [];
  if (errors.length) {
    parts.push(alertBox("danger", h("span", {}, `${errors.length} problem${errors.length === 1 ? "" : "s"} must be fixed before the VCH can be created:`),
      h("ul", { id: "summary-errors", class: "vic-findings" }, ...errors.map((f) => h("li", {}, sentence(f), " ", goTo(f))))));
  }
  // Only while this page is the one shown: the user may have gone back before the check answered.
  const update = () => {
    if (!checks.isConnected) return;
    forward.disabled = errors.length > 0 || !warnings.every((f) => state.acks.has(key(f)));
  };
  if (warnings.length) {
    parts.push(h("div", { class: "vic-summary-warnings", role: "group", "aria-labelledby": "summary-warnings-title" },
      h("div", {}, h("div", {}, h("div", {},
        h("div", { class: "vic-warnings-head" }, h("strong", { id: "summary-warnings-title" },
          `Confirm ${warnings.length === 1 ? "this warning" : `these ${warnings.length} warnings`} to create the VCH as it is:`),
        warnings.length > 1 ? h("button", { type: "button", class: "btn btn-sm btn-link", id: "confirm-all-warnings",
          onclick: () => {
            warnings.forEach((f) => state.acks.add(key(f)));
            page.querySelectorAll("input.vic-ack").forEach((box) => { box.checked = true; });
            update();
          } }, "Confirm all") : null),
        h("ul", { id: "summary-warnings", class: "vic-findings" }, ...warnings.map((f, i) => {
          const box = h("input", { type: "checkbox", class: "clr-checkbox vic-ack", id: `ack-${i}`, checked: state.acks.has(key(f)),
            onchange: () => { if (box.checked) state.acks.add(key(f)); else state.acks.delete(key(f)); update(); } });
          return h("li", {}, h("div", { class: "clr-checkbox-wrapper" }, box, h("label", { for: `ack-${i}` }, sentence(f))), goTo(f));
        })))))));
  }
  if (!errors.length && !warnings.length) parts.push(alertBox("success", "vCenter has nothing to object to in this configuration."));
  checks.replaceChildren(...parts);
  checks.dataset.done = "true";
  update();
}
