// Containers tab: every container VM of every VCH, with usage.
import { currentTarget, get, targetPath } from "./api.js";
import { alertBox, bytes, h } from "./dom.js";
import { dataGrid } from "./table.js";

function link(target, moid, text) {
  if (!moid) return "-";
  const objectId = `urn:vmomi:VirtualMachine:${moid}:${target.instance_uuid}`;
  return h("a", { href: "#", onclick: (e) => { e.preventDefault(); window.htmlClientSdk.app.navigateTo({ objectId }); } },
    text || moid);
}

export async function render(root) {
  const target = await currentTarget();
  let containers;
  try {
    containers = (await get(`${targetPath(target)}/containers`)).containers || [];
  } catch (error) {
    root.append(alertBox("danger", `Cannot list containers: ${error.message}`));
    return;
  }
  root.append(dataGrid([
    { key: "name", label: "Name" },
    { key: "state", label: "State" },
    { key: "image", label: "Image" },
    { key: "ports", label: "Port mapping", value: (c) => (Array.isArray(c.ports) ? c.ports.join(", ") : c.ports || "-") },
    { key: "vch_id", label: "VCH", cell: (c) => link(target, c.vch_id, c.vch_name) },
    { key: "vm", label: "VM", cell: (c) => link(target, c.vm) },
    { key: "cpu_mhz", label: "CPU usage (MHz)" },
    { key: "memory_mb", label: "Memory usage (MB)" },
    { key: "storage_bytes", label: "Storage usage", value: (c) => bytes(c.storage_bytes) },
  ], containers, { filterLabel: "Filter containers", empty: "No containers." }));
}
