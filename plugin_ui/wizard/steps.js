// Each wizard page: the description's fields, with pickers where vCenter's inventory supplies the choices, and
// editors for what a person thinks of as one thing (a syslog server, a registry list, volume stores).
import { bytes, h, selectBox, uid } from "../dom.js";
import { computeTree } from "./compute.js";
import { renderField } from "./fields.js";
import { bestUnit } from "./model.js";

// Under "Advanced" (as VIC 1.5 had them) when the description does not say; it does (``advanced``).
const ADVANCED = ["compute.cpu.reservation", "compute.cpu.shares", "compute.memory.reservation", "compute.memory.shares",
  "compute.affinity", "endpoint.cpu", "endpoint.memory", "network.client.", "network.management.",
  "registry.image_fetch_proxy", "network.container", "network.bridge.network_width", "debug"];

const isAdvanced = (field) => (field.advanced ?? ADVANCED.some((p) => field.path.startsWith(p)));

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
    const networks = state.inventory?.networks || [];
    const idOf = (value) => {
      if (!value) return "";
      const wanted = typeof value === "string" ? value : value.id || value.name;
      const match = networks.find((n) => n.id === wanted) || networks.find((n) => n.name === (value.name || wanted));
      return match ? match.id : "";
    };
    const start = state.values[field.path] ?? field.default;
    const initial = idOf(start);
    const widget = renderField(field, { choices, initial, keepEmpty: true, emptyLabel: "None" });
    // The model names a port group by its id (unambiguous); the Summary and the command show its name. Left as
    // it was, it reads as it was given (a stored {id, name} stays unchanged for the Configure wizard's diff).
    const plain = widget.read;
    widget.read = () => {
      const id = plain();
      if (!id) return "";
      return id === initial && start && typeof start === "object" ? start : { id };
    };
    return widget;
  }
  return renderField(field, { initial: state.values[field.path] });
}

/** A pseudo-widget for an editor made of several inputs: one error and warning slot for all of them. */
function editorWidget(field, element, read) {
  const error = h("span", { class: "clr-subtext vic-error", role: "alert", "data-for": field.path });
  const warning = h("span", { class: "clr-subtext vic-warning", "data-for": field.path });
  element.append(error, warning);
  return { field, element, read, show: (t) => { error.textContent = t || ""; },
    warn: (t) => { warning.textContent = t ? `⚠ ${t}` : ""; }, hint: () => {} };
}

/** Rows of an object list (container networks). */
function objectRows(state, field) {
  const rows = state.rows[field.path] ??= [];
  const list = h("div", { class: "vic-rows" });
  const add = h("button", { type: "button", class: "btn btn-sm btn-outline", onclick: () => { rows.push({}); draw(); } },
    `Add ${field.label.replace(/s$/, "").toLowerCase()}`);
  function draw() {
    state.widgets = state.widgets.filter((w) => !w.rowOf || w.rowOf !== field.path);
    list.replaceChildren(...rows.map((row, index) => {
      const widgets = field.fields.map((sub) => {
        const widget = fieldFor(state, { ...sub, path: sub.path, default: row[sub.path] ?? sub.default });
        const keep = () => { row[sub.path] = widget.read(); };
        widget.input.addEventListener("change", keep);
        widget.input.addEventListener("input", keep);
        widget.rowPath = sub.path.replace("[]", `[${index}]`);
        widget.rowOf = field.path;
        state.widgets.push(widget);
        return widget.element;
      });
      return h("fieldset", { class: "vic-row" }, h("legend", {}, `${field.label.replace(/s$/, "")} ${index + 1}`), ...widgets,
        h("button", { type: "button", class: "btn btn-sm btn-link", onclick: () => { rows.splice(index, 1); draw(); } }, "Remove"));
    }));
  }
  draw();
  return h("section", { class: "vic-object-list", "data-path": field.path }, h("h3", {}, field.label),
    h("p", { class: "clr-subtext" }, field.help), list, add);
}

function datastoreChoices(state) {
  const hosts = state.compute ? state.compute.hosts || [] : [];
  return (state.inventory?.datastores || []).filter((d) => d.accessible !== false).map((d) => {
    const everywhere = hosts.every((host) => (d.hosts || []).includes(host));
    return { value: d.name, label: `${d.name} (${bytes(d.free_space)} free${everywhere ? "" : ", not on every host"})` };
  });
}

/** "ds://LocalDS_0/some/folder" → ["LocalDS_0", "some/folder"]. */
function splitStore(value) {
  const text = String(value || "").replace(/^ds:\/\//, "");
  const [ds, ...folder] = text.split("/");
  return [ds || "", folder.join("/")];
}

function datastorePicker(state, field) {
  const current = state.values[field.path];
  const [ds, folder] = splitStore(Array.isArray(current) ? current[0] : current);
  const select = renderField({ ...field, multiple: false },
    { choices: datastoreChoices(state), initial: ds, emptyLabel: "Choose a datastore…" });
  const folderField = renderField({ path: `${field.path}.folder`, label: "Folder (optional)", type: "string",
    help: "A folder on the datastore for the VCH's images; the VCH's name when left empty", required: false, choices: [] },
  { initial: folder });
  select.read = () => (select.input.value ? `ds://${select.input.value}${folderField.read() ? `/${folderField.read()}` : ""}` : "");
  state.widgets.push(select);
  return h("div", {}, select.element, folderField.element);
}

// Volume stores: "anonymous volumes" (the store labelled default) and named ones, each a datastore and a folder
// picked from the inventory, or an NFS share.
const VOLUME_LOCATION = "storage.volume_stores[].datastore";
const VOLUME_LABEL = "storage.volume_stores[].label";
const NFS = "nfs";

function volumeStores(state, field) {
  const rows = state.rows[field.path] ??= [];
  const stores = datastoreChoices(state);
  const imageStore = splitStore(state.values["storage.image_stores"])[0] || (stores[0] || {}).value || "";
  const labelField = field.fields.find((f) => f.path === VOLUME_LABEL);
  const body = h("tbody");
  const table = h("table", { class: "table table-compact vic-volume-table" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Datastore"), h("th", { scope: "col" }, "Folder or NFS share"),
      h("th", { scope: "col" }, "Label (VolumeStore=)"), h("th", { scope: "col" }, h("span", { class: "vic-offscreen" }, "Remove")))),
    body);
  const empty = h("p", { class: "vic-muted vic-volume-empty" }, "No volume stores: docker volume create fails on this VCH.");
  const anonymous = h("input", { type: "checkbox", id: "anonymous-volumes", class: "clr-checkbox",
    checked: rows.some((r) => r[VOLUME_LABEL] === "default"),
    onchange: () => {
      if (anonymous.checked && !rows.some((r) => r[VOLUME_LABEL] === "default")) {
        rows.unshift({ [VOLUME_LOCATION]: `ds://${imageStore}/volumes`, [VOLUME_LABEL]: "default" });
      } else if (!anonymous.checked) rows.splice(0, rows.length, ...rows.filter((r) => r[VOLUME_LABEL] !== "default"));
      draw();
    } });
  const add = h("button", { type: "button", class: "btn btn-sm btn-outline", id: "add-volume-store",
    onclick: () => { rows.push({ [VOLUME_LOCATION]: `ds://${imageStore}`, [VOLUME_LABEL]: "" }); draw(); body.querySelector("tr.vic-volume-row:last-of-type .vic-volume-label")?.focus(); } },
  "Add volume store");

  function row(item, index) {
    const location = String(item[VOLUME_LOCATION] || "");
    const isNfs = location.startsWith("nfs://");
    const [ds, folder] = isNfs ? ["", ""] : splitStore(location);
    const anon = item[VOLUME_LABEL] === "default";
    const n = index + 1;
    const datastore = h("select", { class: "clr-select vic-volume-datastore", "aria-label": `Volume store ${n}: datastore` },
      h("option", { value: "", disabled: true }, "Choose a datastore…"),
      ...stores.map((c) => h("option", { value: c.value }, c.label)), h("option", { value: NFS }, "NFS share…"));
    datastore.value = isNfs ? NFS : (stores.some((c) => c.value === ds) ? ds : "");
    const where = h("input", { type: "text", class: "clr-input vic-volume-folder", "aria-label": `Volume store ${n}: ${isNfs ? "NFS share" : "folder"}`,
      value: isNfs ? location : folder, placeholder: isNfs ? "nfs://nfs.example.com/export?uid=1000" : "folder (optional)" });
    const label = h("input", { type: "text", class: "clr-input vic-volume-label", "aria-label": `Volume store ${n}: label`,
      value: item[VOLUME_LABEL] || "", readOnly: anon, placeholder: "label" });
    const error = h("span", { class: "clr-subtext vic-error", role: "alert" });
    const warning = h("span", { class: "clr-subtext vic-warning" });
    const keep = () => {
      if (datastore.value === NFS) item[VOLUME_LOCATION] = where.value.trim();
      else item[VOLUME_LOCATION] = datastore.value ? `ds://${datastore.value}${where.value.trim() ? `/${where.value.trim().replace(/^\/+/, "")}` : ""}` : "";
      item[VOLUME_LABEL] = label.value.trim();
    };
    datastore.addEventListener("change", () => {
      const wasNfs = String(item[VOLUME_LOCATION] || "").startsWith("nfs://");
      if ((datastore.value === NFS) !== wasNfs) { item[VOLUME_LOCATION] = datastore.value === NFS ? "nfs://" : `ds://${datastore.value}`; draw(); return; }
      keep();
    });
    [where, label].forEach((input) => input.addEventListener("input", keep));
    const tr = h("tr", { class: "vic-volume-row", "data-label": item[VOLUME_LABEL] || "" },
      h("td", {}, selectBox(datastore)), h("td", {}, where), h("td", {}, label,
        anon ? h("span", { class: "clr-subtext vic-hint" }, "anonymous volumes") : null),
      h("td", {}, anon ? null : h("button", { type: "button", class: "btn btn-sm btn-link", onclick: () => { rows.splice(index, 1); draw(); } }, "Remove")));
    const messages = h("tr", { class: "vic-volume-messages" }, h("td", { colspan: "4" }, error, warning));
    // One line of messages under the row for both of its inputs: each keeps its own.
    const said = { location: ["", ""], label: ["", ""] };
    const render = () => {
      error.textContent = [said.location[0], said.label[0]].filter(Boolean).join(" · ");
      const warned = [said.location[1], said.label[1]].filter(Boolean).join(" · ");
      warning.textContent = warned ? `⚠ ${warned}` : "";
    };
    const slotFor = (which) => ({ show: (t) => { said[which][0] = t || ""; render(); },
      warn: (t) => { said[which][1] = t || ""; render(); }, hint: () => {} });
    const locationField = { path: VOLUME_LOCATION, label: `Volume store ${n}`, type: "string", required: true };
    state.widgets.push(
      { ...slotFor("location"), field: locationField, element: tr, input: datastore, read: () => item[VOLUME_LOCATION] || "",
        check: () => (item[VOLUME_LOCATION] && item[VOLUME_LOCATION] !== "nfs://" ? "" : `Volume store ${n}: choose a datastore or give an NFS share`),
        rowPath: VOLUME_LOCATION.replace("[]", `[${index}]`), rowOf: field.path },
      { ...slotFor("label"), field: { ...labelField, label: `Volume store ${n}'s label`, required: true }, element: tr, input: label,
        read: () => item[VOLUME_LABEL] || "", rowPath: VOLUME_LABEL.replace("[]", `[${index}]`), rowOf: field.path });
    return [tr, messages];
  }

  function draw() {
    state.widgets = state.widgets.filter((w) => w.rowOf !== field.path);
    body.replaceChildren(...rows.flatMap(row));
    table.hidden = !rows.length;
    empty.hidden = rows.length > 0;
  }
  draw();
  return h("section", { class: "vic-object-list", "data-path": field.path }, h("h3", {}, field.label),
    h("div", { class: "clr-checkbox-wrapper vic-anonymous" }, anonymous,
      h("label", { for: "anonymous-volumes" }, "Enable anonymous volumes (a volume store labelled default)")),
    h("p", { class: "clr-subtext" }, "Docker users pick a store with docker volume create --opt VolumeStore=<label>; "
      + "volumes without one go to default."), table, empty, add);
}

// The registry page as vic-ui had it: a whitelist mode, and a list of registries, each secure or insecure.
function listOf(value) {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return String(value || "").split(/[\s,]+/).filter(Boolean);
}

function registryEditor(state, step) {
  const whitelistField = step.fields.find((f) => f.path === "registry.whitelist");
  const insecureField = step.fields.find((f) => f.path === "registry.insecure");
  const whitelist = listOf(state.values["registry.whitelist"]);
  const insecure = listOf(state.values["registry.insecure"]);
  const registry = state.registry ??= {
    mode: whitelist.length > 0,
    rows: whitelist.length ? [...whitelist.map((a) => ({ address: a, insecure: insecure.includes(a) })),
      ...insecure.filter((a) => !whitelist.includes(a)).map((a) => ({ address: a, insecure: true }))]
      : insecure.map((a) => ({ address: a, insecure: true })),
  };
  const list = h("div", { class: "vic-registry-rows" });
  const mode = h("input", { type: "checkbox", id: "whitelist-mode", class: "clr-checkbox", checked: registry.mode,
    onchange: () => { registry.mode = mode.checked; draw(); } });
  const add = h("button", { type: "button", class: "btn btn-sm btn-outline", id: "add-registry",
    onclick: () => { registry.rows.push({ address: "", insecure: !registry.mode }); draw(); list.querySelector("tr:last-child input")?.focus(); } },
  "Add registry");
  const heading = h("h3", {});
  const help = h("p", { class: "clr-subtext" });

  function draw() {
    heading.textContent = registry.mode ? "Whitelisted registries" : "Insecure registries";
    help.textContent = registry.mode ? whitelistField.help + " Mark a registry insecure to reach it over plain HTTP or unverified TLS."
      : insecureField.help;
    list.replaceChildren(registry.rows.length ? h("table", { class: "table table-compact vic-registry-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Registry"), registry.mode ? h("th", { scope: "col" }, "Access") : null,
        h("th", { scope: "col" }, h("span", { class: "vic-offscreen" }, "Remove")))),
      h("tbody", {}, ...registry.rows.map((row, index) => {
        const said = h("span", { class: "clr-subtext vic-warning" }, row.warning ? `⚠ ${row.warning}` : "");
        const address = h("input", { type: "text", class: "clr-input vic-registry-address", value: row.address,
          "aria-label": `Registry ${index + 1}`, placeholder: registry.mode ? "registry.example.com:5000, 10.0.0.0/8, *.example.com" : "host[:port]",
          oninput: () => { row.address = address.value.trim(); row.warning = ""; said.textContent = ""; } });
        const access = h("select", { class: "clr-select vic-registry-access", "aria-label": `Registry ${index + 1} access`,
          onchange: () => { row.insecure = access.value === "insecure"; } },
        h("option", { value: "secure" }, "Secure (verified TLS)"), h("option", { value: "insecure" }, "Insecure"));
        access.value = row.insecure ? "insecure" : "secure";
        return h("tr", { "data-row": index }, h("td", {}, address, said), registry.mode ? h("td", {}, selectBox(access)) : null,
          h("td", {}, h("button", { type: "button", class: "btn btn-sm btn-link", onclick: () => { registry.rows.splice(index, 1); draw(); } }, "Remove")));
      }))) : h("p", { class: "vic-muted" }, registry.mode ? "No registry listed: the VCH could pull from none." : "None."));
  }
  draw();
  const element = h("section", { class: "vic-registries", "data-path": "registry.whitelist" },
    h("div", { class: "clr-checkbox-wrapper" }, mode, h("label", { for: "whitelist-mode" }, "Whitelist mode: pull only from the registries listed")),
    heading, help, list, add);
  const addresses = (rows) => rows.map((r) => r.address).filter(Boolean);
  const whitelistWidget = editorWidget(whitelistField, element, () => (registry.mode ? addresses(registry.rows) : []));
  const insecureWidget = editorWidget(insecureField, element,
    () => addresses(registry.mode ? registry.rows.filter((r) => r.insecure) : registry.rows));
  // The server's findings about one registry (path "registry", the address in the message) go under its row.
  whitelistWidget.claims = (finding) => {
    const row = finding.path === "registry" && registry.rows.find((r) => r.address && String(finding.message).includes(r.address));
    if (!row) return false;
    row.warning = `${finding.message}${finding.remedy ? ` — ${finding.remedy}` : ""}`;
    return true;
  };
  whitelistWidget.unclaim = () => { registry.rows.forEach((r) => { r.warning = ""; }); };
  whitelistWidget.redraw = draw;
  state.widgets.push(whitelistWidget, insecureWidget);
  return element;
}

// Syslog as vic-ui asked for it: protocol, host and port, sent as tcp://host:port.
function syslogField(state, field) {
  const id = uid("syslog");
  const [, proto = "tcp", host = "", port = ""] = /^(tcp|udp):\/\/([^:/]*)(?::(\d+))?/.exec(state.values[field.path] || "") || [];
  const protocol = h("select", { class: "clr-select", id: `${id}-proto`, "aria-label": "Syslog protocol" },
    h("option", { value: "tcp" }, "TCP"), h("option", { value: "udp" }, "UDP"));
  protocol.value = proto;
  const hostInput = h("input", { type: "text", id, class: "clr-input vic-syslog-host", value: host, placeholder: "syslog.example.com",
    "aria-describedby": `${id}-help`, autocomplete: "off" });
  const portInput = h("input", { type: "number", min: "1", max: "65535", class: "clr-input vic-syslog-port", value: port,
    placeholder: "514", "aria-label": "Syslog port" });
  const element = h("div", { class: "clr-form-control vic-field", "data-path": field.path },
    h("label", { for: id, class: "clr-control-label" }, field.label),
    h("div", { class: "clr-control-container" },
      h("div", { class: "vic-input-row" }, selectBox(protocol), h("span", { "aria-hidden": "true" }, "://"), hostInput,
        h("span", { "aria-hidden": "true" }, ":"), portInput),
      h("span", { class: "clr-subtext vic-help", id: `${id}-help` }, "Where the VCH sends its logs; the port is 514 when left empty.")));
  const read = () => (hostInput.value.trim() ? `${protocol.value}://${hostInput.value.trim()}${portInput.value ? `:${portInput.value}` : ""}` : "");
  const widget = editorWidget(field, element.querySelector(".clr-control-container"), read);
  widget.element = element;
  widget.check = () => {
    if (portInput.value && !(Number(portInput.value) >= 1 && Number(portInput.value) <= 65535 && /^\d{1,5}$/.test(portInput.value))) return "The port is a number from 1 to 65535";
    if (!hostInput.value.trim() && portInput.value) return "Give the syslog server's host name or address";
    if (/[\s/:]/.test(hostInput.value.trim())) return "A host name or address only (no scheme, path or port)";
    return "";
  };
  [protocol, hostInput, portInput].forEach((i) => i.addEventListener("input", () => widget.show("")));
  state.widgets.push(widget);
  return element;
}

function securityChoice(state) {
  const mode = state.values["vic.server_cert"] || "generate";
  const radios = ["generate", "existing"].map((value) => h("div", { class: "clr-radio-wrapper" },
    h("input", { type: "radio", name: "server-cert", id: `server-cert-${value}`, class: "clr-radio", value, checked: mode === value,
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

// What the chosen compute resource can give, beside the limits and reservations.
const CAPACITY = {
  "compute.cpu.limit": ["cpu_max_mhz", "Maximum"],
  "compute.cpu.reservation": ["cpu_unreserved_mhz", "Unreserved"],
  "compute.memory.limit": ["memory_max_mib", "Maximum"],
  "compute.memory.reservation": ["memory_unreserved_mib", "Unreserved"],
};

function capacityHints(state) {
  for (const widget of state.widgets) {
    const [key, word] = CAPACITY[widget.field.path] || [];
    if (!key) continue;
    const amount = state.compute?.capacity?.[key];
    if (amount === undefined || amount === null) { widget.hint(""); continue; }
    const best = bestUnit(widget.field, amount);
    widget.hint(`${word} on ${state.compute.name}: ${best.amount} ${best.unit}`);
  }
}

// Headings over the fields of one network of the endpoint VM.
const GROUPS = [
  ["network.bridge.", "Bridge network (containers' private network)"],
  ["network.public.", "Public network (port forwarding, default route)"],
  ["network.client.", "Client network (Docker API access; the public network when not set)"],
  ["network.management.", "Management network (reaching vSphere; the client network when not set)"],
  ["registry.image_fetch_proxy.", "Proxies for pulling images"],
];

/** Fill ``page`` with the step's fields; registers widgets in state.widgets. */
export function renderStep(state, step, page) {
  state.widgets = [];
  const basic = h("div", { class: "vic-basic" });
  const advanced = h("div", { class: "vic-advanced-body" });
  // A VCH being configured stays where it is: no compute tree, no certificate choice.
  if (step.id === "compute" && !state.configure) {
    const tree = computeTree(state.inventory?.compute || [], state.compute?.id || state.preselect,
      (node) => { state.compute = node; capacityHints(state); });
    state.widgets.push({ field: { path: "compute.resource", label: "Compute resource", required: true, type: "managed_object" },
      element: tree.element, read: () => (tree.value() ? { id: tree.value().id } : ""), show: (t) => showBeside(tree.element, t),
      warn: (t) => showBeside(tree.element, t, "vic-warning"), hint: () => {} });
    basic.append(tree.element);
  }
  if (step.id === "security" && !state.configure) basic.append(securityChoice(state));
  for (const field of step.fields) {
    if (field.path === "compute.resource" || hidden(state, field.path)) continue;
    let node;
    if (field.path === "storage.volume_stores") node = volumeStores(state, field);
    else if (field.type === "object") node = objectRows(state, field);
    else if (field.path === "storage.image_stores") node = datastorePicker(state, field);
    else if (field.path === "syslog_addr") node = syslogField(state, field);
    else if (field.path === "registry.whitelist") node = registryEditor(state, step);
    else if (field.path === "registry.insecure") continue;  // in the registry editor
    else {
      const widget = fieldFor(state, field);
      state.widgets.push(widget);
      if (["auth.no_tls", "auth.client.no_tls_verify"].includes(field.path)) {
        widget.input.addEventListener("change", () => { state.values[field.path] = widget.read(); state.redraw(); });
      }
      node = widget.element;
    }
    const holder = isAdvanced(field) && !state.configure ? advanced : basic;
    const group = GROUPS.find(([prefix]) => field.path.startsWith(prefix));
    if (group && !holder.querySelector(`[data-group="${group[0]}"]`)) {
      holder.append(h("h4", { class: "vic-group", "data-group": group[0] }, group[1]));
    }
    holder.append(node);
  }
  if (state.values["auth.client.no_tls_verify"] === true && step.id === "security") {
    basic.append(h("div", { class: "alert alert-warning", role: "status" }, h("div", { class: "alert-items" },
      h("div", { class: "alert-item static" }, h("span", { class: "alert-text" },
        "Insecure access should be used only for POC or Lab environments.")))));
  }
  page.append(basic);
  if (advanced.childElementCount) {
    page.append(h("details", { class: "vic-advanced", open: state.openAdvanced?.[step.id] || undefined,
      ontoggle: (e) => { (state.openAdvanced ??= {})[step.id] = e.target.open; } },
    h("summary", {}, "Advanced"), advanced));
  }
  if (step.id === "compute") capacityHints(state);
}

function showBeside(element, text, kind = "vic-error") {
  let slot = element.querySelector(`:scope > .${kind}`);
  if (!slot) { slot = h("span", { class: `clr-subtext ${kind}`, role: kind === "vic-error" ? "alert" : undefined }); element.append(slot); }
  slot.textContent = text ? `${kind === "vic-warning" ? "⚠ " : ""}${text}` : "";
}
