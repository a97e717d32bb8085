// The compute resource tree: clusters, standalone hosts and nested pools, children drawn only when opened
// so thousands of objects stay responsive. Objects already holding a VCH cannot be chosen.
import { h, uid } from "../dom.js";

function mib(n) { return n === undefined ? "" : `${n} MiB`; }

function describe(node) {
  const cap = node.capacity || {};
  return `${node.kind}${cap.cpu_max_mhz ? ` · ${cap.cpu_max_mhz} MHz, ${mib(cap.memory_max_mib)}` : ""}${node.holds_vch ? " · holds a VCH" : ""}`;
}

/** Returns {element, value() → node or null, input (first radio, for focus)}. */
export function computeTree(nodes, selectedId, onChange) {
  const name = uid("compute");
  let selected = null;
  const radios = [];

  function item(node) {
    const id = uid("node");
    const radio = h("input", { type: "radio", name, id, value: node.id, disabled: node.holds_vch,
      "data-path": node.path, onchange: () => { selected = node; onChange(node); } });
    if (node.id === selectedId && !node.holds_vch) { radio.checked = true; selected = node; }
    radios.push(radio);
    const label = h("label", { for: id }, h("strong", {}, node.name), " ", h("span", { class: "vic-muted" }, describe(node)));
    const children = node.children || [];
    if (!children.length) return h("li", { role: "treeitem" }, radio, label);
    const list = h("ul", { role: "group" });
    const details = h("details", { open: children.length < 50 || undefined,
      ontoggle: () => { if (details.open && !list.childElementCount) list.append(...children.map(item)); } },
    h("summary", {}, radio, label), list);
    if (details.open) list.append(...children.map(item));
    return h("li", { role: "treeitem" }, details);
  }

  const element = h("fieldset", { class: "vic-compute" }, h("legend", { class: "clr-control-label vic-required" }, "Compute resource"),
    h("ul", { role: "tree", class: "vic-tree" }, ...nodes.map(item)));
  if (selected) onChange(selected);
  return { element, value: () => selected, focus: () => (radios.find((r) => r.checked) || radios.find((r) => !r.disabled))?.focus() };
}
