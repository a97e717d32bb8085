// About tab: every version the server reports (GET /api/about), as it reports them.
import { get } from "./api.js";
import { alertBox, h } from "./dom.js";

function rows(value, prefix = "") {
  if (value === null || typeof value !== "object") return [[prefix, value === null ? "-" : String(value)]];
  return Object.entries(value).flatMap(([key, inner]) => rows(inner, prefix ? `${prefix} / ${key}` : key));
}

export async function render(root) {
  let about;
  try {
    about = await get("api/about");
  } catch (error) {
    root.append(alertBox("danger", `Version information is unavailable: ${error.message}`));
    return;
  }
  root.append(h("table", { class: "table table-vertical vic-about" },
    h("tbody", {}, ...rows(about).map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, v))))));
}
