// The compute resource tree: clusters, standalone hosts and nested pools, children drawn only when opened so
// thousands of objects stay responsive. Pools that already hold a VCH cannot hold another: they are left out (and
// counted), so a vCenter with many VCHs still shows its clusters and hosts at once.
import { h, uid } from "../dom.js";

const KINDS = { cluster: "Cluster", host: "Host", pool: "Resource pool", vapp: "vApp" };

function mhz(n) { return n >= 1000 && n % 100 === 0 ? `${n / 1000} GHz` : `${n} MHz`; }
function mib(n) { return n >= 1024 && n % 1024 === 0 ? `${n / 1024} GiB` : `${n} MiB`; }

function describe(node) {
  const cap = node.capacity || {};
  const size = cap.cpu_max_mhz ? ` · ${mhz(cap.cpu_max_mhz)}, ${mib(cap.memory_max_mib)}` : "";
  return `${KINDS[node.kind] || node.kind}${size}`;
}

/** Returns {element, value() → node or null, focus()}. */
export function computeTree(nodes, selectedId, onChange) {
  const name = uid("compute");
  let selected = null;
  let withVch = 0;
  const radios = [];

  const usable = (list) => (list || []).filter((node) => {
    if (node.holds_vch) { withVch += 1; return false; }
    return true;
  });

  function item(node) {
    const id = uid("node");
    const radio = h("input", { type: "radio", name, id, value: node.id, "data-path": node.path,
      onchange: () => { selected = node; onChange(node); } });
    if (node.id === selectedId || (node.aliases || []).includes(selectedId)) { radio.checked = true; selected = node; }
    radios.push(radio);
    const label = h("label", { for: id }, h("strong", {}, node.name), " ", h("span", { class: "vic-muted" }, describe(node)));
    const children = usable(node.children);
    if (!children.length) return h("li", { role: "treeitem" }, radio, label);
    const list = h("ul", { role: "group" });
    const details = h("details", { open: children.length < 50 || undefined,
      ontoggle: () => { if (details.open && !list.childElementCount) list.append(...children.map(item)); } },
    h("summary", {}, radio, label), list);
    if (details.open) list.append(...children.map(item));
    return h("li", { role: "treeitem" }, details);
  }

  const top = usable(nodes).map(item);
  const element = h("fieldset", { class: "vic-compute" },
    h("legend", { class: "clr-control-label vic-required" }, "Compute resource"),
    h("div", { class: "vic-tree-box" }, h("ul", { role: "tree", class: "vic-tree", "aria-label": "Compute resources" }, ...top)),
    withVch ? h("p", { class: "clr-subtext vic-muted vic-tree-note" },
      `${withVch} resource pool${withVch === 1 ? "" : "s"} holding a virtual container host ${withVch === 1 ? "is" : "are"} not listed: a VCH needs a resource pool of its own.`)
      : null);
  if (selected) onChange(selected);
  return { element, value: () => selected, focus: () => (radios.find((r) => r.checked) || radios[0])?.focus() };
}
