"""License: hosts need the features serialuri (the VCH's serial-over-network channel) and dvs."""

from __future__ import annotations

from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error

REQUIRED = ("serialuri", "dvs")
# On a host no vCenter manages, 1.5.8 asks only for serialuri (its checkESXLicense): no distributed switch there.
REQUIRED_ESXI = ("serialuri",)


def _has(features: tuple[str, ...], wanted: str) -> bool:
    # vCenter names some features with a version suffix, like "serialuri:2".
    return any(f == wanted or f.startswith(wanted + ":") for f in features)


def check_license(ctx: Context) -> list[Finding]:
    missing: dict[str, list[str]] = {}
    for host in ctx.usable_hosts:
        for feature in REQUIRED_ESXI if ctx.inventory.esxi else REQUIRED:
            if not _has(host.license_features, feature):
                missing.setdefault(feature, []).append(host.name)
    if not missing:
        return []
    detail = "; ".join(f"{feature} on {', '.join(hosts)}" for feature, hosts in missing.items())
    return [error("license.features_missing", "compute.resource", "compute",
                  f"License does not meet minimum requirements to use VIC: missing {detail}",
                  "Assign the hosts a license with the features serialuri (Remote virtual Serial Port "
                  "Concentrator) and dvs (vSphere Distributed Switch), e.g. vSphere Enterprise Plus")]
