// Picks the view named by the URL fragment (plugin.json's URIs differ only there) once the SDK is ready.
import { followTheme } from "./theme.js";
import { h } from "./dom.js";

const ROUTES = {
  "/home": () => import("./home.js"),
  "/create-wizard": () => import("./wizard/wizard.js"),
  "/delete": () => import("./delete.js"),
  "/configure": () => import("./configure.js"),
  "/upgrade": () => import("./upgrade.js"),
  "/debug": () => import("./debug.js"),
  "/vm-portlet": () => import("./vm-portlet.js"),
};

async function start() {
  followTheme();
  const root = document.getElementById("app");
  const route = window.location.hash.slice(1) || "/home";
  const load = ROUTES[route];
  if (!load) {
    root.replaceChildren(h("div", { class: "alert alert-danger", role: "alert" }, `No view at ${route}`));
    return;
  }
  const view = await load();
  root.replaceChildren();
  await view.render(root);
  document.body.dataset.ready = "true";
}

window.htmlClientSdk.initialize(start);
