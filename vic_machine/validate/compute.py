"""Compute resource checks: it exists, is unambiguous, has DRS, and can give what is reserved."""

from __future__ import annotations

from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error, warning

STEP = "compute"
PATH = "compute.resource"


def check_compute(ctx: Context) -> list[Finding]:
    matches = ctx.compute_matches
    resource = ctx.spec.compute.resource
    paths = ", ".join(n.path for n in ctx.inventory.compute_nodes())
    if not matches:
        if resource is None or not (resource.id or resource.name):
            return [error("compute.no_default", PATH, STEP,
                          "No unambiguous default compute resource: the datacenter has several",
                          f"Choose a cluster, host or resource pool: {paths}")]
        return [error("compute.not_found", PATH, STEP,
                      f"Compute resource {resource.display()!r} not found in datacenter {ctx.inventory.datacenter}",
                      f"Choose one of: {paths}")]
    if len(matches) > 1:
        return [error("compute.ambiguous", PATH, STEP,
                      f"Compute resource {resource.display()!r} matches {len(matches)} objects",
                      "Give its full path: " + ", ".join(n.path for n in matches))]
    node = matches[0]
    findings: list[Finding] = []
    if node.holds_vch:
        findings.append(error("compute.holds_vch", PATH, STEP,
                              f"{node.path} is the resource pool of another VCH",
                              "Choose the cluster, host or pool above it"))
    findings += _drs(ctx, node)
    findings += _capacity(ctx, node)
    return findings


def _drs(ctx: Context, node) -> list[Finding]:
    cluster = _owning_cluster(ctx, node)
    findings = []
    if cluster is not None and not cluster.drs_enabled:
        findings.append(warning("compute.drs_disabled", PATH, STEP,
                                f"DRS is recommended, but is disabled on cluster {cluster.name}",
                                "Enable DRS on the cluster; until then resource pool limits and shares are "
                                "ignored"))
    # On a host no vCenter manages, VM groups are refused for that (validate.esxi).
    if ctx.spec.compute.affinity.use_vm_group and not ctx.inventory.esxi:
        path = "compute.affinity.use_vm_group"
        if cluster is None:
            findings.append(error("compute.vm_group_no_cluster", path, STEP,
                                  "A DRS VM group needs a cluster, and the compute resource is a standalone host",
                                  "Clear 'Create a DRS VM group' or choose a cluster"))
        elif not cluster.drs_enabled:
            findings.append(error("compute.vm_group_no_drs", path, STEP,
                                  f"A DRS VM group needs DRS, which is disabled on cluster {cluster.name}",
                                  "Enable DRS or clear 'Create a DRS VM group'"))
        elif ctx.spec.name in cluster.vm_groups:
            findings.append(error("compute.vm_group_exists", path, STEP,
                                  f"Cluster {cluster.name} already has a VM group named {ctx.spec.name!r}",
                                  "Choose another VCH name or remove that group"))
    return findings


def _owning_cluster(ctx: Context, node):
    for root in ctx.inventory.compute:
        if any(n.id == node.id for n in root.walk()):
            return root if root.kind == "cluster" else None
    return None


def _capacity(ctx: Context, node) -> list[Finding]:
    findings = []
    cap = node.capacity
    for res, unit, spec_res, maximum, unreserved in (
        ("cpu", "MHz", ctx.spec.compute.cpu, cap.cpu_max_mhz, cap.cpu_unreserved_mhz),
        ("memory", "MiB", ctx.spec.compute.memory, cap.memory_max_mib, cap.memory_unreserved_mib),
    ):
        label = "CPU" if res == "cpu" else "Memory"
        path = f"compute.{res}.reservation"
        # maximum == 0 means vCenter reported no capacity at all (unknown); unreserved == 0 is a full pool.
        if spec_res.reservation and maximum and spec_res.reservation > maximum:
            # More than the resource could ever give, whatever else is reserved: vCenter refuses the VCH's pool.
            findings.append(error(f"compute.{res}_reservation_too_high", path, STEP,
                                  f"{label} reservation {spec_res.reservation} {unit} is more than {node.name} can "
                                  f"ever give ({maximum} {unit}): vCenter would refuse the VCH's resource pool",
                                  f"Reserve at most {maximum} {unit} ({unreserved} {unit} are unreserved now)"))
        elif spec_res.reservation and maximum and spec_res.reservation > unreserved:
            # Within capacity but above what is unreserved now: vCenter admits it if other reservations are
            # released by then (VIC Engine 1.5.8 does not check).
            findings.append(warning(f"compute.{res}_reservation_above_unreserved", path, STEP,
                                    f"{label} reservation {spec_res.reservation} {unit} is more than the "
                                    f"{unreserved} {unit} {node.name} has unreserved now: unless other reservations "
                                    "are released first (VMs powered off, pools shrunk), vCenter will refuse the "
                                    "VCH's resource pool for insufficient resources and the create will be undone",
                                    f"Reserve at most {unreserved} {unit}, or free reserved capacity in "
                                    f"{node.name} before creating the VCH"))
        if spec_res.limit and maximum and spec_res.limit > maximum:
            findings.append(warning(f"compute.{res}_limit_above_capacity", f"compute.{res}.limit", STEP,
                                    f"{label} limit {spec_res.limit} {unit} is "
                                    f"more than {node.name} can give ({maximum} {unit})",
                                    f"Set at most {maximum} {unit}, or leave it unlimited"))
    return findings
