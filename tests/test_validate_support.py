"""Helpers shared by the ``test_validate_*`` modules (this module holds no tests).

Each crafting helper changes the simulator through the SOAP API, as an administrator would in the vSphere
Client; the tests then validate the same specification in the wrong state and in the right one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from pyVim.connect import Disconnect
from pyVmomi import vim

from sim.runner import Simulator
from tests.support import session_for
from vic_machine.inventory import Inventory, take_snapshot
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject
from vic_machine.validate import Finding, validate
from vic_machine.vsphere.session import Session


def base_spec(name: str) -> VchSpec:
    """A specification that is valid on the default simulator model once vic-engine is allowed."""
    spec = VchSpec(name=name)
    spec.compute.resource = ManagedObject(name="DC0_C0")
    spec.storage.image_stores = ["LocalDS_0"]
    spec.network.bridge.port_group = ManagedObject(name="DC0_DVPG0")
    spec.auth.server.generate.cname = "vch.example.com"
    return spec


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def wait(task: vim.Task, timeout: float = 10.0):
    """The task's result; its fault raised when it failed."""
    deadline = time.monotonic() + timeout
    while task.info.state in (vim.TaskInfo.State.queued, vim.TaskInfo.State.running):
        if time.monotonic() > deadline:
            raise TimeoutError(f"task {task} did not finish")
        time.sleep(0.01)
    if task.info.state == vim.TaskInfo.State.error:
        raise task.info.error
    return task.info.result


def find(si, kind, name: str):
    """The one managed object of ``kind`` named ``name``."""
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [kind], True)
    try:
        found = [o for o in view.view if o.name == name]
    finally:
        view.DestroyView()
    assert len(found) == 1, f"{len(found)} {kind.__name__} named {name!r}"
    return found[0]


def set_ruleset(si, enabled: bool, ruleset: str = "vic-engine") -> None:
    """Enable or disable a firewall ruleset on every host."""
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True)
    try:
        for host in view.view:
            firewall = host.configManager.firewallSystem
            (firewall.EnableRuleset if enabled else firewall.DisableRuleset)(id=ruleset)
    finally:
        view.DestroyView()


class Vc:
    """A simulator with an admin's pyvmomi connection and our own core session."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.si = sim.connect()
        self.session: Session = session_for(sim)

    def inventory(self) -> Inventory:
        return take_snapshot(self.session)

    def validate(self, spec: VchSpec, **kwargs) -> list[Finding]:
        """Findings for ``spec`` against a fresh snapshot (probes only when asked for)."""
        kwargs.setdefault("probes", False)
        return validate(spec, self.inventory(), session=self.session, **kwargs)

    def close(self) -> None:
        self.session.logout()
        Disconnect(self.si)


@contextmanager
def clean_vc(**model: int) -> Iterator[Vc]:
    """A simulator of its own (so crafted states never leak) where vic-engine is allowed on every host."""
    with Simulator.start(**model) as sim:
        vc = Vc(sim)
        try:
            set_ruleset(vc.si, True)
            yield vc
        finally:
            vc.close()
