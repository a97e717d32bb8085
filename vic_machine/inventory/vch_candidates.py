"""Which VMs may be VCH endpoints, judged from properties read in bulk (no per-VM round trip).

VIC 1.5.8 looks for a VCH among the VMs named like their resource pool (vic-machine names the pool, its VM
folder and the endpoint VM after the VCH); the alternate guest name "Photon - VCH …" it stamps is a second
hint, kept because a VCH's VM may have been renamed. Neither decides: the candidates' configuration does
(``vic_machine.extraconfig.is_vch``), so a VCH whose guest OS setting was edited is still found.
"""

from __future__ import annotations

from pyVmomi import vim

VCH_GUEST_PREFIX = "Photon - VCH"
# What a read must include for ``candidates``: the VMs' and the pools' properties below.
VM_PROPS = ["name", "resourcePool", "config.alternateGuestName"]
POOL_PROPS = ["name"]


def candidates(objs: dict) -> dict:
    """The VMs of ``objs`` (object → properties, VMs and resource pools read together) that may be VCHs."""
    out = {}
    for obj, props in objs.items():
        if not isinstance(obj, vim.VirtualMachine):
            continue
        pool = objs.get(props.get("resourcePool"))
        named_like_pool = pool is not None and pool.get("name") == props.get("name")
        if named_like_pool or str(props.get("config.alternateGuestName", "")).startswith(VCH_GUEST_PREFIX):
            out[obj] = props
    return out
