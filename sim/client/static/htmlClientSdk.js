/* The stand-in's htmlClientSdk: the postMessage subset of the vSphere Client JavaScript API our views use.
   Each view is an iframe; every call goes to the hosting window, which answers by message id. */
(function () {
  "use strict";
  const pending = new Map();
  const listeners = { theme: [], refresh: [] };
  let seq = 0;
  let ctx = null;

  function call(method, args) {
    return new Promise((resolve) => {
      const id = ++seq;
      pending.set(id, resolve);
      window.parent.postMessage({ vicSdk: 1, id, method, args }, window.location.origin);
    });
  }

  window.addEventListener("message", (event) => {
    const msg = event.data || {};
    if (event.source !== window.parent || event.origin !== window.location.origin || !msg.vicSdk) return;
    if (msg.reply) {
      const resolve = pending.get(msg.reply);
      pending.delete(msg.reply);
      if (resolve) resolve(msg.result);
    } else if (msg.event === "theme") {
      if (ctx) ctx.theme = msg.data;
      listeners.theme.forEach((cb) => cb(msg.data));
    } else if (msg.event === "refresh") {
      listeners.refresh.forEach((cb) => cb());
    }
  });

  window.htmlClientSdk = {
    initialize(callback) {
      // The hosting page may not listen yet when a cached view starts (its script runs after the frames): ask
      // again until it answers, as the vSphere Client's own library waits for its host.
      let answered = false;
      const ask = () => {
        if (answered) return;
        call("initialize").then((context) => {
          if (answered) return;
          answered = true;
          ctx = context;
          if (callback) callback();
        });
        setTimeout(ask, 250);
      };
      ask();
    },
    isInitialized() { return ctx !== null; },
    app: {
      getContextObjects() { return ctx.contextObjects; },
      getClientInfo() { return ctx.clientInfo; },
      getClientLocale() { return ctx.locale; },
      getTheme() { return ctx.theme; },
      getNavigationData() { return ctx.navigationData; },
      formatDateTime(ms) { return new Date(ms).toLocaleString(ctx.locale); },
      getSessionInfo(callback) { call("getSessionInfo").then(callback); },
      getPluginBackendInfo(callback) { call("getPluginBackendInfo").then(callback); },
      // Synchronous, as VMware documents it: app.getApiEndpoints():app.ApiEndpoints.
      getApiEndpoints() { return ctx.apiEndpoints; },
      navigateTo(options) { call("navigateTo", options); },
    },
    modal: {
      open(config) {
        const onClosed = config.onClosed;
        const plain = Object.assign({}, config);
        delete plain.onClosed;
        call("modal.open", plain).then((data) => { if (onClosed) onClosed(data); });
      },
      close(data) { call("modal.close", data === undefined ? null : data); },
      setOptions(options) { call("modal.setOptions", options); },
    },
    event: {
      onGlobalRefresh(callback) { listeners.refresh.push(callback); },
      onThemeChanged(callback) { listeners.theme.push(callback); },
    },
  };
})();
