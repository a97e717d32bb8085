// Live progress of a long operation: its steps as they run (server-sent events), then success or failure.
import { followOperation } from "./api.js";
import { alertBox, h } from "./dom.js";

export function progressList() {
  const bar = h("progress", { max: "100", value: "0", "aria-label": "Progress" });
  const steps = h("ol", { class: "vic-steps" });
  const element = h("div", { class: "vic-progress" }, bar, steps);
  const seen = new Map();

  function onEvent(kind, data) {
    if (kind !== "progress") return;
    if (data.total) bar.value = Math.round((100 * Math.max(0, data.index)) / data.total);
    const key = `${data.kind}:${data.step}`;
    let item = seen.get(key);
    if (!item) {
      item = h("li", { "data-step": data.step || "" });
      seen.set(key, item);
      steps.append(item);
    }
    item.textContent = data.kind === "undo" ? `Undoing: ${data.message}` : data.message;
  }

  async function follow(opId) {
    const end = await followOperation(opId, onEvent);
    bar.value = 100;
    if (end.state !== "success") {
      const error = end.error || {};
      element.append(alertBox("danger", error.message || "The operation failed"),
        error.undone && error.undone.length ? h("p", {}, `Undone: ${error.undone.join(", ")}.`) : null,
        error.left && error.left.length ? h("p", {}, `Left behind (remove by hand): ${error.left.join(", ")}.`) : null);
    }
    return end;
  }

  return { element, follow };
}
