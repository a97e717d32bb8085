"""The vSphere Client remote plug-in manifest (``plugin.json``), rendered from ``manifest/``.

``manifest/plugin.json`` is the document without its strings and requirements; ``manifest/i18n/<locale>.json``
hold the strings (``{key: text}``), merged here into ``definitions.i18n``; ``manifest/releases.json`` holds, for
each vSphere Client feature set, the manifest's file name, its requirements and whether that release has dynamic
Summary cards (where it does not, the VM card is a static one and the view decides what it shows). Every URI in
the manifest is relative to the directory ``plugin.json`` is served from, which is what lets vCenter's reverse
proxy serve the plug-in under its own prefix.

The contract with the routes that serve what the manifest names (paths relative to ``plugin.json``'s directory):

- ``VIEW_URIS``: the views, all pages of ``ui/index.html`` (``plugin_ui/``), told apart by the fragment.
- ``ICON_URIS``: the icon sprite, ``ui/icons.svg``, whose file is ``ICON_FILE`` (``manifest/icons.svg``).
- ``DYNAMIC_URIS``: the endpoints the vSphere Client POSTs ``{"objectIds": [...]}`` to, answered with
  ``{"apiVersion": "1.0.0", "dynamicItems": [{"id": ..., "visible": bool}]}`` for the ids in ``dynamic_items()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MANIFEST_DIR = Path(__file__).resolve().parent.parent / "manifest"
ICON_FILE = MANIFEST_DIR / "icons.svg"

VIEW_URIS: frozenset[str] = frozenset(
    {
        "ui/index.html#/home",  # the global VIC view
        "ui/index.html#/vm-portlet",  # the VM summary card: VCH card or container card, by the VM
        "ui/index.html#/create-wizard",
        "ui/index.html#/delete",
    }
)
ICON_URIS: frozenset[str] = frozenset({"ui/icons.svg"})
DYNAMIC_URIS: frozenset[str] = frozenset({"api/dynamic-items/vm/summary", "api/dynamic-items/vm/actions"})

# Keys whose value is a path the client resolves against plugin.json's URL.
_URI_KEYS = ("uri", "dynamicUri")


def load_strings(directory: Path = MANIFEST_DIR / "i18n") -> dict[str, dict[str, str]]:
    """Read ``<locale>.json`` files into the manifest's form ``{key: {locale: text}}``."""
    definitions: dict[str, dict[str, str]] = {}
    for path in sorted(directory.glob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            definitions.setdefault(key, {})[path.stem] = text
    return definitions


@dataclass(frozen=True)
class Release:
    """One manifest of the multi-manifest: for the vSphere Client ``release`` and later ones."""

    file: str
    release: str
    dynamic_summary: bool
    requirements: dict[str, Any]


def load_releases(path: Path = MANIFEST_DIR / "releases.json") -> list[Release]:
    """The manifests, newest feature set first (the order vsphere-ui tries them in)."""
    entries = json.loads(path.read_text(encoding="utf-8"))["manifests"]
    return [Release(e["file"], e["release"], e["dynamicSummary"], e["requirements"]) for e in entries]


def render_manifest(base_uri: str = "", release: Release | None = None) -> dict[str, Any]:
    """Build the manifest document for ``release`` (default: the newest), its strings merged in.

    :param base_uri: a relative path prefixed to every URI (e.g. ``"v2/"``), for a server that serves the
        views below a sub-path of ``plugin.json``'s directory; empty keeps the URIs as written.
    :raise ValueError: when ``base_uri`` is absolute: the client only proxies paths relative to the manifest.
    """
    prefix = _relative_prefix(base_uri)
    release = release or load_releases()[0]
    body = json.loads((MANIFEST_DIR / "plugin.json").read_text(encoding="utf-8"))
    document = {"manifestVersion": body.pop("manifestVersion"), "requirements": dict(release.requirements), **body}
    strings = load_strings()
    locales = sorted({locale for texts in strings.values() for locale in texts})
    document.setdefault("definitions", {})["i18n"] = {"locales": locales, "definitions": strings}
    if not release.dynamic_summary:
        _static_summaries(document)
    if prefix:
        for node, key in _uri_slots(document):
            node[key] = prefix + node[key]
    return document


def _static_summaries(document: dict[str, Any]) -> None:
    # A release without dynamic Summary cards shows the card on every object of its type; the view tells.
    for spec in document.get("objects", {}).values():
        summary = spec.get("summary")
        if summary:
            summary.pop("dynamicUri", None)
            for key in ("dynamic", "id"):
                summary["view"].pop(key, None)


def referenced_uris(document: dict[str, Any]) -> set[str]:
    """Every ``uri`` and ``dynamicUri`` value anywhere in ``document``."""
    return {node[key] for node, key in _uri_slots(document)}


def dynamic_items(document: dict[str, Any]) -> dict[str, list[str]]:
    """For each ``dynamicUri``: the ids of the dynamic items it decides about (its sibling extensions)."""
    found: dict[str, list[str]] = {}
    for node in _walk(document):
        if "dynamicUri" not in node:
            continue
        items = [value for key, value in node.items() if key != "dynamicUri"]
        flat = [item for value in items for item in (value if isinstance(value, list) else [value])]
        found[node["dynamicUri"]] = [item["id"] for item in flat if item.get("dynamic")]
    return found


def _relative_prefix(base_uri: str) -> str:
    parts = urlsplit(base_uri)
    if parts.scheme or parts.netloc or base_uri.startswith("/"):
        raise ValueError(f"base_uri must be a path relative to plugin.json, got {base_uri!r}")
    return base_uri if not base_uri or base_uri.endswith("/") else base_uri + "/"


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return
    for child in children:
        yield from _walk(child)


def _uri_slots(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    # Strings are skipped: definitions.i18n keys like "uri" would be texts, not paths.
    for node in _walk({k: v for k, v in document.items() if k != "definitions"}):
        yield from ((node, key) for key in _URI_KEYS if isinstance(node.get(key), str))
    sprite = document.get("definitions", {}).get("iconSpriteSheet", {})
    for node in _walk(sprite):
        if isinstance(node.get("uri"), str):
            yield node, "uri"
