// The Create Virtual Container Host wizard, rendered from GET /container/wizard. Each page is checked in
// the browser first (messages beside fields), then by the server for that step (…/vch/validate?step=): errors
// keep the page, warnings are shown beside their fields (the first Next stays so they are read), kept while the
// value stays, and listed on the Summary, where each is confirmed before Finish.
// runWizard is the page machinery the Configure VCH wizard (../configure.js) shares.
import { currentTarget, download, get, parseObjectId, post, targetPath } from "../api.js";
import { alertBox, h } from "../dom.js";
import { dialogKeys } from "../modal.js";
import { progressList } from "../progress.js";
import { checkField } from "./checks.js";
import { buildModel, setPath } from "./model.js";
import { renderStep } from "./steps.js";
import { renderSummary } from "./summary.js";

export async function render(root) {
  const [description, target] = await Promise.all([get("container/wizard"), currentTarget()]);
  const context = parseObjectId(((window.htmlClientSdk.app.getContextObjects() || [])[0] || {}).id);
  const datacenters = target.datacenters || [];
  const state = { values: {}, rows: {}, widgets: [], compute: null, inventory: null, preselect: context.moid,
    datacenter: (datacenters.find((d) => d.id === context.moid) || datacenters[0] || {}).id };
  const base = () => targetPath(target, state.datacenter);
  await runWizard(root, {
    target, state, steps: description.steps,
    validate: async (step, model) => (await post(`${base()}/vch/validate?step=${encodeURIComponent(step.id)}`, model)).findings,
    summary: (page, model, ui) => { ui.forward.textContent = "Finish"; return renderSummary(page, ui, model); },
    finish: (model, ui) => create(model, ui, base),
  });
}

const key = (f) => `${f.code}|${f.path}|${f.message}`;

/** A finding's text as a sentence: the field's label first when the message is only the rest of one. */
export function findingText(finding, label) {
  const message = String(finding.message || "");
  const sentence = label && /^[a-z]/.test(message) ? `${label} ${message}` : message;
  return `${sentence}${finding.remedy ? ` — ${finding.remedy}` : ""}`;
}

/**
 * Pages, navigation and checks of a wizard. setup: {target, state, steps, validate(step, model) → findings,
 * summary(page, model, ui), finish(model, ui)}; ui: {page, title, forward, back, steps, done(result), ...}.
 */
export async function runWizard(root, setup) {
  const { target, state, steps } = setup;
  const datacenters = target.datacenters || [];
  const fields = steps.flatMap((s) => s.fields);
  const byPath = new Map();
  for (const f of fields) { byPath.set(f.path, f); (f.fields || []).forEach((sub) => byPath.set(sub.path, sub)); }
  state.findings ??= {};
  state.acks ??= new Set();
  let index = 0;
  const seen = new Set();  // warnings shown once on their page already

  const nav = h("ol", { class: "vic-wizard-steps" });
  const title = h("h2", { class: "vic-step-title", tabindex: "-1" });
  const page = h("form", { class: "clr-form clr-form-horizontal vic-page", novalidate: true,
    onsubmit: (e) => { e.preventDefault(); next(); } });
  const stepAlert = h("div", { class: "vic-step-alert", "aria-live": "polite" });
  const back = h("button", { type: "button", class: "btn btn-outline", id: "wizard-back", onclick: () => go(index - 1) }, "Back");
  const forward = h("button", { type: "button", class: "btn btn-primary", id: "wizard-next", onclick: () => next() }, "Next");
  const cancel = h("button", { type: "button", class: "btn btn-link", id: "wizard-cancel",
    onclick: () => window.htmlClientSdk.modal.close(null) }, "Cancel");
  root.append(h("div", { class: "vic-wizard" }, nav,
    h("div", { class: "vic-wizard-main" }, title, stepAlert, page, h("div", { class: "vic-wizard-footer" }, cancel, back, forward))));
  dialogKeys(() => forward, () => (state.finished ? { finished: state.finished } : null));
  const ui = { page, title, forward, back, steps, byPath, state, target,
    done: (result) => { state.finished = result || true; },
    goToStep: (id) => go(steps.findIndex((s) => s.id === id)),
    validateAll: () => setup.validate({ id: "summary" }, model()),
    displayModel: () => displayModel(model()),
    stepOf: (path) => stepOfPath(path) };

  // A changed value makes what the server said about it stale.
  const forget = (e) => {
    const widget = state.widgets.find((w) => w.element && w.element.contains(e.target));
    const step = steps[index];
    if (!widget || !state.findings[step.id]) return;
    const path = widget.rowPath || widget.field.path;
    state.findings[step.id] = state.findings[step.id].filter((f) => f.path !== path && f.path.replace(/\[\d+\]/g, "") !== path);
  };
  page.addEventListener("input", forget);
  page.addEventListener("change", forget);

  async function loadInventory() {
    state.inventory = await get(`${targetPath(target, state.datacenter)}/inventory`);
    if (state.computePath) state.compute = findNode(state.inventory.compute || [], state.computePath);
  }

  function collect() {
    for (const w of state.widgets) if (!w.rowPath) state.values[w.field.path] = w.read();
  }

  function model() {
    const extras = { "compute.resource": state.values["compute.resource"] || undefined };
    const store = state.values["storage.image_stores"];
    extras["storage.image_stores"] = store ? [].concat(store) : undefined;
    const plain = fields.filter((f) => !["compute.resource", "storage.image_stores"].includes(f.path));
    const built = buildModel(plain, state.values, extras);
    for (const field of fields.filter((f) => f.type === "object")) {
      const items = rowsModel(field, state.rows[field.path]);
      if (items.length) setPath(built, field.path, items);
    }
    if (state.values["vic.server_cert"] !== "existing") {
      delete built.auth?.server?.certificate;
      delete built.auth?.server?.private_key;
    }
    return built;
  }
  state.model = model;

  // The model with names and inventory paths where it holds ids: what a person reads and vic-machine 1.5.8 takes.
  function displayModel(built) {
    const shown = structuredClone(built);
    const compute = shown.compute?.resource;
    if (compute && compute.id) {
      const node = state.compute && state.compute.id === compute.id ? state.compute
        : findById(state.inventory?.compute || [], compute.id);
      if (node) shown.compute.resource = { name: node.path };
    }
    const networks = state.inventory?.networks || [];
    const rename = (holder) => {
      const pg = holder && holder.port_group;
      if (pg && pg.id) {
        const net = networks.find((n) => n.id === pg.id);
        if (net) holder.port_group = { name: net.name };
      }
    };
    if (shown.network) {
      ["bridge", "public", "client", "management"].forEach((role) => rename(shown.network[role]));
      (shown.network.container || []).forEach(rename);
    }
    return shown;
  }

  function stepOfPath(path) {
    const plain = path.replace(/\[\d+\]/g, "[]");
    return steps.find((s) => s.fields.some((f) => f.path === plain || plain.startsWith(`${f.path}.`) || plain.startsWith(`${f.path}[]`)
      || (f.fields || []).some((sub) => sub.path === plain)));
  }

  function clientChecks() {
    let ok = true;
    for (const w of state.widgets) {
      const problem = w.field.type === "managed_object" && w.field.path === "compute.resource"
        ? (w.read() ? "" : "Choose a cluster, host or resource pool")
        : (w.check ? w.check() : "") || checkField(w.field, w.read());
      w.show(problem);
      if (problem) ok = false;
    }
    const staticIp = state.widgets.find((w) => w.field.path === "network.public.static");
    const gateway = state.widgets.find((w) => w.field.path === "network.public.gateway.address");
    if (staticIp && gateway && staticIp.read() && !gateway.read()) {
      gateway.show("A gateway is required with a static public IP");
      ok = false;
    }
    return ok;
  }

  function widgetFor(finding) {
    const plainPath = finding.path.replace(/\[\d+\]/g, "");
    return state.widgets.find((w) => w.rowPath === finding.path)
      || state.widgets.find((w) => w.field.path === finding.path || w.field.path === plainPath)
      || state.widgets.find((w) => plainPath.startsWith(`${w.field.path}.`));
  }

  /** The findings of this page beside their fields (or above them when no field shows them). */
  function showFindings(findings) {
    const loose = [];
    for (const w of state.widgets) { w.warn?.(""); w.unclaim?.(); }
    for (const finding of findings) {
      const claimer = finding.level === "warning" && state.widgets.find((w) => w.claims && w.claims(finding));
      if (claimer) continue;
      const widget = widgetFor(finding);
      const label = (byPath.get(finding.path.replace(/\[\d+\]/g, "[]")) || {}).label || (widget && widget.field.label);
      const text = findingText(finding, label);
      if (finding.code === "firewall.blocked" && state.compute) loose.push(firewallAlert(finding));
      else if (widget && finding.level === "error") widget.show(text);
      else if (widget && finding.level === "warning" && widget.warn) widget.warn(text);
      else loose.push(alertBox(finding.level === "error" ? "danger" : "warning", text));
    }
    state.widgets.forEach((w) => { if (w.unclaim) w.redraw?.(); });
    stepAlert.replaceChildren(...loose);
  }

  // The firewall finding can be fixed from here: enable ruleset vic-engine on the chosen resource's hosts.
  function firewallAlert(finding) {
    const fix = h("button", { type: "button", class: "btn btn-sm btn-primary vic-fix", id: "fix-firewall",
      onclick: async () => {
        fix.disabled = true;
        collect();
        try {
          await post(`${targetPath(target, state.datacenter)}?action=firewall:allow&compute-resource=${encodeURIComponent(state.compute.path)}`);
          await checkStep();
        } catch (error) {
          stepAlert.append(alertBox("danger", `Could not change the firewall: ${error.message}`));
          fix.disabled = false;
        }
      } }, "Fix");
    return alertBox("danger", `${finding.message}.`, h("span", { class: "vic-fix-row" }, fix,
      `Enable ruleset vic-engine on each host of ${state.compute.path}`));
  }

  /** The server's findings for this page, kept and shown; the findings. */
  async function checkStep() {
    const step = steps[index];
    const findings = (await setup.validate(step, model())).filter((f) => f.step === step.id || !f.step);
    state.findings[step.id] = findings;
    showFindings(findings);
    return findings;
  }

  async function next() {
    if (state.finished) { window.htmlClientSdk.modal.close({ finished: state.finished }); return; }
    if (forward.disabled) return;  // Enter must not pass a button the page disabled
    collect();
    stepAlert.replaceChildren();
    if (!clientChecks()) return;
    const step = steps[index];
    if (step.id === "summary") { finish(); return; }
    forward.disabled = true;
    let findings = null;
    try {
      findings = await checkStep();
    } catch (error) {
      stepAlert.replaceChildren(alertBox("danger", error.message));
    }
    forward.disabled = false;
    if (!findings || findings.some((f) => f.level === "error")) return;
    const fresh = findings.filter((f) => f.level === "warning" && !seen.has(key(f)));
    if (fresh.length) {
      fresh.forEach((f) => seen.add(key(f)));
      const count = findings.filter((f) => f.level === "warning").length;
      stepAlert.prepend(alertBox("warning", `${count} warning${count === 1 ? "" : "s"} on this page, beside `
        + `${count === 1 ? "its field" : "their fields"}. Next goes on anyway; the Summary asks you to confirm `
        + `${count === 1 ? "it" : "them"} before the VCH is created.`));
      return;
    }
    await go(index + 1);
  }

  async function go(target_) {
    if (target_ < 0 || target_ >= steps.length || state.finished) return;
    collect();
    index = target_;
    await draw();
    title.focus();
  }
  state.goToStep = ui.goToStep;

  let drawing = 0;  // a later draw (the user moved on) makes an earlier one that is still waiting stop
  async function draw() {
    const mine = ++drawing;
    const step = steps[index];
    nav.replaceChildren(...steps.map((s, i) => h("li", { class: i === index ? "vic-current" : (i < index ? "vic-done" : ""),
      "aria-current": i === index ? "step" : undefined }, s.title)));
    title.textContent = step.title;
    page.dataset.step = step.id;
    back.disabled = index === 0;
    forward.textContent = "Next";
    forward.disabled = false;
    page.replaceChildren();
    stepAlert.replaceChildren();
    if (step.id === "summary") { state.widgets = []; await setup.summary(page, model(), ui); return; }
    if ((step.id === "compute" || step.id === "storage" || step.id === "networks") && !state.inventory) {
      page.append(h("p", { class: "vic-loading" }, "Reading the inventory…"));
      try { await loadInventory(); } catch (error) {
        if (mine === drawing) page.replaceChildren(alertBox("danger", error.message));
        return;
      }
      if (mine !== drawing) return;
      page.replaceChildren();
    }
    if (step.id === "compute" && datacenters.length > 1 && !state.configure) page.append(datacenterPicker());
    renderStep(state, step, page);
    if (state.findings[step.id]) showFindings(state.findings[step.id]);
  }

  function datacenterPicker() {
    const select = h("select", { id: "vic-datacenter", class: "clr-select", onchange: async () => {
      state.datacenter = select.value; state.inventory = null; state.compute = null; await draw(); } },
    ...datacenters.map((d) => h("option", { value: d.id, selected: d.id === state.datacenter }, d.name)));
    return h("div", { class: "clr-form-control" }, h("label", { for: "vic-datacenter", class: "clr-control-label" }, "Datacenter"), select);
  }

  state.redraw = () => { collect(); draw(); };

  async function finish() {
    forward.disabled = true;
    back.disabled = true;
    cancel.disabled = true;
    stepAlert.replaceChildren();
    try {
      await setup.finish(model(), ui);
    } catch (error) {
      page.append(alertBox("danger", error.message));
    }
    cancel.disabled = false;
    if (state.finished) {
      // Done: the result, and only a way out.
      nav.querySelectorAll("li").forEach((li) => { li.className = "vic-done"; li.removeAttribute("aria-current"); });
      cancel.hidden = true;
      back.hidden = true;
      forward.textContent = "Close";
      forward.disabled = false;
      forward.focus();
    } else {
      // Failed (everything it did undone): change something and try again, or leave.
      back.disabled = false;
      cancel.textContent = "Close";
      forward.hidden = true;
    }
  }

  await draw();
}

/** An object list's rows ({sub path: raw}) as model items. */
export function rowsModel(field, rows) {
  // Sub-field paths are "<list>[].<key>": their values land under "<list>[]".
  const unwrap = (item) => field.path.split(".").slice(0, -1).reduce((v, k) => v?.[k], item)?.[`${field.path.split(".").pop()}[]`];
  return (rows || []).map((row) => unwrap(buildModel(field.fields, row))).filter((item) => item && Object.keys(item).length);
}

function findNode(nodes, path) {
  for (const node of nodes) {
    if (node.path === path) return node;
    const inner = findNode(node.children || [], path);
    if (inner) return inner;
  }
  return null;
}

function findById(nodes, id) {
  for (const node of nodes) {
    if (node.id === id || (node.aliases || []).includes(id)) return node;
    const inner = findById(node.children || [], id);
    if (inner) return inner;
  }
  return null;
}

async function create(model, ui, base) {
  const progress = progressList();
  ui.page.replaceChildren(progress.element);
  ui.title.textContent = "Creating the virtual container host";
  const op = await post(`${base()}/vch`, model);
  const end = await progress.follow(op.id);
  if (end.state !== "success") {
    ui.title.textContent = "The virtual container host was not created";
    return;
  }
  const result = end.result || {};
  const id = result.id || result.vch_id;
  const endpoint = result.docker_host || (result.runtime || {}).docker_host;
  const name = result.name || "The VCH";
  ui.title.textContent = `${name} is created`;
  // The result first; the steps it took folded away below it.
  const steps = progress.element.querySelectorAll(".vic-steps li").length;
  const warnings = (result.warnings || []).map((w) => (typeof w === "string" ? w : w.message));
  ui.page.replaceChildren(
    alertBox("success", `${name} was created.`,
      endpoint ? h("span", { class: "vic-created-endpoint" }, " Docker API endpoint: ",
        h("code", { class: "vic-endpoint" }, `DOCKER_HOST=${endpoint}`)) : null),
    id && result.tls !== false ? h("p", {}, h("button", { type: "button", class: "btn btn-outline", id: "download-bundle",
      onclick: () => download(`${base()}/vch/${encodeURIComponent(id)}/certificate-bundle`, `${result.name || id}-certificates.zip`) },
    "Download certificate bundle"), h("span", { class: "vic-muted" }, " (the client certificate and key Docker users connect with)")) : null,
    warnings.length ? alertBox("warning", `Created with ${warnings.length} warning${warnings.length === 1 ? "" : "s"}:`,
      h("ul", { class: "vic-findings" }, ...warnings.map((w) => h("li", {}, w)))) : null,
    h("details", { class: "vic-done-steps" }, h("summary", {}, `${steps} steps done`), progress.element));
  ui.done(id);
}
