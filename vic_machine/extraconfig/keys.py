"""How VIC 1.5 names extraConfig keys.

A configuration field is stored under a key built from its parent's key and its own name. The field's scope
decides the shape of the key:

- read-only (the guest may read, not write): ``guestinfo.vice./init/common/id`` — ``/`` separators;
- read-write (the guest writes it): ``guestinfo.vice..init.networks|client.assigned.IP`` — ``.`` separators;
- hidden (not visible to the guest): no ``guestinfo.`` prefix at all, ``init/common/name``;
- secret: read-only with a ``@secret`` suffix, the value sealed (see ``secret.py``).

Struct-array elements and map entries append ``|<index>`` / ``|<key>`` to the parent key; arrays of scalars
live under ``<key>~``. A field without a scope of its own inherits the scope its parent's key implies.
The rules below follow VIC's ``pkg/vsphere/extraconfig`` closely, quirks included, because a key that
differs by one character is a different key to VIC's appliance.
"""

from __future__ import annotations

import enum

GUESTINFO_PREFIX = "guestinfo."
# Every VIC key visible to the guest starts with this.
BASE_PREFIX = GUESTINFO_PREFIX + "vice."
# The secretbox key; vSphere does not return guestinfo.ovfEnv through the API, the guest still sees it.
SECRET_KEY_KEY = GUESTINFO_PREFIX + "ovfEnv"
# Set to "true" by vic-machine while an upgrade or configure runs; outside the configuration struct.
UPDATE_STATUS_KEY = "UpdateInProgress"

ARRAY_SEPARATOR = "|"
SUFFIX_SEPARATOR = "@"
SECRET_SUFFIX = "secret"
NON_PERSISTENT_SUFFIX = "non-persistent"

READ_ONLY = "read-only"
READ_WRITE = "read-write"
HIDDEN = "hidden"
SECRET = "secret"
VOLATILE = "volatile"


class Scope(enum.IntFlag):
    INVALID = 1
    HIDDEN = 2
    READ_ONLY = 4
    WRITE_ONLY = 8
    READ_WRITE = 16
    NON_PERSISTENT = 32
    VOLATILE = 64
    SECRET = 128


_SCOPE_NAMES = {
    HIDDEN: Scope.HIDDEN,
    READ_ONLY: Scope.READ_ONLY,
    READ_WRITE: Scope.READ_WRITE,
    VOLATILE: Scope.VOLATILE,
    NON_PERSISTENT_SUFFIX: Scope.NON_PERSISTENT,
    SECRET: Scope.SECRET | Scope.READ_ONLY,
}


def _suffixes(key: str) -> list[str]:
    return key.split(SUFFIX_SEPARATOR)[1:]


def is_secret(key: str) -> bool:
    """True when ``key`` carries the ``@secret`` suffix, i.e. its value is sealed."""
    return SECRET_SUFFIX in _suffixes(key)


def scopes_of_key(key: str) -> list[str]:
    """The scope names a key's shape implies (what an untagged child field inherits)."""
    scopes = []
    if not key.startswith(GUESTINFO_PREFIX):
        scopes.append(HIDDEN)
    scopes.append(READ_ONLY if "/" in key else READ_WRITE)
    if is_secret(key):
        scopes.append(SECRET)
    if NON_PERSISTENT_SUFFIX in _suffixes(key):
        scopes.append(NON_PERSISTENT_SUFFIX)
    return scopes


def scope_value(scopes: list[str]) -> Scope:
    """Combine scope names into flags; no names at all means hidden and read-only, as in VIC."""
    if all(not name for name in scopes):
        return Scope.HIDDEN | Scope.READ_ONLY
    value = Scope(0)
    for name in scopes:
        flag = _SCOPE_NAMES.get(name)
        if flag is None:
            return Scope.INVALID
        value |= flag
    return value


def calculate_key(scope: Scope, prefix: str, name: str) -> str | None:
    """The key of field ``name`` with ``scope`` under the parent key ``prefix``; None if it cannot be stored."""
    if scope & Scope.INVALID:
        return None
    hide = bool(scope & Scope.HIDDEN)
    visible = prefix.startswith(GUESTINFO_PREFIX)
    new_sep, old_sep = "/", "."
    if not hide and scope & Scope.READ_WRITE:
        new_sep, old_sep = ".", "/"

    # A parent's suffixes are dropped here and re-added below only if they still apply.
    at = prefix.find(SUFFIX_SEPARATOR)
    if at != -1:
        prefix = prefix[:at]

    out = f"{prefix}{new_sep}{name.strip()}" if prefix else name.strip()
    if scope & Scope.SECRET:
        out += SUFFIX_SEPARATOR + SECRET_SUFFIX
    if scope & Scope.NON_PERSISTENT:
        if hide:
            return None
        out += SUFFIX_SEPARATOR + NON_PERSISTENT_SUFFIX

    if hide:
        # Hidden keys drop "guestinfo.vice." and the separator that marks read-only or read-write.
        return out[len(BASE_PREFIX) + 1 :] if visible else out

    # Rewriting separators also mangles "guestinfo.vice." itself, so it is re-attached afterwards.
    out = out.replace(old_sep, new_sep)
    if not visible:
        return BASE_PREFIX + new_sep + out
    return BASE_PREFIX + out[len(BASE_PREFIX) :]


def field_key(prefix: str, name: str, scope: str | None) -> str | None:
    """The key of a struct field.

    ``scope`` is the field's declared scope list (``"read-only"``, ``"read-write"``, ``"hidden"``, ``"secret"``,
    comma-separated); ``None`` for a field without a declaration, which inherits what its parent's key implies.
    """
    parent_scopes = scopes_of_key(prefix)
    scopes = scope.split(",") if scope is not None else parent_scopes
    flags = scope_value(scopes)
    # Non-persistence is inherited even by fields that declare scopes of their own.
    if scope_value(parent_scopes) & Scope.NON_PERSISTENT:
        flags |= Scope.NON_PERSISTENT
    return calculate_key(flags, prefix, name)


def append_to_prefix(prefix: str, separator: str, value: str) -> str:
    """Append ``separator + value`` to a key, keeping any ``@suffix`` at the very end."""
    at = prefix.find(SUFFIX_SEPARATOR)
    suffix = ""
    if at != -1:
        prefix, suffix = prefix[:at], prefix[at:]
    return f"{prefix}{separator}{value}{suffix}"


def element_key(prefix: str, index_or_name: str | int) -> str:
    """Key of a struct-array element (``key|0``) or a map entry (``key|name``)."""
    return append_to_prefix(prefix, ARRAY_SEPARATOR, str(index_or_name))


def values_key(prefix: str) -> str:
    """Key holding a scalar array's values joined by ``|`` (``key~``)."""
    return append_to_prefix(prefix, "", "~")
