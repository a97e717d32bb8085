"""ls: VCHs found by VIC's rule in a constant number of round trips; upgrade status in VIC's words."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from tests.support import session_for
from tests.test_extraconfig_sample import sample_pairs
from tests.vch_support import vch_layout
from vic_machine.extraconfig import decode, encode
from vic_machine.extraconfig.executor import Build
from vic_machine.iso import IsoInfo
from vic_machine.operations.ls import list_vchs, upgrade_status
from vic_machine.vsphere.collector import retrieve
from vic_machine.vsphere.tasks import run_task
from vic_machine.vsphere.vm_spec import option_values


def make_vch(vm: vim.VirtualMachine, name: str) -> None:
    """Turn a plain VM into a VCH as VIC 1.5 marks one: its configuration, its id, the guest name."""
    config = decode(sample_pairs())
    config.executor.common.name = name
    config.executor.common.id = f"VirtualMachine:{vm._moId}"
    spec = vim.vm.ConfigSpec(alternateGuestName="Photon - VCH v1.5.8, 0, abc", extraConfig=option_values(encode(config)))
    run_task(lambda: vm.ReconfigVM_Task(spec=spec), "make a VCH")


def sorted_vms(session) -> list[vim.VirtualMachine]:
    """Every VM of the inventory, by managed object id."""
    return sorted(retrieve(session.content, session.content.rootFolder, {vim.VirtualMachine: ["name"]}),
                  key=lambda vm: vm._moId)


@pytest.fixture(scope="module")
def env(start_sim):
    sim = start_sim(vm=4)
    session = session_for(sim)
    vms = sorted_vms(session)
    yield session, vms
    session.logout()


def test_round_trips_do_not_grow_with_vchs(env):
    session, vms = env
    make_vch(vms[0], "vch-a")
    before = session.round_trips
    assert [v.name for v in list_vchs(session)] == ["vch-a"]
    one = session.round_trips - before
    for index, vm in enumerate(vms[1:8]):
        make_vch(vm, f"vch-{index}")
    before = session.round_trips
    assert len(list_vchs(session)) == 8
    assert session.round_trips - before == one <= 10


def test_only_vics_rule_counts(env):
    session, vms = env
    # The guest name alone does not make a VCH: its stored id must be its own reference.
    stranger = vms[-1]
    spec = vim.vm.ConfigSpec(alternateGuestName="Photon - VCH v1.5.8, 0, abc",
                             extraConfig=option_values({"guestinfo.vice./init/common/id": "VirtualMachine:vm-1"}))
    run_task(lambda: stranger.ReconfigVM_Task(spec=spec), "fake")
    assert stranger._moId not in {v.id for v in list_vchs(session)}
    assert all(v.path == "/DC0/host/DC0_C0/Resources" or v.path == "/DC0/host/DC0_H0/Resources"
               for v in list_vchs(session))
    assert list_vchs(session, compute_resource="DC0_H0") == [v for v in list_vchs(session) if "DC0_H0" in v.path]


def vm_in_own_pool(session, name: str) -> vim.VirtualMachine:
    """A VM laid out as vic-machine lays out an endpoint VM: in a resource pool of its own name."""
    _, _, folder, pool = vch_layout(session, name)
    spec = vim.vm.ConfigSpec(name=name, guestId="otherGuest64", files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"))
    return run_task(lambda: folder.CreateVM_Task(config=spec, pool=pool), "create the VM")


def test_a_vch_is_found_by_its_configuration_whatever_its_guest_name(env):
    """1.5.8 finds a VCH by its configuration; a guest OS setting edited in the vSphere Client does not hide it."""
    session, vms = env
    vm = vm_in_own_pool(session, "renamed-guest")
    make_vch(vm, "renamed-guest")
    run_task(lambda: vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(alternateGuestName="Ubuntu Linux (64-bit)")),
             "edit the guest OS")
    assert "renamed-guest" in [v.name for v in list_vchs(session)]


def iso(tag: str) -> IsoInfo:
    version, build, commit = tag.rsplit("-", 2)
    return IsoInfo(path="a.iso", volume_id="", publisher="", tag=tag, version=version, build=build, commit=commit,
                   size=0)


@pytest.mark.parametrize(("vch", "held", "expected"), [
    (("v1.5.8", "0"), "v1.5.8-0-sim", "Up to date"),
    (("v1.5.7", "0"), "v1.5.8-0-sim", "Upgradeable to v1.5.8-0-sim"),
    (("v1.5.8", "12"), "v1.5.8-3-sim", "VCH has newer version"),
    (("", "0"), "v1.5.8-0-sim", "Up to date"),  # VIC's unstamped build compares by build number
])
def test_upgrade_status(vch, held, expected):
    config = decode(sample_pairs())
    config.executor.version = Build(version=vch[0], build_number=vch[1])
    assert upgrade_status(config, iso(held)) == expected
    config.update_status = True
    assert upgrade_status(config, iso(held)) == "Upgrade in progress"
