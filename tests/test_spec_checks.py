"""Input checks of the VCH specification (no vCenter): each check refuses a bad value and accepts a good one."""

from __future__ import annotations

import copy

import pytest

from vic_machine.errors import InputError
from vic_machine.spec import check
from vic_machine.spec import load
from vic_machine.spec import validate_input

BASE = {
    "name": "vch-1",
    "compute": {"resource": {"name": "Cluster1"}},
    "network": {"bridge": {"port_group": {"name": "vch-bridge"}}},
    "storage": {"image_stores": ["datastore1"]},
}


def merged(base: dict, patch: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def problems(patch: dict, **kwargs) -> list:
    return check(load(merged(BASE, patch)), **kwargs)


def net(**parts) -> dict:
    return {"network": parts}


def cnet(**item) -> dict:
    item.setdefault("port_group", {"name": "ext-pg"})
    return net(container=[item])


def public(**parts) -> dict:
    return net(public=parts)


GW = {"address": "10.1.0.1/16"}

FAILING = [
    pytest.param({"name": "web%prod"}, "name", "none of %", id="name-charset"),
    pytest.param({"name": "a/b"}, "name", "not allowed", id="name-slash"),
    pytest.param({"name": "x" * 32}, "name", "1 to 31 characters", id="name-length"),
    pytest.param({"name": ""}, "name", "required", id="name-empty"),
    pytest.param({"debug": 4}, "debug", "from 0 to 3", id="debug"),
    pytest.param({"syslog_addr": "http://logs:514"}, "syslog_addr", "tcp://host", id="syslog-scheme"),
    pytest.param({"syslog_addr": "udp://logs:70000"}, "syslog_addr", "1 to 65535", id="syslog-port"),
    pytest.param({"syslog_addr": "tcp://bad host"}, "syslog_addr", "tcp://host", id="syslog-host"),
    pytest.param({"container": {"name_convention": "vch-"}}, "container.name_convention", "{id} or {name}",
                 id="name-convention"),
    pytest.param({"compute": {"cpu": {"limit": {"value": 1000, "units": "MHz"},
                                      "reservation": {"value": 2, "units": "GHz"}}}},
                 "compute.cpu.reservation", "1000 MHz", id="cpu-reservation"),
    pytest.param({"compute": {"memory": {"limit": {"value": 1, "units": "GiB"},
                                         "reservation": {"value": 2048, "units": "MiB"}}}},
                 "compute.memory.reservation", "1024 MiB", id="memory-reservation"),
    pytest.param({"compute": {"cpu": {"shares": {"level": "medium"}}}}, "compute.cpu.shares", "low, normal, high",
                 id="shares-level"),
    pytest.param({"compute": {"memory": {"shares": {"number": 0}}}}, "compute.memory.shares", "at least 1",
                 id="shares-number"),
    pytest.param({"endpoint": {"cpu": {"sockets": 0}}}, "endpoint.cpu.sockets", "from 1 to 128", id="endpoint-cpu"),
    pytest.param({"endpoint": {"cpu": {"sockets": 129}}}, "endpoint.cpu.sockets", "from 1 to 128",
                 id="endpoint-cpu-max"),
    pytest.param({"endpoint": {"memory": {"value": 256, "units": "MiB"}}}, "endpoint.memory", "512 MiB",
                 id="endpoint-memory"),
    pytest.param({"auth": {"server": {"generate": {"size": {"value": 1024, "units": "bit"}}}}},
                 "auth.server.generate.size", "2048, 3072, 4096", id="key-size"),
    pytest.param(net(bridge={"ip_range": "172.16.0.0"}), "network.bridge.ip_range", "CIDR", id="bridge-cidr"),
    pytest.param(net(bridge={"ip_range": "172.16.1.0/12"}), "network.bridge.ip_range", "172.16.0.0/12",
                 id="bridge-host-bits"),
    pytest.param(net(bridge={"network_width": 8}), "network.bridge.network_width", "/12", id="width-prefix"),
    pytest.param(net(bridge={"network_width": 31}), "network.bridge.network_width", "from 1 to 30",
                 id="width-max"),
    pytest.param(public(static="192.168.1.10", gateway={"address": "192.168.1.1"}), "network.public.static",
                 "prefix length", id="static-cidr"),
    pytest.param(public(static="192.168.1.10/24"), "network.public.gateway.address", "required",
                 id="static-public-needs-gateway"),
    pytest.param(public(static="192.168.1.10/24", gateway={"address": "192.168.2.1"}),
                 "network.public.gateway.address", "inside the static subnet 192.168.1.0/24", id="gateway-in-subnet"),
    pytest.param(public(gateway={"address": "192.168.1"}), "network.public.gateway.address", "IPv4",
                 id="gateway-ip"),
    pytest.param(public(gateway={"address": "192.168.1.1", "routing_destinations": ["10.0.0.0/8"]}),
                 "network.public.gateway.routing_destinations", "default route", id="public-no-destinations"),
    pytest.param(net(client={"gateway": {"address": "10.2.0.1"}}), "network.client.gateway.routing_destinations",
                 "required", id="client-gateway-needs-destinations"),
    pytest.param(net(management={"gateway": {"routing_destinations": ["10.3.0.0/16"]}}),
                 "network.management.gateway.address", "required", id="destinations-need-gateway"),
    pytest.param(net(management={"gateway": {"address": "10.2.0.1", "routing_destinations": ["10.3.0.0"]}}),
                 "network.management.gateway.routing_destinations[0]", "CIDR", id="destination-cidr"),
    pytest.param(public(nameservers=["8.8.8.8", "8.8.4.4", "1.1.1.1", "9.9.9.9"]), "network.public.nameservers",
                 "at most 3", id="dns-count"),
    pytest.param(public(nameservers=["8.8.8"]), "network.public.nameservers[0]", "IPv4", id="dns-ip"),
    pytest.param(net(public={"nameservers": ["8.8.8.8", "8.8.4.4"]}, client={"nameservers": ["1.1.1.1", "9.9.9.9"]}),
                 "network.public.nameservers", "at most 3 DNS servers in all", id="dns-total"),
    pytest.param(net(client={"static": "10.9.0.6/24"}, management={"static": "10.9.0.7/24"}),
                 "network.management.static", "one NIC with one static IP", id="shared-port-group-static"),
    pytest.param(net(bridge={"port_group": {"name": "VM Network"}}), "network.bridge.port_group",
                 "public network", id="bridge-shared"),
    pytest.param(cnet(alias="bridge"), "network.container[0].alias", "reserved", id="alias-reserved"),
    pytest.param(net(container=[{"port_group": {"name": "bridge"}}]), "network.container[0].port_group",
                 "reserved", id="alias-reserved-from-port-group"),
    pytest.param(cnet(alias="my net!"), "network.container[0].alias", "letters, digits", id="alias-charset"),
    pytest.param(net(container=[{"port_group": {"name": "a"}, "alias": "ext"},
                                {"port_group": {"name": "b"}, "alias": "ext"}]),
                 "network.container[1].alias", "unique", id="alias-unique"),
    pytest.param(net(container=[{"alias": "ext"}]), "network.container[0].port_group", "required",
                 id="container-port-group-required"),
    pytest.param(net(container=[{"port_group": {"name": "vch-bridge"}}]), "network.container[0].port_group",
                 "bridge network's port group", id="container-is-bridge"),
    pytest.param(cnet(firewall="allow"), "network.container[0].firewall", "closed, outbound, peers, published, open",
                 id="firewall"),
    pytest.param(cnet(gateway=GW, ip_ranges=["10.2.0.10-10.2.0.20"]), "network.container[0].ip_ranges[0]",
                 "inside the subnet 10.1.0.0/16", id="range-in-subnet"),
    pytest.param(cnet(gateway=GW, ip_ranges=["10.1.0.20-10.1.0.10"]), "network.container[0].ip_ranges[0]",
                 "ends before it starts", id="range-order"),
    pytest.param(cnet(gateway=GW, ip_ranges=["10.1.0.x"]), "network.container[0].ip_ranges[0]", "a.b.c.d-e.f.g.h",
                 id="range-syntax"),
    pytest.param(cnet(ip_ranges=["10.1.0.10-10.1.0.20"]), "network.container[0].ip_ranges", "need a gateway",
                 id="range-needs-gateway"),
    pytest.param(cnet(gateway={"address": "10.1.0.1"}), "network.container[0].gateway.address", "address/prefix",
                 id="container-gateway-subnet"),
    pytest.param(cnet(gateway={"address": "10.1.0.1", "routing_destinations": ["10.2.0.0/16"]}),
                 "network.container[0].gateway.address", "inside the subnet 10.2.0.0/16",
                 id="container-gateway-in-subnet"),
    pytest.param(cnet(nameservers=["10.1.0.300"]), "network.container[0].nameservers[0]", "IPv4",
                 id="container-dns"),
    pytest.param({"storage": {"image_stores": ["ds://[datastore1] vch"]}}, "storage.image_stores[0]",
                 "datastore/path", id="image-store"),
    pytest.param({"storage": {"image_stores": ["ds1", "ds2"]}}, "storage.image_stores", "at most 1",
                 id="image-store-count"),
    pytest.param({"storage": {"volume_stores": [{"datastore": "ds://", "label": "default"}]}},
                 "storage.volume_stores[0].datastore", "nfs://host/path", id="volume-store-location"),
    pytest.param({"storage": {"volume_stores": [{"datastore": "nfs://filer", "label": "nfs"}]}},
                 "storage.volume_stores[0].datastore", "export path", id="volume-store-nfs-path"),
    pytest.param({"storage": {"volume_stores": [{"datastore": "nfs://filer/export?mode=rw", "label": "nfs"}]}},
                 "storage.volume_stores[0].datastore", "uid, gid, proto", id="volume-store-nfs-option"),
    pytest.param({"storage": {"volume_stores": [{"datastore": "ds1/vols", "label": "my vols"}]}},
                 "storage.volume_stores[0].label", "letters, digits, - and _", id="volume-label-charset"),
    pytest.param({"storage": {"volume_stores": [{"datastore": "ds1/a", "label": "v"},
                                                {"datastore": "ds1/b", "label": "v"}]}},
                 "storage.volume_stores[1].label", "unique", id="volume-label-unique"),
    pytest.param({"storage": {"volume_stores": [{"datastore": "ds1/a"}]}}, "storage.volume_stores[0].label",
                 "required", id="volume-label-required"),
    pytest.param({"registry": {"insecure": ["http://registry.local"]}}, "registry.insecure[0]", "host[:port]",
                 id="registry-insecure"),
    pytest.param({"registry": {"whitelist": ["*.com"]}}, "registry.whitelist[0]", "wildcard domain",
                 id="registry-wildcard"),
    pytest.param({"registry": {"whitelist": ["registry.local:99999"]}}, "registry.whitelist[0]", "host[:port]",
                 id="registry-port"),
    pytest.param({"registry": {"image_fetch_proxy": {"http": "ftp://proxy:21"}}}, "registry.image_fetch_proxy.http",
                 "http://host:port", id="proxy-scheme"),
    pytest.param({"registry": {"image_fetch_proxy": {"https": "https://proxy:3128/x"}}},
                 "registry.image_fetch_proxy.https", "nothing after the port", id="proxy-path"),
    pytest.param({"registry": {"image_fetch_proxy": {"no_proxy": ["bad host"]}}},
                 "registry.image_fetch_proxy.no_proxy[0]", ".domain", id="no-proxy"),
    pytest.param({"endpoint": {"operations_credentials": {"user": "ops"}}},
                 "endpoint.operations_credentials.password", "required", id="ops-password"),
    pytest.param({"endpoint": {"operations_credentials": {"password": "pw"}}},
                 "endpoint.operations_credentials.user", "required", id="ops-user"),
    pytest.param({"name": "my vch"}, "auth.server.generate.cname", "not a DNS name", id="cname-from-name"),
    pytest.param({"auth": {"server": {"generate": {"cname": "bad name"}}}}, "auth.server.generate.cname",
                 "DNS name or IPv4", id="cname"),
    pytest.param({"auth": {"no_tls": True, "client": {"certificate_authorities": [{"pem": "x"}]}}},
                 "auth.client.certificate_authorities", "TLS is off", id="no-tls-with-ca"),
    pytest.param({"auth": {"no_tls": True, "server": {"certificate": {"pem": "x"}, "private_key": {"pem": "y"}}}},
                 "auth.server.certificate", "TLS is off", id="no-tls-with-cert"),
    pytest.param({"auth": {"client": {"no_tls_verify": True, "certificate_authorities": [{"pem": "x"}]}}},
                 "auth.client.certificate_authorities", "no_tls_verify", id="no-tlsverify-with-ca"),
    pytest.param({"compute": {"resource": None}}, "compute.resource", "required", id="compute-required"),
    pytest.param({"storage": {"image_stores": []}}, "storage.image_stores", "required", id="image-store-required"),
]

PASSING = [
    pytest.param({"name": "My VCH_(prod)-1.2", "auth": {"server": {"generate": {"cname": "vch.example.com"}}}},
                 id="name-charset"),
    pytest.param({"name": "x" * 31}, id="name-length"),
    pytest.param({"debug": 3}, id="debug"),
    pytest.param({"syslog_addr": "tcp://syslog.example.com:514"}, id="syslog"),
    pytest.param({"syslog_addr": "udp://10.0.0.1"}, id="syslog-no-port"),
    pytest.param({"container": {"name_convention": "vch-{name}"}}, id="name-convention-name"),
    pytest.param({"container": {"name_convention": "{id}-c"}}, id="name-convention-id"),
    pytest.param({"compute": {"cpu": {"limit": {"value": 2, "units": "GHz"},
                                      "reservation": {"value": 2000, "units": "MHz"}},
                              "memory": {"limit": {"value": 4, "units": "GiB"},
                                         "reservation": {"value": 1, "units": "GiB"}}}}, id="reservations"),
    pytest.param({"compute": {"cpu": {"shares": {"level": "high"}}, "memory": {"shares": {"number": 4000}}}},
                 id="shares"),
    pytest.param({"endpoint": {"cpu": {"sockets": 4}, "memory": {"value": 512, "units": "MiB"}}}, id="endpoint"),
    pytest.param({"auth": {"server": {"generate": {"size": {"value": 4096, "units": "bit"}}}}}, id="key-size"),
    pytest.param(net(bridge={"ip_range": "10.0.0.0/16", "network_width": 24}), id="bridge"),
    pytest.param(public(static="192.168.1.10/24", gateway={"address": "192.168.1.1"},
                        nameservers=["8.8.8.8", "8.8.4.4", "1.1.1.1"]), id="public-static"),
    pytest.param(net(client={"port_group": {"name": "clients"}, "static": "10.2.0.5/24",
                             "gateway": {"address": "10.2.0.1", "routing_destinations": ["10.20.0.0/16"]}},
                     management={"port_group": {"name": "mgmt"}, "static": "10.3.0.5/24"}), id="client-management"),
    pytest.param(net(client={"static": "10.9.0.6/24"}, management={"static": "10.9.0.6/24"}),
                 id="shared-port-group-same-static"),
    pytest.param(cnet(alias="ext-net", gateway=GW, ip_ranges=["10.1.0.10-10.1.0.20", "10.1.1.0/24"],
                      nameservers=["10.1.0.2"], firewall="peers"), id="container-network"),
    pytest.param(cnet(gateway={"address": "10.1.0.1", "routing_destinations": ["10.1.0.0/16"]},
                      ip_ranges=["10.1.0.10-10.1.0.20"]), id="container-gateway-with-destination"),
    pytest.param(net(container=[{"port_group": {"name": "a"}}, {"port_group": {"name": "b"}}]), id="aliases"),
    pytest.param({"storage": {"image_stores": ["ds://datastore1/images"], "volume_stores": [
        {"datastore": "datastore1/volumes", "label": "default"},
        {"datastore": "ds://datastore 2/vols", "label": "fast_vols"},
        {"datastore": "nfs://filer.example.com/export/vch?uid=1000&gid=1000&proto=tcp", "label": "nfs-1"}]}},
        id="storage"),
    pytest.param({"registry": {"insecure": ["registry.local:5000", "10.0.0.5"],
                               "whitelist": ["*.example.com", "10.0.0.0/8", "docker.io"]}}, id="registries"),
    pytest.param({"registry": {"image_fetch_proxy": {
        "http": "http://proxy:3128", "https": "https://10.0.0.9:443",
        "no_proxy": [".example.com", "*.corp", "10.0.0.0/8", "localhost"]}}},
                 id="proxies"),
    pytest.param({"endpoint": {"operations_credentials": {"user": "ops", "password": "pw",
                                                          "grant_permissions": True}}}, id="ops"),
    pytest.param({"name": "my vch", "auth": {"server": {"generate": {"cname": "vch.example.com"}}}}, id="cname"),
    pytest.param({"name": "my vch", "network": {"client": {"static": "10.2.0.5/24"}}}, id="cname-from-static-ip"),
    pytest.param({"auth": {"no_tls": True}}, id="no-tls"),
    pytest.param({"auth": {"client": {"no_tls_verify": True}}}, id="no-tlsverify"),
]


# Overlapping subnets: accepted (vCenter does not look at addresses; VIC Engine 1.5.8 made such VCHs), with a
# warning saying what may go wrong (validation reports it as network.subnet_overlap).
OVERLAPS = [
    pytest.param(cnet(gateway={"address": "172.20.0.1/16"}), "network.container[0].gateway.address",
                 "overlaps 172.16.0.0/12", id="overlap-bridge-container"),
    pytest.param(public(static="172.16.5.5/24", gateway={"address": "172.16.5.1"}), "network.public.static",
                 "overlaps 172.16.0.0/12", id="overlap-bridge-public"),
    pytest.param(net(public={"static": "10.5.0.5/16", "gateway": {"address": "10.5.0.1"}},
                     container=[{"port_group": {"name": "ext-pg"}, "gateway": {"address": "10.5.7.1/24"}}]),
                 "network.container[0].gateway.address", "overlaps 10.5.0.0/16", id="overlap-public-container"),
    pytest.param(net(management={"port_group": {"name": "mgmt"}, "static": "10.9.0.5/24"},
                     client={"port_group": {"name": "clients"}, "static": "10.9.0.6/24"}),
                 "network.management.static", "overlaps", id="overlap-client-management"),
]


@pytest.mark.parametrize(("patch", "path", "fragment"), OVERLAPS)
def test_overlapping_subnets_are_accepted_with_a_warning(patch, path, fragment):
    from vic_machine.spec.net_checks import network_warnings

    assert problems(patch) == []
    risks = [risk for risk in network_warnings(load(merged(BASE, patch))) if risk.path == path]
    assert risks and fragment in risks[0].message and risks[0].remedy


@pytest.mark.parametrize(("patch", "path", "fragment"), FAILING)
def test_check_refuses(patch, path, fragment):
    found = problems(patch)
    messages = [error.message for error in found if error.path == path]
    assert messages, f"no error at {path}; got {found}"
    assert any(fragment in message for message in messages), messages


@pytest.mark.parametrize("patch", PASSING)
def test_check_accepts(patch):
    assert problems(patch) == []


def test_base_spec_is_valid():
    assert problems({}) == []


def test_required_fields_can_be_left_to_the_caller():
    bare = load({})
    assert {error.path for error in check(bare)} == {
        "compute.resource", "network.bridge.port_group", "storage.image_stores"}
    assert check(bare, required=False) == []
    # Fields of an item the user added stay required.
    item = load({"network": {"container": [{"alias": "x"}]}})
    assert [error.path for error in check(item, required=False)] == ["network.container[0].port_group"]


def test_check_one_step_only():
    patch = {"name": "bad%", "network": {"bridge": {"ip_range": "nonsense"}}, "registry": {"insecure": ["a b"]}}
    assert [error.path for error in problems(patch, step="general")] == ["name"]
    assert [error.path for error in problems(patch, step="networks")] == ["network.bridge.ip_range"]
    assert [error.path for error in problems(patch, step="registry")] == ["registry.insecure[0]"]
    assert problems(patch, step="compute") == []
    assert len(problems(patch, step="summary")) == 3
    with pytest.raises(ValueError):
        problems(patch, step="nonsense")


def test_proxy_fields_belong_to_the_networks_step():
    patch = {"registry": {"image_fetch_proxy": {"http": "ftp://x"}}}
    assert [error.path for error in problems(patch, step="networks")] == ["registry.image_fetch_proxy.http"]
    assert problems(patch, step="registry") == []


def test_validate_input_lists_every_problem():
    spec = load(merged(BASE, {"name": "a|b", "debug": 9, "network": {"bridge": {"network_width": 0}}}))
    with pytest.raises(InputError) as caught:
        validate_input(spec)
    assert set(caught.value.by_field()) == {"name", "debug", "network.bridge.network_width"}
    assert "none of %" in caught.value.by_field()["name"][0]
    validate_input(load(BASE))
