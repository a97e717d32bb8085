// Live progress of a long operation: its steps as they run (server-sent events), then success or failure.
import { followOperation } from "./api.js";
import { alertBox, h } from "./dom.js";

export function progressList() {
  const bar = h("progress", { max: "100", value: "0", "aria-label": "Progress" });
  const steps = h("ol", { class: "vic-steps" });
  const element = h("div", { class: "vic-progress" }, bar, steps);
  const items = new Map();
  let undone = null;

  // One line per step: running, then done or failed; what a failure undid is listed below the steps.
  function line(data) {
    let item = items.get(data.index);
    if (!item) {
      item = h("li", { "data-step": data.step || "", class: "running" });
      items.set(data.index, item);
      steps.append(item);
    }
    return item;
  }

  function onEvent(kind, data) {
    if (kind !== "progress") return;
    if (data.total) bar.value = Math.round((100 * Math.max(0, data.index - (data.kind === "done" ? 0 : 1))) / data.total);
    if (data.kind === "step") {
      const item = line(data);
      item.textContent = data.message === data.step ? `${data.step}…` : `${data.step}: ${data.message}`;
    } else if (data.kind === "done") {
      const item = line(data);
      item.className = "done";
      item.textContent = `✓ ${data.step}`;
    } else if (data.kind === "failed") {
      const item = line(data);
      item.className = "failed";
      item.textContent = `✗ ${data.message}`;
    } else if (data.kind === "undo" || data.kind === "undo_failed") {
      if (!undone) {
        undone = h("ul", { class: "vic-undone", "aria-label": "Undone" });
        element.append(h("p", {}, "Undoing what was done:"), undone);
      }
      undone.append(h("li", { class: data.kind === "undo" ? "done" : "failed" }, data.message));
    }
  }

  async function follow(opId) {
    const end = await followOperation(opId, onEvent);
    bar.value = 100;
    if (end.state !== "success") {
      const error = end.error || {};
      element.append(alertBox("danger", error.message || "The operation failed"));
      if (error.left && error.left.length) element.append(h("p", {}, `Left behind (remove by hand): ${error.left.join(", ")}.`));
    }
    return end;
  }

  return { element, follow };
}
