"""create → ls → inspect → inspect config → Docker /info → delete on an ESXi host that no vCenter manages, in each
TLS mode, with and without a given bridge network; afterwards the inventory, the datastore and the host's
networking are exactly as before (the bridge switch and port group create made are gone)."""

from __future__ import annotations

import pytest

from tests.esxi_support import GIVEN_BRIDGE, esxi_picture, esxi_spec, esxi_world, host_networking  # noqa: F401
from vic_machine.extraconfig import read_extra_config
from vic_machine.operations.create import create
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import inspect_vch
from vic_machine.operations.inspect_config import inspect_config
from vic_machine.operations.ls import list_vchs
from vic_machine.operations.wait import docker_request
from vic_machine.vsphere.collector import retrieve_objects

HOST_POOL = "/ha-datacenter/host/localhost.localdomain/Resources"


@pytest.mark.parametrize("mode", ["tlsverify", "no-tlsverify", "no-tls"])
@pytest.mark.parametrize("bridge", [None, GIVEN_BRIDGE])
def test_create_ls_inspect_delete(esxi_world, tmp_path, mode, bridge):
    session, isos = esxi_world.session, esxi_world.isos
    name = f"esx-{mode}-{'given' if bridge else 'made'}"
    before = esxi_picture(session)
    cert_dir = tmp_path / "certs"
    events = []
    result = create(session, esxi_spec(name, mode, bridge), isos=isos, timeout=20, sink=events.append,
                    cert_dir=str(cert_dir))
    steps = [e.step for e in events if e.kind == "done"]
    assert "Create VM folder" not in steps and "Create resource pool" in steps
    assert ("Create bridge network" in steps) == (bridge is None)
    port_groups, switches = host_networking(session)
    if bridge is None:  # as 1.5.8: a standard switch and a port group named after the VCH
        assert name in port_groups and name in switches
    else:
        assert name not in port_groups and name not in switches

    [listed] = [v for v in list_vchs(session, iso=isos.appliance) if v.name == name]
    assert (listed.id, listed.power_state, listed.upgrade_status) == (result.vm, "poweredOn", "Up to date")
    assert listed.path == HOST_POOL and listed.docker_host == result.docker_host

    found = find_vch(session, name=name, iso=isos.appliance)
    # The VM is in the host's own VM folder, its pool under the host's root pool.
    props = retrieve_objects(session.content, [found.vm], ["parent", "resourcePool", "config.extraConfig"])[found.vm]
    assert props["parent"]._moId == "ha-folder-vm"
    pool = retrieve_objects(session.content, [props["resourcePool"]], ["name", "parent"])[props["resourcePool"]]
    assert pool["name"] == name and pool["parent"]._moId == "ha-root-pool"
    extra = read_extra_config(props["config.extraConfig"])
    assert extra["guestinfo.vice./create_bridge_network"] == ("true" if bridge is None else "false")

    info = inspect_vch(found, isos.appliance, str(cert_dir))
    assert info.admin_portal == f"https://{result.client_ip}:2378" and info.docker_env == result.docker_env
    options = inspect_config(session, found.vm, found.config)
    assert f"--bridge-network={bridge or name}" in options
    assert f"--name={name}" in options
    if mode == "no-tls":
        answer = docker_request(info.docker_env["DOCKER_HOST"], "/info", None, tls=False)
        assert answer.status == 200

    removed = delete_vch(session, found)
    assert f"endpoint VM {name}" in removed.removed and f"resource pool {name}" in removed.removed
    assert (f"bridge network {name}" in removed.removed) == (bridge is None)
    assert esxi_picture(session) == before
    assert not [v for v in list_vchs(session) if v.name == name]
