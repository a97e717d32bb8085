"""The core's findings as this terminal shows them: in the user's words, with what can be done from here."""

from __future__ import annotations

import dataclasses

from vic_machine.inventory import Inventory
from vic_machine.spec.model import VchSpec
from vic_machine.validate import Finding

FIX_HERE = "or press Ctrl-F (Fix firewall) to do it from here, then the step is checked again"


def in_words(findings: list[Finding], spec: VchSpec, inventory: Inventory) -> list[Finding]:
    """``findings`` with two texts made plain: a name taken by a VCH says "a VCH" (the core names whichever of
    its VM, pool or folder it met first), and the firewall's remedy offers the wizard's Fix firewall."""
    vchs = {n.name for n in inventory.compute_nodes() if n.holds_vch}
    out = []
    for finding in findings:
        if finding.code == "general.name_in_use" and spec.name in vchs:
            finding = dataclasses.replace(
                finding, message=f"There is already a VCH named {spec.name!r} in datacenter {inventory.datacenter}",
                remedy="Choose another name (the VCH list offers Configure for that VCH)")
        elif finding.code == "firewall.blocked" and "Run: vic-machine update firewall" in finding.remedy:
            finding = dataclasses.replace(finding, remedy=f"{finding.remedy}; {FIX_HERE}")
        out.append(finding)
    return out
