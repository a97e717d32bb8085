"""The vSphere Client stand-in: a small Flask app hosting our plug-in's views as the vSphere Client would.

Not the vSphere Client: it logs in to the (simulated) vCenter, shows a Hosts and Clusters tree, reads our
extension from the ExtensionManager, downloads ``plugin.json`` from the registered URL (pinned by the registered
thumbprint) and hosts the manifest's views in iframes: the global view, VM summary cards and object actions
(as modals). Views reach their server through ``/proxy/<extension>/``, as through vCenter's proxiedBaseUrl.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Flask, Response, abort, g, redirect, render_template, request, session, url_for

from sim.client import manifest_rules
from sim.client import plugin as plug
from sim.client import vcenter
from vic_machine.errors import VicError
from vic_machine.vsphere.session import Session

OBJECT_TYPES = ("Datacenter", "ClusterComputeResource", "HostSystem", "ResourcePool", "VirtualMachine")


@dataclass
class ClientConfig:
    """Which vCenter the stand-in fronts, and which extension it hosts."""

    host: str
    port: int
    thumbprint: str
    extension_key: str = "com.vmware.vic"
    default_user: str = ""
    # What the views' getApiEndpoints().uiApiEndpoint.fullUrl says: vsphere-ui's API on the vCenter itself.
    ui_api_endpoint: str = ""
    # Which vSphere Client's manifest rules apply (sim.client.manifest_rules.RELEASES): "8.0" or "7.0u2".
    release: str = "8.0"
    sessions: dict[str, Session] = field(default_factory=dict)
    manifests: dict[tuple, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class PluginView:
    """The registered plug-in as the pages need it (or why it is unavailable)."""

    registration: vcenter.Registration | None = None
    manifest: dict | None = None
    upstream: plug.Upstream | None = None
    error: str = ""

    @property
    def proxy_base(self) -> str:
        return f"/proxy/{self.registration.key}/" if self.registration else ""

    def text(self, key: str) -> str:
        strings = (self.manifest or {}).get("definitions", {}).get("i18n", {}).get("definitions", {})
        return strings.get(key, {}).get("en-US", key)


def create_client_app(config: ClientConfig) -> Flask:
    """Build the stand-in for one vCenter."""
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)
    app.extensions["vic_client"] = config

    def current() -> Session | None:
        sid = session.get("sid")
        return config.sessions.get(sid) if sid else None

    def plugin_view(user: Session) -> PluginView:
        try:
            registration = vcenter.find_registration(user, config.extension_key)
        except Exception as exc:  # noqa: BLE001 - shown on the page, this is a development tool
            return PluginView(error=f"Reading the extension failed: {exc}")
        if registration is None:
            return PluginView(error=f"No remote plug-in {config.extension_key} is registered in this vCenter")
        cache_key = (registration.manifest_url, registration.thumbprint, registration.version, config.release)
        try:
            with config.lock:
                manifest = config.manifests.get(cache_key)
            if manifest is None:
                manifest = plug.fetch_manifest(registration.manifest_url, registration.thumbprint,
                                               manifest_rules.RELEASES[config.release])
                with config.lock:
                    config.manifests[cache_key] = manifest
        except (plug.PluginError, ValueError) as exc:
            return PluginView(registration=registration, error=f"Cannot load the plug-in's manifest: {exc}")
        upstream = plug.Upstream.for_manifest(registration.manifest_url, registration.thumbprint)
        return PluginView(registration, manifest, upstream)

    @app.before_request
    def _load_user():
        g.user = current()
        open_paths = ("/login", "/static/", "/api/ui/")
        if g.user is None and not request.path.startswith(open_paths):
            if request.path.startswith("/proxy/"):
                abort(401)
            return redirect(url_for("login", next=request.path))
        return None

    @app.context_processor
    def _globals():
        if g.get("user") is None:
            return {}
        return {"tree": vcenter.inventory_tree(g.user), "token": g.user.session_id, "user_name": g.user.user,
                "vcenter": f"{config.host}:{config.port}", "guid": g.user.about().instanceUuid,
                "ui_api_endpoint": _ui_api_endpoint(config)}

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = ""
        if request.method == "POST":
            try:
                user = vcenter.login(config.host, config.port, config.thumbprint,
                                     request.form.get("username", ""), request.form.get("password", ""))
            except VicError as exc:
                error = str(exc)
            else:
                sid = secrets.token_urlsafe(16)
                config.sessions[sid] = user
                session["sid"] = sid
                return redirect(request.args.get("next") or url_for("home"))
        return render_template("login.html", error=error, default_user=config.default_user,
                               vcenter=f"{config.host}:{config.port}")

    @app.post("/logout")
    def logout():
        user = config.sessions.pop(session.pop("sid", ""), None)
        if user is not None:
            user.logout()
        return redirect(url_for("login"))

    @app.route("/")
    def home():
        view = plugin_view(g.user)
        return render_template("home.html", plugin=view)

    @app.route("/ui/plugin/<key>")
    def global_view(key: str):
        view = plugin_view(g.user)
        if view.manifest is None or key != config.extension_key:
            return render_template("home.html", plugin=view), 404
        uri = view.manifest["global"]["view"]["uri"]
        return render_template("global.html", plugin=view, src=view.proxy_base + uri)

    @app.route("/ui/object/<kind>/<moid>")
    def object_page(kind: str, moid: str):
        if kind not in OBJECT_TYPES:
            abort(404)
        try:
            props = vcenter.object_summary(g.user, kind, moid)
        except (KeyError, VicError):
            abort(404)
        view = plugin_view(g.user)
        object_id = f"urn:vmomi:{kind}:{moid}:{g.user.about().instanceUuid}"
        cards, actions = _extensions_for(view, kind, object_id, g.user.session_id, _ui_api_endpoint(config))
        return render_template("object.html", plugin=view, kind=kind, moid=moid, props=props,
                               object_id=object_id, cards=cards, actions=actions)

    @app.post("/api/ui/vcenter/session/clone-ticket")
    def clone_ticket():
        # vCenter's own endpoint answers it; the stand-in only forwards (the simulator implements it).
        upstream = plug.Upstream(f"https://{config.host}:{config.port}/", config.thumbprint)
        try:
            response = upstream.open("POST", "api/ui/vcenter/session/clone-ticket", request.get_data(),
                                     {"vmware-api-session-id": request.headers.get("vmware-api-session-id", ""),
                                      "Content-Type": "application/json"})
        except plug.PluginError as exc:
            return {"error": str(exc)}, 502
        return Response(response.read(), response.status, content_type="application/json")

    @app.get("/api/ui/htmlClientSdk.js")
    def sdk():
        return app.send_static_file("htmlClientSdk.js")

    @app.route("/proxy/<key>/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def proxy(key: str, rest: str):
        view = plugin_view(g.user)
        if key != config.extension_key or view.upstream is None:
            abort(404)
        path = quote(rest) + (f"?{request.query_string.decode()}" if request.query_string else "")
        try:
            upstream = view.upstream.open(request.method, path, request.get_data() or None,
                                          plug.forward_headers(request.headers), timeout=300)
        except plug.PluginError as exc:
            return {"message": str(exc)}, 502
        headers = plug.forward_headers(upstream.headers)
        if headers.get("Location", "").startswith("/"):
            headers["Location"] = f"/proxy/{key}{headers['Location']}"
        return Response(plug.stream(upstream), upstream.status, headers=headers, direct_passthrough=True)

    return app


def _ui_api_endpoint(config: ClientConfig) -> str:
    host = f"[{config.host}]" if ":" in config.host else config.host
    return config.ui_api_endpoint or f"https://{host}:{config.port}/api/ui"


def _extensions_for(view: PluginView, kind: str, object_id: str, token: str,
                    gateway: str) -> tuple[list[dict], list[dict]]:
    """The summary cards and menu actions the manifest declares for ``kind``, dynamic ones asked about."""
    if view.manifest is None:
        return [], []
    spec = view.manifest.get("objects", {}).get(kind, {})
    cards, actions = [], []
    summary = spec.get("summary")
    if summary:
        shown = plug.visible_items(view.upstream, summary["dynamicUri"], object_id, token, gateway) \
            if summary.get("dynamicUri") else None
        card = summary["view"]
        if not card.get("dynamic") or (shown is not None and card.get("id") in shown):
            cards.append({"src": view.proxy_base + card["uri"], "id": card.get("id", "card")})
    menu = spec.get("menu")
    if menu:
        shown = plug.visible_items(view.upstream, menu["dynamicUri"], object_id, token, gateway) \
            if menu.get("dynamicUri") else set()
        for action in menu.get("actions", []):
            if action.get("type") == "separator" or (action.get("dynamic") and action["id"] not in shown):
                continue
            trigger = action["trigger"]
            actions.append({"id": action["id"], "label": view.text(action["labelKey"]),
                            "url": view.proxy_base + trigger["uri"], "title": view.text(trigger["titleKey"]),
                            "width": trigger.get("size", {}).get("width", 600),
                            "height": trigger.get("size", {}).get("height", 400)})
    return cards, actions
