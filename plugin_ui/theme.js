// Light or dark, as the vSphere Client says, and follow its changes.
export function applyTheme(theme) {
  const name = theme && theme.name === "dark" ? "dark" : "light";
  document.body.setAttribute("cds-theme", name);
}

export function followTheme() {
  applyTheme(window.htmlClientSdk.app.getTheme());
  window.htmlClientSdk.event.onThemeChanged(applyTheme);
}
