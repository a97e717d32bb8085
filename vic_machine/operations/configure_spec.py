"""A VCH's current specification, rebuilt from what vSphere holds: its configuration in extraConfig, its resource
pool's allocation and its endpoint VM's size. ``spec_from_config`` is pure; ``current_spec`` reads vCenter.

The result is what ``configure`` merges a change into, and what a "Configure VCH" wizard is pre-filled with.
Secrets are filled in only when the VCH's secret key could be read (they are needed to re-validate the spec);
``dump`` leaves them out of anything shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID
from pyVmomi import vim

from vic_machine.extraconfig import VchConfig, decode, read_extra_config
from vic_machine.extraconfig.executor import ContainerNetwork as StoredNetwork
from vic_machine.extraconfig.executor import TrustLevel
from vic_machine.operations import opsuser
from vic_machine.operations.ls import VchSummary
from vic_machine.operations.vch_config_builder import volume_folder
from vic_machine.spec.model import GIB, AuthServer, Generate, OperationsCredentials, VchSpec, VolumeStore
from vic_machine.spec.network_model import ContainerNetwork, Gateway, ManagedObject, Network
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session

_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\s*", re.S)
_FIREWALL = {int(level): name.lower() for name, level in TrustLevel.__members__.items() if level}


@dataclass(frozen=True)
class Allocation:
    """A resource pool's CPU (MHz) or memory (MiB) allocation as the spec holds it."""

    limit: int | None = None
    reservation: int | None = None
    shares: str | int = "normal"

    @classmethod
    def of(cls, info: vim.ResourceAllocationInfo | None) -> Allocation:
        if info is None:
            return cls()
        shares = info.shares.shares if info.shares.level == "custom" else info.shares.level
        limit = info.limit if info.limit is not None and info.limit >= 0 else None
        return cls(limit=limit, reservation=info.reservation or None, shares=shares)


@dataclass(frozen=True)
class Facts:
    """What vSphere holds of a VCH besides its extraConfig."""

    compute: str  # path of the cluster, host or pool the VCH's pool is in
    names: dict[str, str]  # port group reference (``Type:moid``) → name
    cpu: Allocation
    memory: Allocation
    endpoint_cpus: int = 1
    endpoint_memory: int = 2048
    grants: bool = False


def split_pems(bundle: bytes | str) -> list[str]:
    text = bundle.decode() if isinstance(bundle, bytes) else bundle
    return [m.group(0).strip() + "\n" for m in _PEM.finditer(text or "")]


def _gateway(stored: StoredNetwork, with_prefix: bool) -> Gateway | None:
    address = stored.gateway.ip.address
    if address is None or stored.gateway.ip.is_unspecified:
        destinations = [str(d) for d in stored.destinations]
        return Gateway(routing_destinations=destinations) if destinations else None
    prefix = stored.gateway.mask.prefix_length
    text = f"{address}/{prefix}" if with_prefix and prefix is not None and prefix < 32 else str(address)
    return Gateway(address=text, routing_destinations=[str(d) for d in stored.destinations])


def _role_network(config: VchConfig, role: str, names: dict[str, str]) -> Network | None:
    endpoint = config.endpoint(role)
    if endpoint is None:
        return None
    ref = endpoint.network.common.id
    static = str(endpoint.ip) if endpoint.static and endpoint.ip is not None else None
    return Network(port_group=ManagedObject(id=ref.partition(":")[2] or None, name=names.get(ref) or None),
                   static=static, gateway=_gateway(endpoint.network, False),
                   nameservers=[str(s) for s in endpoint.network.nameservers])


def _inherits(own: Network, parent: Network) -> bool:
    """Whether a client or management endpoint is the one it falls back to (client → public, management →
    client): on the same port group a role has no settings of its own. VIC 1.5.8 copies the static address,
    gateway and DNS servers of the network it shares a port group with onto it (and refuses settings of its own
    there); rebuilding them as the role's own would give a client or management network the public gateway
    without routing destinations, which no create accepts."""
    return own.port_group is not None and own.port_group.same_as(parent.port_group)


def _proxies(config: VchConfig) -> dict[str, str]:
    persona = config.session("docker-personality")
    env = persona.cmd.env if persona is not None else []
    return dict(e.split("=", 1) for e in env if e.startswith(("HTTP_PROXY=", "HTTPS_PROXY=", "NO_PROXY=")))


def spec_from_config(config: VchConfig, facts: Facts) -> VchSpec:
    """The VchSpec a VCH's stored configuration and its vSphere facts describe. Pure."""
    spec = VchSpec(name=config.name)
    spec.version = config.version
    spec.debug = config.debug_level
    syslog = config.executor.diagnostics.syslog
    spec.syslog_addr = f"{syslog.network}://{syslog.raddr}" if syslog is not None and syslog.raddr else None
    spec.container.name_convention = config.container.container_name_convention or None
    compute = spec.compute
    compute.resource = ManagedObject(name=facts.compute)
    for res, alloc in (("cpu", facts.cpu), ("memory", facts.memory)):
        part = getattr(compute, res)
        part.limit, part.reservation, part.shares = alloc.limit, alloc.reservation, alloc.shares
    compute.affinity.use_vm_group = bool(config.container.use_vm_group)
    spec.endpoint.cpu.sockets = facts.endpoint_cpus
    spec.endpoint.memory = facts.endpoint_memory
    conn = config.connection
    # Without the secret key the password is unknown: the user is then left out (and left as stored).
    spec.endpoint.operations_credentials = OperationsCredentials(
        user=conn.username if conn.token else None, password=conn.token or None, grant_permissions=facts.grants)
    stores = config.storage.image_stores
    spec.storage.image_stores = [f"{s.host}/{s.path.strip('/')}".rstrip("/") for s in stores[:1]]
    spec.storage.base_image_size = config.storage.scratch_size * 1000
    spec.storage.volume_stores = [
        VolumeStore(datastore=str(url) if folder is None else f"ds://{folder[0]}/{folder[1]}", label=label)
        for label, url in sorted(config.volume_stores.items()) for folder in [volume_folder(url)]]
    spec.storage.storage_quota = config.storage.storage_quota // GIB or None
    spec.container.container_count = config.container.container_count or None
    spec.network.asymmetric_routes = bool(config.executor.asymmetric_routing)
    net = spec.network
    bridge = config.endpoint("bridge")
    if bridge is not None:
        ref = bridge.network.common.id
        net.bridge.port_group = ManagedObject(id=ref.partition(":")[2] or None, name=facts.names.get(ref) or None)
    if config.network.bridge_ip_range is not None and config.network.bridge_ip_range.network is not None:
        net.bridge.ip_range = str(config.network.bridge_ip_range.network)
    width = config.network.bridge_network_width
    if width is not None and width.prefix_length is not None:
        net.bridge.network_width = width.prefix_length
    public = _role_network(config, "public", facts.names)
    net.public = public or net.public
    for role in ("client", "management"):
        own = _role_network(config, role, facts.names)
        if own is not None and not _inherits(own, net.effective(role)):
            setattr(net, role, own)
    net.container = [_container(name, stored, facts.names)
                     for name, stored in sorted(config.network.container_networks.items()) if name != "bridge"]
    _auth(spec, config)
    reg = spec.registry
    reg.whitelist, reg.insecure = list(config.registry.whitelist), list(config.registry.insecure)
    reg.certificate_authorities = split_pems(config.certificate.registry_certificate_authorities)
    proxies = _proxies(config)
    reg.image_fetch_proxy.http = proxies.get("HTTP_PROXY")
    reg.image_fetch_proxy.https = proxies.get("HTTPS_PROXY")
    reg.image_fetch_proxy.no_proxy = [h for h in proxies.get("NO_PROXY", "").split(",") if h]
    return spec


def _container(alias: str, stored: StoredNetwork, names: dict[str, str]) -> ContainerNetwork:
    ref = stored.common.id
    pg = names.get(ref) or ref
    return ContainerNetwork(
        alias=alias if alias != pg else None, port_group=ManagedObject(name=pg),
        gateway=_gateway(stored, True), nameservers=[str(s) for s in stored.nameservers],
        ip_ranges=[f"{r.first}-{r.last}" for r in stored.pools],
        firewall=_FIREWALL.get(stored.trust_level))


def _auth(spec: VchSpec, config: VchConfig) -> None:
    auth = spec.auth
    host = config.certificate.host_certificate
    auth.no_tls = not config.has_server_certificate
    auth.client.no_tls_verify = not auth.no_tls and not config.client_verification
    auth.client.certificate_authorities = split_pems(config.certificate.certificate_authorities)
    if auth.no_tls or host is None:
        return
    if host.key:
        auth.server = AuthServer(certificate=host.cert.decode(), private_key=host.key.decode(), generate=None)
    else:  # the key is sealed out of reach: keep the certificate as it is, described by its name
        auth.server = AuthServer(generate=Generate(cname=_common_name(host.cert)))


def _common_name(cert: bytes) -> str | None:
    try:
        names = x509.load_pem_x509_certificate(cert).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return None
    return str(names[0].value) if names else None


def current_spec(session: Session, vch: VchSummary) -> tuple[VchSpec, VchConfig]:
    """The VCH's spec as it is now and its decoded configuration (a few round trips, not per object)."""
    vm = vch.vm
    props = retrieve_objects(session.content, [vm], ["config.extraConfig", "resourcePool", "config.hardware.numCPU",
                                                     "config.hardware.memoryMB"])[vm]
    extra = props.get("config.extraConfig") or []
    config = decode(extra)
    pool = props.get("resourcePool")
    pool_props = retrieve_objects(session.content, [pool], ["name", "config"])[pool] if pool else {}
    own_pool = pool_props.get("name") == vch.name
    pool_config = pool_props.get("config") if own_pool else None
    refs = {e.network.common.id for e in config.executor.networks.values()}
    refs |= {n.common.id for n in config.network.container_networks.values()}
    objs = [opsuser.entity_of(session, r) for r in sorted(refs) if ":" in r]
    named = retrieve_objects(session.content, objs, ["name"]) if objs else {}
    names = {f"{type(o).__name__.split('.')[-1]}:{o._moId}": p.get("name", "") for o, p in named.items()}
    compute = vch.path[: -len("/Resources")] if vch.path.endswith("/Resources") else vch.path
    facts = Facts(compute=compute, names=names,
                  cpu=Allocation.of(pool_config.cpuAllocation if pool_config else None),
                  memory=Allocation.of(pool_config.memoryAllocation if pool_config else None),
                  endpoint_cpus=props.get("config.hardware.numCPU") or 1,
                  endpoint_memory=props.get("config.hardware.memoryMB") or 2048,
                  grants=bool(read_extra_config(extra).get(opsuser.GRANTS_KEY)))
    return spec_from_config(config, facts), config
