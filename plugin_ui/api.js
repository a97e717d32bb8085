// Calls to our own server, relative to the plug-in's base (the folder of plugin.json, as proxied by the
// vSphere Client), with the user's session token in vmware-api-session-id and, as VMware's "How to Delegate
// Session Authority to the Plug-in Server" asks, the vsphere-ui API endpoint the SDK names in
// vmware-api-gateway-url (the header name of the SDK's remote plug-in sample): the server trades the token for a
// clone ticket there, never at an address of its own making. Every call prefers answers at once
// (RFC 7240 respond-async): create and delete then answer 202 with the operation to follow, not, as
// vic-machine-server 1.5.8 does, once the work is done.
const BASE = new URL("../", import.meta.url);
let tokenPromise = null;
let targetPromise = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The server answered ${status}`);
    this.status = status;
    this.errors = (body && body.errors) || {};
    this.body = body;
  }
}

export function sessionToken() {
  tokenPromise ??= new Promise((resolve) =>
    window.htmlClientSdk.app.getSessionInfo((info) => resolve(info.sessionToken)));
  return tokenPromise;
}

/** getApiEndpoints().uiApiEndpoint.fullUrl without query and fragment (VMware: send scheme, host, port and
 * path); "" where the client has no getApiEndpoints (the server then asks the vCenter's own vsphere-ui). */
export function gatewayUrl() {
  const app = window.htmlClientSdk.app;
  const endpoint = typeof app.getApiEndpoints === "function" ? (app.getApiEndpoints() || {}).uiApiEndpoint : null;
  if (!endpoint || !endpoint.fullUrl) return "";
  const full = new URL(endpoint.fullUrl, window.location.href);
  return `${full.origin}${full.pathname}`;
}

export function url(path) {
  return new URL(path, BASE);
}

async function headers(extra = {}) {
  const gateway = gatewayUrl();
  return Object.assign({ "vmware-api-session-id": await sessionToken(), Accept: "application/json",
    Prefer: "respond-async" }, gateway ? { "vmware-api-gateway-url": gateway } : {}, extra);
}

export async function request(method, path, body) {
  const init = { method, headers: await headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(url(path), init);
  const text = await response.text();
  let data = text;
  try { data = text ? JSON.parse(text) : null; } catch { /* plain text answers: log, version */ }
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : { message: text });
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body ?? {});
export const del = (path, body) => request("DELETE", path, body);

/** The vCenter this view is about: {target, name, instance_uuid, datacenters}. */
export function currentTarget() {
  targetPromise ??= get("api/targets").then((answer) => {
    const targets = answer.targets || [];
    const context = (window.htmlClientSdk.app.getContextObjects() || [])[0];
    const guid = context ? context.id.split(":").slice(4).join(":") : "";
    return targets.find((t) => t.instance_uuid === guid) || targets[0];
  });
  return targetPromise;
}

/** container/target/<t>[/datacenter/<dc>] */
export function targetPath(target, datacenter) {
  const base = `container/target/${encodeURIComponent(target.target)}`;
  return datacenter ? `${base}/datacenter/${encodeURIComponent(datacenter)}` : base;
}

/** The moref of a context object id urn:vmomi:<Type>:<moref>:<guid>, and its type. */
export function parseObjectId(id) {
  const parts = (id || "").split(":");
  return { type: parts[2] || "", moid: parts[3] || "", guid: parts.slice(4).join(":") };
}

/** Read an operation's server-sent events; onEvent(kind, data) for each; resolves with the final state. */
export async function followOperation(opId, onEvent) {
  const response = await fetch(url(`container/operations/${encodeURIComponent(opId)}/events`),
    { headers: await headers({ Accept: "text/event-stream" }) });
  if (!response.ok || !response.body) throw new ApiError(response.status, { message: await response.text() });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const kind = (block.match(/^event: (.*)$/m) || [])[1] || "message";
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (!data) continue;
      const parsed = JSON.parse(data);
      onEvent(kind, parsed);
      if (kind === "end") {
        // Done: let go of the stream at once (it holds a connection of the proxy and a server thread).
        reader.cancel().catch(() => {});
        return parsed;
      }
    }
  }
  return get(`container/operations/${encodeURIComponent(opId)}`);
}

/** Fetch a file with the session header and hand it to the browser as a download. */
export async function download(path, filename) {
  const response = await fetch(url(path), { headers: await headers({ Accept: "*/*" }) });
  if (!response.ok) throw new ApiError(response.status, { message: await response.text() });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/** Open one of our views as a vSphere Client modal; resolves with what it closed with. */
export function openModal(view, title, size, contextObjects) {
  return new Promise((resolve) => window.htmlClientSdk.modal.open({
    url: `ui/index.html#${view}`, title, size, contextObjects, onClosed: resolve,
  }));
}
