"""The extraConfig keys a VCH appliance's guest writes, computed with our codec (simulation).

The real appliance's init process writes the addresses its interfaces got and each component's start state
into the read-write keys (``guestinfo.vice..…``) of its own VM. Here the new values are set on a decoded
``VchConfig`` and the codec encodes before and after; the keys that differ are what the guest writes. So the
key names and encodings are exactly the codec's (``…networks|client.assigned.IP`` = base64 of the 16-byte
IPv4-mapped address), and only keys a guest may write are ever touched.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import zlib
from collections.abc import Callable

from vic_machine.extraconfig import VchConfig
from vic_machine.extraconfig import decode
from vic_machine.extraconfig import encode
from vic_machine.extraconfig.gotypes import IPNet
from vic_machine.extraconfig.keys import BASE_PREFIX
from vic_machine.extraconfig.keys import SECRET_KEY_KEY
from vic_machine.extraconfig.keys import is_secret
from vic_machine.extraconfig.scalars import IP
from vic_machine.extraconfig.scalars import IPMask
from vic_machine.extraconfig.secret import SecretKey

# The roles whose interface the stand-in gives the VCH's loopback address (the bridge stays internal).
ADDRESSED_ROLES = ("client", "public", "management")
# Keys of the read-write scope: the only ones a guest may write.
GUEST_WRITABLE_PREFIX = BASE_PREFIX + "."
_TRAILING_NUMBER = re.compile(r"(\d+)$")
# Any fixed key will do: the diff below compares two encodings made with it, and secrets are not guest-written.
_DIFF_KEY = SecretKey(bytes(32))


def loopback_address(moref: str, slot: int = 1) -> ipaddress.IPv4Address:
    """The VCH's address ``127.<slot>.<hi>.<lo>``, where hi.lo is the moref's number (``vm-71`` → 127.1.0.71).

    ``slot`` (1-254) is the fallback when that address is taken, e.g. by a stand-in of another simulator whose
    VMs have the same morefs. Never 127.0.0.1. Morefs beyond 65535 wrap around (a bind conflict then moves the
    later VCH to the next slot).
    """
    if not 1 <= slot <= 254:
        raise ValueError(f"slot must be 1..254, not {slot}")
    match = _TRAILING_NUMBER.search(moref)
    number = int(match.group(1)) if match else zlib.crc32(moref.encode())
    number %= 65536
    return ipaddress.IPv4Address(f"127.{slot}.{number >> 8}.{number & 255}")


def boot_changes(stored: dict[str, str], address: ipaddress.IPv4Address) -> dict[str, str]:
    """The keys the guest writes once booted: each role's assigned address, every component started.

    :param stored: the VM's extraConfig as a plain map (``read_extra_config``).
    :return: key → new value; "" means remove the key.
    """

    def boot(config: VchConfig) -> None:
        assigned = IPNet(ip=IP.parse(str(address)), mask=IPMask.cidr(8))
        for role in ADDRESSED_ROLES:
            endpoint = config.executor.networks.get(role)
            if endpoint is not None:
                endpoint.assigned = assigned
        for session in config.executor.sessions.values():
            session.started = "true"
            session.exit_status = 0

    return _guest_changes(stored, boot)


def failure_changes(stored: dict[str, str], component: str, message: str) -> dict[str, str]:
    """The keys a guest writes when ``component`` failed to start: its ``started`` holds the error text."""

    def fail(config: VchConfig) -> None:
        session = config.executor.sessions.get(component)
        if session is not None:
            session.started = message

    return _guest_changes(stored, fail)


def shutdown_changes(stored: dict[str, str]) -> dict[str, str]:
    """The keys the stand-in resets at power off: assigned addresses removed, components not started.

    The real appliance leaves its last values behind; the stand-in clears them so ``ls`` and ``inspect`` do
    not show an address nothing answers on, and a later power-on is waited for afresh.
    """

    def shut_down(config: VchConfig) -> None:
        for role in ADDRESSED_ROLES:
            endpoint = config.executor.networks.get(role)
            if endpoint is not None:
                endpoint.assigned = IPNet()
        for session in config.executor.sessions.values():
            session.started = ""

    return _guest_changes(stored, shut_down)


def _guest_changes(stored: dict[str, str], change: Callable[[VchConfig], None]) -> dict[str, str]:
    # Secrets are never guest-written, so they are left out rather than opened.
    public = {key: value for key, value in stored.items() if not is_secret(key) and key != SECRET_KEY_KEY}
    before = decode(public)
    after = copy.deepcopy(before)
    change(after)
    old, new = _writable(encode(before, _DIFF_KEY)), _writable(encode(after, _DIFF_KEY))
    out = {key: value for key, value in new.items() if old.get(key) != value and stored.get(key) != value}
    out.update({key: "" for key in old.keys() - new.keys() if key in stored})
    return out


def _writable(entries: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in entries.items() if key.startswith(GUEST_WRITABLE_PREFIX)}
