"""The VCH specification model: defaults, JSON, quantities, secrets, the field registry, wizard and flags."""

from __future__ import annotations

import copy
import json
import shlex

import pytest

from vic_machine.errors import InputError
from vic_machine.spec import STEPS
from vic_machine.spec import VchSpec
from vic_machine.spec import dump
from vic_machine.spec import field
from vic_machine.spec import fields
from vic_machine.spec import load
from vic_machine.spec import to_create_flags
from vic_machine.spec import wizard_description
from vic_machine.spec.schema import NULL_REFUSED
from vic_machine.spec.units import UnitError
from vic_machine.spec.units import to_canonical

FULL = {
    "version": "v1.5.8-21000-0-abcdef1",
    "name": "prod-vch",
    "debug": 1,
    "syslog_addr": "tcp://syslog.example.com:514",
    "container": {"name_convention": "prod-{name}", "container_count": 50},
    "compute": {
        "cpu": {"limit": {"value": 4000, "units": "MHz"}, "reservation": {"value": 500, "units": "MHz"},
                "shares": {"level": "high"}},
        "memory": {"limit": {"value": 8192, "units": "MiB"}, "shares": {"number": 163840}},
        "resource": {"id": "domain-c7", "name": "Cluster1"},
        "affinity": {"use_vm_group": True},
    },
    "network": {
        "bridge": {"ip_range": "172.20.0.0/16", "network_width": 24, "port_group": {"name": "vch-bridge"}},
        "public": {"port_group": {"name": "VM Network"}, "static": "192.168.1.10/24",
                   "gateway": {"address": "192.168.1.1"}, "nameservers": ["192.168.1.2"]},
        "client": {"port_group": {"id": "dvportgroup-11"}},
        "management": {"port_group": {"name": "mgmt"}, "static": "10.10.0.5/24",
                       "gateway": {"address": "10.10.0.1", "routing_destinations": ["10.20.0.0/16"]}},
        "container": [{"alias": "ext", "port_group": {"name": "ext-pg"},
                       "gateway": {"address": "10.1.0.1/16"}, "ip_ranges": ["10.1.0.10-10.1.0.99"],
                       "nameservers": ["10.1.0.2"], "firewall": "open"}],
        "asymmetric_routes": True,
    },
    "storage": {"image_stores": ["ds://datastore1/vch"],
                "volume_stores": [{"datastore": "ds://datastore1/volumes", "label": "default"}],
                "base_image_size": {"value": 16000000000, "units": "B"},
                "storage_quota": {"value": 100, "units": "GiB"}},
    "auth": {"no_tls": False, "client": {"no_tls_verify": True},
             "server": {"generate": {"size": {"value": 4096, "units": "bit"}, "organization": ["Example"],
                                     "cname": "vch.example.com"}}},
    "endpoint": {"cpu": {"sockets": 2}, "memory": {"value": 4096, "units": "MiB"},
                 "operations_credentials": {"user": "ops@vsphere.local", "password": "s3cret!",
                                            "grant_permissions": True}},
    "registry": {"insecure": ["registry.local:5000"], "whitelist": ["*.example.com", "10.0.0.0/8"],
                 "image_fetch_proxy": {"http": "http://proxy:3128", "https": "http://proxy:3128",
                                       "no_proxy": [".example.com"]}},
    "runtime": {"power_state": "poweredOn", "docker_host": "192.168.1.10:2376"},
}


def test_defaults_are_vic_1_5s():
    spec = load({})
    assert spec == VchSpec()
    assert spec.name == "virtual-container-host"
    assert spec.network.bridge.ip_range == "172.16.0.0/12"
    assert spec.network.bridge.network_width == 16
    assert spec.endpoint.cpu.sockets == 1
    assert spec.endpoint.memory == 2048
    assert spec.storage.base_image_size == 8 * 1000**3  # "8GB", which 1.5.8 stores as 8000000 KB
    assert spec.auth.server.generate.size == 2048
    assert spec.network.public.port_group.name == "VM Network"
    assert spec.network.port_group_of("client").name == "VM Network"
    assert spec.network.port_group_of("management").name == "VM Network"
    assert spec.compute.cpu.shares == spec.compute.memory.shares == "normal"
    assert spec.compute.cpu.limit is None and spec.compute.memory.limit is None
    assert spec.debug == 0
    assert spec.tls_mode() == "tlsverify"


def test_management_falls_back_to_client_then_public():
    spec = load({"network": {"client": {"port_group": {"name": "clients"}}}})
    assert spec.network.port_group_of("management").name == "clients"
    assert spec.network.effective("management") is spec.network.client


def test_dump_of_defaults_is_vic_json():
    data = dump(VchSpec())
    assert data["network"]["bridge"] == {"ip_range": "172.16.0.0/12", "network_width": 16}
    assert data["endpoint"]["memory"] == {"value": 2048, "units": "MiB"}
    assert data["compute"]["cpu"]["shares"] == {"level": "normal"}
    assert data["auth"]["server"]["generate"]["size"] == {"value": 2048, "units": "bit"}
    assert "client" not in data["network"]  # unset: inherits the public network


def test_json_round_trip():
    spec = load(copy.deepcopy(FULL))
    assert load(dump(spec, include_secrets=True)) == spec
    assert dump(spec, include_secrets=True) == FULL
    assert json.loads(json.dumps(dump(spec))) == dump(spec)


@pytest.mark.parametrize(
    ("value", "units", "canonical", "expected"),
    [
        (2, "GiB", "MiB", 2048),
        (2048, "MiB", "MiB", 2048),
        (1048576, "KiB", "MiB", 1024),
        (1, "GB", "B", 1000**3),
        (1, "GiB", "B", 1024**3),
        (8, "KB", "B", 8000),
        (1, "PiB", "MiB", 1024**3),
        (2, "GHz", "MHz", 2000),
        (1500000, "KHz", "MHz", 1500),
        (3000000000, "Hz", "MHz", 3000),
        (4096, "bit", "bit", 4096),
        (2, "gib", "MiB", 2048),
    ],
)
def test_quantity_conversion(value, units, canonical, expected):
    assert to_canonical(value, units, canonical) == expected


@pytest.mark.parametrize(("value", "units", "canonical"), [(1, "B", "MiB"), (1, "Hz", "MHz"), (1, "MHz", "MiB")])
def test_quantity_conversion_refuses(value, units, canonical):
    with pytest.raises(UnitError):
        to_canonical(value, units, canonical)


def test_load_normalizes_quantities():
    spec = load({"compute": {"cpu": {"limit": {"value": 2, "units": "GHz"}},
                             "memory": {"reservation": {"value": 1, "units": "GiB"}}},
                 "storage": {"base_image_size": {"value": 4, "units": "GB"}},
                 "endpoint": {"memory": {"value": 4, "units": "GiB"}}})
    assert spec.compute.cpu.limit == 2000
    assert spec.compute.memory.reservation == 1024
    assert spec.storage.base_image_size == 4 * 1000**3
    assert spec.endpoint.memory == 4096
    assert dump(spec)["compute"]["cpu"]["limit"] == {"value": 2000, "units": "MHz"}


def test_load_names_every_bad_field():
    with pytest.raises(InputError) as caught:
        load({
            "name": 5,
            "colour": "blue",
            "compute": {"cpu": {"limit": {"value": 1, "units": "parsec"}}, "memory": {"shares": {"x": 1}}},
            "network": {"container": [{"port_group": {}}, {"firewall": 3}]},
            "endpoint": {"memory": "2GB"},
        })
    paths = caught.value.by_field()
    assert set(paths) == {
        "name", "colour", "compute.cpu.limit", "compute.memory.shares",
        "network.container[0].port_group", "network.container[1].firewall", "endpoint.memory",
    }
    assert "parsec" in paths["compute.cpu.limit"][0] and "MHz" in paths["compute.cpu.limit"][0]


def test_load_refuses_non_object():
    with pytest.raises(InputError):
        load(["not", "a", "vch"])
    with pytest.raises(InputError) as caught:
        load('{"name": ')
    assert "not valid JSON" in str(caught.value)


def test_load_accepts_json_text():
    assert load(json.dumps(FULL)) == load(copy.deepcopy(FULL))


def test_secrets_absent_from_dump():
    spec = load(copy.deepcopy(FULL))
    spec.auth.server.private_key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    text = json.dumps(dump(spec))
    assert "s3cret!" not in text and "PRIVATE KEY" not in text
    assert "password" not in dump(spec)["endpoint"]["operations_credentials"]
    full = dump(spec, include_secrets=True)
    assert full["endpoint"]["operations_credentials"]["password"] == "s3cret!"
    assert full["auth"]["server"]["private_key"]["pem"].startswith("-----BEGIN PRIVATE KEY")
    assert not any("s3cret" in flag for flag in to_create_flags(spec))


def test_registry_metadata():
    paths = [info.path for info in fields()]
    assert len(paths) == len(set(paths))
    assert field("network.bridge.ip_range").meta.flags[0] == "--bridge-network-range"
    assert field("network.container[3].alias").path == "network.container[].alias"
    assert field("network.management.static").meta.flags == ("--management-network-ip",)
    assert field("network.client.static").meta.label == "Client static IP"
    assert field("endpoint.operations_credentials.password").meta.secret
    assert field("auth.server.private_key").meta.secret
    assert {info.path for info in fields() if info.meta.secret} == {
        "endpoint.operations_credentials.password", "auth.server.private_key"}
    assert field("network.bridge.network_width").meta.min == 1
    assert field("network.bridge.network_width").meta.max == 30
    with pytest.raises(KeyError):
        field("network.nonsense")
    step_ids = [step for step, _ in STEPS]
    for info in fields():
        assert info.meta.label, info.path
        assert info.step in step_ids, info.path


def test_wizard_description():
    description = wizard_description()
    json.dumps(description)  # serializable as it is
    steps = description["steps"]
    assert [step["id"] for step in steps] == [
        "general", "compute", "storage", "networks", "security", "registry", "operations", "summary"]
    assert all(step["title"] for step in steps)
    listed = []
    for step in steps:
        for entry in step["fields"]:
            assert entry["label"] and entry["type"]
            assert field(entry["path"]).step == step["id"]
            listed.append(entry["path"])
            listed.extend(item["path"] for item in entry.get("fields", []))
    editable = [info.path for info in fields() if not info.meta.readonly]
    assert sorted(listed) == sorted(editable)
    general = {entry["path"]: entry for entry in steps[0]["fields"]}
    assert general["name"]["default"] == "virtual-container-host"
    assert general["name"]["required"] and general["name"]["max_length"] == 31
    networks = {entry["path"]: entry for entry in steps[3]["fields"]}
    assert networks["network.public.port_group"]["default"] == {"name": "VM Network"}
    container = networks["network.container"]
    assert container["multiple"] and container["type"] == "object"
    firewall = next(item for item in container["fields"] if item["path"].endswith("firewall"))
    assert firewall["choices"] == ["closed", "outbound", "peers", "published", "open"]
    assert firewall["default"] is None  # not set: 1.5.8 stores 0, which the appliance treats as published
    security = {entry["path"]: entry for entry in steps[4]["fields"]}
    assert security["auth.server.private_key"]["secret"]
    assert security["auth.server.generate.size"]["choices"] == [2048, 3072, 4096]


def test_create_flags_leave_defaults_out():
    assert to_create_flags(VchSpec()) == []


def test_create_flags():
    spec = load(copy.deepcopy(FULL))
    spec.name = "prod vch"
    flags = to_create_flags(spec)
    line = " ".join(flags)
    assert "--name 'prod vch'" in flags
    assert "--compute-resource Cluster1" in flags
    assert "--image-store ds://datastore1/vch" in flags
    assert "--volume-store ds://datastore1/volumes:default" in flags
    assert "--bridge-network vch-bridge" in flags
    assert "--bridge-network-range 172.20.0.0/16" in flags
    assert "--bridge-network-width 24" in flags
    assert "--public-network-ip 192.168.1.10/24" in flags
    assert "--public-network-gateway 192.168.1.1" in flags
    assert "--public-network " not in line  # VM Network is the default
    assert "--management-network-gateway 10.20.0.0/16:10.10.0.1" in flags
    assert "--container-network ext-pg:ext" in flags
    assert "--container-network-gateway ext-pg:10.1.0.1/16" in flags
    assert "--container-network-firewall ext-pg:open" in flags
    assert "--cpu 4000" in flags and "--cpu-shares high" in flags and "--memory 8192" in flags
    assert "--endpoint-cpu 2" in flags and "--endpoint-memory 4096" in flags
    assert "--no-tlsverify" in flags and "--tls-cname vch.example.com" in flags
    assert "--certificate-key-size 4096" in flags
    assert "--insecure-registry registry.local:5000" in flags
    assert "--whitelist-registry '*.example.com'" in flags
    assert "--ops-user ops@vsphere.local" in flags and "--ops-grant-perms" in flags
    assert "--affinity-vm-group" in flags and "--debug 1" in flags
    assert "--container-name-convention 'prod-{name}'" in flags
    assert "s3cret!" not in line and "--ops-password" not in line
    # The whole line is one valid shell command: every value survives quoting.
    words = shlex.split(line)
    assert words[words.index("--name") + 1] == "prod vch"


def test_create_flags_for_supplied_certificates():
    spec = VchSpec()
    spec.auth.client.certificate_authorities = ["PEM-A", "PEM-B"]
    spec.auth.server.certificate = "CERT"
    spec.auth.server.private_key = "KEY"
    spec.auth.server.generate = None
    flags = to_create_flags(spec, {"auth.server.certificate": "/tmp/my cert.pem"})
    assert flags == [
        "--tls-ca ca-1.pem", "--tls-ca ca-2.pem",
        "--tls-server-cert '/tmp/my cert.pem'", "--tls-server-key server-key.pem",
    ]
    assert not any("KEY" == word for flag in flags for word in shlex.split(flag))


@pytest.mark.parametrize("body, path", [
    ({"compute": None}, "compute"), ({"registry": {"whitelist": None}}, "registry.whitelist"),
    ({"network": {"container": None}}, "network.container"),
    ({"storage": {"volume_stores": [None]}}, "storage.volume_stores[0]"), ({"name": None}, "name"),
    ({"auth": {"server": {"generate": {"organization": [None]}}}}, "auth.server.generate.organization[0]"),
])
def test_null_where_the_model_has_no_none_is_refused_naming_the_field(body, path):
    """A JSON null for a part that cannot be None was taken and then crashed the server (500)."""
    with pytest.raises(InputError) as refused:
        load(body)
    assert [(e.path, e.message) for e in refused.value.errors] == [(path, NULL_REFUSED)]


def test_null_where_the_model_allows_none_means_not_set():
    spec = load({"network": {"client": None}, "compute": {"cpu": {"limit": None}}, "syslog_addr": None})
    assert spec.network.client is None and spec.compute.cpu.limit is None and spec.syslog_addr is None
