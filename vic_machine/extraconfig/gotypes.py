"""Go library structs that appear inside VIC's configuration, stored field by field like any struct.

Their fields carry no scope of their own, so they inherit the scope of the field that holds them; the key
names are Go's exported field names (``…/image_stores|0/Host``, ``…/bridge-ip-range/Mask``).
"""

from __future__ import annotations

import ipaddress
import urllib.parse

from vic_machine.extraconfig.fields import vic
from vic_machine.extraconfig.fields import vic_struct
from vic_machine.extraconfig.scalars import IP
from vic_machine.extraconfig.scalars import IPMask


@vic_struct
class IPNet:
    """Go's net.IPNet: an address and a mask (either may be empty)."""

    ip: IP = vic("IP", None)
    mask: IPMask = vic("Mask", None)

    @classmethod
    def parse_cidr(cls, text: str) -> IPNet:
        """The network of a CIDR as Go's net.ParseCIDR returns it (IPv4: 4-byte address and mask)."""
        network = ipaddress.ip_network(text, strict=False)
        return cls(ip=IP(network.network_address.packed), mask=IPMask.cidr(network.prefixlen, network.max_prefixlen))

    @classmethod
    def interface(cls, text: str) -> IPNet:
        """An address with its mask, as VIC stores a static endpoint IP (``10.0.0.5/24``): 16-byte address."""
        iface = ipaddress.ip_interface(text)
        return cls(ip=IP.parse(str(iface.ip)), mask=IPMask.cidr(iface.network.prefixlen, iface.max_prefixlen))

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
        """The network as ``ipaddress`` sees it, or None when address or mask is missing."""
        address, prefix = self.ip.address, self.mask.prefix_length
        if address is None or prefix is None:
            return None
        return ipaddress.ip_network(f"{address}/{prefix}", strict=False)

    def __str__(self) -> str:
        prefix = self.mask.prefix_length
        return f"{self.ip}/{prefix}" if prefix is not None else str(self.ip)


@vic_struct
class IPRange:
    """VIC's ip.Range: first and last address of a pool."""

    first: IP = vic("first")
    last: IP = vic("last")


@vic_struct
class MoRef:
    """A managed object reference (govmomi's types.ManagedObjectReference)."""

    type: str = vic("Type", None)
    value: str = vic("Value", None)

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


@vic_struct
class URL:
    """Go's net/url.URL, field by field (the user info is never stored)."""

    scheme: str = vic("Scheme", None)
    opaque: str = vic("Opaque", None)
    host: str = vic("Host", None)
    path: str = vic("Path", None)
    raw_path: str = vic("RawPath", None)
    omit_host: bool = vic("OmitHost", None)
    force_query: bool = vic("ForceQuery", None)
    raw_query: str = vic("RawQuery", None)
    fragment: str = vic("Fragment", None)
    raw_fragment: str = vic("RawFragment", None)

    @classmethod
    def parse(cls, text: str) -> URL:
        """Split a URL such as ``ds://datastore/path`` or ``nfs://host/path?uid=1``."""
        parts = urllib.parse.urlsplit(text)
        return cls(
            scheme=parts.scheme,
            host=parts.netloc,
            path=urllib.parse.unquote(parts.path),
            raw_query=parts.query,
            fragment=parts.fragment,
        )

    def __str__(self) -> str:
        if self.opaque:
            text = f"{self.scheme}:{self.opaque}"
        else:
            text = f"{self.scheme}://{self.host}" if self.scheme or self.host else ""
            path = self.path
            if path and self.host and not path.startswith("/"):
                path = "/" + path
            text += path
        if self.raw_query or self.force_query:
            text += "?" + self.raw_query
        if self.fragment:
            text += "#" + self.fragment
        return text
