"""The extraConfig vic-machine 1.5.8 wrote for a real VCH decodes to what its header says, and encodes back."""

from __future__ import annotations

import base64
from datetime import timedelta
from ipaddress import IPv4Address
from ipaddress import IPv4Network
from pathlib import Path

import pytest

from vic_machine.extraconfig import SecretKey
from vic_machine.extraconfig import decode
from vic_machine.extraconfig import encode
from vic_machine.extraconfig import is_container
from vic_machine.extraconfig import is_vch
from vic_machine.extraconfig import secret_key_of
from vic_machine.extraconfig.keys import is_secret

SAMPLE = Path("/work/shared/reference/vic-1.5.8-vch-extraconfig.txt")
# Added by govmomi's simulator to every VM it creates, not by vic-machine.
SIMULATOR_KEYS = {"govcsim"}


def sample_pairs() -> list[tuple[str, str]]:
    pairs = []
    for line in SAMPLE.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        key, value = line.split(" = ", 1)
        pairs.append((key, value))
    return pairs


@pytest.fixture(scope="module")
def pairs() -> list[tuple[str, str]]:
    return sample_pairs()


@pytest.fixture(scope="module")
def config(pairs):
    return decode(pairs)


def test_identity_and_version(config):
    assert config.name == "vch1"
    assert config.vch_id == "VirtualMachine:vm-71"
    assert config.vm_moref == "vm-71"
    assert not config.is_creating
    # Built from the public tag without a build stamp: "<version>-<build>-<commit>" reads "-0-".
    assert config.version == "-0-"
    assert config.executor.version.build_number == "0"
    assert config.executor.version.plugin_version == 10
    assert config.debug_level == 0
    assert not config.update_in_progress


def test_connection(config):
    conn = config.connection
    assert conn.target == "https://127.0.0.1:18443"
    assert conn.username == "user"
    assert conn.target_thumbprint == "2C:11:ED:D7:13:87:7D:B5:74:18:B8:1C:42:C2:56:1F:0D:B9:5B:B9"
    assert conn.token == "pass"
    assert conn.keepalive == timedelta(0)


def test_compute_and_storage(config):
    assert config.compute_resources == ["resgroup-68"]
    assert config.container.compute_resources[0].type == "ResourcePool"
    assert config.image_datastore == "LocalDS_0"
    assert str(config.image_stores[0]) == "ds://LocalDS_0/vch1"
    assert config.container.bootstrap_image_path == "[LocalDS_0] vch1/v1.5.8-0-abc-bootstrap.iso"
    assert config.storage.scratch_size == 8000000
    assert config.volume_stores == {}


def test_networks(config):
    assert sorted(config.executor.networks) == ["bridge", "client", "management", "public"]
    assert config.port_group("bridge") == "DistributedVirtualPortgroup:dvportgroup-13"
    assert config.port_group("public") == "Network:network-7"
    assert config.port_group("client") == "Network:network-7"
    assert config.endpoint("public").network.default is True
    assert config.network.bridge_network == "bridge"
    assert config.network.bridge_ip_range.network == IPv4Network("172.16.0.0/12")
    assert config.network.bridge_network_width.prefix_length == 16
    bridge_ip = config.endpoint("bridge").ip
    assert bridge_ip.ip.address == IPv4Address("0.0.0.0") and len(bridge_ip.ip.raw) == 16
    assert list(config.network.container_networks) == ["bridge"]
    # Nothing assigned yet: the appliance never booted.
    assert config.client_ip is None and config.public_ip is None and config.management_ip is None


def test_components_and_tls(config):
    assert config.component_states == {"docker-personality": "", "port-layer": "", "vicadmin": ""}
    assert not config.components_started
    assert config.docker_args == ["/sbin/docker-engine-server", "-port=2376", "-port-layer-port=2377"]
    assert config.docker_port == 2376 and config.docker_tls
    assert config.has_server_certificate
    assert not config.client_verification  # created with --no-tlsverify
    assert config.certificate.host_certificate.cert.startswith(b"-----BEGIN CERTIFICATE-----")
    assert config.certificate.host_certificate.key.startswith(b"-----BEGIN RSA PRIVATE KEY-----")


def test_create_options(config):
    options = config.create_options
    assert len(options) == 13
    assert options[0] == "--target=https://127.0.0.1:18443/DC0"
    assert "--public-network=VM Network" in options
    assert "--no-tlsverify=true" in options
    assert options[-1] == "--timeout=20s"


def test_secrets_not_in_repr(config):
    text = repr(config) + str(config)
    assert config.connection.token == "pass"
    assert "'pass'" not in text and "token=" not in text
    assert "PRIVATE KEY" not in text
    assert "host_certificate=RawCertificate(cert=" in text  # shown without its key


def test_sample_secrets_decrypt_with_ovfenv(pairs):
    key = secret_key_of(pairs)
    stored = dict(pairs)
    assert key.open(stored["guestinfo.vice./connect/token@secret"]) == "pass"
    key_pem = base64.b64decode(key.open(stored["guestinfo.vice./cert/HostCertificate/Key@secret"]))
    assert key_pem.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert key_pem.rstrip().endswith(b"-----END RSA PRIVATE KEY-----")


def test_round_trip_reproduces_every_key_and_value(pairs, config):
    key = secret_key_of(pairs)
    original = {k: v for k, v in pairs if k not in SIMULATOR_KEYS}
    written = encode(config, key)

    assert sorted(written) == sorted(original)
    for name, value in original.items():
        if is_secret(name):
            # Sealed with a fresh random nonce each time: compare what they hold.
            assert written[name] != value
            assert key.open(written[name]) == key.open(value), name
        else:
            assert written[name] == value, name


def test_round_trip_with_a_new_key(config):
    written = encode(config)
    again = decode(written)
    assert again == config
    assert written["guestinfo.ovfEnv"] != ""


def test_is_vch_follows_vics_rule(pairs):
    assert is_vch(pairs, "vm-71")
    assert is_vch(pairs, "VirtualMachine:vm-71")
    assert not is_vch(pairs, "vm-72")
    creating = [*pairs, ("guestinfo.vice./init/common/id", "CreatingVCH")]
    assert is_vch(creating, "vm-99")
    assert not is_vch([("guestinfo.vice./init/common/id", "<nil>")], "vm-1")
    assert not is_vch([], "vm-1")


def test_is_container():
    container_id = "a" * 64
    assert is_container([("guestinfo.vice./common/id", container_id)])
    assert is_container({"guestinfo.vice./common/id": "0123456789ab"})
    assert not is_container(sample_pairs())
    assert not is_container([("guestinfo.vice./common/id", "VirtualMachine:vm-1")])


def test_wrong_secret_key_is_refused(pairs):
    from vic_machine.extraconfig import SecretError

    without_key = [(k, v) for k, v in pairs if k != "guestinfo.ovfEnv"]
    with pytest.raises(SecretError):
        decode(without_key, SecretKey.generate())
    # Without any key (vSphere hides ovfEnv from API reads) the rest still decodes, secrets left empty.
    config = decode(without_key)
    assert config.name == "vch1" and config.connection.token == ""
    assert config.certificate.host_certificate.key == b"" and config.has_server_certificate
