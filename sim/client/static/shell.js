/* The stand-in's side of htmlClientSdk: answers the views' messages, opens modals, switches the theme. */
(function () {
  "use strict";
  const shell = window.SHELL;
  const modals = [];  // {frame, opener, replyId, element}
  let theme = localStorage.getItem("standin-theme") || "light";

  function frames() { return Array.from(document.querySelectorAll("iframe.view")); }
  function frameOf(source) { return frames().find((f) => f.contentWindow === source); }
  function send(win, msg) { win.postMessage(Object.assign({ vicSdk: 1 }, msg), window.location.origin); }

  function applyTheme(name) {
    theme = name;
    localStorage.setItem("standin-theme", name);
    document.body.dataset.theme = name;
    document.getElementById("theme-dark").checked = name === "dark";
    frames().forEach((f) => f.contentWindow && send(f.contentWindow, { event: "theme", data: { name } }));
  }

  function closeModal(modal, data) {
    modals.splice(modals.indexOf(modal), 1);
    modal.element.remove();
    if (modal.opener) send(modal.opener, { reply: modal.replyId, result: data });
    if (modal.returnFocus) modal.returnFocus.focus();
  }

  function openModal(config, opener, replyId) {
    const url = new URL(config.url, new URL(shell.proxyBase, window.location.href)).href;
    const overlay = document.createElement("div");
    overlay.className = "modal-overlay";
    const dialog = document.createElement("div");
    dialog.className = "modal-dialog";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-label", config.title || "Dialog");
    const width = (config.size && config.size.width) || 600;
    const height = (config.size && config.size.height) || 400;
    dialog.style.width = `min(${width}px, 96vw)`;
    const head = document.createElement("div");
    head.className = "modal-title";
    const title = document.createElement("h2");
    title.textContent = config.title || "";
    head.appendChild(title);
    const frame = document.createElement("iframe");
    frame.className = "view modal-view";
    frame.title = config.title || "Dialog";
    frame.style.height = `min(${height}px, 86vh)`;
    frame.dataset.context = JSON.stringify(config.contextObjects || []);
    frame.dataset.customData = JSON.stringify(config.customData === undefined ? null : config.customData);
    const modal = { frame, opener, replyId, element: overlay, returnFocus: document.activeElement };
    if (config.closable !== false) {
      const close = document.createElement("button");
      close.type = "button";
      close.className = "modal-close";
      close.setAttribute("aria-label", "Close");
      close.textContent = "×";
      close.addEventListener("click", () => closeModal(modal, null));
      head.appendChild(close);
    }
    dialog.append(head, frame);
    overlay.appendChild(dialog);
    document.getElementById("modal-root").appendChild(overlay);
    frame.src = url;
    frame.addEventListener("load", () => frame.focus());
    modals.push(modal);
  }

  function openAction(button) {
    openModal({ url: button.dataset.url, title: button.dataset.title,
                size: { width: +button.dataset.width, height: +button.dataset.height },
                contextObjects: JSON.parse(button.dataset.context) }, null, 0);
  }

  const handlers = {
    initialize(frame) {
      return { contextObjects: JSON.parse(frame.dataset.context || "[]"),
               clientInfo: { type: "HTML", version: "stand-in" }, locale: navigator.language || "en-US",
               theme: { name: theme }, navigationData: JSON.parse(frame.dataset.customData || "null"),
               // vsphere-ui's API endpoint, on the vCenter itself as in a real vCenter (here the simulator's).
               apiEndpoints: { uiApiEndpoint: { fullUrl: shell.uiApiEndpoint } } };
    },
    getSessionInfo() { return { sessionToken: shell.token }; },
    getPluginBackendInfo() {
      const base = new URL(shell.proxyBase, window.location.href).href;
      return { allPluginBackendServers: [{ type: "MANIFEST_SERVER", proxiedBaseUrl: base }],
               backendServersPerVc: { [shell.guid]: [{ type: "MANIFEST_SERVER", proxiedBaseUrl: base }] } };
    },
    navigateTo(frame, options) {
      const id = (options && options.objectId) || "";
      const parts = id.split(":");
      if (parts.length >= 4) window.location.href = `/ui/object/${parts[2]}/${parts[3]}`;
      else if (shell.pluginKey) window.location.href = `/ui/plugin/${shell.pluginKey}`;
      return null;
    },
  };

  window.addEventListener("message", (event) => {
    const msg = event.data || {};
    if (event.origin !== window.location.origin || !msg.vicSdk || !msg.method) return;
    const frame = frameOf(event.source);
    if (!frame) return;
    if (msg.method === "modal.open") { openModal(msg.args || {}, event.source, msg.id); return; }
    if (msg.method === "modal.close") {
      const modal = modals.find((m) => m.frame === frame);
      if (modal) closeModal(modal, msg.args);
      return;
    }
    if (msg.method === "modal.setOptions") {
      const modal = modals.find((m) => m.frame === frame);
      if (modal && msg.args && msg.args.title) modal.element.querySelector("h2").textContent = msg.args.title;
      send(event.source, { reply: msg.id, result: null });
      return;
    }
    const handler = handlers[msg.method];
    send(event.source, { reply: msg.id, result: handler ? handler(frame, msg.args) : null });
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && modals.length) closeModal(modals[modals.length - 1], null);
  });
  document.querySelectorAll("button.plugin-action").forEach((b) => b.addEventListener("click", () => openAction(b)));
  document.getElementById("theme-dark").addEventListener("change", (e) => applyTheme(e.target.checked ? "dark" : "light"));
  document.getElementById("refresh").addEventListener("click", () =>
    frames().forEach((f) => f.contentWindow && send(f.contentWindow, { event: "refresh" })));
  document.body.dataset.theme = theme;
  document.getElementById("theme-dark").checked = theme === "dark";
})();
