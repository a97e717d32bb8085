"""The appliance stand-in boots VCH VMs in the simulator: guest keys in VIC's encodings and a Docker API.

Each VCH is a VM created with pyvmomi whose extraConfig is the shipped VIC 1.5.8 sample, decoded, renamed,
given fresh certificates and re-encoded with our codec — as a user's VCH would look to the stand-in.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pyVmomi import vim

from sim.appliance import info_reports_running
from sim.appliance import loopback_address
from sim.appliance.guest_keys import boot_changes
from sim.appliance.guest_keys import shutdown_changes
from vic_machine import certs
from vic_machine.extraconfig import decode
from vic_machine.extraconfig import encode
from vic_machine.extraconfig import read_extra_config
from vic_machine.extraconfig.vch_config import CREATING_VCH
from vic_machine.extraconfig.vch_config import RawCertificate

SAMPLE = Path("/work/shared/reference/vic-1.5.8-vch-extraconfig.txt")
CLIENT_IP_KEY = "guestinfo.vice..init.networks|client.assigned.IP"
COMPONENTS = ("docker-personality", "port-layer", "vicadmin")
TIMEOUT = 5.0


def sample_pairs() -> list[tuple[str, str]]:
    lines = SAMPLE.read_text().splitlines()
    return [tuple(line.split(" = ", 1)) for line in lines if line and not line.startswith("#")]


def vch_extra_config(name: str, bundle: certs.CertBundle) -> dict[str, str]:
    """The sample VCH renamed to ``name``, with ``bundle``'s certificates, still ``CreatingVCH``."""
    config = decode(sample_pairs())
    config.executor.common.name = name
    config.executor.common.id = CREATING_VCH
    persona = config.executor.sessions["docker-personality"]
    if bundle.server_cert:
        config.certificate.host_certificate = RawCertificate(key=bundle.server_key, cert=bundle.server_cert)
    else:
        config.certificate.host_certificate = None
        persona.cmd.args = [a.replace("-port=2376", "-port=2375") for a in persona.cmd.args]
    config.certificate.certificate_authorities = bundle.ca_cert or b""
    return encode(config)


def wait_task(task: vim.Task) -> Any:
    deadline = time.monotonic() + 10
    while task.info.state not in ("success", "error"):
        assert time.monotonic() < deadline, "task did not finish"
        time.sleep(0.02)
    assert task.info.state == "success", task.info.error
    return task.info.result


def wait_until(check: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stored(vm: vim.VirtualMachine) -> dict[str, str]:
    return read_extra_config(vm.config.extraConfig)


def set_keys(vm: vim.VirtualMachine, values: dict[str, str]) -> None:
    options = [vim.option.OptionValue(key=k, value=v) for k, v in values.items()]
    wait_task(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=options)))


def create_vm(si: vim.ServiceInstance, name: str, extra: dict[str, str]) -> vim.VirtualMachine:
    content = si.RetrieveContent()
    datacenter = content.rootFolder.childEntity[0]
    cluster = next(c for c in datacenter.hostFolder.childEntity if isinstance(c, vim.ClusterComputeResource))
    spec = vim.vm.ConfigSpec(
        name=name, guestId="otherGuest64", numCPUs=1, memoryMB=2048,
        files=vim.vm.FileInfo(vmPathName=f"[LocalDS_0] {name}/{name}.vmx"),
        extraConfig=[vim.option.OptionValue(key=k, value=v) for k, v in extra.items()],
    )
    return wait_task(datacenter.vmFolder.CreateVM_Task(config=spec, pool=cluster.resourcePool))


@pytest.fixture
def vch_vm(si, appliance, fresh_name):
    """Factory for VCH VMs; each is powered off and destroyed after the test."""
    made: list[vim.VirtualMachine] = []

    def make(mode: str, *, mark_created: bool = True) -> tuple[vim.VirtualMachine, certs.CertBundle]:
        name = fresh_name("vch")
        bundle = certs.generate(mode, None if mode == certs.NO_TLS else f"{name}.example.com", vch_name=name)
        vm = create_vm(si, name, vch_extra_config(name, bundle))
        made.append(vm)
        if mark_created:
            set_keys(vm, {"guestinfo.vice./init/common/id": f"VirtualMachine:{vm._moId}"})
        return vm, bundle

    yield make
    for vm in made:
        try:
            if vm.runtime.powerState == "poweredOn":
                wait_task(vm.PowerOffVM_Task())
            wait_task(vm.Destroy_Task())
        except vim.fault.NotFound:  # noqa: PERF203 - destroyed by the test itself
            pass
        except Exception:  # noqa: BLE001 - a test that destroyed the VM already
            pass


def https_client(tmp_path: Path, bundle: certs.CertBundle, *, with_client_cert: bool = True) -> ssl.SSLContext:
    """A client context trusting the VCH's CA (name checks off: the certificate names the cname, not the IP)."""
    context = ssl.create_default_context(cadata=bundle.ca_cert.decode())
    context.check_hostname = False
    if with_client_cert:
        (tmp_path / "cert.pem").write_bytes(bundle.client_cert)
        (tmp_path / "key.pem").write_bytes(bundle.client_key)
        context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


def get(address: str, port: int, path: str, context: ssl.SSLContext | None = None) -> tuple[int, bytes]:
    if context is None:
        conn = http.client.HTTPConnection(address, port, timeout=5)
    else:
        conn = http.client.HTTPSConnection(address, port, timeout=5, context=context)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def refuses_connections(address: str, port: int) -> bool:
    try:
        socket.create_connection((address, port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:  # caught while the listener was closing: ask again
        return False
    return False


def test_loopback_address_follows_the_moref_and_never_is_127_0_0_1():
    assert loopback_address("vm-71") == ipaddress.IPv4Address("127.1.0.71")
    assert loopback_address("vm-1") == ipaddress.IPv4Address("127.1.0.1")
    assert loopback_address("vm-300", slot=2) == ipaddress.IPv4Address("127.2.1.44")
    assert loopback_address("vm-70") != loopback_address("vm-71")


def test_guest_keys_are_vic_keys_in_vic_encodings():
    sample = read_extra_config(sample_pairs())
    changes = boot_changes(sample, ipaddress.IPv4Address("127.1.0.71"))
    # 16-byte IPv4-mapped address, as VIC's guest writes it.
    assert base64.b64decode(changes[CLIENT_IP_KEY]) == bytes(10) + b"\xff\xff" + bytes([127, 1, 0, 71])
    for role in ("public", "management"):
        assert changes[f"guestinfo.vice..init.networks|{role}.assigned.IP"] == changes[CLIENT_IP_KEY]
    for name in COMPONENTS:
        assert changes[f"guestinfo.vice..init.sessions|{name}.started"] == "true"
    # Only keys the guest may write (read-write scope) are touched; the bridge gets no loopback address.
    assert all(key.startswith("guestinfo.vice..") for key in changes)
    assert "guestinfo.vice..init.networks|bridge.assigned.IP" not in changes

    booted = {**sample, **changes}
    reset = shutdown_changes(booted)
    assert reset[CLIENT_IP_KEY] == ""  # removed
    assert reset["guestinfo.vice..init.sessions|vicadmin.started"] == "<nil>"


def test_tlsverify_vch_boots_serves_docker_api_and_stops_at_power_off(si, vch_vm, appliance, tmp_path):
    vm, bundle = vch_vm(certs.TLSVERIFY)
    wait_task(vm.PowerOnVM_Task())

    keys = wait_until(lambda: (s := stored(vm)).get(CLIENT_IP_KEY) and s, "the client address")
    config = decode(keys)
    address = str(config.client_ip)
    assert address.startswith("127.") and address != "127.0.0.1"
    assert config.public_ip == config.management_ip == config.client_ip
    wait_until(lambda: decode(stored(vm)).components_started, "every component started")
    assert all(config.session(name).exit_status == 0 for name in COMPONENTS)

    client = https_client(tmp_path, bundle)
    assert get(address, 2376, "/_ping", client) == (200, b"OK")
    status, body = get(address, 2376, "/info", client)
    info = json.loads(body)
    assert status == 200
    assert info["Name"] == config.name
    assert "simulated" in info["Driver"]
    assert info_reports_running(info)
    assert ["VolumeStores", ""] in info["DriverStatus"]
    status, body = get(address, 2376, "/v1.25/version", client)
    assert status == 200 and "vic-sim" in json.loads(body)["Version"]
    assert "simulat" in json.loads(body)["Note"].lower()

    # tlsverify: a client without a certificate from the VCH's CA is turned away.
    with pytest.raises((ssl.SSLError, ConnectionError)):
        get(address, 2376, "/_ping", https_client(tmp_path, bundle, with_client_cert=False))

    wait_task(vm.PowerOffVM_Task())
    wait_until(lambda: refuses_connections(address, 2376), "the Docker API to stop")
    wait_until(lambda: CLIENT_IP_KEY not in stored(vm), "the address to be cleared")
    after = decode(stored(vm))
    assert after.client_ip is None
    assert after.component_states == {name: "" for name in COMPONENTS}


def test_no_tls_vch_is_served_only_once_created_and_stops_when_destroyed(si, vch_vm, appliance):
    vm, _ = vch_vm(certs.NO_TLS, mark_created=False)
    wait_task(vm.PowerOnVM_Task())

    # While vic-machine is still creating it (id CreatingVCH) the "guest" does not boot.
    time.sleep(appliance.boot_delay + 0.7)
    assert CLIENT_IP_KEY not in stored(vm)
    assert vm._moId not in appliance.endpoints()

    set_keys(vm, {"guestinfo.vice./init/common/id": f"VirtualMachine:{vm._moId}"})
    keys = wait_until(lambda: (s := stored(vm)).get(CLIENT_IP_KEY) and s, "the client address")
    address = str(decode(keys).client_ip)
    assert appliance.endpoints()[vm._moId].url == f"http://{address}:2375"

    status, body = get(address, 2375, "/info")
    assert status == 200 and json.loads(body)["Name"] == decode(keys).name
    assert get(address, 2375, "/_ping") == (200, b"OK")
    assert refuses_connections(address, 2376)  # no TLS port without a server certificate

    wait_task(vm.PowerOffVM_Task())
    wait_task(vm.Destroy_Task())
    wait_until(lambda: refuses_connections(address, 2375), "the Docker API to stop")
    assert vm._moId not in appliance.endpoints()


def test_plain_vms_are_left_alone(si, appliance):
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    try:
        plain = [vm for vm in view.view if vm.name.endswith(("_VM0", "_VM1"))]
    finally:
        view.Destroy()
    assert plain and any(vm.runtime.powerState == "poweredOn" for vm in plain)
    assert not any(vm._moId in appliance.endpoints() for vm in plain)
    assert not any(key.startswith("guestinfo.vice.") for vm in plain for key in stored(vm))


def test_no_tlsverify_vch_serves_tls_without_asking_for_a_client_certificate(si, vch_vm, appliance, tmp_path):
    vm, bundle = vch_vm(certs.NO_TLSVERIFY)
    wait_task(vm.PowerOnVM_Task())
    keys = wait_until(lambda: (s := stored(vm)).get(CLIENT_IP_KEY) and s, "the client address")
    address = str(decode(keys).client_ip)

    # The self-signed server certificate is the one the VCH's config holds: trusting it alone is enough.
    context = ssl.create_default_context(cadata=bundle.server_cert.decode())
    context.check_hostname = False
    status, body = get(address, 2376, "/info", context)
    assert status == 200 and json.loads(body)["Name"] == decode(keys).name
    assert not appliance.endpoints()[vm._moId].client_verification
