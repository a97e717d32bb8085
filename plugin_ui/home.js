// The global "vSphere Integrated Containers" view: tabs Summary, Virtual Container Hosts, Containers, About.
import { h } from "./dom.js";

const TABS = [
  { id: "summary", label: "Summary", load: () => import("./summary.js") },
  { id: "vchs", label: "Virtual Container Hosts", load: () => import("./vch-list.js") },
  { id: "containers", label: "Containers", load: () => import("./containers.js") },
  { id: "about", label: "About", load: () => import("./about.js") },
];

export async function render(root) {
  const panel = h("section", { class: "vic-tab-panel", role: "tabpanel", tabindex: "0" });
  const buttons = TABS.map((tab, index) => h("button", {
    type: "button", class: "btn btn-link nav-link", role: "tab", id: `tab-${tab.id}`,
    "aria-controls": "vic-panel", onclick: () => select(index), onkeydown: (e) => arrows(e, index),
  }, tab.label));
  panel.id = "vic-panel";
  root.append(h("h1", { class: "vic-title" }, "vSphere Integrated Containers"),
    h("ul", { class: "nav", role: "tablist" }, ...buttons.map((b) => h("li", { class: "nav-item", role: "presentation" }, b))),
    panel);

  let current = -1;
  async function select(index) {
    if (index === current) return;
    current = index;
    buttons.forEach((b, i) => {
      b.classList.toggle("active", i === index);
      b.setAttribute("aria-selected", String(i === index));
      b.tabIndex = i === index ? 0 : -1;
    });
    panel.setAttribute("aria-labelledby", buttons[index].id);
    panel.replaceChildren(h("p", { class: "vic-loading" }, "Loading…"));
    const view = await TABS[index].load();
    if (current !== index) return;
    const content = h("div");
    await view.render(content);
    if (current === index) panel.replaceChildren(content);
  }

  function arrows(event, index) {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = (index + step + TABS.length) % TABS.length;
    buttons[next].focus();
    select(next);
  }

  window.htmlClientSdk.event.onGlobalRefresh(() => { const again = current; current = -1; select(again); });
  await select(0);
}
