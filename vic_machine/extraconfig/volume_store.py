"""Where a VCH's datastore volume store lives, from its ``storage/VolumeLocations`` URL.

VIC Engine 1.5.8 stores a datastore volume store as a ``ds`` URL whose ``Host`` is the datastore and whose
``Path`` holds the datastore path in bracket form (``Path = [LocalDS_0] vols``): its vic-machine and the
appliance's port layer read the location from ``Path``. VCHs written by older versions of this project have a
bare folder (``Path = vols``) with the datastore only in ``Host``. Both forms are read here, so the encoder,
delete and anything else agree on one reading.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from vic_machine.extraconfig.gotypes import URL

DS_SCHEME = "ds"
# VIC puts a volume store given without a folder in the datastore's "VIC" folder, which it shares with the
# image stores; the volumes themselves are in its "volumes" subfolder, so only that is a volume store's own.
SHARED_PARENT = "VIC"
VOLUMES_DIR = "volumes"


@dataclass(frozen=True)
class DatastorePath:
    """A folder on a datastore: ``datastore`` by name, ``folder`` relative to its root ("" is the root)."""

    datastore: str
    folder: str

    def __str__(self) -> str:
        """vSphere's datastore path notation, as VIC 1.5.8 writes it in ``Path``: ``[LocalDS_0] vols``."""
        return f"[{self.datastore}] {self.folder}" if self.folder else f"[{self.datastore}]"


def parse_datastore_path(text: str, datastore: str = "") -> DatastorePath:
    """Read ``[datastore] folder`` or a bare ``folder`` on ``datastore``.

    The folder is normalised (no leading, trailing or doubled slashes). The bracket's datastore wins over
    ``datastore``: it is what VIC's port layer uses.

    :raise ValueError: an unclosed bracket, no datastore at all, or a folder climbing out with ``..``.
    """
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"datastore path {text!r} has no closing ']': expected '[datastore] folder'")
        datastore, text = text[1:end].strip(), text[end + 1:]
    if not datastore:
        raise ValueError(f"datastore path {text!r} names no datastore: expected '[datastore] folder'")
    folder = text.strip().strip("/")
    folder = posixpath.normpath(folder) if folder else ""
    if folder == ".." or folder.startswith("../"):
        raise ValueError(f"datastore path [{datastore}] {folder} leaves the datastore: use a folder inside it")
    return DatastorePath(datastore, "" if folder == "." else folder)


def volume_store_location(url: URL) -> DatastorePath | None:
    """The datastore folder of a ``ds`` volume store (either ``Path`` form); None for NFS and other schemes.

    :raise ValueError: a ``ds`` URL whose location cannot be read (see ``parse_datastore_path``).
    """
    if (url.scheme or "") != DS_SCHEME:
        return None
    return parse_datastore_path(url.path or "", url.host or "")


def volume_store_removal_path(location: DatastorePath) -> DatastorePath:
    """The folder that deleting the volume store removes: its own folder, or ``VIC/volumes`` when the store is
    the datastore's shared ``VIC`` folder (the image stores are there too)."""
    if location.folder == SHARED_PARENT:
        return DatastorePath(location.datastore, f"{SHARED_PARENT}/{VOLUMES_DIR}")
    return location
