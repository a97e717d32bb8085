"""plugin.json against the remote plug-in manifest facts (reference/vsphere-remote-plugin.md §1)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlsplit

import pytest

from plugin_server.manifest import DYNAMIC_URIS
from plugin_server.manifest import ICON_FILE
from plugin_server.manifest import ICON_URIS
from plugin_server.manifest import VIEW_URIS
from plugin_server.manifest import dynamic_items
from plugin_server.manifest import referenced_uris
from plugin_server.manifest import render_manifest

VERSIONS = {"1.0.0", "1.0.1", "1.1.0", "1.2.0"}
VIM_TYPES = {"VirtualMachine", "HostSystem", "Datacenter", "ClusterComputeResource", "ResourcePool", "VirtualApp"}

# Allowed keys per place in the document; "*" means any key (names chosen by us: object types, icons, strings).
VIEW = {"navigationId": None, "labelKey": None, "uri": None, "dynamic": None}
SIZE = {"width": None, "height": None}
ACTION = {
    "id": None,
    "type": None,  # only {"type": "separator"}
    "labelKey": None,
    "icon": {"name": None},
    "dynamic": None,
    "trigger": {"type": None, "uri": None, "titleKey": None, "size": SIZE},
}
XY = {"*": {"x": None, "y": None}}
SCHEMA: dict[str, Any] = {
    "manifestVersion": None,
    "requirements": {"*": None},
    "configuration": {"nameKey": None, "icon": {"name": None}},
    "global": {"view": {"navigationId": None, "uri": None, "navigationVisible": None}},
    "objects": {
        "*": {
            "summary": {
                "dynamicUri": None,
                "view": {"uri": None, "id": None, "dynamic": None, "size": {"widthSpan": None, "heightSpan": None}},
            },
            "monitor": {"dynamicUri": None, "views": [VIEW]},
            "configure": {"dynamicUri": None, "views": [VIEW]},
            "menu": {"dynamicUri": None, "actions": [ACTION]},
        }
    },
    "definitions": {
        "iconSpriteSheet": {
            "uri": None,
            "definitions": XY,
            "themeOverrides": {"dark": {"uri": None, "definitions": XY}},
        },
        "i18n": {"locales": None, "definitions": None},
    },
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return render_manifest()


def unknown_keys(value: Any, schema: Any, path: str = "") -> list[str]:
    """Paths in ``value`` that ``schema`` does not allow."""
    if schema is None:
        return []
    if isinstance(schema, list):
        return [p for i, item in enumerate(value) for p in unknown_keys(item, schema[0], f"{path}[{i}]")]
    found = []
    for key, child in value.items():
        if "*" not in schema and key not in schema:
            found.append(f"{path}.{key}")
        else:
            found += unknown_keys(child, schema.get(key, schema.get("*")), f"{path}.{key}")
    return found


def walk(value: Any):
    if isinstance(value, dict):
        yield value
        value = list(value.values())
    if isinstance(value, list):
        for child in value:
            yield from walk(child)


def test_only_keys_the_manifest_schema_allows(doc):
    assert set(doc) <= set(SCHEMA)
    assert unknown_keys(doc, SCHEMA) == []
    assert set(doc["objects"]) <= VIM_TYPES


def test_schema_check_catches_a_stray_key(doc):
    stray = json.loads(json.dumps(doc))
    stray["objects"]["VirtualMachine"]["menu"]["actions"][0]["trigger"]["closable"] = True
    stray["extra"] = 1
    assert unknown_keys(stray, SCHEMA) == [".objects.VirtualMachine.menu.actions[0].trigger.closable", ".extra"]


def test_versions(doc):
    requirements = doc["requirements"]
    assert doc["manifestVersion"] == requirements["plugin.api.version"] == "1.2.0"
    # The newest release's manifest (each release's own: tests/test_manifest_releases.py); never 7.0 GA, which
    # has neither manifest 1.2.0 nor dynamic extensions.
    assert requirements["vcenter.server"] == {"version": "[8.0,)", "environments": ["onprem"]}
    assert all(v in VERSIONS for v in (doc["manifestVersion"], requirements["plugin.api.version"]))
    # dynamic items only work when the client is told the plug-in needs them
    assert any(node.get("dynamic") for node in walk(doc["objects"]))
    assert requirements["plugin.dynamic.extensions"] == "1.0.0"


def test_views_and_actions_vic_needs(doc):
    assert doc["global"]["view"] == {"navigationId": "vic", "uri": "ui/index.html#/home", "navigationVisible": True}
    vm = doc["objects"]["VirtualMachine"]
    assert vm["summary"]["view"]["uri"] == "ui/index.html#/vm-portlet" and vm["summary"]["view"]["dynamic"]
    [delete] = vm["menu"]["actions"]
    assert delete["dynamic"] and delete["trigger"]["uri"] == "ui/index.html#/delete"
    for vim_type in ("ClusterComputeResource", "HostSystem", "ResourcePool", "Datacenter"):
        [new] = doc["objects"][vim_type]["menu"]["actions"]
        assert new["trigger"] == {
            "type": "modal",
            "uri": "ui/index.html#/create-wizard",
            "titleKey": "vch.new.title",
            "size": {"width": 1050, "height": 700},
        }
    strings = doc["definitions"]["i18n"]["definitions"]
    assert strings[new["labelKey"]]["en-US"] == "New Virtual Container Host…"
    assert strings[delete["labelKey"]]["en-US"] == "Delete Virtual Container Host"


def test_every_string_key_is_defined_for_every_locale(doc):
    i18n = doc["definitions"]["i18n"]
    assert i18n["locales"] == ["en-US"]
    used = {value for node in walk(doc) for key, value in node.items() if key.endswith("Key")}
    assert "plugin.name" in used and len(used) >= 5
    for key in used:
        assert set(i18n["definitions"].get(key, {})) == set(i18n["locales"]), key


def test_every_icon_is_in_the_sprite_for_both_themes(doc):
    sprite = doc["definitions"]["iconSpriteSheet"]
    used = {node["icon"]["name"] for node in walk(doc) if isinstance(node.get("icon"), dict)}
    assert {"vic", "vch-new", "vch-delete"} <= used
    svg = ET.parse(ICON_FILE).getroot()
    width, height = int(svg.get("width")), int(svg.get("height"))
    for theme in (sprite, sprite["themeOverrides"]["dark"]):
        assert theme["uri"] in ICON_URIS
        for name in used:
            cell = theme["definitions"][name]
            assert 0 <= cell["x"] <= width - 32 and 0 <= cell["y"] <= height - 32, name
    # the dark theme must really point at other pixels, not repeat the light ones
    assert all(sprite["definitions"][n] != sprite["themeOverrides"]["dark"]["definitions"][n] for n in used)


def test_every_uri_is_relative_and_served(doc):
    uris = referenced_uris(doc)
    for uri in uris:
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.netloc and not uri.startswith("/"), uri
    views = {node["uri"] for node in [*walk(doc["global"]), *walk(doc["objects"])] if "uri" in node}
    assert views == set(VIEW_URIS)
    assert uris == VIEW_URIS | ICON_URIS | DYNAMIC_URIS
    assert all(re.fullmatch(r"ui/index\.html#/[a-z-]+", uri) for uri in VIEW_URIS)


def test_every_dynamic_item_has_an_id_and_an_endpoint(doc):
    items = dynamic_items(doc)
    assert items == {"api/dynamic-items/vm/summary": ["vicVmCard"], "api/dynamic-items/vm/actions": ["deleteVch"]}
    dynamic = [node for node in walk(doc["objects"]) if node.get("dynamic")]
    assert sorted(node["id"] for node in dynamic) == sorted(i for ids in items.values() for i in ids)


def test_base_uri_prefixes_every_uri():
    moved = render_manifest("v2")
    assert referenced_uris(moved) == {"v2/" + uri for uri in referenced_uris(render_manifest())}
    assert moved["definitions"]["iconSpriteSheet"]["themeOverrides"]["dark"]["uri"] == "v2/ui/icons.svg"
    for bad in ("/ui/", "https://host/ui/"):
        with pytest.raises(ValueError):
            render_manifest(bad)


def test_serializes_to_json(doc):
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc
