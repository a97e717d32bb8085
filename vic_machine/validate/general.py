"""Checks of the target itself and of the VCH name against what already exists."""

from __future__ import annotations

from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error

MIN_VCENTER = (6, 5)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def check_target(ctx: Context) -> list[Finding]:
    version = _version_tuple(ctx.inventory.vcenter_version)
    if version and version < MIN_VCENTER:
        return [error("target.version_unsupported", "target", "general",
                      f"vCenter {ctx.inventory.vcenter_version} is older than 6.5",
                      "Upgrade vCenter to 6.5 or newer")]
    return []


def check_name(ctx: Context) -> list[Finding]:
    kind = ctx.inventory.names_in_use.get(ctx.spec.name)
    if kind is None:
        return []
    return [error("general.name_in_use", "name", "general",
                  f"There is already a {kind} named {ctx.spec.name!r} in datacenter {ctx.inventory.datacenter}",
                  "Choose another name for the VCH")]
