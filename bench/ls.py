"""``vic-machine ls`` against the floor of a vCenter read, on 8 and on 5,025 VMs, measured side by side in one run.

The floor (bench/_floor.py) is what no ls can go below: start Python, import pyVmomi, log in, one
property-collector read of every VM's name, log out. Both run as child processes, alternated, on the same
simulator; VCHs are plain VMs given a VCH configuration (our codec, VIC 1.5's format) and VIC's guest name.

Targets (issue 17): ls ≤ 1.5× the floor on the small model and on 5,025 VMs with 3 and with 100 VCHs; the same
number of requests on 8 and on 5,025 VMs, the further pages of a large answer aside; ls's peak memory on 5,025
VMs no higher than before this work. Also printed: VIC 1.5's plug-in walk (every VM's configuration read
through the VM) on the large model, once.

Run: ``.venv/bin/python bench/ls.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import (ROOT, alternate, compile_project, machine_load, median_seconds, print_table, ratio, run, run_process, seconds,
                    session_for, settle, simulator, target)
from pyVmomi import vim

from vic_machine.extraconfig import VchConfig, encode, is_vch, read_extra_config
from vic_machine.extraconfig.executor import Build
from vic_machine.operations.ls import list_vchs
from vic_machine.vsphere.collector import retrieve
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task
from vic_machine.vsphere.vm_spec import option_values

SMALL: dict = {}  # the simulator's default: 8 VMs
LARGE = dict(cluster=10, host=20, vm=25)  # 200 hosts × 25 VMs = 5,000 VMs (+ the standalone host's 25)
TIME_TARGET = 1.5
# ls's peak RSS on LARGE with 100 VCHs before issue 17's work (commit 785b8f8, this machine, /usr/bin/time).
BASELINE_PEAK_KIB = 64_232
FLOOR = ROOT / "bench" / "_floor.py"
VIC_MACHINE = Path(sys.executable).parent / "vic-machine"


def make_vchs(session: Session, count: int, skip: int = 0) -> None:
    """``count`` more VCHs (after the first ``skip``), spread over the VMs by moref order."""
    vms = sorted(retrieve(session.content, session.content.rootFolder, {vim.VirtualMachine: ["name"]}),
                 key=lambda vm: vm._moId)
    step = max(len(vms) // 100, 1)
    chosen = (vms[::step] + vms)[skip:skip + count]
    for index, vm in enumerate(chosen, start=skip):
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


class Side:
    """The two commands measured on one simulator, and the in-process request count of ``list_vchs``."""

    def __init__(self, sim, iso_dir: str) -> None:
        self.sim = sim
        self.creds = [sim.host, str(sim.port), sim.username, sim.password, sim.thumbprint_sha256]
        self.env = {"VIC_ISO_DIR": iso_dir}

    def floor(self):
        return run_process([sys.executable, str(FLOOR), *self.creds, "VirtualMachine=name"])

    def ls(self):
        host, port, user, password, thumbprint = self.creds
        return run_process([str(VIC_MACHINE), "ls", "--target", f"{host}:{port}", "--user", user,
                            "--password", password, "--thumbprint", thumbprint], env=self.env)

    def requests(self, session: Session) -> tuple[int, int, int]:
        """(requests of one list_vchs, of which further pages, VCHs found)."""
        faults = self.sim.faults
        rule = faults.delay("ContinueRetrievePropertiesEx", 0, count=0)  # delay-only: counts the calls
        before = session.round_trips
        found = list_vchs(session)
        trips = session.round_trips - before
        pages = next((r["hits"] for r in faults.list() if r["id"] == rule["id"]), 0)
        faults.reset()
        return trips, pages, len(found)


def measure(name: str, side: Side, session: Session, runs: int, vchs: int) -> dict:
    trips, pages, found = side.requests(session)
    if found != vchs:
        raise RuntimeError(f"[{name}] ls found {found} VCHs, {vchs} were made")
    side.ls()  # warm the page cache for both sides
    print(f"[{name}] {settle()} before the runs", flush=True)
    measured = alternate(runs, floor=side.floor, ls=side.ls)
    floor, ls = median_seconds(measured["floor"]), median_seconds(measured["ls"])
    listed = sum(1 for line in measured["ls"][-1].stdout.splitlines() if line.startswith("vm-"))
    if listed != vchs:
        raise RuntimeError(f"[{name}] vic-machine ls printed {listed} VCHs, {vchs} were made")
    print(f"[{name}] floor {seconds(floor)}, ls {seconds(ls)}, {trips} requests ({pages} further pages)",
          flush=True)
    return dict(name=name, floor=floor, ls=ls, trips=trips, pages=pages,
                peak=max(r.peak_kib for r in measured["ls"]), floor_peak=max(r.peak_kib for r in measured["floor"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    print(f"Machine: {machine_load()}", flush=True)
    compile_project()
    rows, naive = [], None
    with tempfile.TemporaryDirectory() as no_isos:
        for model_name, model in (("8 VMs", SMALL), ("5,025 VMs", LARGE)):
            with simulator(**model) as started:
                print(f"[{model_name}] simulator started in {seconds(started.start_seconds)}", flush=True)
                side = Side(started.sim, no_isos)
                session = session_for(started.sim)
                try:
                    make_vchs(session, 3)
                    # A run on 8 VMs takes a fifth of a second and its ratio is the one near its limit: three
                    # times the runs there, for a median that one slow start-up does not move.
                    runs = options.runs * (3 if model is SMALL else 1)
                    rows.append(measure(f"{model_name}, 3 VCHs", side, session, runs, 3))
                    if model is LARGE:
                        make_vchs(session, 97, skip=3)
                        rows.append(measure(f"{model_name}, 100 VCHs", side, session, options.runs, 100))
                        before = session.round_trips
                        walked = naive_walk(session)
                        naive = (session.round_trips - before, walked)
                finally:
                    session.logout()
    print()
    print_table(["model", "floor", "vic-machine ls", "ls / floor", "requests (further pages)", "ls peak RSS",
                 "floor peak RSS"],
                [[r["name"], seconds(r["floor"]), seconds(r["ls"]), ratio(r["ls"], r["floor"]),
                  f"{r['trips']} ({r['pages']})", f"{r['peak']:,} KiB", f"{r['floor_peak']:,} KiB"] for r in rows],
                title=f"ls vs the floor (start Python, import pyVmomi, log in, read every VM's name, log out); "
                      f"child processes, median of {options.runs} alternated runs ({3 * options.runs} on 8 VMs)")
    if naive is not None:
        print(f"VIC 1.5's plug-in walk on 5,025 VMs with 100 VCHs: {naive[0]:,} requests "
              f"(ours: {rows[-1]['trips']}), found {len(naive[1])} VCHs\n")
    ok = True
    for r in rows:
        ok &= target(f"ls / floor, {r['name']}", f"{r['ls'] / r['floor']:.2f}×", f"≤ {TIME_TARGET}×",
                     r["ls"] <= TIME_TARGET * r["floor"])
    small, large = rows[0], rows[1:]
    aside = [r["trips"] - r["pages"] for r in rows]
    target("ls requests, 8 → 5,025 VMs (further pages aside)", " / ".join(str(a) for a in aside), "all equal",
           len(set(aside)) == 1)
    peak = rows[-1]["peak"]
    target("ls peak RSS, 5,025 VMs, 100 VCHs", f"{peak:,} KiB", f"≤ {BASELINE_PEAK_KIB:,} KiB (before issue 17)",
           peak <= BASELINE_PEAK_KIB)
    print(f"Machine after: {machine_load()}")
    return 0


if __name__ == "__main__":
    run(main)
