"""Helpers for the reliability tests (faults at every step, kills, cancels): a full VCH, a container VM in it,
what vSphere methods each step calls, and a picture of everything create makes (inventory, datastore, roles,
permissions, marks)."""

from __future__ import annotations

import secrets
from collections import defaultdict

from pyVmomi import vim

from tests.vch_support import datastore_files, inventory_state, vch_spec
from vic_machine.errors import VicError
from vic_machine.operations.create import create
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.ls import list_vchs
from vic_machine.operations.leftovers import leftovers, remove_leftovers
from vic_machine.spec.model import VolumeStore
from vic_machine.vsphere import vm_spec
from vic_machine.vsphere.collector import retrieve, retrieve_objects
from vic_machine.vsphere.tasks import run_task

OPS_USER = "rel-ops@vsphere.local"
OPS_PASSWORD = "Secr3t-ops!"


def full_spec(name: str):
    """Every piece delete removes: its own pool and folder, a volume store, a DRS VM group, ops-user grants."""
    spec = vch_spec(name, "no-tlsverify")
    spec.storage.volume_stores = [VolumeStore(datastore=f"LocalDS_0/{name}-vols", label="default")]
    spec.compute.affinity.use_vm_group = True
    creds = spec.endpoint.operations_credentials
    creds.user, creds.password, creds.grant_permissions = OPS_USER, OPS_PASSWORD, True
    return spec


def make_full_vch(session, isos, name: str, tmp_path, *, container: bool = True):
    """Create ``name`` with :func:`full_spec` and (``container``) a powered-off container VM inside it."""
    result = create(session, full_spec(name), isos=isos, timeout=20, cert_dir=str(tmp_path / name))
    vm = vim.VirtualMachine(result.vm, session.stub)
    if container:
        plant_container(session, vm, f"{name}-c1")
    return result


def plant_container(session, endpoint: vim.VirtualMachine, name: str) -> vim.VirtualMachine:
    """A container VM as a VCH makes one: in the VCH's pool and folder, its id a container id."""
    props = retrieve_objects(session.content, [endpoint], ["resourcePool", "parent"])[endpoint]
    spec = vim.vm.ConfigSpec(name=name, guestId="otherGuest", numCPUs=1, memoryMB=64,
                             files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"),
                             extraConfig=vm_spec.option_values({"guestinfo.vice./common/id": secrets.token_hex(32)}))
    return run_task(lambda: props["parent"].CreateVM_Task(config=spec, pool=props["resourcePool"]),
                    "plant a container VM", name)


def roles_and_grants(session) -> tuple[set[str], set[tuple[str, str, int]]]:
    """The roles' names, and every permission (entity, principal, role) still set on an existing entity."""
    manager = session.content.authorizationManager
    roles = {r.name for r in manager.roleList}
    alive = set(retrieve(session.content, session.content.rootFolder, {vim.ManagedEntity: ["name"]}))
    alive.add(session.content.rootFolder)
    grants = {(p.entity._moId, p.principal, p.roleId) for p in manager.RetrieveAllPermissions() or []
              if p.entity in alive}
    return roles, grants


def marked(session) -> set[str]:
    """Pools and folders carrying a value of a custom attribute (our marks)."""
    objs = retrieve(session.content, session.content.rootFolder,
                    {vim.ResourcePool: ["customValue"], vim.Folder: ["customValue"]})
    return {o._moId for o, p in objs.items() if any(getattr(v, "value", "") for v in p.get("customValue") or [])}


def whole_picture(session) -> tuple:
    """Inventory, datastore, roles and permissions, marks: equal before and after means nothing is left."""
    return inventory_state(session), datastore_files(session), roles_and_grants(session), marked(session)


class MethodRecorder:
    """Records which SOAP methods each plan step calls (``by_step``), through the session's stub."""

    def __init__(self, session) -> None:
        self.session = session
        self.by_step: dict[str, list[str]] = defaultdict(list)
        self.step = "(before the first step)"
        self.steps: list[str] = []  # every step the plan announced, in order (with or without vSphere calls)
        self._original = None

    def sink(self, event) -> None:
        if event.kind == "step" and event.message == event.step:
            self.step = event.step
            if event.step not in self.steps:
                self.steps.append(event.step)

    def __enter__(self) -> MethodRecorder:
        stub = self.session.stub
        self._original = stub.InvokeMethod

        def invoke(mo, info, args, outerStub=None):  # noqa: N803 - pyvmomi's name
            calls = self.by_step[self.step]
            if info.wsdlName not in calls:
                calls.append(info.wsdlName)
            return self._original(mo, info, args, outerStub)

        stub.InvokeMethod = invoke
        return self

    def __exit__(self, *exc) -> None:
        self.session.stub.InvokeMethod = self._original

    def pairs(self) -> list[tuple[str, str]]:
        return [(step, method) for step, methods in self.by_step.items() for method in methods]


# --- delete with a fault at one step ----------------------------------------------------------------------------


def at_step(step: str, action):
    """A sink that runs ``action`` once when ``step`` starts (``(before the first step)``: never; run it first)."""
    fired = []

    def sink(event) -> None:
        if not fired and event.kind == "step" and event.step == step and event.message == step:
            fired.append(1)
            action()
    return sink


def listed(session, name: str) -> list:
    return [v for v in list_vchs(session, remnants=True) if v.name == name]


def left_after(before: tuple, after: tuple) -> list[str]:
    """What ``after`` holds that ``before`` did not (and what it lost), one line each."""
    out = []
    labels = ("inventory", "datastore", "roles and permissions", "marks")
    for label, a, b in zip(labels, before, after):
        if a == b:
            continue
        if isinstance(a, dict):
            for key in a:
                out += [f"{label}: {key} {x}" for x in sorted(map(str, set(b[key]) ^ set(a[key])))]
        elif isinstance(a, tuple):
            for x, y in zip(a, b):
                out += [f"{label}: {z}" for z in sorted(map(str, set(x) ^ set(y)))]
        else:
            out += [f"{label}: {z}" for z in sorted(map(str, set(a) ^ set(b)))]
    return out


BEFORE = "(before the first step)"


def delete_with_fault(world, tmp_path, step: str, method: str, name: str) -> dict:
    """Create a full VCH, delete it with ``method`` failing once in ``step``, then delete again. What happened."""
    session, sim = world.session, world.sim
    before = whole_picture(session)
    make_full_vch(session, world.isos, name, tmp_path)
    vch = find_vch(session, name=name)

    def inject():
        sim.faults.inject(method, "InvalidArgument", count=1, task=method.endswith("_Task"))

    if step == BEFORE:
        inject()
    outcome = {"step": step, "method": method, "failed": False, "error": "", "left": [], "listed": None,
               "warnings": [], "remedies": []}
    try:
        result = delete_vch(session, vch, force=True, delete_volumes=True, sink=at_step(step, inject))
        outcome["warnings"] = result.warnings
    except VicError as exc:
        outcome.update(failed=True, error=str(exc), left=list(getattr(exc, "left", [])),
                       kind=type(exc).__name__)
    finally:
        sim.faults.reset()
    outcome["left_after_failure"] = left_after(before, whole_picture(session))
    if outcome["left_after_failure"]:
        found = listed(session, name)
        outcome["listed"] = [(v.id, v.upgrade_status, v.state) for v in found]
        # What is no VCH's piece (an unused role) is listed by ``vic-machine ls`` as a leftover.
        outcome["listed"] += [item.what for item in leftovers(session, list_vchs(session))]
        if found:  # the remedy the error (or warning) names: delete again
            outcome["remedies"].append("delete again")
            delete_vch(session, find_vch(session, name=name, remnants=True), force=True, delete_volumes=True)
        if left_after(before, whole_picture(session)):  # what is no VCH's: vic-machine delete --leftovers
            outcome["remedies"].append("delete --leftovers")
            remove_leftovers(session, list_vchs(session))
    outcome["left_at_end"] = left_after(before, whole_picture(session))
    return outcome
