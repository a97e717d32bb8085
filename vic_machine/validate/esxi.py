"""Checks of an ESXi host that no vCenter manages: what VIC 1.5.8 refuses there, and what only vCenter has.

1.5.8 refuses a host that a vCenter manages ("Target is managed by vCenter server …": a VCH there must be
created through that vCenter) and DRS VM groups ("may only be configured when using VC"). Operations-user
permissions are vCenter roles and permissions on vCenter objects: on a host they cannot be granted, so asking
for them is refused too, before anything is made.
"""

from __future__ import annotations

from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error


def _host_name(ctx: Context) -> str:
    return ctx.inventory.hosts[0].name if ctx.inventory.hosts else ctx.target_display or "the host"


def check_esxi_target(ctx: Context) -> list[Finding]:
    if not ctx.inventory.esxi:
        return []
    managed = sorted({h.managed_by for h in ctx.inventory.hosts if h.managed_by})
    if not managed:
        return []
    return [error("target.esxi_managed_by_vcenter", "target", "general",
                  f"Target is managed by vCenter server {managed[0]!r}",
                  f"Target that vCenter instead ({managed[0]}), or choose an ESXi host that no vCenter manages")]


def check_esxi_compute(ctx: Context) -> list[Finding]:
    if not ctx.inventory.esxi or not ctx.spec.compute.affinity.use_vm_group:
        return []
    return [error("compute.vm_group_needs_vcenter", "compute.affinity.use_vm_group", "compute",
                  f"DRS VM groups may only be configured through vCenter: {_host_name(ctx)} is an ESXi host "
                  "that no vCenter manages",
                  "Clear 'Create a DRS VM group'")]


def check_esxi_operations(ctx: Context) -> list[Finding]:
    if not ctx.inventory.esxi or not ctx.spec.endpoint.operations_credentials.grant_permissions:
        return []
    return [error("operations.grant_needs_vcenter", "endpoint.operations_credentials.grant_permissions",
                  "operations",
                  f"Operations-user permissions are vCenter roles: they cannot be granted on {_host_name(ctx)}, "
                  "an ESXi host that no vCenter manages",
                  "Clear 'Grant permissions' (--ops-grant-perms); give the operations user its rights on the "
                  "host yourself")]
