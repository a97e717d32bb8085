// The Create Virtual Container Host wizard, rendered from GET /container/wizard. Each page is checked in
// the browser first (messages beside fields), then by the server for that step (…/vch/validate?step=).
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
  const steps = description.steps;
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

  async function loadInventory() {
    state.inventory = await get(`${targetPath(target, state.datacenter)}/inventory`);
  }

  function base() { return targetPath(target, state.datacenter); }

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
      const items = (state.rows[field.path] || []).map((row) => {
        return unwrap(buildModel(field.fields, row), field.path);
      }).filter((item) => item && Object.keys(item).length);
      if (items.length) setPath(built, field.path, items);
    }
    if (state.values["vic.server_cert"] !== "existing") {
      delete built.auth?.server?.certificate;
      delete built.auth?.server?.private_key;
    }
    return built;
  }

  function unwrap(item, path) {
    // Sub-field paths are "<list>[].<key>": their values land under "<list>[]".
    return path.split(".").slice(0, -1).reduce((v, k) => v?.[k], item)?.[`${path.split(".").pop()}[]`];
  }

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
      if (widget && finding.level === "error") widget.show(text);
      else loose.push(alertBox(finding.level === "error" ? "danger" : "warning", text));
    }
    stepAlert.replaceChildren(...loose);
  }

  async function next() {
    if (state.finished) { window.htmlClientSdk.modal.close({ created: state.finished }); return; }
    collect();
    stepAlert.replaceChildren();
    if (!clientChecks()) return;
    const step = steps[index];
    if (step.id === "summary") { finish(); return; }
    forward.disabled = true;
    try {
      const answer = await post(`${base()}/vch/validate?step=${encodeURIComponent(step.id)}`, model());
      showFindings(answer.findings.filter((f) => f.step === step.id || !f.step));
      if (!answer.findings.some((f) => f.level === "error" && (f.step === step.id || !f.step))) await go(index + 1);
    } catch (error) {
      stepAlert.replaceChildren(alertBox("danger", error.message));
    } finally {
      forward.disabled = false;
    }
  }

  async function go(target_) {
    if (target_ < 0 || target_ >= steps.length) return;
    if (target_ < index) collect();
    index = target_;
    await draw();
    title.focus();
  }

  async function draw() {
    const step = steps[index];
    nav.replaceChildren(...steps.map((s, i) => h("li", { class: i === index ? "vic-current" : (i < index ? "vic-done" : ""),
      "aria-current": i === index ? "step" : undefined }, s.title)));
    title.textContent = step.title;
    page.dataset.step = step.id;
    back.disabled = index === 0;
    forward.textContent = step.id === "summary" ? "Finish" : "Next";
    page.replaceChildren();
    stepAlert.replaceChildren();
    if (step.id === "summary") { state.widgets = []; await renderSummary(page, steps, model()); return; }
    if ((step.id === "compute" || step.id === "storage" || step.id === "networks") && !state.inventory) {
      page.append(h("p", { class: "vic-loading" }, "Reading the inventory…"));
      try { await loadInventory(); } catch (error) { page.replaceChildren(alertBox("danger", error.message)); return; }
      page.replaceChildren();
    }
    if (step.id === "compute" && datacenters.length > 1) page.append(datacenterPicker());
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
    const progress = progressList();
    page.replaceChildren(progress.element);
    title.textContent = "Creating the virtual container host";
    try {
      const op = await post(`${base()}/vch`, model());
      const end = await progress.follow(op.id);
      if (end.state === "success") done(end.result || {});
      else { back.disabled = false; }
    } catch (error) {
      page.append(alertBox("danger", error.message));
      back.disabled = false;
    }
  }

  function done(result) {
    const id = result.id || result.vch_id;
    const endpoint = result.docker_host || (result.runtime || {}).docker_host;
    page.append(alertBox("success", `${result.name || "The VCH"} was created.`),
      endpoint ? h("p", {}, "Docker API endpoint: ", h("code", { class: "vic-endpoint" }, `DOCKER_HOST=${endpoint}`)) : null,
      id && result.tls !== false ? h("button", { type: "button", class: "btn btn-outline", id: "download-bundle",
        onclick: () => download(`${base()}/vch/${encodeURIComponent(id)}/certificate-bundle`, `${result.name || id}-certificates.zip`) },
      "Download certificate bundle") : null);
    state.finished = id || true;
    forward.textContent = "Close";
    forward.disabled = false;
  }

  await draw();
}
