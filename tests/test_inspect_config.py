"""``inspect config`` rebuilds a VCH's create options from its configuration, as VIC Engine 1.5.8 prints them:
the five reference vectors planted on the simulator give 1.5.8's own output line by line; the options follow
configure; a VCH without the stored ``vic_machine_create_options`` key (as 1.5's API makes them) gets them all;
the reads take one property-collector request."""

from __future__ import annotations

import dataclasses
import json

import pytest
from pyVmomi import vim

from tests import vic158_vectors as vectors
from tests.vch_support import vch_spec
from vic_machine.cli.main import main
from vic_machine.extraconfig import decode, read_extra_config
from vic_machine.operations.create import create
from vic_machine.operations.inspect import CONFIGURED_WITH
from vic_machine.operations.inspect_config import Allocation, VchFacts, config_options, inspect_config
from vic_machine.operations.ls import list_vchs
from vic_machine.spec.model import VolumeStore
from vic_machine.spec.network_model import ContainerNetwork, ManagedObject
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.tasks import run_task
from vic_machine.vsphere.vm_spec import option_values

STORED_OPTIONS = "vic_machine_create_options"


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(pg=3)


@pytest.fixture(scope="module")
def planted(world):
    """Every vector planted once, without alternateGuestName: name → endpoint VM."""
    return {name: vectors.plant(world.session, name) for name in vectors.NAMES}


def _config(session, vm):
    return decode(retrieve_objects(session.content, [vm], ["config.extraConfig"])[vm]["config.extraConfig"])


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, out + err
    return out, err


def test_ls_finds_every_planted_158_vch_without_a_guest_name(world, planted):
    """1.5.8's ls lists them all (``ls.txt``); so does ours, from their configuration alone."""
    found = {v.name: v for v in list_vchs(world.session)}
    for name, vm in planted.items():
        assert found[name].id == vm._moId and found[name].path == "/DC0/host/DC0_C0/Resources"
        assert found[name].version == "v1.5.8-0-2c978fe"


@pytest.mark.parametrize("name", vectors.NAMES)
def test_rebuilt_options_are_158s(world, planted, name):
    """Line by line, in 1.5.8's order. --target and --thumbprint are per-run values (of the 1.5.8 run here): the
    planted configuration keeps the vector's connection, so they compare equal too."""
    session, vm = world.session, planted[name]
    config = _config(session, vm)
    assert config.create_options  # 1.5.8's CLI stored its own record; the rebuild does not read it
    before = session.round_trips
    options = inspect_config(session, vm, config)
    assert session.round_trips - before == 1
    assert options == vectors.load(name).inspect_options


def test_a_port_group_gone_is_printed_by_reference(world, planted):
    session, vm = world.session, planted["ext"]
    gone = "DistributedVirtualPortgroup:dvportgroup-999"
    run_task(lambda: vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=option_values(
        {"guestinfo.vice./network/container_networks|cn2/Common/id": gone}))), "point cn2 at a missing port group")
    config = _config(session, vm)
    before = session.round_trips
    options = inspect_config(session, vm, config)
    assert session.round_trips - before == 4  # the request, then a view of all networks: create, read, destroy
    expected = [o.replace("DC0_DVPG2", gone) for o in vectors.load("ext").inspect_options]
    assert options == expected


def test_cli_prints_them_as_158(world, planted, capsys):
    session = world.session
    expected = vectors.load("stat").inspect_options

    out, _ = _cli(capsys, "inspect", "config", *world.target_args, "--name", "stat")
    assert out == "\n".join([CONFIGURED_WITH, "", *(f"\t{o}" for o in expected)]) + "\n"
    out, _ = _cli(capsys, "inspect", "config", *world.target_args, "--name", "stat", "--format", "raw")
    assert out == " ".join(expected) + "\n"
    out, _ = _cli(capsys, "inspect", "config", *world.target_args, "--name", "stat", "--output", "json")
    assert json.loads(out) == {"id": planted["stat"]._moId, "name": "stat", "create_options": expected}
    out, err = _cli(capsys, "inspect", "config", *world.target_args, "--name", "stat", "--format", "yaml")
    assert "Invalid configuration output format 'yaml'" in err and out.splitlines()[0] == CONFIGURED_WITH


def _rebuilt(capsys, world, vch_id):
    out, _ = _cli(capsys, "inspect", "config", *world.target_args, "--id", vch_id, "--output", "json")
    options = json.loads(out)["create_options"]
    target, thumbprint = options[:2]
    assert target.startswith(f"--target=https://{world.sim.host}:{world.sim.port}")
    assert thumbprint.startswith("--thumbprint=")
    # The base image size our encoder writes by default is being aligned on 1.5.8's (8GB, then not printed).
    return [o for o in options[2:] if not o.startswith("--base-image-size=")]


def test_inspect_config_follows_configure(world, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, _ = _cli(capsys, "create", *world.target_args, *world.iso_args, "--name", "cfg-vch",
                  "--compute-resource", "DC0_C0", "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0",
                  "--no-tlsverify", "--cpu", "2000", "--timeout", "20s", "--output", "json")
    vch_id = json.loads(out)["vm"]
    common = ["--name=cfg-vch", "--compute-resource=/DC0/host/DC0_C0/Resources",
              f"--ops-user={world.sim.username}", "--image-store=ds://LocalDS_0", "--bridge-network=DC0_DVPG0"]
    assert _rebuilt(capsys, world, vch_id) == [*common, "--cpu=2000"]

    _cli(capsys, "configure", *world.target_args, "--id", vch_id, "--debug", "1", "--cpu", "1500",
         "--memory", "4096", "--timeout", "20s", "--output", "json")
    assert _rebuilt(capsys, world, vch_id) == [*common, "--memory=4096", "--cpu=1500", "--debug=1"]


def test_a_vch_without_the_stored_options_gets_them_all(world, capsys):
    """As 1.5's API and plug-in make VCHs: made through the core, then without the key 1.5.8's CLI writes."""
    spec = vch_spec("api-vch", mode="no-tlsverify")
    spec.compute.memory.limit = 3072
    spec.storage.volume_stores = [VolumeStore(datastore="LocalDS_0/vols", label="default")]
    spec.network.container = [ContainerNetwork(alias="cnet", port_group=ManagedObject(name="DC0_DVPG1"),
                                               firewall="open")]
    result = create(world.session, spec, isos=world.isos, timeout=20)
    vm = vim.VirtualMachine(result.id.split(":")[-1], world.session.stub)
    stored = read_extra_config(retrieve_objects(world.session.content, [vm], ["config.extraConfig"])[vm]
                               ["config.extraConfig"])
    run_task(lambda: vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=option_values(
        {k: "" for k in stored if STORED_OPTIONS in k}))), "remove the stored create options")
    assert not _config(world.session, vm).create_options

    assert _rebuilt(capsys, world, vm._moId) == [
        "--name=api-vch", "--compute-resource=/DC0/host/DC0_C0/Resources", f"--ops-user={world.sim.username}",
        "--image-store=ds://LocalDS_0", "--volume-store=ds://LocalDS_0/vols:default", "--bridge-network=DC0_DVPG0",
        "--container-network=DC0_DVPG1:cnet", "--container-network-firewall=DC0_DVPG1:open", "--memory=3072"]


# The rebuild alone, on vector configurations edited here: no simulator.

def _facts(name, **changes):
    vector = vectors.load(name)
    alloc = {k: Allocation(a.limit, a.reservation, a.level, a.shares) for k, a in vector.pool.items()}
    facts = VchFacts(name=name, compute_resource="/DC0/host/DC0_C0/Resources", network_names=vectors.VECTOR_NETWORKS,
                     cpu=alloc["cpu"], memory=alloc["mem"], num_cpus=vector.num_cpus, memory_mb=vector.memory_mb)
    return dataclasses.replace(facts, **changes)


def _edited(name, **keys):
    extra = vectors.extraconfig(name)
    extra.update({f"guestinfo.vice./{k}": v for k, v in keys.items()})
    return decode(extra)


def test_a_volume_store_path_without_brackets_reads_the_same():
    """Older VCHs of ours stored ``Path = ev`` with the datastore only in ``Host``; 1.5.8 writes ``[LocalDS_0] ev``."""
    config = _edited("ext", **{"storage/VolumeLocations|default/Path": "ev"})
    assert config_options(config, _facts("ext")) == vectors.load("ext").inspect_options


def test_values_are_normalised_as_158_writes_them():
    """A range that is a subnet as the subnet, sizes in decimal units, a value once, custom shares by number,
    normal ones, unlimited limits and zero reservations left out, the VM's size unless create's default."""
    config = _edited("stat", **{
        "network/container_networks|cnet/pools|0/first": "AAAAAAAAAAAAAP//CgICAA==",  # 10.2.2.0
        "network/container_networks|cnet/pools|0/last": "AAAAAAAAAAAAAP//CgIC/w==",  # 10.2.2.255
        "storage/scratch_size": "8589934",  # 8 GiB in KB, as our encoder once wrote it
        "init/networks|public/network/dns|1": "AAAAAAAAAAAAAP//CgEBAg==",  # 10.1.1.2 twice
        "init/diagnostics/debug": "2"})
    facts = _facts("stat", cpu=Allocation(limit=-1, reservation=0, shares_level="high"),
                   memory=Allocation(limit=1024, reservation=0, shares_level="custom", shares=2500), num_cpus=2,
                   memory_mb=2048)
    options = config_options(config, facts)
    assert "--container-network-ip-range=DC0_DVPG1:10.2.2.0/24" in options
    assert "--base-image-size=8.59GB" in options
    assert [o for o in options if o.startswith("--dns-server=")] == ["--dns-server=10.1.1.2"]
    tail = [o for o in options if o.split("=")[0] in {"--memory", "--memory-reservation", "--memory-shares",
                                                      "--endpoint-memory", "--cpu", "--cpu-reservation",
                                                      "--cpu-shares", "--endpoint-cpu", "--debug"}]
    assert tail == ["--memory=1024", "--memory-shares=2500", "--cpu-shares=high", "--endpoint-cpu=2", "--debug=2"]
    assert options[-1] == "--debug=2"


def test_a_management_network_on_the_public_port_group_is_printed():
    """Only the management network on the client's port group, and the client on the public's, are left out."""
    config = _edited("stat", **{"init/networks|management/network/Common/id": "Network:network-7"})
    options = config_options(config, _facts("stat"))
    assert "--management-network=VM Network" in options and "--client-network=DC0_DVPG1" in options
