// About tab: every version the server reports (GET /api/about with the vCenter), grouped and labelled.
import { currentTarget, get } from "./api.js";
import { alertBox, h } from "./dom.js";

const SECTIONS = [
  ["plugin", "Plug-in"], ["appliance", "VIC appliance it deploys"], ["core", "Deployment core"],
  ["vcenter", "vCenter Server"], ["registration", "Registration in vCenter"], ["libraries", "Runs on"],
];
const WORDS = { api_type: "API type", instance_uuid: "Instance UUID", appliance_iso: "Appliance ISO",
  bootstrap_iso: "Bootstrap ISO", client_type: "Client type", server_thumbprint: "Server thumbprint",
  last_heartbeat: "Last heartbeat", url: "Manifest URL" };

const label = (key) => WORDS[key] || key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

function rows(value, prefix = "") {
  if (value === null || typeof value !== "object") return [[prefix, value === null || value === "" ? "-" : String(value)]];
  return Object.entries(value).flatMap(([key, inner]) => rows(inner, prefix ? `${prefix} ${label(key)}` : label(key)));
}

export async function render(root) {
  let about;
  try {
    const target = await currentTarget().catch(() => null);
    about = await get(`api/about${target ? `?target=${encodeURIComponent(target.target)}` : ""}`);
  } catch (error) {
    root.append(alertBox("danger", `Version information is unavailable: ${error.message}`));
    return;
  }
  const body = h("tbody");
  for (const [key, title] of SECTIONS) {
    let value = about[key];
    if (key === "libraries") value = { Python: about.python, ...(about.libraries || {}) };
    if (value === undefined) continue;
    body.append(h("tr", { class: "vic-about-section" }, h("th", { colspan: "2", scope: "colgroup" }, title)));
    if (value === null) { body.append(h("tr", {}, h("th", { scope: "row" }, "Registered"), h("td", {}, "No"))); continue; }
    for (const [k, v] of rows(value)) body.append(h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, v)));
  }
  if (about.vcenter_error) body.append(h("tr", {}, h("th", { scope: "row" }, "vCenter"), h("td", {}, about.vcenter_error)));
  root.append(h("table", { class: "table table-vertical table-compact vic-about" }, body));
}
