// The Configure Virtual Container Host wizard: the Create wizard's pages (wizard/) showing only the fields
// configure can change, pre-filled from the VCH's stored configuration (GET …/vch/<id>/spec). The last page lists
// what changed and asks the server (PATCH ?dry_run=true) whether that restarts the VCH before anything is done;
// Apply sends a PATCH of only the changed fields and follows its progress.
import { ApiError, get, request } from "./api.js";
import { alertBox, h } from "./dom.js";
import { closeButton, closeOnEscape, contextVch } from "./modal.js";
import { progressList } from "./progress.js";
import { buildModel, getPath, quantityText, rawFromModel, setPath } from "./wizard/model.js";
import { hidden } from "./wizard/steps.js";
import { rowsModel, runWizard } from "./wizard/wizard.js";

/** The model the configurable fields describe, from raw values and object-list rows. */
function modelOf(fields, values, rows) {
  const model = buildModel(fields.filter((f) => f.type !== "object"), values);
  for (const field of fields.filter((f) => f.type === "object")) {
    const items = rowsModel(field, rows[field.path]);
    if (items.length) setPath(model, field.path, items);
  }
  return model;
}

/** {patch, changed: [field]}: the fields whose value differs, each set (or cleared) in a partial model. */
export function diff(fields, before, after) {
  const patch = {};
  const changed = [];
  for (const field of fields) {
    const was = getPath(before, field.path);
    const now = getPath(after, field.path);
    if (JSON.stringify(was ?? null) === JSON.stringify(now ?? null)) continue;
    setPath(patch, field.path, now ?? (field.multiple ? [] : null));
    changed.push(field);
  }
  return { patch, changed };
}

function shown(field, value) {
  if (field.secret || /password|private_key/.test(field.path)) return value === undefined ? "-" : "(new value)";
  if (field.type === "quantity" && !(field.choices || []).length) return quantityText(field, value);
  if (value === undefined || value === null || value === "") return "-";
  if (Array.isArray(value)) return value.length ? value.map((v) => shown(field, v)).join(", ") : "-";
  if (typeof value === "object") {
    if ("pem" in value) return "(PEM certificate)";
    if ("value" in value) return `${value.value} ${value.units || ""}`.trim();
    if ("level" in value || "number" in value) return String(value.level ?? value.number);
    return Object.values(value).filter((v) => typeof v !== "object").join(" ") || JSON.stringify(value);
  }
  return String(value);
}

export async function render(root) {
  const { target, path } = await contextVch();
  let description;
  let current;
  try {
    [description, current] = await Promise.all([get("container/wizard"), get(`${path}/spec`)]);
  } catch (error) {
    closeOnEscape();
    root.append(alertBox("danger", error instanceof ApiError && error.status === 404
      ? "This VM is not a virtual container host." : `Cannot read the VCH's configuration: ${error.message}`),
    h("div", { class: "vic-buttons" }, closeButton("Close")));
    return;
  }
  const stored = current.vch;
  const prefixes = [...current.configurable.live, ...current.configurable.restart];
  const everyField = description.steps.flatMap((s) => s.fields);
  const { values, rows } = rawFromModel(everyField, stored);
  const computePath = getPath(stored, "compute.resource.name") || "";
  const dcName = computePath.split("/")[1];
  const state = { values, rows, widgets: [], compute: null, inventory: null, configure: true, computePath,
    datacenter: ((target.datacenters || []).find((d) => d.name === dcName) || {}).id };
  // The stored certificate is the "existing" one; replacing it means pasting a new certificate and key.
  state.values["vic.server_cert"] = "existing";
  const configurable = (f) => prefixes.some((p) => f.path.startsWith(p)) && !hidden(state, f.path);
  const steps = description.steps.map((s) => ({ ...s, fields: s.fields.filter(configurable) }))
    .filter((s) => s.fields.length || s.id === "summary")
    .map((s) => (s.id === "summary" ? { ...s, title: "Review and apply" } : s));
  const fields = steps.flatMap((s) => s.fields);
  const before = modelOf(fields, structuredClone(values), structuredClone(rows));
  const live = (f) => current.configurable.live.some((p) => f.path.startsWith(p));
  let pending = null;

  async function summary(page, after, ui) {
    const { patch, changed } = diff(fields, before, after);
    pending = null;
    ui.forward.textContent = "Apply";
    ui.forward.disabled = true;
    if (!changed.length) {
      page.append(alertBox("info", "Nothing is changed yet: go back and change a field."));
      return;
    }
    page.append(h("table", { class: "table table-compact vic-changes" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Now"),
        h("th", { scope: "col" }, "After"), h("th", { scope: "col" }, "How"))),
      h("tbody", {}, ...changed.map((f) => h("tr", { "data-path": f.path }, h("th", { scope: "row" }, f.label),
        h("td", {}, shown(f, getPath(before, f.path))), h("td", {}, shown(f, getPath(after, f.path))),
        h("td", {}, live(f) ? "live" : "restart"))))));
    const verdict = h("div", { class: "vic-preview", "aria-live": "polite" }, h("p", { class: "vic-loading" }, "Checking the change…"));
    page.append(verdict);
    let preview;
    try {
      preview = (await request("PATCH", `${path}?dry_run=true`, patch)).configure;
    } catch (error) {
      verdict.replaceChildren(refused(error, ui));
      return;
    }
    if (!verdict.isConnected) return;  // the user went back meanwhile
    pending = { patch, preview };
    const warnings = (preview.warnings || []).map((w) => alertBox("warning", w));
    if (!preview.needs_restart) {
      verdict.replaceChildren(alertBox("info", "This change is applied live: the VCH keeps running."), ...warnings);
      ui.forward.disabled = false;
      return;
    }
    const confirm = h("input", { type: "checkbox", id: "confirm-restart", class: "clr-checkbox",
      onchange: () => { ui.forward.disabled = !confirm.checked; } });
    verdict.replaceChildren(alertBox("warning", h("strong", {}, "This change restarts the VCH. "),
      "Its Docker API is unavailable until the endpoint VM is back; running containers keep running. ",
      "A snapshot is taken first and the VCH is returned to it if anything fails."), ...warnings,
    h("div", { class: "clr-checkbox-wrapper" }, confirm,
      h("label", { for: "confirm-restart" }, `Restart ${stored.name} to apply the change`)));
    ui.forward.textContent = "Apply and restart";
  }

  // The server's 422 names fields: each message with its label, and a way back to its page.
  function refused(error, ui) {
    const errors = Object.entries((error instanceof ApiError && error.errors) || {});
    if (!errors.length) return alertBox("danger", error.message);
    return alertBox("danger", h("span", {}, "The change is refused:"), h("ul", { class: "vic-refusals" },
      ...errors.map(([where, messages]) => {
        const field = fields.find((f) => where === f.path || where.startsWith(`${f.path}.`) || where.startsWith(`${f.path}[`));
        const step = field && ui.steps.find((s) => s.fields.includes(field));
        return h("li", {}, `${field ? field.label : where}: ${[].concat(messages).join("; ")} `,
          step ? h("button", { type: "button", class: "btn btn-sm btn-link", onclick: () => state.goToStep(step.id) },
            `Go to ${step.title}`) : null);
      })));
  }

  async function finish(after, ui) {
    if (!pending) return;
    const progress = progressList();
    ui.page.replaceChildren(progress.element);
    ui.title.textContent = `Configuring ${stored.name}`;
    const op = await request("PATCH", path, pending.patch);
    const end = await progress.follow(op.id);
    if (end.state !== "success") {
      const left = (end.error && end.error.left) || [];
      if (!left.length) ui.page.append(h("p", { class: "vic-kept" }, `${stored.name} keeps its previous configuration.`));
      return;
    }
    const result = end.result || {};
    ui.page.append(alertBox("success", `${stored.name} was configured: ${(result.changed || []).join(", ")} changed`,
      result.needs_restart ? " and the VCH restarted." : " live, without a restart."));
    ui.done(true);
  }

  await runWizard(root, { target, state, steps, validate: async () => [], summary, finish });
}
