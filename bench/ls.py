"""ls: our property-collector listing against a naive walk over every VM's configuration (as VIC 1.5's plug-in
did), with 100 VCHs among 5,000 other VMs, measured side by side in one run on the same simulator.

The 100 VCHs are made cheaply: a VCH configuration (encoded by our codec, VIC 1.5's format) put on plain VMs,
with VIC's alternate guest name. Both sides must find the same VCHs.

Run: ``.venv/bin/python bench/ls.py``.
"""

from __future__ import annotations

import sys

from common import measure, print_table, ratio, seconds, session_for, simulator
from pyVmomi import vim

from vic_machine.extraconfig import VchConfig, encode, is_vch, read_extra_config
from vic_machine.extraconfig.executor import Build
from vic_machine.operations.ls import list_vchs
from vic_machine.vsphere.collector import retrieve
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task
from vic_machine.vsphere.vm_spec import option_values

MODEL = dict(cluster=10, host=20, vm=25)  # 200 hosts × 25 VMs = 5,000 VMs (+ the standalone host's)
VCHS = 100


def make_vchs(session: Session, count: int) -> None:
    vms = sorted(retrieve(session.content, session.content.rootFolder, {vim.VirtualMachine: ["name"]}),
                 key=lambda vm: vm._moId)
    step = max(len(vms) // count, 1)
    for index, vm in enumerate(vms[::step][:count]):
        config = VchConfig()
        config.executor.common.id = f"VirtualMachine:{vm._moId}"
        config.executor.common.name = f"vch-{index}"
        config.executor.version = Build(version="v1.5.8", build_number="0", git_commit="sim", plugin_version=10)
        spec = vim.vm.ConfigSpec(alternateGuestName="Photon - VCH v1.5.8, 0, sim",
                                 extraConfig=option_values(encode(config)))
        run_task(lambda: vm.ReconfigVM_Task(spec=spec), "make a VCH")


def naive_walk(session: Session) -> set[str]:
    """What VIC 1.5's plug-in did: every VM, its configuration read through the VM object itself."""
    found = set()
    view = session.content.viewManager.CreateContainerView(session.content.rootFolder, [vim.VirtualMachine], True)
    try:
        for vm in view.view:
            config = vm.config
            if config is not None and is_vch(config.extraConfig, vm._moId):
                found.add(read_extra_config(config.extraConfig).get("init/common/name", vm.name))
    finally:
        view.DestroyView()
    return found


def main() -> int:
    with simulator(**MODEL) as started:
        session = session_for(started.sim)
        vm_count = len(retrieve(session.content, session.content.rootFolder, {vim.VirtualMachine: ["name"]}))
        print(f"Simulator: {vm_count:,} VMs, started in {seconds(started.start_seconds)}; making {VCHS} VCHs …")
        make_vchs(session, VCHS)
        ours = measure(session, lambda: {v.name for v in list_vchs(session)}, runs=3, warmup=1)
        naive = measure(session, lambda: naive_walk(session), runs=1)
        if ours.result != naive.result or len(ours.result) != VCHS:
            print(f"The two sides disagree: ours {len(ours.result)}, naive {len(naive.result)}", file=sys.stderr)
            return 1
        print_table(["ls", "round trips", "median time"],
                    [("ours (property collector)", ours.trips, seconds(ours.median)),
                     ("naive walk (VIC 1.5 plug-in)", naive.trips, seconds(naive.median)),
                     ("ratio", ratio(naive.trips, ours.trips), ratio(naive.median, ours.median))],
                    title=f"{VCHS} VCHs among {vm_count - VCHS:,} other VMs")
        session.logout()
    return 0


if __name__ == "__main__":
    sys.exit(main())
