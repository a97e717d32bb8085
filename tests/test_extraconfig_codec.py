"""Key naming, scalar encodings, arrays, maps and secrets of the extraConfig codec."""

from __future__ import annotations

import base64
from datetime import timedelta
from ipaddress import IPv4Address

import pytest

from vic_machine.extraconfig import SecretError
from vic_machine.extraconfig import SecretKey
from vic_machine.extraconfig import VchConfig
from vic_machine.extraconfig import decode
from vic_machine.extraconfig import encode
from vic_machine.extraconfig import read_extra_config
from vic_machine.extraconfig.executor import ContainerNetwork
from vic_machine.extraconfig.executor import NetworkEndpoint
from vic_machine.extraconfig.executor import SessionConfig
from vic_machine.extraconfig.executor import SysLogConfig
from vic_machine.extraconfig.gotypes import URL
from vic_machine.extraconfig.gotypes import IPNet
from vic_machine.extraconfig.gotypes import IPRange
from vic_machine.extraconfig.keys import READ_ONLY
from vic_machine.extraconfig.keys import READ_WRITE
from vic_machine.extraconfig.keys import field_key
from vic_machine.extraconfig.scalars import IP
from vic_machine.extraconfig.scalars import IPMask
from vic_machine.extraconfig.scalars import ScalarError
from vic_machine.extraconfig.scalars import escape_nil
from vic_machine.extraconfig.scalars import format_scalar
from vic_machine.extraconfig.scalars import parse_scalar
from vic_machine.extraconfig.scalars import unescape_nil

# --- scalars


def test_ip_is_base64_of_its_raw_bytes():
    mapped = IP.parse("127.0.0.5")
    assert len(mapped.raw) == 16
    assert format_scalar(mapped, IP) == base64.b64encode(b"\0" * 10 + b"\xff\xff" + bytes([127, 0, 0, 5])).decode()
    assert format_scalar(IP.v4("172.16.0.0"), IP) == "rBAAAA=="
    back = parse_scalar("AAAAAAAAAAAAAP//fwAABQ==", IP)
    assert back.address == IPv4Address("127.0.0.5") and str(back) == "127.0.0.5"
    assert IP().is_unspecified and IP.parse("0.0.0.0").is_unspecified and not mapped.is_unspecified
    assert str(IP.parse("fe80::1")) == "fe80::1"


def test_masks_and_networks():
    assert format_scalar(IPMask.cidr(16), IPMask) == "//8AAA=="
    assert IPMask(base64.b64decode("//AAAA==")).prefix_length == 12
    assert IPMask(b"\xff\x00\xff\x00").prefix_length is None
    net = IPNet.parse_cidr("172.16.0.0/12")
    assert (net.ip.raw, net.mask.raw) == (bytes([172, 16, 0, 0]), bytes([255, 240, 0, 0]))
    assert str(IPNet.interface("10.0.0.5/24")) == "10.0.0.5/24"


def test_nil_bools_ints_durations():
    assert escape_nil("") == "<nil>" and escape_nil("x") == "x"
    assert unescape_nil("<nil>") == "" and unescape_nil("x") == "x"
    assert format_scalar(True, bool) == "true" and format_scalar(False, bool) == "false"
    assert parse_scalar("true", bool) is True and parse_scalar("1", bool) is True
    assert parse_scalar("", bool) is False
    with pytest.raises(ScalarError):
        parse_scalar("yes", bool)
    assert parse_scalar("-12", int) == -12 and parse_scalar("", int) == 0
    assert format_scalar(timedelta(seconds=3), timedelta) == "3000000000"
    assert parse_scalar("1500000000", timedelta) == timedelta(seconds=1.5)
    with pytest.raises(ScalarError):
        parse_scalar("not base64!", bytes)


# --- keys


@pytest.mark.parametrize(
    ("prefix", "name", "scope", "expected"),
    [
        ("", "init", READ_ONLY, "guestinfo.vice./init"),
        ("guestinfo.vice./init", "common", READ_ONLY, "guestinfo.vice./init/common"),
        ("guestinfo.vice./init/common", "name", "hidden", "init/common/name"),
        ("guestinfo.vice./init", "createtime", READ_WRITE, "guestinfo.vice..init.createtime"),
        ("guestinfo.vice./connect", "token", "secret", "guestinfo.vice./connect/token@secret"),
        ("guestinfo.vice./storage", "VolumeLocations", None, "guestinfo.vice./storage/VolumeLocations"),
        ("guestinfo.vice..init.networks|client.assigned", "IP", None,
         "guestinfo.vice..init.networks|client.assigned.IP"),
        ("guestinfo.vice./init/networks|client/network", "type", READ_WRITE,
         "guestinfo.vice..init.networks|client.network.type"),
    ],
)
def test_field_keys(prefix, name, scope, expected):
    assert field_key(prefix, name, scope) == expected


# --- arrays, maps and guest-written keys


def _config_with_everything() -> VchConfig:
    config = VchConfig()
    config.executor.common.id = "VirtualMachine:vm-9"
    config.executor.common.name = "vch9"
    config.executor.diagnostics.syslog = SysLogConfig(network="tcp", raddr="10.0.0.1:514")
    config.storage.volume_locations = {
        "default": URL(scheme="ds", host="ds1", path="vols"),
        "nfs": URL.parse("nfs://filer/export?uid=1000"),
    }
    config.registry.insecure = ["reg1:5000", "reg2"]
    config.registry.whitelist = ["*.example.com"]
    config.network.container_networks = {
        "vnet": ContainerNetwork(
            gateway=IPNet.interface("10.1.0.1/16"),
            nameservers=[IP.parse("10.1.0.2"), IP.parse("10.1.0.3")],
            pools=[IPRange(first=IP.parse("10.1.0.10"), last=IP.parse("10.1.0.20"))],
            trust_level=4,
        )
    }
    client = NetworkEndpoint(static=True, ip=IPNet.interface("10.0.0.5/24"))
    client.assigned = IPNet(ip=IP.parse("127.0.0.5"))
    config.executor.networks = {"client": client}
    config.executor.sessions = {"vicadmin": SessionConfig(started="true")}
    config.certificate.certificate_authorities = b"-----BEGIN CERTIFICATE-----\n"
    return config


def test_keys_of_parts_the_sample_lacks():
    written = encode(_config_with_everything(), SecretKey.generate())
    assert written["guestinfo.vice./storage/VolumeLocations"] == "default|nfs"
    assert written["guestinfo.vice./storage/VolumeLocations|default/Host"] == "ds1"
    assert written["guestinfo.vice./storage/VolumeLocations|nfs/RawQuery"] == "uid=1000"
    assert written["guestinfo.vice./registry/insecure_registries~"] == "reg1:5000|reg2"
    assert written["guestinfo.vice./registry/insecure_registries"] == "1"  # the last index, not the length
    assert written["guestinfo.vice./registry/whitelist_registries"] == "0"
    assert written["guestinfo.vice./init/diagnostics/syslog/RAddr"] == "10.0.0.1:514"
    assert written["guestinfo.vice./network/container_networks|vnet/dns"] == "1"
    assert "guestinfo.vice./network/container_networks|vnet/dns|1" in written
    assert "guestinfo.vice./network/container_networks|vnet/pools|0/first" in written
    assert written["guestinfo.vice./network/container_networks|vnet/gateway/Mask"] == "//8AAA=="
    assert written["guestinfo.vice./network/container_networks|vnet/TrustLevel"] == "4"
    assert "guestinfo.vice..init.networks|client.assigned.IP" in written
    assert "guestinfo.vice./init/networks|client/ip/Mask" in written
    assert written["guestinfo.vice..init.sessions|vicadmin.started"] == "true"
    assert written["guestinfo.vice./cert/CertificateAuthorities"] == base64.b64encode(
        b"-----BEGIN CERTIFICATE-----\n").decode()
    assert "guestinfo.vice./storage/image_stores" not in written  # empty array: no keys at all


def test_round_trip_of_parts_the_sample_lacks():
    config = _config_with_everything()
    again = decode(encode(config))
    assert again == config
    assert again.client_ip == IPv4Address("127.0.0.5")
    assert again.components_started
    assert again.client_verification
    assert str(again.volume_stores["default"]) == "ds://ds1/vols"


def test_last_value_wins_and_empty_means_absent():
    key = "guestinfo.vice./init/common/id"
    entries = [(key, "CreatingVCH"), ("init/common/name", "a"), (key, "VirtualMachine:vm-3"), ("init/common/name", "")]
    assert read_extra_config(entries) == {key: "VirtualMachine:vm-3"}
    config = decode(entries)
    assert config.vch_id == "VirtualMachine:vm-3" and config.name == ""


def test_option_value_objects_are_accepted():
    class OptionValue:
        def __init__(self, key, value):
            self.key, self.value = key, value

    config = decode([
        OptionValue("init/common/name", "vch2"),
        OptionValue("guestinfo.vice./init/diagnostics/debug", "2"),
    ])
    assert config.name == "vch2" and config.debug_level == 2


def test_guest_written_assigned_ip_and_update_status():
    ip = base64.b64encode(b"\0" * 10 + b"\xff\xff" + bytes([127, 0, 0, 9])).decode()
    config = decode({
        "guestinfo.vice./init/networks": "client|public",
        "guestinfo.vice..init.networks|client.assigned.IP": ip,
        "guestinfo.vice..init.networks|public.assigned.IP": "AAAAAAAAAAAAAP//AAAAAA==",
        "UpdateInProgress": "true",
    })
    assert config.client_ip == IPv4Address("127.0.0.9")
    assert config.public_ip is None  # 0.0.0.0 means not assigned yet
    assert config.update_in_progress
    assert encode(config)["UpdateInProgress"] == "true"
    assert "UpdateInProgress" not in encode(VchConfig())


def test_docker_port_without_tls():
    config = VchConfig()
    config.executor.sessions = {"docker-personality": SessionConfig()}
    config.executor.sessions["docker-personality"].cmd.args = ["/sbin/docker-engine-server", "-port=2375"]
    assert config.docker_port == 2375 and not config.docker_tls
    assert VchConfig().docker_port == 2375  # no certificate, no args


def test_empty_arrays_and_maps_write_nothing_and_strings_write_nil():
    written = encode(VchConfig())
    assert written["guestinfo.vice./connect/target"] == "<nil>"
    assert written["init/common/name"] == "<nil>"
    assert not any(k.startswith("guestinfo.vice./init/sessions") for k in written)
    assert "guestinfo.vice./vic_machine_create_options" not in written
    assert not any(k.startswith("guestinfo.vice./cert/HostCertificate") for k in written)
    assert written["answer.msg.serial.file.open"] == "Append"


# --- secrets


def test_seal_and_open():
    key = SecretKey.generate()
    sealed = key.seal("s3cret")
    assert sealed != key.seal("s3cret")  # fresh nonce each time
    assert len(base64.b64decode(sealed)) == 24 + 16 + len("s3cret")
    assert key.open(sealed) == "s3cret"
    assert SecretKey.from_string(key.to_string()) == key
    with pytest.raises(SecretError):
        SecretKey.generate().open(sealed)
    with pytest.raises(SecretError):
        SecretKey(b"short")
    assert "SecretKey(<hidden>)" == repr(key)


def test_encoded_secrets_are_sealed_with_the_stored_key():
    config = VchConfig()
    config.connection.token = "hunter2"
    written = encode(config)
    key = SecretKey.from_string(written["guestinfo.ovfEnv"])
    assert "hunter2" not in "".join(written.values())
    assert key.open(written["guestinfo.vice./connect/token@secret"]) == "hunter2"
    assert decode(written).connection.token == "hunter2"
    # As VIC's GetNoSecretVCHConfig (its ls, inspect, delete): nothing sealed is opened, the rest is read.
    plain = decode(written, secrets=False)
    assert plain.connection.token == "" and plain == decode({k: v for k, v in written.items() if "@secret" not in k})
    assert repr(config).count("hunter2") == 0  # a secret field stays out of the struct's repr
