"""Validation of a VCH specification against a vCenter's inventory snapshot → findings.

Input checks (no vCenter) run first; then the checks VIC 1.5 made and those it missed. Checks read the snapshot,
never vCenter object by object, so validation costs no round trips beyond the snapshot (and the optional probes:
the operations user's login and the registries' reachability).
"""

from __future__ import annotations

from typing import Callable

from vic_machine.esxi.defaults import with_host_defaults
from vic_machine.inventory import Inventory
from vic_machine.spec import check
from vic_machine.spec.fields import step_of
from vic_machine.spec.model import VchSpec
from vic_machine.validate.compute import check_compute
from vic_machine.validate.context import Context
from vic_machine.validate.esxi import check_esxi_compute, check_esxi_operations, check_esxi_target
from vic_machine.validate.findings import ERROR, WARNING, Finding, error, has_errors
from vic_machine.validate.firewall import check_firewall
from vic_machine.validate.general import check_name, check_target
from vic_machine.validate.hosts import check_hosts
from vic_machine.validate.license import check_license
from vic_machine.validate.networks import check_networks
from vic_machine.validate.ops_privileges import check_ops_privileges
from vic_machine.validate.probes import check_ops_credentials, check_registries
from vic_machine.validate.storage import check_storage
from vic_machine.vsphere.session import Session

__all__ = ["ERROR", "WARNING", "Finding", "STEPS", "has_errors", "validate"]

Check = Callable[[Context], list[Finding]]

STEPS: dict[str, list[Check]] = {
    "general": [check_target, check_esxi_target, check_name],
    "compute": [check_compute, check_hosts, check_firewall, check_license, check_esxi_compute],
    "storage": [check_storage],
    "networks": [check_networks],
    "security": [],
    "registry": [],
    "operations": [check_esxi_operations],
}


def _input_findings(spec: VchSpec, step: str | None) -> list[Finding]:
    return [error("input.invalid", e.path, step_of(e.path), e.message) for e in check(spec, step=step)]


def validate(
    spec: VchSpec,
    inventory: Inventory,
    *,
    session: Session | None = None,
    step: str | None = None,
    probes: bool = True,
    target_display: str = "",
) -> list[Finding]:
    """Every finding for ``spec`` (only those of wizard ``step`` when given), errors first. On an ESXi host
    ``spec`` is judged with the host's defaults (compute resource, bridge network) where it leaves them out."""
    spec = with_host_defaults(spec, inventory)
    findings = _input_findings(spec, step)
    ctx = Context(spec, inventory, target_display=target_display)
    for name, checks in STEPS.items():
        if step and name != step:
            continue
        for check in checks:
            findings += check(ctx)
    if probes and step in (None, "registry"):
        findings += check_registries(ctx)
    if probes and step in (None, "operations"):
        findings += check_ops_credentials(ctx, session)
        findings += check_ops_privileges(ctx, session)
    return sorted(findings, key=lambda f: (f.level != ERROR,))
