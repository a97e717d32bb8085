"""The ``vic-machine create`` flags equivalent to a VCH specification (the wizard's "Copy CLI command").

Flag names come from the field registry. Defaults are left out; the operations password never appears;
PEM material is referred to by file name (``pem_files`` maps a field path to the file holding it).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from vic_machine.spec.fields import field
from vic_machine.spec.model import GB
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ContainerNetwork
from vic_machine.spec.network_model import Gateway

_DEFAULT = VchSpec()


def _flag(path: str, value: object = None) -> str:
    name = field(path).meta.flags[0]
    return name if value is None else f"{name} {shlex.quote(str(value))}"


def _size(amount: int) -> str:
    # Decimal only: vic-machine 1.5.8 reads "GB" as 1000**3 (and writes its default as 8GB), and reads "GiB" as
    # 1000**3 too, so a binary size is written in bytes to mean the same to both vic-machines.
    for unit, factor in (("GB", GB), ("MB", 1000**2), ("KB", 1000)):
        if amount % factor == 0:
            return f"{amount // factor}{unit}"
    return f"{amount}B"


def _gateway(gateway: Gateway) -> str:
    destinations = ",".join(gateway.routing_destinations)
    return f"{destinations}:{gateway.address}" if destinations else str(gateway.address)


def _general(spec: VchSpec) -> list[str]:
    out = [_flag("name", spec.name)] if spec.name != _DEFAULT.name else []
    if spec.compute.resource is not None:
        out.append(_flag("compute.resource", spec.compute.resource.display()))
    return out


def _storage(spec: VchSpec) -> list[str]:
    out = [_flag("storage.image_stores", store) for store in spec.storage.image_stores]
    for store in spec.storage.volume_stores:
        out.append(_flag("storage.volume_stores[].datastore", f"{store.datastore}:{store.label}"))
    if spec.storage.base_image_size != _DEFAULT.storage.base_image_size:
        out.append(_flag("storage.base_image_size", _size(spec.storage.base_image_size)))
    if spec.storage.storage_quota:
        out.append(_flag("storage.storage_quota", spec.storage.storage_quota))
    return out


def _container_network(net: ContainerNetwork) -> list[str]:
    if net.port_group is None:
        return []
    pg = net.port_group.display()
    base = "network.container[]"
    out = [_flag(f"{base}.port_group", f"{pg}:{net.alias}" if net.alias else pg)]
    gateway = net.gateway
    if gateway is not None and gateway.address:
        address = gateway.address
        if "/" not in address and gateway.routing_destinations:
            address = f"{address}/{gateway.routing_destinations[0].partition('/')[2]}"
        out.append(_flag(f"{base}.gateway.address", f"{pg}:{address}"))
    out += [_flag(f"{base}.ip_ranges", f"{pg}:{span}") for span in net.ip_ranges]
    out += [_flag(f"{base}.nameservers", f"{pg}:{server}") for server in net.nameservers]
    if net.firewall:
        out.append(_flag(f"{base}.firewall", f"{pg}:{net.firewall}"))
    return out


def _networks(spec: VchSpec) -> list[str]:
    network = spec.network
    bridge = network.bridge
    out: list[str] = []
    if bridge.port_group is not None:
        out.append(_flag("network.bridge.port_group", bridge.port_group.display()))
    if bridge.ip_range != _DEFAULT.network.bridge.ip_range:
        out.append(_flag("network.bridge.ip_range", bridge.ip_range))
    if bridge.network_width != _DEFAULT.network.bridge.network_width:
        out.append(_flag("network.bridge.network_width", bridge.network_width))
    dns: list[str] = []
    for role in ("public", "client", "management"):
        net = getattr(network, role)
        if net is None:
            continue
        default_pg = _DEFAULT.network.public.port_group if role == "public" else None
        if net.port_group is not None and net.port_group != default_pg:
            out.append(_flag(f"network.{role}.port_group", net.port_group.display()))
        if net.static:
            out.append(_flag(f"network.{role}.static", net.static))
        if net.gateway is not None and net.gateway.address:
            out.append(_flag(f"network.{role}.gateway.address", _gateway(net.gateway)))
        dns += [server for server in net.nameservers if server not in dns]
    out += [_flag("network.public.nameservers", server) for server in dns]
    if network.asymmetric_routes:
        out.append(_flag("network.asymmetric_routes"))
    for net in network.container:
        out += _container_network(net)
    return out


def _resources(spec: VchSpec) -> list[str]:
    out: list[str] = []
    for name in ("cpu", "memory"):
        res = getattr(spec.compute, name)
        if res.limit is not None:
            out.append(_flag(f"compute.{name}.limit", res.limit))
        if res.reservation is not None:
            out.append(_flag(f"compute.{name}.reservation", res.reservation))
        if res.shares is not None and res.shares != "normal":
            out.append(_flag(f"compute.{name}.shares", res.shares))
    if spec.compute.affinity.use_vm_group:
        out.append(_flag("compute.affinity.use_vm_group"))
    if spec.container.container_count:
        out.append(_flag("container.container_count", spec.container.container_count))
    if spec.endpoint.cpu.sockets != _DEFAULT.endpoint.cpu.sockets:
        out.append(_flag("endpoint.cpu.sockets", spec.endpoint.cpu.sockets))
    if spec.endpoint.memory != _DEFAULT.endpoint.memory:
        out.append(_flag("endpoint.memory", spec.endpoint.memory))
    return out


def _pem_file(pem_files: Mapping[str, str], path: str, fallback: str) -> str:
    return pem_files.get(path, fallback)


def _tls(spec: VchSpec, pem_files: Mapping[str, str]) -> list[str]:
    auth = spec.auth
    if auth.no_tls:
        return [_flag("auth.no_tls")]
    out: list[str] = []
    if auth.client.no_tls_verify:
        out.append(_flag("auth.client.no_tls_verify"))
    cas = auth.client.certificate_authorities
    for index in range(len(cas)):
        path = f"auth.client.certificate_authorities[{index}]"
        out.append(_flag(path, _pem_file(pem_files, path, "ca.pem" if len(cas) == 1 else f"ca-{index + 1}.pem")))
    server = auth.server
    if server.certificate:
        out.append(_flag("auth.server.certificate", _pem_file(pem_files, "auth.server.certificate", "server-cert.pem")))
    if server.private_key:
        # The key's file name is not a secret; its content never appears here.
        out.append(_flag("auth.server.private_key", _pem_file(pem_files, "auth.server.private_key", "server-key.pem")))
    generate = server.generate
    if generate is not None and not server.certificate:
        if generate.cname:
            out.append(_flag("auth.server.generate.cname", generate.cname))
        out += [_flag("auth.server.generate.organization", org) for org in generate.organization]
        if generate.size != 2048:
            out.append(_flag("auth.server.generate.size", generate.size))
    return out


def _registry(spec: VchSpec, pem_files: Mapping[str, str]) -> list[str]:
    registry = spec.registry
    out = [_flag("registry.insecure", entry) for entry in registry.insecure]
    out += [_flag("registry.whitelist", entry) for entry in registry.whitelist]
    for index in range(len(registry.certificate_authorities)):
        path = f"registry.certificate_authorities[{index}]"
        out.append(_flag(path, _pem_file(pem_files, path, f"registry-ca-{index + 1}.pem")))
    proxy = registry.image_fetch_proxy
    if proxy.http:
        out.append(_flag("registry.image_fetch_proxy.http", proxy.http))
    if proxy.https:
        out.append(_flag("registry.image_fetch_proxy.https", proxy.https))
    if proxy.no_proxy:
        out.append(_flag("registry.image_fetch_proxy.no_proxy", ",".join(proxy.no_proxy)))
    return out


def _operations(spec: VchSpec) -> list[str]:
    creds = spec.endpoint.operations_credentials
    out: list[str] = []
    if creds.user:
        out.append(_flag("endpoint.operations_credentials.user", creds.user))
    if creds.grant_permissions:
        out.append(_flag("endpoint.operations_credentials.grant_permissions"))
    if spec.syslog_addr:
        out.append(_flag("syslog_addr", spec.syslog_addr))
    if spec.container.name_convention:
        out.append(_flag("container.name_convention", spec.container.name_convention))
    if spec.debug:
        out.append(_flag("debug", spec.debug))
    return out


def to_create_flags(spec: VchSpec, pem_files: Mapping[str, str] | None = None) -> list[str]:
    """The ``vic-machine create`` flags for ``spec``, one shell-quoted ``--flag value`` string per entry.

    ``" ".join(["vic-machine create", *to_create_flags(spec)])`` is a command a POSIX shell runs.
    Defaults are left out and the operations password is never included (vic-machine prompts for it).

    :param pem_files: file names for PEM fields by path (``auth.client.certificate_authorities[0]``,
        ``auth.server.certificate``, …); without one, the names vic-machine writes (``ca.pem`` …).
    """
    files = pem_files or {}
    return [
        *_general(spec),
        *_storage(spec),
        *_networks(spec),
        *_resources(spec),
        *_tls(spec, files),
        *_registry(spec, files),
        *_operations(spec),
    ]
