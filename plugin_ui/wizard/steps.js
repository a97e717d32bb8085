// Each wizard page: the description's fields, with pickers where vCenter's inventory supplies the choices.
import { bytes, h } from "../dom.js";
import { computeTree } from "./compute.js";
import { renderField } from "./fields.js";

// Shown under "Advanced" (as VIC 1.5 did), by path prefix.
const ADVANCED = ["compute.cpu.reservation", "compute.cpu.shares", "compute.memory.reservation", "compute.memory.shares",
  "compute.affinity", "endpoint.", "network.client.", "network.management.", "registry.image_fetch_proxy",
  "network.container", "network.bridge.network_width", "debug"];

const isAdvanced = (path) => ADVANCED.some((p) => path.startsWith(p));

/** Networks every host of the chosen compute resource reaches; distributed only when asked. */
export function reachable(state, distributedOnly) {
  const hosts = state.compute ? state.compute.hosts || [] : [];
  return (state.inventory?.networks || []).filter((n) => (!distributedOnly || n.kind === "distributed")
    && hosts.every((host) => (n.hosts || []).includes(host)));
}

function networkChoices(state, distributedOnly) {
  return reachable(state, distributedOnly).map((n) => ({ value: n.id, label: `${n.name} (${n.kind}${n.switch_name ? `, ${n.switch_name}` : ""})` }));
}

function fieldFor(state, field) {
  if (field.type === "managed_object" && field.path.startsWith("network.")) {
    const bridge = field.path === "network.bridge.port_group";
    const choices = networkChoices(state, bridge);
    // A row's value is the chosen network's id once picked, the stored {id, name} before that.
    const wanted = typeof field.default === "string" ? field.default : field.default && (field.default.id || field.default.name);
    const match = (state.inventory?.networks || []).find((n) => n.id === wanted || n.name === wanted);
    const initial = state.values[field.path] ?? (match ? match.id : "");
    return renderField(field, { choices, initial, keepEmpty: true, emptyLabel: "None" });
  }
  return renderField(field, { initial: state.values[field.path] });
}

/** Rows of an object list (volume stores, container networks). */
function objectRows(state, field) {
  const rows = state.rows[field.path] ??= [];
  const list = h("div", { class: "vic-rows" });
  const add = h("button", { type: "button", class: "btn btn-sm btn-outline", onclick: () => { rows.push({}); draw(); } },
    `Add ${field.label.replace(/s$/, "").toLowerCase()}`);
  function draw() {
    list.replaceChildren(...rows.map((row, index) => {
      const widgets = field.fields.map((sub) => {
        const widget = fieldFor(state, { ...sub, path: sub.path, default: row[sub.path] ?? sub.default });
        widget.input.addEventListener("change", () => { row[sub.path] = widget.read(); });
        widget.input.addEventListener("input", () => { row[sub.path] = widget.read(); });
        widget.rowPath = sub.path.replace("[]", `[${index}]`);
        state.widgets.push(widget);
        return widget.element;
      });
      return h("fieldset", { class: "vic-row" }, h("legend", {}, `${field.label} ${index + 1}`), ...widgets,
        h("button", { type: "button", class: "btn btn-sm btn-link", onclick: () => { rows.splice(index, 1); draw(); } }, "Remove"));
    }));
  }
  draw();
  return h("section", { class: "vic-object-list", "data-path": field.path }, h("h3", {}, field.label),
    h("p", { class: "clr-subtext" }, field.help), list, add);
}

function datastorePicker(state, field) {
  const choices = (state.inventory?.datastores || []).filter((d) => d.accessible !== false)
    .map((d) => ({ value: d.name, label: `${d.name} (${bytes(d.free_space)} free)` }));
  const current = String(state.values[field.path] || "").replace(/^ds:\/\//, "");
  const [ds, ...folder] = current.split("/");
  const select = renderField({ ...field, path: field.path, multiple: false }, { choices, initial: ds || "", emptyLabel: "Choose a datastore" });
  const folderField = renderField({ path: `${field.path}.folder`, label: "Folder (optional)", type: "string",
    help: "A folder on the datastore for the VCH's images", required: false, choices: [] }, { initial: folder.join("/") });
  select.read = () => (select.input.value ? `ds://${select.input.value}${folderField.read() ? `/${folderField.read()}` : ""}` : "");
  state.widgets.push(select);
  return h("div", {}, select.element, folderField.element);
}

function securityChoice(state) {
  const mode = state.values["vic.server_cert"] || "generate";
  const radios = ["generate", "existing"].map((value) => h("div", { class: "clr-radio-wrapper" },
    h("input", { type: "radio", name: "server-cert", id: `server-cert-${value}`, value, checked: mode === value,
      onchange: () => { state.values["vic.server_cert"] = value; state.redraw(); } }),
    h("label", { for: `server-cert-${value}` }, value === "generate" ? "Generate a server certificate" : "Use an existing certificate and key")));
  return h("fieldset", { class: "vic-choice" }, h("legend", { class: "clr-control-label" }, "Server certificate"), ...radios);
}

/** Whether a field is left out given the other answers (no TLS, no client verification, generated cert). */
export function hidden(state, path) {
  const existing = state.values["vic.server_cert"] === "existing";
  if (path.startsWith("auth.server.generate.")) return existing || state.values["auth.no_tls"] === true;
  if (path === "auth.server.certificate" || path === "auth.server.private_key") return !existing || state.values["auth.no_tls"] === true;
  if (path.startsWith("auth.client.certificate_authorities")) return state.values["auth.client.no_tls_verify"] === true;
  return false;
}

/** Fill ``page`` with the step's fields; registers widgets in state.widgets. */
export function renderStep(state, step, page) {
  state.widgets = [];
  const basic = h("div", { class: "vic-basic" });
  const advanced = h("div", { class: "vic-advanced-body" });
  // A VCH being configured stays where it is: no compute tree, no certificate choice.
  if (step.id === "compute" && !state.configure) {
    const tree = computeTree(state.inventory?.compute || [], state.compute?.id || state.preselect, (node) => { state.compute = node; });
    state.widgets.push({ field: { path: "compute.resource", label: "Compute resource", required: true, type: "managed_object" },
      element: tree.element, read: () => (tree.value() ? { id: tree.value().id } : ""), show: (t) => showBeside(tree.element, t) });
    basic.append(tree.element);
  }
  if (step.id === "security" && !state.configure) basic.append(securityChoice(state));
  for (const field of step.fields) {
    if (field.path === "compute.resource" || hidden(state, field.path)) continue;
    let node;
    if (field.type === "object") node = objectRows(state, field);
    else if (field.path === "storage.image_stores") node = datastorePicker(state, field);
    else {
      const widget = fieldFor(state, field);
      state.widgets.push(widget);
      if (["auth.no_tls", "auth.client.no_tls_verify"].includes(field.path)) {
        widget.input.addEventListener("change", () => { state.values[field.path] = widget.read(); state.redraw(); });
      }
      node = widget.element;
    }
    (isAdvanced(field.path) ? advanced : basic).append(node);
  }
  if (state.values["auth.client.no_tls_verify"] === true && step.id === "security") {
    basic.append(h("div", { class: "alert alert-warning", role: "status" }, "Insecure access should be used only for POC or Lab environments."));
  }
  page.append(basic);
  if (advanced.childElementCount) page.append(h("details", { class: "vic-advanced", open: state.configure || undefined },
    h("summary", {}, "Advanced"), advanced));
}

function showBeside(element, text) {
  let slot = element.querySelector(":scope > .vic-error");
  if (!slot) { slot = h("span", { class: "clr-subtext vic-error", role: "alert" }); element.append(slot); }
  slot.textContent = text || "";
}
