"""Talking to a registered plug-in server as vCenter does: the manifest and every request pinned by the
registered SHA-256 thumbprint, dynamic items asked with the user's token, and a streaming reverse proxy.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from sim.client import manifest_rules


class PluginError(RuntimeError):
    """The plug-in server could not be reached, or did not present the registered certificate."""


def _thumbprint(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _same_thumbprint(a: str, b: str) -> bool:
    return a.replace(":", "").upper() == b.replace(":", "").upper()


@dataclass
class Upstream:
    """One plug-in server: the base URL the manifest's URIs are relative to, and its pinned certificate."""

    base_url: str
    thumbprint: str

    @classmethod
    def for_manifest(cls, manifest_url: str, thumbprint: str) -> "Upstream":
        return cls(urljoin(manifest_url, "."), thumbprint)

    def open(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None, timeout: float = 60) -> http.client.HTTPResponse:
        """Send one request to ``base_url + path``; :raise PluginError: unreachable or wrong certificate."""
        url = urlsplit(urljoin(self.base_url, path))
        try:
            if url.scheme == "https":
                # The certificate is self-signed: trust comes from the registered thumbprint, checked below.
                context = ssl._create_unverified_context()  # noqa: S323
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    url.hostname, url.port or 443, timeout=timeout, context=context)
                conn.connect()
                presented = _thumbprint(conn.sock.getpeercert(binary_form=True))
                if not _same_thumbprint(presented, self.thumbprint):
                    conn.close()
                    raise PluginError(f"The plug-in server at {url.netloc} presented certificate {presented}, "
                                      f"not the registered {self.thumbprint}")
            else:
                conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
            target = url.path + (f"?{url.query}" if url.query else "")
            conn.request(method, target, body=body, headers=headers or {})
            return conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            raise PluginError(f"Cannot reach the plug-in server at {url.netloc}: {exc}") from None

    def json(self, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        headers = {"Accept": "application/json", "Content-Type": "application/json", **(headers or {})}
        response = self.open(method, path, body, headers)
        data = response.read()
        if response.status >= 400:
            raise PluginError(f"{method} {path} answered {response.status}: {data[:200]!r}")
        return json.loads(data)


def fetch_manifest(manifest_url: str, thumbprint: str, release: manifest_rules.ClientRelease) -> dict:
    """Download the registered manifest (plugin.json, or a multi-manifest zip), refusing any other certificate,
    and pick what the vSphere Client ``release`` deploys from it.

    :raise manifest_rules.ManifestRefused: no manifest there fits ``release``.
    """
    upstream = Upstream.for_manifest(manifest_url, thumbprint)
    name = urlsplit(manifest_url).path.rsplit("/", 1)[-1]
    response = upstream.open("GET", name)
    data = response.read()
    if response.status >= 400:
        raise PluginError(f"GET {name} answered {response.status}: {data[:200]!r}")
    return manifest_rules.load(name, data, release)


def filter_query_headers(token: str, gateway: str) -> dict[str, str]:
    """The headers of vsphere-ui's dynamic-items filter query, as VMware's "filter query" page lists them: JSON
    both ways, no caching, the vsphere-ui endpoint URL (which vCenter manages the objects) and the session token
    (to authenticate with that endpoint). Named as the SDK's sample names them; the node id, which VMware marks
    unused, is left out (its header name is not documented)."""
    return {"Cache-Control": "no-cache", "Pragma": "no-cache", "vmware-api-gateway-url": gateway,
            "vmware-api-session-id": token}


def visible_items(upstream: Upstream, dynamic_uri: str, object_id: str, token: str, gateway: str) -> set[str]:
    """Ids of the dynamic items the plug-in server shows for ``object_id``; none when it cannot tell."""
    try:
        answer = upstream.json("POST", dynamic_uri, {"objectIds": [object_id]}, filter_query_headers(token, gateway))
    except (PluginError, ValueError):
        return set()
    return {item["id"] for item in answer.get("dynamicItems", []) if item.get("visible")}


# Hop-by-hop and length headers are the proxy's own business.
_SKIP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "upgrade",
         "proxy-authorization", "proxy-authenticate", "trailer", "cookie", "set-cookie"}


def forward_headers(headers: Any) -> dict[str, str]:
    """The request or response headers a reverse proxy passes on."""
    return {k: v for k, v in headers.items() if k.lower() not in _SKIP}


def stream(response: http.client.HTTPResponse) -> Iterator[bytes]:
    """The body as it arrives (server-sent events must not wait for the end)."""
    try:
        while True:
            chunk = response.read1(65536)
            if not chunk:
                return
            yield chunk
    finally:
        response.close()
