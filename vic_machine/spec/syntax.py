"""Recognizers for the small languages inside VCH fields: addresses, ranges, URLs, registries, datastores.

Each returns the parsed value or raises ``ValueError`` whose text says what is allowed, so checks can
pass the text on as the field's message.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qs
from urllib.parse import urlsplit

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def is_hostname(text: str) -> bool:
    """A DNS name (RFC 1123 labels, at most 253 characters) or an IPv4 address."""
    if not text or len(text) > 253:
        return False
    if is_ipv4(text):
        return True
    labels = text.rstrip(".").split(".")
    # An all-numeric dotted name that is not a valid IPv4 address (300.1.1.1) is a typo, not a host.
    if all(label.isdigit() for label in labels):
        return False
    return all(_LABEL.match(label) for label in labels)


def is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def ipv4(text: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an IPv4 address (like 192.0.2.10)") from None


def network(text: str) -> ipaddress.IPv4Network:
    """A CIDR network such as ``172.16.0.0/12``; host bits must be zero."""
    if "/" not in text:
        raise ValueError(f"{text!r} is not a network in CIDR notation (like 192.0.2.0/24)")
    try:
        return ipaddress.IPv4Network(text, strict=True)
    except ValueError:
        pass
    try:
        fixed = ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not a network in CIDR notation (like 192.0.2.0/24)") from None
    raise ValueError(f"{text!r} has host bits set; the network is {fixed}")


def interface(text: str) -> ipaddress.IPv4Interface:
    """An address with its prefix length, such as ``192.0.2.10/24``."""
    if "/" not in text:
        raise ValueError(f"{text!r} needs a prefix length: an address in CIDR notation, like 192.0.2.10/24")
    try:
        iface = ipaddress.IPv4Interface(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an address in CIDR notation (like 192.0.2.10/24)") from None
    if iface.network.prefixlen < 31 and iface.ip in (iface.network.network_address, iface.network.broadcast_address):
        raise ValueError(f"{text!r} is the network or broadcast address of {iface.network}")
    return iface


def ip_range(text: str) -> tuple[ipaddress.IPv4Address, ipaddress.IPv4Address]:
    """First and last address of ``a.b.c.d-e.f.g.h`` or of a CIDR network."""
    allowed = "a range a.b.c.d-e.f.g.h or a network in CIDR notation"
    if "-" in text:
        first_text, _, last_text = text.partition("-")
        try:
            first, last = ipaddress.IPv4Address(first_text.strip()), ipaddress.IPv4Address(last_text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not {allowed}") from None
        if first > last:
            raise ValueError(f"{text!r} ends before it starts")
        return first, last
    try:
        net = ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not {allowed}") from None
    if "/" not in text:
        raise ValueError(f"{text!r} is not {allowed}")
    return net.network_address, net.broadcast_address


def host_port(text: str, *, port_required: bool = False) -> tuple[str, int | None]:
    """``host[:port]`` with a valid host name or IPv4 address and a port 1..65535."""
    host, sep, port_text = text.rpartition(":") if ":" in text else (text, "", "")
    if not is_hostname(host):
        raise ValueError(f"{host!r} is not a host name or IPv4 address")
    if not sep:
        if port_required:
            raise ValueError("needs a port: host:port")
        return host, None
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"port {port_text!r} must be a number from 1 to 65535")
    return host, int(port_text)


def _url_host_port(text: str, schemes: tuple[str, ...], shape: str) -> None:
    parts = urlsplit(text)
    if parts.scheme not in schemes or not parts.netloc:
        raise ValueError(f"{text!r} must be {shape}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"{text!r} must be {shape}, with nothing after the port")
    try:
        host_port(parts.netloc)
    except ValueError as exc:
        raise ValueError(f"{text!r} must be {shape}: {exc}") from None


def syslog_url(text: str) -> None:
    """``tcp://host[:port]`` or ``udp://host[:port]``."""
    _url_host_port(text, ("tcp", "udp"), "tcp://host[:port] or udp://host[:port]")


def proxy_url(text: str) -> None:
    """``http://host[:port]`` or ``https://host[:port]``."""
    _url_host_port(text, ("http", "https"), "http://host:port or https://host:port")


def no_proxy_entry(text: str) -> None:
    """A host, a domain suffix (``.example.com`` or ``*.example.com``), an IP, a CIDR, or any of them with a port."""
    entry = text[2:] if text.startswith("*.") else text[1:] if text.startswith(".") else text
    if "/" in entry:
        try:
            ipaddress.IPv4Network(entry, strict=False)
            return
        except ValueError:
            raise ValueError(f"{text!r} is not a network in CIDR notation") from None
    try:
        host_port(entry)
    except ValueError:
        raise ValueError(f"{text!r} must be a host, .domain, *.domain, IP or CIDR") from None


def registry_entry(text: str) -> None:
    """``host[:port]``, an IP with optional port, a CIDR, or a wildcard domain ``*.example.com``."""
    shape = "host[:port], an IP address, a network in CIDR notation or a wildcard domain like *.example.com"
    if text.startswith("*."):
        if not is_hostname(text[2:]) or is_ipv4(text[2:]) or "." not in text[2:]:
            raise ValueError(f"{text!r} must be {shape}")
        return
    if "/" in text:
        try:
            ipaddress.IPv4Network(text, strict=False)
            return
        except ValueError:
            raise ValueError(f"{text!r} must be {shape}") from None
    try:
        host_port(text)
    except ValueError:
        raise ValueError(f"{text!r} must be {shape}") from None


_DATASTORE_PATH = re.compile(r"^[^/\[\]:]+(/[^\[\]]*)?$")


def datastore_path(text: str) -> None:
    """``datastore[/path]`` or ``ds://datastore[/path]``."""
    body = text[len("ds://"):] if text.startswith("ds://") else text
    if "://" in body or not _DATASTORE_PATH.match(body) or not body.split("/")[0].strip():
        raise ValueError(f"{text!r} must be datastore/path or ds://datastore/path")


def volume_location(text: str) -> None:
    """A datastore path, or ``nfs://host/path?uid=&gid=&proto=`` for an NFS share."""
    if not text.startswith("nfs://"):
        try:
            datastore_path(text)
        except ValueError:
            raise ValueError(
                f"{text!r} must be datastore/path, ds://datastore/path or nfs://host/path?uid=&gid=&proto="
            ) from None
        return
    parts = urlsplit(text)
    if not is_hostname(parts.hostname or "") or not parts.path.strip("/"):
        raise ValueError(f"{text!r} must be nfs://host/path with a host and an export path")
    for key, values in parse_qs(parts.query, keep_blank_values=True).items():
        if key not in ("uid", "gid", "proto"):
            raise ValueError(f"unknown NFS option {key!r}; allowed: uid, gid, proto")
        if key in ("uid", "gid") and not values[-1].isdigit():
            raise ValueError(f"NFS {key} must be a number")
        if key == "proto" and values[-1] not in ("tcp", "udp"):
            raise ValueError("NFS proto must be tcp or udp")
