// Summary tab: the plug-in, the VIC appliance it deploys and its server's health, the vCenter it is connected to,
// and how many VCHs there are — one read of /api/about (VCHs counted there, not listed) and /container/hello.
import { currentTarget, get } from "./api.js";
import { alertBox, h } from "./dom.js";

async function settle(promise) {
  try { return { value: await promise }; } catch (error) { return { error }; }
}

function card(title, rows, id, extra = null) {
  return h("section", { class: "card vic-card", id, "aria-labelledby": `${id}-title` },
    h("div", { class: "card-header", id: `${id}-title` }, title),
    h("div", { class: "card-block" }, h("dl", { class: "vic-facts" },
      ...rows.filter(Boolean).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "-")])), extra));
}

function health(hello) {
  // /container/hello answers vic-machine-server 1.5.8's welcome text; any answer is health.
  if (!hello.error) return h("span", { class: "vic-health vic-ok" }, "OK: the plug-in server answers");
  const status = hello.error.status;
  return h("span", { class: "vic-health vic-bad" }, status
    ? `Not answering as it should (HTTP ${status}): ${hello.error.message}` : `Not reachable: ${hello.error.message}`);
}

// The plug-in server as vCenter knows it (its registration's manifest URL), else as this view reached it.
function serverHost(info) {
  try { return new URL(info.registration.url).host; } catch { return new URL("../", import.meta.url).host; }
}

export async function render(root) {
  const target = await settle(currentTarget());
  const query = target.value ? `?target=${encodeURIComponent(target.value.target)}` : "";
  const [about, hello] = await Promise.all([settle(get(`api/about${query}`)), settle(get("container/hello"))]);
  if (about.error) {
    root.append(alertBox("danger", `Version information is unavailable: ${about.error.message}`));
    return;
  }
  const info = about.value;
  const plugin = info.plugin || {};
  const appliance = info.appliance || {};
  const vcenter = info.vcenter || {};
  const count = info.vchs ? String(info.vchs.count)
    : `unavailable: ${info.vcenter_error || (target.error && target.error.message) || "no vCenter"}`;
  const registered = info.registration;
  root.append(h("div", { class: "vic-cards" },
    card("VIC plug-in", [["Vendor", plugin.vendor], ["Version", plugin.version], ["Build", plugin.build],
      ["Virtual container hosts", h("span", { id: "vch-count" }, count)]], "card-plugin"),
    card("VIC appliance", [["Version", appliance.version || appliance.error],
      appliance.bootstrap_iso ? ["Bootstrap ISO", appliance.bootstrap_iso] : null,
      ["Plug-in server", h("span", { class: "vic-endpoint" }, serverHost(info))],
      ["Health", health(hello)]], "card-appliance",
    h("p", { class: "clr-subtext vic-muted" }, "New VCHs run this version; older ones can be upgraded to it.")),
    card("vCenter Server", info.vcenter ? [["Connected to", h("span", { class: "vic-endpoint" }, vcenter.target)],
      ["Product", vcenter.name], ["Version", `${vcenter.version || "-"} (build ${vcenter.build || "-"})`],
      ["Signed in as", vcenter.user || "-"],
      ["Plug-in registered", registered ? `${registered.key} ${registered.version}` : "No"]]
      : [["Connected to", target.value ? target.value.target : "-"], ["Status", info.vcenter_error || "unavailable"]],
    "card-vcenter")));
}
