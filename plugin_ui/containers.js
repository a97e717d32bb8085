// Containers tab: every container VM of every VCH, with usage; VMs and VCHs by name, linked to their VMs.
import { currentTarget, get, targetPath } from "./api.js";
import { alertBox, bytes, h, powerState, powerText } from "./dom.js";
import { dataGrid } from "./table.js";

function link(target, moid, text) {
  if (!moid) return "-";
  const objectId = `urn:vmomi:VirtualMachine:${moid}:${target.instance_uuid}`;
  return h("a", { href: "#", title: text || moid,
    onclick: (e) => { e.preventDefault(); window.htmlClientSdk.app.navigateTo({ objectId }); } }, text || moid);
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
    { key: "name", label: "Name", className: "vic-name" },
    { key: "state", label: "State", className: "vic-power", value: (c) => powerText(c.state), cell: (c) => powerState(c.state) },
    { key: "image", label: "Image", className: "vic-image" },
    { key: "ports", label: "Port mapping", value: (c) => (Array.isArray(c.ports) ? c.ports.join(", ") : c.ports || "-") },
    { key: "vch_name", label: "VCH", cell: (c) => link(target, c.vch_id, c.vch_name) },
    { key: "vm_name", label: "VM", className: "vic-name", value: (c) => c.vm_name || c.vm, cell: (c) => link(target, c.vm, c.vm_name) },
    { key: "cpu_mhz", label: "CPU", value: (c) => `${c.cpu_mhz ?? 0} MHz` },
    { key: "memory_mb", label: "Memory", value: (c) => `${c.memory_mb ?? 0} MB` },
    { key: "storage_bytes", label: "Storage", value: (c) => bytes(c.storage_bytes) },
  ], containers, { filterLabel: "Filter containers", empty: "No containers: none of the VCHs runs one.",
    noMatch: (text) => `No container matches “${text}”.` }));
}
