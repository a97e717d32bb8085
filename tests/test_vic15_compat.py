"""VIC 1.5 compatibility: what create writes has the keys vic-machine 1.5.8 writes, and a VCH written in VIC
1.5's format (the shipped sample's keys on a VM of the simulator) is listed, inspected and deleted by ours."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from sim.isos import ensure_isos
from tests.support import session_for
from tests.test_extraconfig_sample import sample_pairs
from tests.vch_support import picture, vch_layout
from vic_machine.extraconfig import encode
from vic_machine.iso import check_isos
from vic_machine.operations import vch_config_builder as builder
from vic_machine.operations.create import make_certificates
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import create_flags, inspect_vch
from vic_machine.operations.ls import list_vchs
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject
from vic_machine.vsphere.collector import retrieve
from vic_machine.vsphere.tasks import run_task
from vic_machine.vsphere.vm_spec import option_values


def test_create_writes_the_keys_vic_writes(tmp_path):
    """Same command as the sample's header: the very same set of keys, and the same values where not random."""
    isos = check_isos(*ensure_isos(tmp_path, commit="abc"))
    spec = VchSpec(name="vch1")
    spec.compute.resource = ManagedObject(name="DC0_C0")
    spec.storage.image_stores = ["LocalDS_0"]
    spec.network.bridge.port_group = ManagedObject(name="DC0_DVPG0")
    spec.auth.client.no_tls_verify = True
    spec.auth.server.generate.cname = "vch1.example.com"
    vm_network = builder.NetworkRef("Network:network-7", "VM Network")
    placement = builder.Placement(
        datacenter="DC0", compute_path="/DC0/host/DC0_C0", parent_pool_path="/DC0/host/DC0_C0/Resources",
        image_datastore="LocalDS_0", image_path="",
        networks={"public": vm_network, "client": vm_network, "management": vm_network,
                  "bridge": builder.NetworkRef("DistributedVirtualPortgroup:dvportgroup-13", "DC0_DVPG0")},
        target_url="https://127.0.0.1:18443", username="user", password="pass",
        thumbprint_sha1="2C:11:ED:D7:13:87:7D:B5:74:18:B8:1C:42:C2:56:1F:0D:B9:5B:B9")
    config = builder.build_config(spec, placement, make_certificates(spec), isos.appliance, isos.bootstrap.path)
    config = builder.with_id(builder.with_vm_folder(builder.with_pool(config, "resgroup-68"), "vch1", isos.bootstrap),
                             "vm-71")
    ours = encode(config)
    theirs = {k: v for k, v in sample_pairs() if k != "govcsim"}
    assert set(ours) == set(theirs)
    # Differ on purpose: secrets (random), the version stamp (VIC's sample build had none), the base image size
    # (our default is 8 GiB, VIC's 8 GB), the certificate, the create options (ours name the ISOs' paths).
    expected_differences = {"guestinfo.ovfEnv", "guestinfo.vice./init/version/GitCommit",
                            "guestinfo.vice./init/version/Version", "guestinfo.vice./storage/scratch_size",
                            "guestinfo.vice./cert/HostCertificate/Cert", "guestinfo.vice./vic_machine_create_options",
                            "guestinfo.vice./vic_machine_create_options~"}
    differing = {k for k in ours if ours[k] != theirs[k] and not k.endswith("@secret")}
    assert differing <= expected_differences


@pytest.fixture(scope="module")
def session(start_sim):
    sim = start_sim()
    s = session_for(sim)
    yield s
    s.logout()


def put_vic_vch(session) -> vim.VirtualMachine:
    """What VIC 1.5.8 made, by hand: pool and folder named vch1, a VM carrying the sample's configuration."""
    _, _, folder, pool = vch_layout(session, "vch1")
    pairs = dict(sample_pairs())
    pairs.pop("govcsim")
    spec = vim.vm.ConfigSpec(name="vch1", guestId="otherGuest64", alternateGuestName="Photon - VCH , 0,        ",
                             numCPUs=1, memoryMB=2048, files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"),
                             extraConfig=option_values(pairs))
    vm = run_task(lambda: folder.CreateVM_Task(config=spec, pool=pool), "create the VIC 1.5 VCH")
    run_task(lambda: vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=option_values(
        {"guestinfo.vice./init/common/id": f"VirtualMachine:{vm._moId}"}))), "fix up its id")
    return vm


def test_a_vic_made_vch_is_listed_inspected_and_deleted(session):
    before = picture(session)
    vm = put_vic_vch(session)

    [vch] = list_vchs(session)
    assert (vch.id, vch.name, vch.version, vch.power_state) == (vm._moId, "vch1", "-0-", "poweredOff")
    assert vch.path == "/DC0/host/DC0_C0/Resources" and vch.upgrade_status == "Unknown"

    found = find_vch(session, vch_id=f"VirtualMachine:{vm._moId}")
    info = inspect_vch(found)
    assert info.tls_mode == "no-tlsverify" and info.vch_version == "-0-"
    assert info.docker_host == "" and "no client address" in "\n".join(info.lines())
    assert create_flags(found)[2] == "--name=vch1"

    result = delete_vch(session, found)
    assert result.removed == ["endpoint VM vch1", "folder [LocalDS_0] vch1", "VM folder vch1", "resource pool vch1"]
    assert picture(session) == before
