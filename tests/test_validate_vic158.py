"""Validation refuses what would certainly fail in vCenter, and warns of what vCenter accepts and VIC Engine 1.5.8
created: an operations user without VIC's privileges, a container network on the client network's subnet, a
reservation above what the compute resource has unreserved now. Each warning says what may go wrong; the
certain failures next to each stay errors.

The reference option sets "ops" and "stat" (``shared/reference/vic-1.5.8-vectors``), which 1.5.8 created on the
simulator model used here (3 port groups, user opsuser@vsphere.local), pass validation with warnings only.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import replace

import pytest

from tests.test_validate_support import base_spec, clean_vc, codes
from tests.vic158_vectors import OPTION_SETS
from vic_machine.cli.main import main
from vic_machine.spec.network_model import ContainerNetwork, Gateway, ManagedObject, Network
from vic_machine.validate import ERROR, WARNING, validate

OPS_USER, OPS_PASSWORD = "opsuser@vsphere.local", "Secr3t!"
SETS = {name: OPTION_SETS[name] for name in ("ops", "stat")}
EXPECTED = {"ops": {"operations.missing_privileges"}, "stat": {"network.subnet_overlap"}}


@pytest.fixture(scope="module")
def vc():
    with clean_vc(pg=3, users={OPS_USER: OPS_PASSWORD}) as vc:
        yield vc


def _target(vc) -> list[str]:
    sim = vc.sim
    return ["--target", f"https://{sim.host}:{sim.port}", "--user", sim.username, "--password", sim.password,
            "--thumbprint", sim.thumbprint_sha256, "--compute-resource", "DC0_C0", "--public-network", "VM Network"]


@pytest.mark.parametrize("name", ["ops", "stat"])
def test_reference_sets_pass_validation_with_warnings(vc, name, capsys):
    code = main(["create", "--dry-run", *_target(vc), *shlex.split(SETS[name]), "--output", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 0, findings
    assert {f["level"] for f in findings} == {WARNING}
    assert {f["code"] for f in findings} == EXPECTED[name]
    code = main(["create", "--dry-run", *_target(vc), *shlex.split(SETS[name])])
    out = capsys.readouterr().out
    assert code == 0 and "0 error(s)" in out and "WARNING" in out


# (a) The operations user.

def _ops(spec, password: str = OPS_PASSWORD, grant: bool = False):
    creds = spec.endpoint.operations_credentials
    creds.user, creds.password, creds.grant_permissions = OPS_USER, password, grant
    return spec


def test_ops_user_without_privileges_is_a_warning_saying_what_will_fail(vc):
    found = vc.validate(_ops(base_spec("vch-ops")), probes=True)
    assert [(f.level, f.code) for f in found] == [(WARNING, "operations.missing_privileges")]
    message = found[0].message
    assert "VirtualMachine.Interact.PowerOn on resource pool /DC0/host/DC0_C0," in message
    assert "Network.Assign on network DC0_DVPG0" in message and "created all the same" in message
    assert "container VMs" in message and "volumes" in message
    assert "--ops-grant-perms" in found[0].remedy
    assert vc.validate(_ops(base_spec("vch-ops"), grant=True), probes=True) == []


def test_ops_user_who_cannot_log_in_stays_an_error(vc):
    found = vc.validate(_ops(base_spec("vch-ops"), password="wrong"), probes=True)
    assert [(f.level, f.code) for f in found] == [(ERROR, "operations.login_failed")]


# (b) Overlapping subnets.

def _static_client(spec):
    spec.network.client = Network(port_group=ManagedObject(name="DC0_DVPG1"), static="10.2.2.5/24",
                                  gateway=Gateway(address="10.2.2.1", routing_destinations=["10.20.0.0/16"]))
    return spec


def _cnet(port_group: str, gateway: str, *ranges: str) -> ContainerNetwork:
    return ContainerNetwork(alias="cnet", port_group=ManagedObject(name=port_group), gateway=Gateway(address=gateway),
                            ip_ranges=list(ranges))


def test_container_network_on_the_client_subnet_is_a_warning(vc):
    spec = _static_client(base_spec("vch-overlap"))
    spec.network.container = [_cnet("DC0_DVPG1", "10.2.2.1/24", "10.2.2.100-10.2.2.120")]
    [finding] = vc.validate(spec)
    assert (finding.level, finding.code, finding.path) == (WARNING, "network.subnet_overlap",
                                                           "network.container[0].gateway.address")
    assert "same port group DC0_DVPG1" in finding.message and "10.2.2.0/24" in finding.message
    assert finding.remedy
    # A range taking the VCH's own address: said so, still a warning (vCenter and 1.5.8 accept it).
    spec.network.container = [_cnet("DC0_DVPG1", "10.2.2.1/24", "10.2.2.2-10.2.2.20")]
    [finding] = vc.validate(spec)
    assert finding.level == WARNING and "includes the VCH's own client address 10.2.2.5" in finding.message
    # On another port group: the routing risk is named.
    spec.network.container = [_cnet("DC0_DVPG2", "10.2.2.1/24", "10.2.2.100-10.2.2.120")]
    [finding] = vc.validate(spec)
    assert finding.level == WARNING and "another port group" in finding.message
    # Disjoint subnets: nothing to say.
    spec.network.container = [_cnet("DC0_DVPG1", "10.4.4.1/24", "10.4.4.100-10.4.4.120")]
    assert vc.validate(spec) == []


def test_network_settings_that_cannot_work_stay_errors(vc):
    spec = _static_client(base_spec("vch-bad"))
    spec.network.container = [_cnet("DC0_DVPG1", "10.4.4.1/24", "10.3.3.100-10.3.3.120")]  # outside its subnet
    found = vc.validate(spec)
    assert {(f.level, f.code, f.path) for f in found} == {
        (ERROR, "input.invalid", "network.container[0].ip_ranges[0]")}
    spec = _static_client(base_spec("vch-bad"))
    spec.network.management = Network(static="10.2.2.6/24")  # the client's port group: one NIC, two addresses
    assert {(f.level, f.path) for f in vc.validate(spec)} == {(ERROR, "network.management.static")}


# (c) Reservations.

@pytest.mark.parametrize("res", ["cpu", "memory"])
def test_reservation_above_unreserved_is_a_warning_above_capacity_an_error(vc, res):
    inventory = vc.inventory()
    node = next(n for n in inventory.compute if n.name == "DC0_C0")
    maximum = getattr(node.capacity, "memory_max_mib" if res == "memory" else "cpu_max_mhz")
    # Other reservations hold all but a quarter of the cluster (the simulator reports a fixed capacity).
    key = "memory_unreserved_mib" if res == "memory" else "cpu_unreserved_mhz"
    busy = replace(node, capacity=replace(node.capacity, **{key: maximum // 4}))
    snapshot = replace(inventory, compute=tuple(busy if n is node else n for n in inventory.compute))
    spec = base_spec(f"vch-res-{res}")
    getattr(spec.compute, res).reservation = maximum // 2
    found = validate(spec, snapshot, probes=False)
    assert [(f.level, f.code, f.path) for f in found] == [
        (WARNING, f"compute.{res}_reservation_above_unreserved", f"compute.{res}.reservation")]
    assert "will refuse the VCH's resource pool" in found[0].message
    assert f"{maximum // 4}" in found[0].remedy
    getattr(spec.compute, res).reservation = maximum + 1
    found = validate(spec, snapshot, probes=False)
    assert [(f.level, f.code) for f in found] == [(ERROR, f"compute.{res}_reservation_too_high")]
    assert "ever give" in found[0].message
    getattr(spec.compute, res).reservation = maximum // 4
    assert validate(spec, snapshot, probes=False) == []


def test_create_goes_on_with_the_warnings(vch_world, capsys, tmp_path):
    """The reference set "ops" through ``vic-machine create``: the warning is shown and the VCH is created."""
    world = vch_world(pg=3, users={OPS_USER: OPS_PASSWORD})
    code = main(["create", *world.target_args, *world.iso_args, "--compute-resource", "DC0_C0",
                 *shlex.split(SETS["ops"]), "--tls-cert-path", str(tmp_path / "certs"), "--timeout", "20s",
                 "--output", "json"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    result = json.loads(out)
    assert any(f"{OPS_USER}, who lacks" in w for w in result["warnings"]), result["warnings"]
    assert main(["delete", *world.target_args, "--name", "ops", "--force"]) == 0
