// Summary tab: the plug-in, its server's health, the vCenter it serves and how many VCHs there are.
import { currentTarget, get, targetPath } from "./api.js";
import { h } from "./dom.js";

function pick(about, ...paths) {
  for (const path of paths) {
    const found = path.split(".").reduce((v, k) => (v == null ? v : v[k]), about);
    if (found !== undefined && found !== null && found !== "") return String(found);
  }
  return "-";
}

async function settle(promise) {
  try { return { value: await promise }; } catch (error) { return { error }; }
}

export async function render(root) {
  const [about, hello, target] = await Promise.all([settle(get("api/about")), settle(get("container/hello")),
    settle(currentTarget())]);
  const vchs = target.value ? await settle(get(`${targetPath(target.value)}/vch`)) : target;
  const info = about.value || {};
  const count = vchs.value ? String((vchs.value.vchs || []).length) : `unavailable: ${vchs.error.message}`;
  // /container/hello answers vic-machine-server 1.5.8's welcome text; any answer is health.
  const health = hello.error ? `Not answering: ${hello.error.message}` : "OK: the plug-in server answers";
  root.append(h("div", { class: "clr-row vic-cards" },
    card("VIC plug-in", [["Vendor", pick(info, "plugin.vendor", "vendor", "company") === "-" ? "vic-plugin project"
      : pick(info, "plugin.vendor", "vendor", "company")], ["Version", pick(info, "plugin.version", "plugin_version", "version")],
      ["Build", pick(info, "plugin.build", "build")], ["Virtual container hosts", count]]),
    card("Plug-in server", [["Health", health],
      ["vCenter", target.value ? `${target.value.name || "vCenter"} ${target.value.version || ""} at ${target.value.target}`
        : `unavailable: ${target.error.message}`]])));
}

function card(title, rows) {
  return h("div", { class: "card vic-card" }, h("div", { class: "card-header" }, title),
    h("div", { class: "card-block" }, h("dl", { class: "vic-facts" },
      ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))));
}
