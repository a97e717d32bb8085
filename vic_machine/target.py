"""The vCenter target: ``https://[user[:password]@]host[:port][/datacenter]``, as vic-machine 1.5 takes it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from vic_machine.errors import FieldError, InputError

_THUMBPRINT_LENGTHS = {40: "SHA-1", 64: "SHA-256"}


@dataclass(frozen=True)
class Target:
    """Where to connect and as whom. ``password`` is never shown by ``repr``."""

    host: str
    port: int = 443
    datacenter: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    thumbprint: str = ""

    @property
    def url(self) -> str:
        """The SOAP endpoint, without credentials."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}/sdk"

    @property
    def display(self) -> str:
        """How the target is named in messages: host[:port][/datacenter], no credentials."""
        text = self.host if self.port == 443 else f"{self.host}:{self.port}"
        return f"{text}/{self.datacenter}" if self.datacenter else text


def normalize_thumbprint(value: str, path: str = "thumbprint") -> str:
    """Upper-case, colon-separated hex pairs; SHA-1 or SHA-256, given with or without colons, any case."""
    digits = re.sub(r"[\s:]", "", value or "")
    if not re.fullmatch(r"[0-9A-Fa-f]+", digits) or len(digits) not in _THUMBPRINT_LENGTHS:
        raise InputError(FieldError(path, "must be a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) "
                                          "thumbprint, colon-separated or not"))
    digits = digits.upper()
    return ":".join(digits[i:i + 2] for i in range(0, len(digits), 2))


def parse_target(
    value: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    thumbprint: str | None = None,
    env: dict[str, str] | None = None,
) -> Target:
    """Build a Target from the flag value and the VIC_MACHINE_* environment, flags winning.

    :raise InputError: naming ``target`` or ``thumbprint`` when either cannot be used.
    """
    env = os.environ if env is None else env
    value = value or env.get("VIC_MACHINE_TARGET", "")
    if not value:
        raise InputError(FieldError("target", "is required: pass --target or set VIC_MACHINE_TARGET"))
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise InputError(FieldError("target", f"is not a valid URL ({exc})")) from None
    if parts.scheme != "https":
        raise InputError(FieldError("target", f"must use https, not {parts.scheme}"))
    try:
        port = parts.port or 443
    except ValueError:
        raise InputError(FieldError("target", "has a port that is not a number between 1 and 65535")) from None
    host = parts.hostname or ""
    if not host:
        raise InputError(FieldError("target", "must name a host: https://[user[:password]@]host[:port][/datacenter]"))
    path = parts.path.strip("/")
    if "/" in path:
        raise InputError(FieldError("target", "may hold only a datacenter after the host, not a longer path"))
    tp = thumbprint if thumbprint is not None else env.get("VIC_MACHINE_THUMBPRINT", "")
    return Target(
        host=host,
        port=port,
        datacenter=unquote(path),
        user=user or unquote(parts.username or "") or env.get("VIC_MACHINE_USER", ""),
        password=password or unquote(parts.password or "") or env.get("VIC_MACHINE_PASSWORD", ""),
        thumbprint=normalize_thumbprint(tp) if tp else "",
    )
