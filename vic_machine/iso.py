"""The appliance and bootstrap ISO images a VCH boots from, and the VIC version each one carries.

VIC's build stamps every ISO's ISO 9660 Publisher Identifier with its version tag as the last word
(``VMware Inc. v1.5.8-0-abc``: ``<release>-<build number>-<commit>``). vic-machine 1.5 reads that word
before it uploads anything and refuses an ISO whose ``<release>-<build number>`` differs from its own,
unless ``--force``. This module does the same reading with the standard library alone: the Primary
Volume Descriptor is a fixed-layout 2 KiB sector, so no ISO library is needed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from vic_machine.errors import FieldError, InputError

APPLIANCE_FIELD = "appliance_iso"
BOOTSTRAP_FIELD = "bootstrap_iso"
# The names vic-machine looks for when no ISO is named, and the suffixes of the uploaded copies.
APPLIANCE_NAME = "appliance.iso"
BOOTSTRAP_NAME = "bootstrap.iso"
ISO_DIR_ENV = "VIC_ISO_DIR"

SECTOR = 2048
FIRST_DESCRIPTOR_SECTOR = 16
# A volume descriptor set is short (primary, boot record, supplementary, terminator); this bound only
# stops a corrupt image from making us read it to the end.
MAX_DESCRIPTORS = 32
PRIMARY, TERMINATOR = 1, 255
# Offsets inside the Primary Volume Descriptor (ECMA-119 8.4).
VOLUME_ID = slice(40, 72)
PUBLISHER_ID = slice(318, 446)

# v1.5.8-0-abc, v1.5.0-rc2-1234-0f1e2d3: the release may itself hold hyphens, so the build number and
# commit are the last two parts.
TAG = re.compile(r"^(?P<version>v\d+(?:\.\d+)+(?:-[0-9A-Za-z.]+)*?)-(?P<build>\d+)-(?P<commit>[0-9A-Za-z]+)$")


@dataclass(frozen=True)
class IsoInfo:
    """What an ISO image says about itself."""

    path: str
    volume_id: str
    publisher: str
    tag: str  # v1.5.8-0-abc, the whole version word of the publisher
    version: str  # v1.5.8
    build: str  # 0
    commit: str  # abc
    size: int

    @property
    def release(self) -> str:
        """``<version>-<build>``: what vic-machine compares (the commit is left out on purpose)."""
        return f"{self.version}-{self.build}"

    def datastore_name(self, kind: str) -> str:
        """The file name of the uploaded copy in the VCH's folder (``v1.5.8-0-abc-appliance.iso``)."""
        return f"{self.tag}-{kind}.iso"


class CheckedIsos(NamedTuple):
    """Both ISOs, read and checked; ``warnings`` holds the mismatches that ``force`` let through."""

    appliance: IsoInfo
    bootstrap: IsoInfo
    warnings: list[str]


def parse_tag(tag: str) -> tuple[str, str, str] | None:
    """Split ``v1.5.8-0-abc`` into ``("v1.5.8", "0", "abc")``; None when it is not a VIC version tag."""
    match = TAG.match(tag.strip())
    if not match:
        return None
    return match["version"], match["build"], match["commit"]


def _text(raw: bytes) -> str:
    # Identifiers are space-padded a-characters; some writers pad with NULs instead.
    return raw.decode("latin-1").rstrip(" \x00")


def _primary_descriptor(path: Path, field: str) -> bytes:
    try:
        with path.open("rb") as handle:
            for index in range(MAX_DESCRIPTORS):
                handle.seek((FIRST_DESCRIPTOR_SECTOR + index) * SECTOR)
                sector = handle.read(SECTOR)
                if len(sector) < SECTOR or sector[1:6] != b"CD001":
                    break
                if sector[0] == PRIMARY:
                    return sector
                if sector[0] == TERMINATOR:
                    break
    except OSError as exc:
        raise InputError(FieldError(field, f"cannot read {path}: {exc.strerror or exc}")) from None
    raise InputError(FieldError(field, f"{path} is not an ISO 9660 image"))


def read_iso(path: str | os.PathLike[str], field: str = APPLIANCE_FIELD) -> IsoInfo:
    """Read the volume id, publisher and VIC version of an ISO 9660 image.

    :param path: the image file.
    :param field: the model field the path came from, named in errors (``appliance_iso``, ``bootstrap_iso``).
    :raise InputError: the file is missing, is not an ISO 9660 image, or its publisher carries no VIC version.
    """
    file = Path(path)
    if not file.exists():
        raise InputError(FieldError(field, f"{file} does not exist"))
    if not file.is_file():
        raise InputError(FieldError(field, f"{file} is not a file"))
    descriptor = _primary_descriptor(file, field)
    publisher = _text(descriptor[PUBLISHER_ID])
    # vic-machine takes the publisher's last word as the version, whatever precedes it.
    words = publisher.split()
    parts = parse_tag(words[-1]) if words else None
    if parts is None:
        shown = publisher or "empty"
        raise InputError(FieldError(
            field, f"{file} carries no VIC version in its publisher ({shown!r}); is it a VIC appliance ISO?"))
    version, build, commit = parts
    return IsoInfo(
        path=str(file),
        volume_id=_text(descriptor[VOLUME_ID]),
        publisher=publisher,
        tag=words[-1],
        version=version,
        build=build,
        commit=commit,
        size=file.stat().st_size,
    )


def default_isos() -> tuple[Path, Path]:
    """Where the installer looks for the ISOs when none is named: ``$VIC_ISO_DIR``, else the current directory."""
    directory = Path(os.environ.get(ISO_DIR_ENV) or ".")
    return directory / APPLIANCE_NAME, directory / BOOTSTRAP_NAME


def _matches(info: IsoInfo, expected: str) -> bool:
    """Compare as vic-machine does: release and build number, case-insensitively, never the commit.

    ``expected`` may be a bare release (``v1.5.8``), which then ignores the build number too.
    """
    parts = parse_tag(expected)
    if parts is not None:
        return info.release.lower() == f"{parts[0]}-{parts[1]}".lower()
    bare = expected.strip().lower()
    return bare in (info.version.lower(), info.release.lower())


def check_isos(
    appliance: str | os.PathLike[str] | None = None,
    bootstrap: str | os.PathLike[str] | None = None,
    expected_version: str | None = None,
    force: bool = False,
) -> CheckedIsos:
    """Read both ISOs and check that their versions agree with each other and with ``expected_version``.

    :param appliance: the appliance ISO; None means the default location (:func:`default_isos`).
    :param bootstrap: the bootstrap ISO; None means the default location.
    :param expected_version: the installer's version (``v1.5.8``, ``v1.5.8-0`` or ``v1.5.8-0-abc``).
    :param force: let version mismatches through; they come back as ``warnings``.
    :raise InputError: an ISO cannot be read (always), or versions disagree and ``force`` is off.
    """
    default_appliance, default_bootstrap = default_isos()
    infos: dict[str, IsoInfo] = {}
    errors: list[FieldError] = []
    for field, path in ((APPLIANCE_FIELD, appliance or default_appliance),
                        (BOOTSTRAP_FIELD, bootstrap or default_bootstrap)):
        try:
            infos[field] = read_iso(path, field)
        except InputError as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputError(errors)

    app, boot = infos[APPLIANCE_FIELD], infos[BOOTSTRAP_FIELD]
    mismatches: list[FieldError] = []
    if expected_version:
        for field, info in infos.items():
            if not _matches(info, expected_version):
                message = f"{info.path} is version {info.tag}, inconsistent with installer version {expected_version}"
                mismatches.append(FieldError(field, message))
    if app.release.lower() != boot.release.lower():
        mismatches.append(FieldError(
            BOOTSTRAP_FIELD, f"{boot.path} is version {boot.tag} but the appliance ISO {app.path} is {app.tag}"))
    if mismatches and not force:
        raise InputError([FieldError(e.path, f"{e.message}; use --force to deploy it anyway") for e in mismatches])
    return CheckedIsos(app, boot, [f"{e.path}: {e.message}" for e in mismatches])
