"""vic-machine 1.5's create flags, their help taken from the VCH model, turned into a VchSpec."""

from __future__ import annotations

import re
from pathlib import Path

import click
from cryptography.x509.oid import NameOID

from vic_machine.errors import FieldError, InputError
from vic_machine.spec import field
from vic_machine.spec.model import Generate, OperationsCredentials, VchSpec, VolumeStore
from vic_machine.spec.network_model import ContainerNetwork, Gateway, ManagedObject, Network

# (flag names, model path for the help text, click keyword arguments): each flag under every name vic-machine
# 1.5.8 gives it, declared here once (configure takes its flags from this list too). Either dash works for any
# name, as in 1.5.8 (``-vs`` or ``--vs``: see goflags). ``hidden`` flags are the ones 1.5.8's --help leaves out
# and ``-x/--extended-help`` shows.
_ADVANCED = {"hidden": True}
_SIMPLE = [
    (("--name", "-n"), "name", {}),
    (("--debug", "-v"), "debug", {"type": int, **_ADVANCED}),
    (("--syslog-address",), "syslog_addr", _ADVANCED),
    (("--container-name-convention", "--cnc"), "container.name_convention", _ADVANCED),
    (("--compute-resource", "-r"), "compute.resource", {}),
    (("--cpu",), "compute.cpu.limit", {"type": int}),
    (("--cpu-reservation", "--cpur"), "compute.cpu.reservation", {"type": int, **_ADVANCED}),
    (("--cpu-shares", "--cpus"), "compute.cpu.shares", _ADVANCED),
    (("--memory", "--mem"), "compute.memory.limit", {"type": int}),
    (("--memory-reservation", "--memr"), "compute.memory.reservation", {"type": int, **_ADVANCED}),
    (("--memory-shares", "--mems"), "compute.memory.shares", _ADVANCED),
    (("--affinity-vm-group",), "compute.affinity.use_vm_group", {"is_flag": True, **_ADVANCED}),
    (("--endpoint-cpu",), "endpoint.cpu.sockets", {"type": int, **_ADVANCED}),
    (("--endpoint-memory",), "endpoint.memory", {"type": int, **_ADVANCED}),
    (("--image-store", "-i"), "storage.image_stores", {}),
    (("--base-image-size",), "storage.base_image_size", _ADVANCED),
    (("--storage-quota", "--sq"), "storage.storage_quota", {"type": int}),
    (("--containers",), "container.container_count", {"type": int}),
    (("--asymmetric-routes", "--ar"), "network.asymmetric_routes", {"is_flag": True, **_ADVANCED}),
    (("--volume-store", "-vs"), "storage.volume_stores[].datastore", {"multiple": True}),
    (("--bridge-network", "-b"), "network.bridge.port_group", {}),
    (("--bridge-network-range", "--bnr"), "network.bridge.ip_range", _ADVANCED),
    (("--bridge-network-width", "--bnw"), "network.bridge.network_width", {"type": int, **_ADVANCED}),
    (("--dns-server",), "network.public.nameservers", {"multiple": True, **_ADVANCED}),
    (("--container-network", "-cn"), "network.container[].port_group", {"multiple": True}),
    (("--container-network-gateway", "--cng"), "network.container[].gateway.address",
     {"multiple": True, **_ADVANCED}),
    (("--container-network-ip-range", "--cnr"), "network.container[].ip_ranges", {"multiple": True, **_ADVANCED}),
    (("--container-network-dns", "--cnd"), "network.container[].nameservers", {"multiple": True, **_ADVANCED}),
    (("--container-network-firewall", "--cnf"), "network.container[].firewall", {"multiple": True, **_ADVANCED}),
    (("--no-tls", "-k"), "auth.no_tls", {"is_flag": True, **_ADVANCED}),
    (("--no-tlsverify", "-kv"), "auth.client.no_tls_verify", {"is_flag": True}),
    (("--tls-ca", "-ca"), "auth.client.certificate_authorities", {"multiple": True, **_ADVANCED}),
    (("--tls-server-cert",), "auth.server.certificate", {}),
    (("--tls-server-key",), "auth.server.private_key", {}),
    (("--tls-cname",), "auth.server.generate.cname", {}),
    (("--organization",), "auth.server.generate.organization", {"multiple": True, **_ADVANCED}),
    (("--certificate-key-size", "--ksz"), "auth.server.generate.size", {"type": int, **_ADVANCED}),
    (("--insecure-registry", "--dir"), "registry.insecure", {"multiple": True}),
    (("--whitelist-registry", "--wr"), "registry.whitelist", {"multiple": True}),
    (("--registry-ca", "--rc"), "registry.certificate_authorities", {"multiple": True}),
    (("--http-proxy",), "registry.image_fetch_proxy.http", _ADVANCED),
    (("--https-proxy",), "registry.image_fetch_proxy.https", _ADVANCED),
    (("--no-proxy",), "registry.image_fetch_proxy.no_proxy", {"multiple": True, **_ADVANCED}),
    (("--ops-user",), "endpoint.operations_credentials.user", _ADVANCED),
    (("--ops-password",), "endpoint.operations_credentials.password", _ADVANCED),
    (("--ops-grant-perms",), "endpoint.operations_credentials.grant_permissions", {"is_flag": True, **_ADVANCED}),
]
for _role, _short in (("public", "--pn"), ("client", "--cln"), ("management", "--mn")):
    _SIMPLE += [
        ((f"--{_role}-network", _short), f"network.{_role}.port_group", {}),
        ((f"--{_role}-network-ip",), f"network.{_role}.static", _ADVANCED),
        ((f"--{_role}-network-gateway",), f"network.{_role}.gateway.address", _ADVANCED),
    ]


def _dest(flags: tuple[str, ...]) -> str:
    return flags[0].lstrip("-").replace("-", "_")


def create_options(func):
    """Add every create flag to a click command; help text comes from the model's field metadata."""
    for flags, path, kwargs in reversed(_SIMPLE):
        help_text = field(path).meta.help
        if flags[0] == "--volume-store":
            help_text = "datastore/path:label (repeatable); " + help_text
        elif flags[0].startswith("--container-network") and flags[0] != "--container-network":
            help_text = "port-group:value (repeatable); " + help_text
        func = click.option(*flags, _dest(flags), help=help_text, default=None, **kwargs)(func)
    return func


def _read_pem(path: str, model_path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise InputError(FieldError(model_path, f"cannot read {path}: {exc.strerror}")) from None


def _check_uploaded_cname(certificate: str | None, cname: str | None) -> None:
    if not certificate or not cname:
        return
    from vic_machine.certs import load_certificates

    try:
        leaf = load_certificates(certificate, "auth.server.certificate", check_dates=False)[0]
    except InputError:
        return  # the certificate's own check reports it
    names = [str(a.value) for a in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    if cname not in names:
        actual = names[0] if names else "none"
        raise InputError(FieldError("auth.server.generate.cname",
                                    f"{cname!r} is not the common name of --tls-server-cert's certificate "
                                    f"({actual}); give that name or leave --tls-cname out"))


def _size_bytes(text: str) -> int:
    """``8GB`` (decimal, as vic-machine 1.5.8 reads it) or ``8GiB`` (binary) in bytes."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMGT])?(i)?(B)?\s*", text, re.IGNORECASE)
    if not match or (match.group(3) and not match.group(2)):
        raise InputError(FieldError("storage.base_image_size", "must be a size such as 8GB or 512MiB"))
    prefix, binary = (match.group(2) or "").upper(), bool(match.group(3))
    power = " KMGT".index(prefix) if prefix else 0
    return int(match.group(1)) * (1024 if binary else 1000) ** power


def _gateway(text: str) -> Gateway:
    destinations, _, address = text.rpartition(":")
    return Gateway(address=address, routing_destinations=[d for d in destinations.split(",") if d])


def _shares(text: str | None):
    if text is None:
        return "normal"
    return int(text) if text.isdigit() else text


def _split_pg(text: str, flag: str) -> tuple[str, str]:
    pg, sep, value = text.partition(":")
    if not sep:
        raise InputError(FieldError("network.container", f"{flag} takes port-group:value, got {text!r}"))
    return pg, value


def _container_networks(v: dict) -> list[ContainerNetwork]:
    nets: dict[str, ContainerNetwork] = {}
    for entry in v["container_network"] or ():
        pg, _, alias = entry.partition(":")
        nets[pg] = ContainerNetwork(alias=alias or None, port_group=ManagedObject(name=pg))
    for key, flag in (("container_network_gateway", "--container-network-gateway"),
                      ("container_network_ip_range", "--container-network-ip-range"),
                      ("container_network_dns", "--container-network-dns"),
                      ("container_network_firewall", "--container-network-firewall")):
        for entry in v[key] or ():
            pg, value = _split_pg(entry, flag)
            if pg not in nets:
                raise InputError(FieldError("network.container",
                                            f"{flag} names port group {pg!r}, which no --container-network adds"))
            net = nets[pg]
            if key.endswith("gateway"):
                net.gateway = Gateway(address=value)
            elif key.endswith("ip_range"):
                net.ip_ranges.append(value)
            elif key.endswith("dns"):
                net.nameservers.append(value)
            else:
                net.firewall = value
    return list(nets.values())


def _volume_stores(entries) -> list[VolumeStore]:
    stores = []
    for entry in entries or ():
        location, sep, label = entry.rpartition(":")
        if not sep or "/" in label:
            raise InputError(FieldError("storage.volume_stores", f"--volume-store takes datastore/path:label, "
                                                                 f"got {entry!r}"))
        stores.append(VolumeStore(datastore=location, label=label))
    return stores


def spec_from_options(v: dict) -> VchSpec:
    """The VchSpec the create flags describe (VIC 1.5's defaults for everything not given)."""
    spec = VchSpec()
    spec.name = v["name"] or spec.name
    spec.debug = v["debug"] if v["debug"] is not None else 0
    spec.syslog_addr = v["syslog_address"]
    spec.container.name_convention = v["container_name_convention"]
    spec.container.container_count = v["containers"] or None  # 0 is unlimited, as in 1.5.8
    spec.storage.storage_quota = v["storage_quota"] or None
    spec.network.asymmetric_routes = bool(v["asymmetric_routes"])
    if v["compute_resource"]:
        spec.compute.resource = ManagedObject(name=v["compute_resource"])
    for res in ("cpu", "memory"):
        r = getattr(spec.compute, res)
        r.limit = v[res] or None
        r.reservation = v[f"{res}_reservation"]
        r.shares = _shares(v[f"{res}_shares"])
    spec.compute.affinity.use_vm_group = bool(v["affinity_vm_group"])
    spec.endpoint.cpu.sockets = v["endpoint_cpu"] or 1
    spec.endpoint.memory = v["endpoint_memory"] or 2048
    if v["image_store"]:
        spec.storage.image_stores = [v["image_store"]]
    if v["base_image_size"]:
        spec.storage.base_image_size = _size_bytes(v["base_image_size"])
    spec.storage.volume_stores = _volume_stores(v["volume_store"])
    bridge = spec.network.bridge
    if v["bridge_network"]:
        bridge.port_group = ManagedObject(name=v["bridge_network"])
    bridge.ip_range = v["bridge_network_range"] or bridge.ip_range
    bridge.network_width = v["bridge_network_width"] or bridge.network_width
    for role in ("public", "client", "management"):
        pg, ip, gw = v[f"{role}_network"], v[f"{role}_network_ip"], v[f"{role}_network_gateway"]
        if not (pg or ip or gw):
            continue
        net = getattr(spec.network, role) or Network()
        if pg:
            net.port_group = ManagedObject(name=pg)
        net.static = ip
        net.gateway = _gateway(gw) if gw else None
        setattr(spec.network, role, net)
    spec.network.public.nameservers = list(v["dns_server"] or ())
    spec.network.container = _container_networks(v)
    spec.auth.no_tls = bool(v["no_tls"])
    spec.auth.client.no_tls_verify = bool(v["no_tlsverify"])
    spec.auth.client.certificate_authorities = [_read_pem(p, "auth.client.certificate_authorities")
                                                for p in v["tls_ca"] or ()]
    if v["tls_server_cert"]:
        spec.auth.server.certificate = _read_pem(v["tls_server_cert"], "auth.server.certificate")
    if v["tls_server_key"]:
        spec.auth.server.private_key = _read_pem(v["tls_server_key"], "auth.server.private_key")
    if spec.auth.server.certificate or spec.auth.server.private_key:
        # The uploaded certificate is the server certificate: nothing is generated for it. As in 1.5.8, a
        # --tls-cname given with it must be the certificate's common name.
        _check_uploaded_cname(spec.auth.server.certificate, v["tls_cname"])
        spec.auth.server.generate = None
    else:
        spec.auth.server.generate = Generate(size=v["certificate_key_size"] or 2048,
                                             organization=list(v["organization"] or ()), cname=v["tls_cname"])
    registry = spec.registry
    registry.insecure = list(v["insecure_registry"] or ())
    registry.whitelist = list(v["whitelist_registry"] or ())
    registry.certificate_authorities = [_read_pem(p, "registry.certificate_authorities")
                                        for p in v["registry_ca"] or ()]
    registry.image_fetch_proxy.http = v["http_proxy"]
    registry.image_fetch_proxy.https = v["https_proxy"]
    registry.image_fetch_proxy.no_proxy = [h for entry in v["no_proxy"] or () for h in entry.split(",") if h]
    spec.endpoint.operations_credentials = OperationsCredentials(
        user=v["ops_user"], password=v["ops_password"], grant_permissions=bool(v["ops_grant_perms"]))
    return spec


def option_names() -> list[str]:
    return [_dest(flags) for flags, _, _ in _SIMPLE]
