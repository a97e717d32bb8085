"""Helpers (no tests) for the upgrade and debug tests: a simulator with a VCH of v1.5.8 and ISOs of newer versions."""

from __future__ import annotations

from dataclasses import dataclass

from sim.appliance import ApplianceStandIn
from sim.isos import ensure_isos
from tests.vch_support import datastore_files, vch_spec
from vic_machine.iso import CheckedIsos, check_isos
from vic_machine.operations.create import create
from vic_machine.operations.find import find_vch
from vic_machine.operations.upgrade_steps import read_vm, upgrade_snapshots
from vic_machine.operations.wait import read_config
from vic_machine.vsphere import vm_spec
from vic_machine.vsphere.tasks import run_task


@dataclass
class Env:
    sim: object
    session: object
    stand_in: ApplianceStandIn
    old: CheckedIsos
    new: CheckedIsos
    newer: CheckedIsos
    target: list[str]

    def iso_args(self, isos: CheckedIsos) -> list[str]:
        return ["--appliance-iso", isos.appliance.path, "--bootstrap-iso", isos.bootstrap.path]


def start_env(vch_world, tmp_path_factory) -> Env:
    world = vch_world()
    folder = tmp_path_factory.mktemp("isos")
    new = check_isos(*ensure_isos(folder / "new", version="v1.5.9", build="1"))
    newer = check_isos(*ensure_isos(folder / "newer", version="v1.5.10", build="2"))
    return Env(world.sim, world.session, world.stand_in, world.isos, new, newer, world.target_args)


def make_vch(env: Env, name: str):
    """A running tlsverify VCH of v1.5.8, as ``find_vch`` returns it (compared with the v1.5.9 ISOs)."""
    create(env.session, vch_spec(name), isos=env.old, timeout=20)
    return find_vch(env.session, name=name, iso=env.new.appliance)


def observed(env: Env, vch) -> dict:
    """What a user sees of the VCH: version, status, power, ISO, snapshots, lock, and its whole decoded config."""
    found = find_vch(env.session, vch_id=vch.id, iso=env.new.appliance)
    state = read_vm(env.session, vch.vm)
    return {"version": found.version, "status": found.upgrade_status, "power": found.power_state,
            "iso": state.iso, "snapshots": [t.name for t in upgrade_snapshots(state)],
            "locked": found.config.update_in_progress, "config": read_config(env.session, vch.vm)}


def set_lock(env: Env, vch, value: str) -> None:
    """Leave an ``UpdateInProgress`` mark, as a crashed upgrade would."""
    run_task(lambda: vch.vm.ReconfigVM_Task(spec=vm_spec.extra_config_spec({"UpdateInProgress": value})), "lock")


def vch_files(env: Env, name: str) -> set[str]:
    return {f for f in datastore_files(env.session) if f.startswith(f"[LocalDS_0] {name}/")}
