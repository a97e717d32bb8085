"""Encode a VCH configuration to extraConfig and decode it back, as VIC 1.5 does.

``decode`` accepts what vSphere returns (a list of key/value pairs, OptionValue objects or a dict). A key may
appear more than once (govmomi's simulator appends on reconfigure): the last value wins, and an empty value
means the key is absent (real vSphere deletes a key set to ""). ``<nil>`` is VIC's empty string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from vic_machine.extraconfig.keys import BASE_PREFIX
from vic_machine.extraconfig.keys import SECRET_KEY_KEY
from vic_machine.extraconfig.keys import is_secret
from vic_machine.extraconfig.scalars import escape_nil
from vic_machine.extraconfig.scalars import unescape_nil
from vic_machine.extraconfig.secret import SecretKey
from vic_machine.extraconfig.vch_config import CREATING_VCH
from vic_machine.extraconfig.vch_config import VchConfig
from vic_machine.extraconfig.walk import decode_value
from vic_machine.extraconfig.walk import encode_value

ExtraConfig = Mapping[str, str] | Iterable[Any]

# Written beside the configuration on the endpoint VM so a full serial-port log file is appended, not refused.
APPLIANCE_OPTIONS = {"answer.msg.serial.file.open": "Append"}

VCH_ID_KEY = BASE_PREFIX + "/init/common/id"
# A container VM's executor config is encoded at the top level, so its id sits directly under the prefix.
CONTAINER_ID_KEY = BASE_PREFIX + "/common/id"
_CONTAINER_ID = re.compile(r"^(?:[0-9a-f]{64}|[0-9a-f]{12})$")


def read_extra_config(extra_config: ExtraConfig) -> dict[str, str]:
    """Collapse extraConfig entries to a dict: the last value of a key wins, an empty value removes it.

    Entries may be ``(key, value)`` pairs or objects with ``key`` and ``value`` attributes (pyvmomi's
    OptionValue). Values are kept as stored (``<nil>`` not yet unescaped).
    """
    pairs = extra_config.items() if isinstance(extra_config, Mapping) else extra_config
    out: dict[str, str] = {}
    for entry in pairs:
        if isinstance(entry, tuple):
            key, value = entry
        else:
            key, value = entry.key, entry.value
        value = "" if value is None else str(value)
        if value == "":
            out.pop(key, None)
        else:
            out[key] = value
    return out


def secret_key_of(extra_config: ExtraConfig) -> SecretKey | None:
    """The VCH's secretbox key from ``guestinfo.ovfEnv``, when the entries hold it."""
    text = read_extra_config(extra_config).get(SECRET_KEY_KEY)
    return SecretKey.from_string(text) if text else None


def decode(extra_config: ExtraConfig, secret_key: SecretKey | bytes | None = None, *,
           secrets: bool = True) -> VchConfig:
    """Decode a VCH's configuration from its extraConfig.

    :param secret_key: opens ``@secret`` values when ``guestinfo.ovfEnv`` is not among the entries (vSphere
        hides it from API reads; VIC reads it from the .vmx file). Without any key, secret fields stay empty.
    :param secrets: False leaves the secret fields empty, opening nothing, as VIC's ``GetNoSecretVCHConfig`` (what
        its ls, inspect and delete read).
    :raise SecretError: a secret does not open with the key.
    """
    stored = read_extra_config(extra_config)
    key = _as_key(secret_key)
    if not secrets:
        key = None
    elif stored.get(SECRET_KEY_KEY):
        key = SecretKey.from_string(stored[SECRET_KEY_KEY])

    def source(name: str) -> str | None:
        value = stored.get(name)
        if value is None:
            return None
        if is_secret(name):
            return key.open(value, key_name=name) if key is not None else None
        return unescape_nil(value)

    config, _ = decode_value(source, VchConfig, "")
    return config


def encode(config: VchConfig, secret_key: SecretKey | bytes | None = None) -> dict[str, str]:
    """Encode a VCH's configuration to the extraConfig entries VIC 1.5 writes.

    Secrets are sealed with ``secret_key`` (a new random key when None), which is stored in
    ``guestinfo.ovfEnv``. Empty strings are written as ``<nil>``.
    """
    key = _as_key(secret_key) or SecretKey.generate()
    out: dict[str, str] = dict(APPLIANCE_OPTIONS)
    out[SECRET_KEY_KEY] = key.to_string()

    def sink(name: str, value: str) -> None:
        if is_secret(name):
            value = key.seal(value)
        out[name] = escape_nil(value)

    encode_value(sink, config, VchConfig, "")
    return out


def _as_key(secret_key: SecretKey | bytes | None) -> SecretKey | None:
    if secret_key is None or isinstance(secret_key, SecretKey):
        return secret_key
    return SecretKey(secret_key)


def vch_id(extra_config: ExtraConfig) -> str:
    """The VCH id stored in extraConfig (``VirtualMachine:vm-42``, ``CreatingVCH``), "" when none."""
    return unescape_nil(read_extra_config(extra_config).get(VCH_ID_KEY, ""))


def is_vch(extra_config: ExtraConfig, vm_moref_value: str) -> bool:
    """VIC's rule: a VM is a VCH when its stored id is its own reference or ``CreatingVCH``.

    :param vm_moref_value: the VM's managed object id (``vm-42``; ``VirtualMachine:vm-42`` is accepted too).
    """
    stored = vch_id(extra_config)
    own = vm_moref_value if ":" in vm_moref_value else f"VirtualMachine:{vm_moref_value}"
    return stored == CREATING_VCH or (stored != "" and stored == own)


def is_container(extra_config: ExtraConfig) -> bool:
    """VIC's rule: a VM is a container VM when its executor id is a container id (12 or 64 hex digits)."""
    stored = unescape_nil(read_extra_config(extra_config).get(CONTAINER_ID_KEY, ""))
    return bool(_CONTAINER_ID.match(stored))
