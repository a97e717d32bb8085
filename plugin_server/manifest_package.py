"""What vCenter downloads: the multi-manifest zip (VMware's "Remote Plug-in Multi-Manifest Support") and each
release's manifest on its own.

The zip holds ``plugin-multi-manifest.json`` (``{"manifestVersion": "1.0.0", "manifests": [file, ...]}``, newest
feature set first) and every manifest it names, all at the zip's root; vsphere-ui takes the first manifest its
schema accepts. The zip is the same bytes for the same manifests (fixed timestamps), so vCenter's cache and a
registration's version stay meaningful. ``plugin.json`` is the oldest release's manifest, which every supported
release loads: registrations that name it keep working, without what newer releases add.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from plugin_server.manifest import load_releases, render_manifest

MULTI_MANIFEST = "plugin-multi-manifest.json"
MULTI_MANIFEST_ZIP = "plugin-multi-manifest.zip"
LEGACY_MANIFEST = "plugin.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def multi_manifest() -> dict[str, Any]:
    return {"manifestVersion": "1.0.0", "manifests": [release.file for release in load_releases()]}


def manifest_named(name: str) -> dict[str, Any] | None:
    """The manifest served as ``name`` (a release's file, or plugin.json), or None."""
    releases = load_releases()
    if name == LEGACY_MANIFEST:
        return render_manifest(release=releases[-1])
    release = next((r for r in releases if r.file == name), None)
    return render_manifest(release=release) if release else None


def _entry(archive: zipfile.ZipFile, name: str, document: dict[str, Any]) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8"))


def multi_manifest_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _entry(archive, MULTI_MANIFEST, multi_manifest())
        for release in load_releases():
            _entry(archive, release.file, render_manifest(release=release))
    return buffer.getvalue()
