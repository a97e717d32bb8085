// The Summary page: every value entered, and the equivalent vic-machine command (password left out).
import { post } from "../api.js";
import { copyText, h } from "../dom.js";

function text(value) {
  if (value === undefined || value === null || value === "") return "-";
  if (Array.isArray(value)) return value.map(text).join(", ");
  if (typeof value === "object") {
    if ("pem" in value) return "(PEM)";
    if ("value" in value && "units" in value) return `${value.value} ${value.units}`;
    if ("level" in value) return value.level;
    return Object.values(value).map(text).join(" ");
  }
  return String(value);
}

function lookup(model, path) {
  return path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), model);
}

export async function renderSummary(page, steps, model) {
  const sections = steps.filter((s) => s.fields.length).map((step) => h("section", {},
    h("h3", {}, step.title),
    h("table", { class: "table table-vertical table-compact" }, h("tbody", {},
      ...step.fields.filter((f) => !f.secret).map((f) => h("tr", {}, h("th", { scope: "row" }, f.label),
        h("td", {}, text(lookup(model, f.path)))))))));
  const command = h("pre", { class: "vic-command", id: "cli-command" }, "…");
  const copied = h("span", { role: "status" });
  page.append(...sections, h("h3", {}, "Equivalent command"), command,
    h("button", { type: "button", class: "btn btn-sm btn-outline", id: "copy-cli",
      onclick: async () => { copied.textContent = (await copyText(command.textContent)) ? " Copied" : " Copy failed"; } },
    "Copy CLI command"), copied);
  try {
    command.textContent = (await post("api/create-command", model)).command;
  } catch (error) {
    command.textContent = `(unavailable: ${error.message})`;
  }
}
