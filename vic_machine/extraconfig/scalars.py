"""Scalar value encodings of VIC 1.5's extraConfig.

Strings as is; integers in decimal; booleans ``true``/``false``; durations as integer nanoseconds; byte strings,
IP addresses and masks as standard base64 of their raw bytes; an empty string is written as ``<nil>`` (vSphere
would read an empty value as "delete this key").

IP addresses keep their byte length because VIC's Go code writes both forms: an address parsed from text is 16
bytes (IPv4-mapped, ``::ffff:a.b.c.d``), the network of a parsed CIDR is 4 bytes. ``IP`` mirrors Go's
``net.IP`` so a configuration read from a VIC-made VCH is written back byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from dataclasses import dataclass
from datetime import timedelta

NIL = "<nil>"
_V4_MAPPED_PREFIX = b"\x00" * 10 + b"\xff\xff"
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


class ScalarError(ValueError):
    """A stored value is not in the encoding its field needs."""


def escape_nil(value: str) -> str:
    """Write an empty string as ``<nil>``."""
    return value if value else NIL


def unescape_nil(value: str) -> str:
    """Read ``<nil>`` back as the empty string."""
    return "" if value == NIL else value


def format_bool(value: bool) -> str:
    return "true" if value else "false"


def parse_bool(text: str) -> bool:
    """Parse a boolean as Go's strconv.ParseBool does; the empty string is false."""
    if text == "" or text in _FALSE:
        return False
    if text in _TRUE:
        return True
    raise ScalarError(f"not a boolean: {text!r}")


def parse_int(text: str) -> int:
    if text == "":
        return 0
    try:
        return int(text, 10)
    except ValueError:
        raise ScalarError(f"not an integer: {text!r}") from None


def format_duration(value: timedelta) -> str:
    """A Go time.Duration: integer nanoseconds."""
    return str((value // timedelta(microseconds=1)) * 1000)


def parse_duration(text: str) -> timedelta:
    return timedelta(microseconds=parse_int(text) // 1000)


def format_bytes(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def parse_bytes(text: str) -> bytes:
    if text == "":
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ScalarError(f"not base64: {text[:40]!r}") from None


@dataclass(frozen=True)
class IP:
    """An IP address as Go's net.IP holds it: 4 or 16 raw bytes, empty when unset."""

    raw: bytes = b""

    def __post_init__(self) -> None:
        if len(self.raw) not in (0, 4, 16):
            raise ScalarError(f"an IP address has 4 or 16 bytes, not {len(self.raw)}")

    @classmethod
    def parse(cls, text: str) -> IP:
        """Parse like Go's net.ParseIP: IPv4 becomes the 16-byte IPv4-mapped form."""
        address = ipaddress.ip_address(text)
        if address.version == 4:
            return cls(_V4_MAPPED_PREFIX + address.packed)
        return cls(address.packed)

    @classmethod
    def v4(cls, text: str) -> IP:
        """The 4-byte form of an IPv4 address (what Go's To4 and a parsed CIDR's network hold)."""
        return cls(ipaddress.IPv4Address(text).packed)

    @property
    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The address; IPv4-mapped 16-byte addresses read as IPv4, like Go prints them."""
        if not self.raw:
            return None
        if len(self.raw) == 4:
            return ipaddress.IPv4Address(self.raw)
        if self.raw.startswith(_V4_MAPPED_PREFIX):
            return ipaddress.IPv4Address(self.raw[12:])
        return ipaddress.IPv6Address(self.raw)

    @property
    def is_unspecified(self) -> bool:
        """True when unset or 0.0.0.0 / :: (VIC's "no address assigned yet")."""
        address = self.address
        return address is None or address.is_unspecified

    def __bool__(self) -> bool:
        return bool(self.raw)

    def __str__(self) -> str:
        address = self.address
        return "" if address is None else str(address)


@dataclass(frozen=True)
class IPMask:
    """A network mask as Go's net.IPMask holds it: raw bytes, empty when unset."""

    raw: bytes = b""

    @classmethod
    def cidr(cls, ones: int, bits: int = 32) -> IPMask:
        """The mask with ``ones`` leading one bits out of ``bits`` (Go's net.CIDRMask)."""
        if not 0 <= ones <= bits or bits not in (32, 128):
            raise ScalarError(f"invalid mask /{ones} of {bits} bits")
        value = ((1 << ones) - 1) << (bits - ones)
        return cls(value.to_bytes(bits // 8, "big"))

    @property
    def prefix_length(self) -> int | None:
        """Number of leading one bits, or None when unset or not a canonical mask."""
        if not self.raw:
            return None
        bits = len(self.raw) * 8
        value = int.from_bytes(self.raw, "big")
        ones = bin(value).count("1")
        if value != ((1 << ones) - 1) << (bits - ones):
            return None
        return ones

    def __bool__(self) -> bool:
        return bool(self.raw)


# The Python types stored as one base64 value, and how to build them back from bytes.
BYTES_TYPES: dict[type, type] = {bytes: bytes, IP: IP, IPMask: IPMask}


def to_raw(value: bytes | IP | IPMask) -> bytes:
    return value if isinstance(value, bytes) else value.raw


def format_scalar(value: object, tp: type) -> str:
    """Encode one scalar value of Python type ``tp`` (before ``<nil>`` escaping)."""
    if tp is bool:
        return format_bool(bool(value))
    if tp is int:
        return str(int(value))  # type: ignore[call-overload]
    if tp is timedelta:
        return format_duration(value)  # type: ignore[arg-type]
    if tp in BYTES_TYPES:
        return format_bytes(to_raw(value))  # type: ignore[arg-type]
    if tp is str:
        return str(value)
    raise TypeError(f"no extraConfig encoding for {tp!r}")


def parse_scalar(text: str, tp: type) -> object:
    """Decode one scalar value of Python type ``tp`` (after ``<nil>`` unescaping)."""
    if tp is str:
        return text
    if tp is bool:
        return parse_bool(text)
    if tp is int:
        return parse_int(text)
    if tp is timedelta:
        return parse_duration(text)
    if tp in BYTES_TYPES:
        raw = parse_bytes(text)
        return raw if tp is bytes else tp(raw)
    raise TypeError(f"no extraConfig encoding for {tp!r}")


def is_scalar_type(tp: object) -> bool:
    return tp in (str, int, bool, timedelta) or tp in BYTES_TYPES
