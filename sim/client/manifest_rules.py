"""The manifest rules of the vSphere Client release the stand-in plays, and vsphere-ui's choice among the
manifests of a multi-manifest.

From VMware's published remote plug-in manifest schemas (7.0 and 8.0 U3), its "Remote Plug-in Multi-Manifest
Support", "Specifying Remote Plug-in Compatibility" and "Configure Dynamic Extensions" pages, and knowledge-base
article 313514. Only what we could confirm is checked; what the stand-in cannot tell it lets through:

- top level: only manifestVersion, requirements, configuration, global, objects, definitions; manifestVersion
  and requirements["plugin.api.version"] one of 1.0.0, 1.0.1, 1.1.0, 1.2.0;
- requirements: no key the release's schema lacks (7.0's allows no additional properties: a key added in 8.0,
  such as open.modal.api, makes a 7.0 client refuse the manifest); vcenter.server / vsphere.client a version or
  interval ("[7.0.2,)") and environments among onprem, cloud, gateway;
- capability flags for what the manifest uses: plugin.dynamic.extensions for any dynamicUri or dynamic item,
  icon.sprite.sheet.theming for iconSpriteSheet.themeOverrides;
- dynamic Summary cards only where the release has them (8.0; VMware's 7.0 U1 page lists Monitor, Configure and
  Menu only);
- environment requirements: 8.0 U3 checks them while parsing (a manifest that does not fit makes vsphere-ui try
  the next one); before 8.0 U3 they were checked only when deploying the chosen manifest, which then shows as
  incompatible instead of falling back (KB 313514).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

TOP_LEVEL = {"manifestVersion", "requirements", "configuration", "global", "objects", "definitions"}
VERSIONS = {"1.0.0", "1.0.1", "1.1.0", "1.2.0"}
ENVIRONMENTS = {"onprem", "cloud", "gateway"}
_RANGE = re.compile(r"^\s*(([\(\[]\s*(\d+(\.\d+){0,3})?\s*,\s*(\d+(\.\d+){0,3})?\s*[\)\]])|\d+(\.\d+){0,3})\s*$")
# Requirement keys whose name and values we confirmed (schema, the SDK sample's manifests, KB 313514).
_FLAGS_70 = {"confirmation.modal.api": {"1.0.0"}, "proxied.plugin.server.origin.api": {"1.0.0"},
             "icon.sprite.sheet.theming": {"1.0.0"}, "plugin.backend.info.api": {"1.0.0"},
             "action.accepts.multiple.targets": {True}, "plugin.dynamic.extensions": {"1.0.0"}}
_FLAGS_80 = {**_FLAGS_70, "open.modal.api": {"1.0.0", "1.1.0"}}
MULTI_MANIFEST = "plugin-multi-manifest.json"


class ManifestRefused(ValueError):
    """vsphere-ui would not load the plug-in; the message says which rule a manifest broke."""


@dataclass(frozen=True)
class ClientRelease:
    name: str
    version: tuple[int, ...]
    flags: dict[str, set]
    dynamic_summary: bool
    requirements_at_parse: bool


RELEASES = {
    "7.0u2": ClientRelease("7.0 U2", (7, 0, 2), _FLAGS_70, dynamic_summary=False, requirements_at_parse=False),
    "8.0": ClientRelease("8.0 U3", (8, 0, 3), _FLAGS_80, dynamic_summary=True, requirements_at_parse=True),
}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")) if text else ()


def _in_range(spec: str, version: tuple[int, ...]) -> bool:
    spec = spec.strip()
    if spec[0] not in "[(":
        return version[:len(_version(spec))] == _version(spec)
    low, high = (part.strip() for part in spec[1:-1].split(","))
    pad = lambda v: v + (0,) * (4 - len(v))  # noqa: E731 - two comparisons below
    if low and (pad(version) < pad(_version(low)) or (spec[0] == "(" and pad(version) == pad(_version(low)))):
        return False
    if high and (pad(version) > pad(_version(high)) or (spec[-1] == ")" and pad(version) == pad(_version(high)))):
        return False
    return True


def _walk(value: Any):
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def schema_problems(doc: Any, release: ClientRelease) -> list[str]:
    """What the release's manifest parser refuses in ``doc`` (empty: it parses)."""
    if not isinstance(doc, dict):
        return ["the manifest is not a JSON object"]
    problems = [f"top-level key {k!r} is not in the schema" for k in sorted(set(doc) - TOP_LEVEL)]
    requirements = doc.get("requirements") or {}
    if doc.get("manifestVersion") not in VERSIONS:
        problems.append(f"manifestVersion {doc.get('manifestVersion')!r} is not one of {sorted(VERSIONS)}")
    if requirements.get("plugin.api.version") not in VERSIONS:
        problems.append(f"requirements.plugin.api.version {requirements.get('plugin.api.version')!r} is not one of "
                        f"{sorted(VERSIONS)}")
    for key, value in requirements.items():
        if key in ("plugin.api.version",):
            continue
        if key in ("vcenter.server", "vsphere.client"):
            if not isinstance(value, dict) or not _RANGE.match(str(value.get("version", ""))):
                problems.append(f"requirements.{key}.version must be a version or an interval like [7.0.2,)")
            elif not set(value.get("environments", [])) <= ENVIRONMENTS:
                problems.append(f"requirements.{key}.environments must be among {sorted(ENVIRONMENTS)}")
        elif key not in release.flags:
            problems.append(f"requirements.{key} is not in the vSphere Client {release.name} manifest schema")
        elif value not in release.flags[key]:
            problems.append(f"requirements.{key} {value!r} is not one of {sorted(map(str, release.flags[key]))}")
    if not doc.get("configuration", {}).get("nameKey"):
        problems.append("configuration.nameKey is required")
    dynamic = any("dynamicUri" in node or node.get("dynamic") is True for node in _walk(doc.get("objects", {})))
    if dynamic and "plugin.dynamic.extensions" not in requirements:
        problems.append("dynamic extensions are used without the plugin.dynamic.extensions capability")
    for kind, spec in (doc.get("objects") or {}).items():
        summary = (spec or {}).get("summary") or {}
        if (summary.get("dynamicUri") or summary.get("view", {}).get("dynamic")) and not release.dynamic_summary:
            problems.append(f"objects.{kind}.summary is dynamic: the vSphere Client {release.name} has no dynamic "
                            "Summary cards")
    if (doc.get("definitions", {}).get("iconSpriteSheet") or {}).get("themeOverrides") \
            and "icon.sprite.sheet.theming" not in requirements:
        problems.append("iconSpriteSheet.themeOverrides is used without the icon.sprite.sheet.theming capability")
    return problems


def environment_problems(doc: dict, release: ClientRelease) -> list[str]:
    """The vcenter.server / vsphere.client requirements this release (client and vCenter alike) does not meet."""
    out = []
    for key in ("vcenter.server", "vsphere.client"):
        spec = (doc.get("requirements") or {}).get(key)
        if spec and not _in_range(spec["version"], release.version):
            out.append(f"requirements.{key} {spec['version']} excludes {'.'.join(map(str, release.version))}")
        if spec and "onprem" not in spec.get("environments", ["onprem"]):
            out.append(f"requirements.{key} excludes on-premises vCenters")
    return out


def load(name: str, data: bytes, release: ClientRelease) -> dict:
    """The manifest vsphere-ui of ``release`` deploys from a downloaded ``name`` (plugin.json or a zip).

    :raise ManifestRefused: naming every manifest tried and the rules it broke.
    """
    if name.endswith(".zip"):
        files = _zip_files(data)
        listing = json.loads(files.get(MULTI_MANIFEST, b"null") or b"null")
        if not isinstance(listing, dict) or not isinstance(listing.get("manifests"), list) \
                or set(listing) - {"manifestVersion", "manifests"}:
            raise ManifestRefused(f"{name} holds no {MULTI_MANIFEST} with a manifests list")
        candidates = [(str(f), files.get(str(f))) for f in listing["manifests"]]
    else:
        candidates = [(name, data)]
    reasons = []
    for file, content in candidates:
        if content is None:
            reasons.append(f"{file}: not in the zip")
            continue
        try:
            doc = json.loads(content)
        except ValueError:
            reasons.append(f"{file}: not JSON")
            continue
        problems = schema_problems(doc, release)
        if not problems and release.requirements_at_parse:
            problems = environment_problems(doc, release)
        if problems:
            reasons.append(f"{file}: " + "; ".join(problems))
            continue
        late = [] if release.requirements_at_parse else environment_problems(doc, release)
        if late:
            raise ManifestRefused(f"{file} was chosen but is incompatible with vSphere Client {release.name}: "
                                  + "; ".join(late))
        doc["_file"] = file
        return doc
    raise ManifestRefused(f"vSphere Client {release.name} found no manifest it accepts: " + " | ".join(reasons))


def _zip_files(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Only files at the zip's root count, as VMware requires.
            return {n: archive.read(n) for n in archive.namelist() if "/" not in n}
    except zipfile.BadZipFile:
        raise ManifestRefused("the registered URL names a .zip that is not a zip file") from None
