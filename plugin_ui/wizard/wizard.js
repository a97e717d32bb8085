// The Create Virtual Container Host wizard, rendered from GET /container/wizard. Each page is checked in
// the browser first (messages beside fields), then by the server for that step (…/vch/validate?step=).
// runWizard is the page machinery the Configure VCH wizard (../configure.js) shares.
import { currentTarget, download, get, parseObjectId, post, targetPath } from "../api.js";
import { alertBox, h } from "../dom.js";
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
    summary: (page, model, ui) => { ui.forward.textContent = "Finish"; return renderSummary(page, ui.steps, model); },
    finish: (model, ui) => create(model, ui, base),
  });
}

/**
 * Pages, navigation and checks of a wizard. setup: {target, state, steps, validate(step, model) → findings,
 * summary(page, model, ui), finish(model, ui)}; ui: {page, title, forward, back, steps, done(result)}.
 */
export async function runWizard(root, setup) {
  const { target, state, steps } = setup;
  const datacenters = target.datacenters || [];
  const fields = steps.flatMap((s) => s.fields);
  let index = 0;

  const nav = h("ol", { class: "vic-wizard-steps" });
  const title = h("h2", { class: "vic-step-title", tabindex: "-1" });
  const page = h("form", { class: "clr-form clr-form-horizontal vic-page", novalidate: true,
    onsubmit: (e) => { e.preventDefault(); next(); } });
  const stepAlert = h("div", { class: "vic-step-alert", "aria-live": "polite" });
  const back = h("button", { type: "button", class: "btn btn-outline", onclick: () => go(index - 1) }, "Back");
  const forward = h("button", { type: "button", class: "btn btn-primary", id: "wizard-next", onclick: () => next() }, "Next");
  const cancel = h("button", { type: "button", class: "btn btn-link", onclick: () => window.htmlClientSdk.modal.close(null) }, "Cancel");
  root.append(h("div", { class: "vic-wizard" }, nav,
    h("div", { class: "vic-wizard-main" }, title, stepAlert, page, h("div", { class: "vic-wizard-footer" }, cancel, back, forward))));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") window.htmlClientSdk.modal.close(null); });
  const ui = { page, title, forward, back, steps, done: (result) => { state.finished = result || true; } };

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
    extras["storage.image_stores"] = store ? [store] : undefined;
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

  function clientChecks() {
    let ok = true;
    for (const w of state.widgets) {
      const problem = w.field.type === "managed_object" && w.field.path === "compute.resource"
        ? (w.read() ? "" : "Choose a cluster, host or resource pool") : checkField(w.field, w.read());
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

  function showFindings(findings) {
    const loose = [];
    for (const finding of findings) {
      const plainPath = finding.path.replace(/\[\d+\]/g, "");
      const widget = state.widgets.find((w) => w.rowPath === finding.path)
        || state.widgets.find((w) => w.field.path === finding.path || w.field.path === plainPath);
      const text = `${finding.message}${finding.remedy ? ` — ${finding.remedy}` : ""}`;
      if (finding.code === "firewall.blocked" && state.compute) loose.push(firewallAlert(finding));
      else if (widget && finding.level === "error") widget.show(text);
      else loose.push(alertBox(finding.level === "error" ? "danger" : "warning", text));
    }
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

  /** The server's findings for this page shown; true when none is an error. */
  async function checkStep() {
    const step = steps[index];
    const findings = (await setup.validate(step, model())).filter((f) => f.step === step.id || !f.step);
    showFindings(findings);
    return !findings.some((f) => f.level === "error");
  }

  async function next() {
    if (state.finished) { window.htmlClientSdk.modal.close({ finished: state.finished }); return; }
    if (forward.disabled) return;  // Enter in the form must not pass a button the page disabled
    collect();
    stepAlert.replaceChildren();
    if (!clientChecks()) return;
    const step = steps[index];
    if (step.id === "summary") { finish(); return; }
    forward.disabled = true;
    let ok = false;
    try {
      ok = await checkStep();
    } catch (error) {
      stepAlert.replaceChildren(alertBox("danger", error.message));
    }
    forward.disabled = false;
    if (ok) await go(index + 1);
  }

  async function go(target_) {
    if (target_ < 0 || target_ >= steps.length) return;
    if (target_ < index) collect();
    index = target_;
    await draw();
    title.focus();
  }
  state.goToStep = (id) => go(steps.findIndex((s) => s.id === id));

  async function draw() {
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
      try { await loadInventory(); } catch (error) { page.replaceChildren(alertBox("danger", error.message)); return; }
      page.replaceChildren();
    }
    if (step.id === "compute" && datacenters.length > 1 && !state.configure) page.append(datacenterPicker());
    renderStep(state, step, page);
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
    stepAlert.replaceChildren();
    try {
      await setup.finish(model(), ui);
    } catch (error) {
      page.append(alertBox("danger", error.message));
    }
    if (state.finished) {
      forward.textContent = "Close";
      forward.disabled = false;
    } else back.disabled = false;
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

async function create(model, ui, base) {
  const progress = progressList();
  ui.page.replaceChildren(progress.element);
  ui.title.textContent = "Creating the virtual container host";
  const op = await post(`${base()}/vch`, model);
  const end = await progress.follow(op.id);
  if (end.state !== "success") return;
  const result = end.result || {};
  const id = result.id || result.vch_id;
  const endpoint = result.docker_host || (result.runtime || {}).docker_host;
  ui.page.append(alertBox("success", `${result.name || "The VCH"} was created.`),
    endpoint ? h("p", {}, "Docker API endpoint: ", h("code", { class: "vic-endpoint" }, `DOCKER_HOST=${endpoint}`)) : null,
    id && result.tls !== false ? h("button", { type: "button", class: "btn btn-outline", id: "download-bundle",
      onclick: () => download(`${base()}/vch/${encodeURIComponent(id)}/certificate-bundle`, `${result.name || id}-certificates.zip`) },
    "Download certificate bundle") : null);
  ui.done(id);
}
