"""configure works on every VCH create can make: static IPs and gateways on the public, client and management
networks, and a container network with a gateway, an IP range and DNS servers. Each kind is created, then
configured (the debug level and a CPU or memory limit) through the core and through ``vic-machine configure``;
the change is read back, and the network settings come back as they were created.

Also the decoder alone: the spec rebuilt from a stored configuration leaves a role sharing the public network's
port group to inherit it (VIC 1.5.8 copies the public settings onto it), whatever mask the gateway was written
with (1.5.8 writes the network's own prefix, older encoders /32)."""

from __future__ import annotations

import json

import pytest

from tests.vch_support import vch_spec
from vic_machine.cli.main import main
from vic_machine.extraconfig.gotypes import IPNet
from vic_machine.operations import vch_config_builder as builder
from vic_machine.operations.configure import configure
from vic_machine.operations.configure_spec import Allocation, Facts, current_spec, spec_from_config
from vic_machine.operations.create import create
from vic_machine.operations.find import find_vch
from vic_machine.operations.wait import read_config
from vic_machine.spec import check
from vic_machine.spec.network_model import ContainerNetwork, Gateway, ManagedObject, Network


def _public(spec):
    spec.network.public = Network(port_group=ManagedObject(name="VM Network"), static="10.1.1.5/24",
                                  gateway=Gateway(address="10.1.1.1"), nameservers=["10.1.1.2", "10.1.1.3"])


def _client(spec):
    spec.network.client = Network(port_group=ManagedObject(name="DC0_DVPG1"), static="10.2.2.5/24",
                                  gateway=Gateway(address="10.2.2.1", routing_destinations=["10.20.0.0/16"]))


def _management(spec):
    spec.network.management = Network(port_group=ManagedObject(name="DC0_DVPG2"), static="10.3.3.5/24",
                                      gateway=Gateway(address="10.3.3.1", routing_destinations=["10.30.0.0/16"]))


def _container(spec):
    spec.network.container = [ContainerNetwork(
        alias="cnet", port_group=ManagedObject(name="DC0_DVPG1"), gateway=Gateway(address="10.4.4.1/24"),
        ip_ranges=["10.4.4.100-10.4.4.120"], nameservers=["10.4.4.2"])]


def _all(spec):
    """The reference set "stat": every network static, the container network on the client's subnet."""
    for part in (_public, _client, _management):
        part(spec)
    spec.network.container = [ContainerNetwork(
        alias="cnet", port_group=ManagedObject(name="DC0_DVPG1"), gateway=Gateway(address="10.2.2.1/24"),
        ip_ranges=["10.2.2.100-10.2.2.120"], nameservers=["10.2.2.2"])]


KINDS = {"public": _public, "client": _client, "management": _management, "container": _container, "all": _all}


def _networks(spec) -> dict:
    """What of the rebuilt spec's networks must survive a configure (and match what was created)."""
    net = spec.network

    def role(r):
        n = getattr(net, r)
        if n is None:
            return None
        gw = n.gateway
        return (n.port_group.name, n.static, gw.address if gw else None, list(gw.routing_destinations) if gw else [])

    return {"public": role("public"), "client": role("client"), "management": role("management"),
            "container": [(c.alias, c.port_group.name, c.gateway.address if c.gateway else None, c.ip_ranges,
                           c.nameservers) for c in net.container]}


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(pg=3)


def _create(world, kind: str, name: str):
    spec = vch_spec(name, "no-tlsverify")
    KINDS[kind](spec)
    result = create(world.session, spec, isos=world.isos, timeout=20)
    return find_vch(world.session, vch_id=result.vm)


EXPECTED = {
    "public": {"public": ("VM Network", "10.1.1.5/24", "10.1.1.1", []), "client": None, "management": None},
    "client": {"client": ("DC0_DVPG1", "10.2.2.5/24", "10.2.2.1", ["10.20.0.0/16"]), "management": None},
    "management": {"management": ("DC0_DVPG2", "10.3.3.5/24", "10.3.3.1", ["10.30.0.0/16"])},
    "container": {"container": [("cnet", "DC0_DVPG1", "10.4.4.1/24", ["10.4.4.100-10.4.4.120"], ["10.4.4.2"])]},
}


@pytest.mark.parametrize("kind", ["public", "client", "management", "container", "all"])
def test_core_configures_each_network_kind(world, kind):
    session = world.session
    vch = _create(world, kind, f"core-{kind}")
    before, _ = current_spec(session, vch)
    assert check(before) == [], check(before)
    networks = _networks(before)
    for key, value in EXPECTED.get(kind, {}).items():
        assert networks[key] == value

    result = configure(session, vch, {"debug": 2, "compute": {"memory": {"limit": {"value": 4096, "units": "MiB"}}}},
                       timeout=20)
    assert result.applied and result.changed == ["compute.memory.limit", "debug"]
    after, _ = current_spec(session, find_vch(session, vch_id=vch.id))
    assert after.debug == 2 and after.compute.memory.limit == 4096
    assert _networks(after) == networks
    config = read_config(session, vch.vm)
    assert config.debug_level == 2 and config.components_started


@pytest.mark.parametrize("kind", ["public", "client", "management", "container", "all"])
def test_cli_configures_each_network_kind(world, kind, capsys):
    vch = _create(world, kind, f"cli-{kind}")
    networks = _networks(current_spec(world.session, vch)[0])
    code = main(["configure", *world.target_args, "--id", vch.id, "--debug", "1", "--cpu", "1500",
                 "--timeout", "20s", "--output", "json"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    result = json.loads(out)
    assert result["applied"] and result["changed"] == ["compute.cpu.limit", "debug"]
    after, _ = current_spec(world.session, find_vch(world.session, vch_id=vch.id))
    assert after.debug == 1 and after.compute.cpu.limit == 1500
    assert _networks(after) == networks

    code = main(["inspect", "config", *world.target_args, "--id", vch.id])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "--debug=1" in out and "--cpu=1500" in out


# The decoder alone, on configurations built here: no simulator.

PLACEMENT = builder.Placement(
    datacenter="DC0", compute_path="/DC0/host/DC0_C0", parent_pool_path="/DC0/host/DC0_C0/Resources",
    image_datastore="LocalDS_0", image_path="",
    networks={"public": builder.NetworkRef("Network:network-7", "VM Network"),
              "client": builder.NetworkRef("Network:network-7", "VM Network"),
              "management": builder.NetworkRef("Network:network-7", "VM Network"),
              "bridge": builder.NetworkRef("DistributedVirtualPortgroup:dvportgroup-13", "DC0_DVPG0")})
FACTS = Facts(compute="/DC0/host/DC0_C0", cpu=Allocation(), memory=Allocation(),
              names={"Network:network-7": "VM Network", "DistributedVirtualPortgroup:dvportgroup-13": "DC0_DVPG0",
                     "DistributedVirtualPortgroup:dvportgroup-15": "DC0_DVPG1"})


def _config(spec, placement=PLACEMENT):
    from vic_machine.certs import CertBundle
    from vic_machine.iso import IsoInfo

    certs = CertBundle(mode="no-tls")
    iso = IsoInfo(path="appliance.iso", volume_id="", publisher="", tag="v1.5.8-0-2c978fe", version="v1.5.8",
                  build="0", commit="2c978fe", size=0)
    return builder.build_config(spec, placement, certs, iso)


@pytest.mark.parametrize("mask", [None, 32, 24], ids=["as-built", "mask-32", "mask-24"])
def test_roles_sharing_the_public_port_group_inherit_its_static_settings(mask):
    spec = vch_spec("dec", "no-tls")
    _public(spec)
    config = _config(spec)
    for role in builder.ROLES:  # the gateway's mask as another encoder may have written it
        gateway = config.executor.networks[role].network.gateway
        if mask is not None:
            config.executor.networks[role].network.gateway = IPNet.interface(f"{gateway.ip}/{mask}")
    rebuilt = spec_from_config(config, FACTS)
    assert rebuilt.network.client is None and rebuilt.network.management is None
    public = rebuilt.network.public
    assert (public.static, public.gateway.address, public.nameservers) == ("10.1.1.5/24", "10.1.1.1",
                                                                           ["10.1.1.2", "10.1.1.3"])
    assert check(rebuilt) == []


def test_a_client_network_of_its_own_keeps_its_gateway_and_management_inherits_it():
    spec = vch_spec("dec", "no-tls")
    _public(spec)
    _client(spec)
    placement = builder.Placement(**{**PLACEMENT.__dict__, "networks": {
        **PLACEMENT.networks, "client": builder.NetworkRef("DistributedVirtualPortgroup:dvportgroup-15", "DC0_DVPG1"),
        "management": builder.NetworkRef("DistributedVirtualPortgroup:dvportgroup-15", "DC0_DVPG1")}})
    rebuilt = spec_from_config(_config(spec, placement), FACTS)
    client = rebuilt.network.client
    assert (client.port_group.name, client.static, client.gateway.address, client.gateway.routing_destinations) == (
        "DC0_DVPG1", "10.2.2.5/24", "10.2.2.1", ["10.20.0.0/16"])
    assert rebuilt.network.management is None
    assert check(rebuilt) == []


def test_management_on_the_public_port_group_keeps_the_public_settings_it_was_given():
    """Client on a port group of its own, management on the public one: VIC 1.5.8 gives management the public
    static address and gateway; the rebuilt spec says so, and the public gateway needs no routing destinations."""
    spec = vch_spec("dec", "no-tls")
    _public(spec)
    _client(spec)
    spec.network.management = Network(port_group=ManagedObject(name="VM Network"), static="10.1.1.5/24",
                                       gateway=Gateway(address="10.1.1.1"), nameservers=["10.1.1.2", "10.1.1.3"])
    assert check(spec) == []
    placement = builder.Placement(**{**PLACEMENT.__dict__, "networks": {
        **PLACEMENT.networks, "client": builder.NetworkRef("DistributedVirtualPortgroup:dvportgroup-15", "DC0_DVPG1")}})
    rebuilt = spec_from_config(_config(spec, placement), FACTS)
    management = rebuilt.network.management
    assert (management.port_group.name, management.static, management.gateway.address) == (
        "VM Network", "10.1.1.5/24", "10.1.1.1")
    assert rebuilt.network.client.port_group.name == "DC0_DVPG1"
    assert check(rebuilt) == []
    # A gateway of its own there is still refused: it would not be the public one.
    spec.network.management.gateway = Gateway(address="10.1.1.254")
    assert [e.path for e in check(spec)] == ["network.management.gateway.routing_destinations"]


def test_a_vch_made_by_vic_158_with_every_network_static_rebuilds_to_a_spec_create_accepts():
    """The reference vector "stat" as VIC Engine 1.5.8 wrote it (gateway masks of the networks' own prefixes)."""
    from tests.vic158_vectors import VECTOR_NETWORKS, extraconfig
    from vic_machine.extraconfig import decode
    from vic_machine.spec.net_checks import network_warnings

    config = decode(extraconfig("stat"))
    rebuilt = spec_from_config(config, Facts(compute="/DC0/host/DC0_C0", names=VECTOR_NETWORKS, cpu=Allocation(),
                                             memory=Allocation()))
    assert _networks(rebuilt) == {
        "public": ("VM Network", "10.1.1.5/24", "10.1.1.1", []),
        "client": ("DC0_DVPG1", "10.2.2.5/24", "10.2.2.1", ["10.20.0.0/16"]),
        "management": ("DC0_DVPG2", "10.3.3.5/24", "10.3.3.1", ["10.30.0.0/16"]),
        "container": [("cnet", "DC0_DVPG1", "10.2.2.1/24", ["10.2.2.100-10.2.2.120"], ["10.2.2.2"])]}
    assert rebuilt.network.public.nameservers == ["10.1.1.2", "10.1.1.3"]
    assert check(rebuilt) == []
    assert [r.path for r in network_warnings(rebuilt)] == ["network.container[0].gateway.address"]
