"""Build a VCH's configuration (VIC 1.5's VchConfig) from the spec and where it goes. Pure: no I/O.

The result encodes to the keys vic-machine 1.5.8 writes (see the reference sample): components with VIC's
command lines, one network endpoint per role sharing the NIC of a shared port group (its PCI slot is the
endpoint's id), the bridge as the default container network, storage URLs, the sealed vCenter password and
server key. ``with_pool`` and ``with_vm`` fill what is known only once the pool and the VM exist.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import shlex
from dataclasses import dataclass, field

from vic_machine.certs import CertBundle
from vic_machine.extraconfig import VchConfig
from vic_machine.extraconfig.executor import Build, Cmd, Common, ContainerNetwork, ExecutorCommon
from vic_machine.extraconfig.executor import Diagnostics, NetworkEndpoint, SessionConfig, SysLogConfig
from vic_machine.extraconfig.executor import TrustLevel
from vic_machine.extraconfig.gotypes import URL, IPNet, IPRange, MoRef
from vic_machine.extraconfig.scalars import IP, IPMask
from vic_machine.extraconfig.volume_store import DS_SCHEME, SHARED_PARENT, DatastorePath, volume_store_location
from vic_machine.extraconfig.vch_config import ADD_PERMS, CREATING_VCH, PERSONA_SERVICE, VICADMIN_SERVICE
from vic_machine.extraconfig.vch_config import Certificate, Connection, RawCertificate
from vic_machine.iso import IsoInfo
from vic_machine.spec import to_create_flags
from vic_machine.spec.model import GIB, VchSpec

# VIC pins the endpoint's NICs to PCI slots from 0x4A0 on, one every 32 (its constants.PCISlotNumberBegin/Inc).
FIRST_NIC_SLOT = 0x4A0
NIC_SLOT_STEP = 32
PLUGIN_VERSION = 10  # what VIC 1.5 stores as the configuration's PluginVersion
PORT_LAYER_PORT = 2377
ROLES = ("public", "client", "management")
BRIDGE = "bridge"
_TRUST = {name.lower(): level for name, level in TrustLevel.__members__.items()}


@dataclass(frozen=True)
class NetworkRef:
    """A port group: its managed object reference as VIC stores it (``Network:network-7``) and its name."""

    ref: str
    name: str


@dataclass(frozen=True)
class Placement:
    """Where the VCH goes and how the appliance reaches vCenter, resolved from the inventory."""

    datacenter: str
    compute_path: str  # /DC0/host/DC0_C0
    parent_pool_path: str  # /DC0/host/DC0_C0/Resources
    image_datastore: str
    image_path: str  # a folder on the image datastore, "" for the VM's own folder
    networks: dict[str, NetworkRef]  # role (public, client, management, bridge) → port group
    container_networks: dict[str, NetworkRef] = field(default_factory=dict)  # port group name → ref
    target_url: str = ""  # https://host[:port]
    username: str = ""
    password: str = field(default="", repr=False)
    thumbprint_sha1: str = ""
    target_display: str = ""


def nic_slots(networks: dict[str, NetworkRef]) -> dict[str, int]:
    """The PCI slot of each port group's NIC: roles sharing a port group share one NIC."""
    slots: dict[str, int] = {}
    for role in (*ROLES, BRIDGE):
        net = networks.get(role)
        if net is not None and net.ref not in slots:
            slots[net.ref] = FIRST_NIC_SLOT + NIC_SLOT_STEP * len(slots)
    return slots


def _build(iso: IsoInfo) -> Build:
    return Build(version=iso.version, git_commit=iso.commit, build_number=iso.build, plugin_version=PLUGIN_VERSION)


def alternate_guest_name(iso: IsoInfo) -> str:
    """What VIC puts in the endpoint VM's alternate guest name; ``ls`` finds VCHs by its prefix."""
    return f"Photon - VCH {iso.version}, {iso.build}, {iso.commit}"


PROXY_VARIABLES = ("HTTP_PROXY=", "HTTPS_PROXY=", "NO_PROXY=")


def proxy_env(spec: VchSpec, component: str) -> list[str]:
    """The proxy variables of a component's environment: 1.5.8 prefixes vicadmin's proxies with VICADMIN_ but
    gives both components the same NO_PROXY."""
    proxy = spec.registry.image_fetch_proxy
    prefix = "VICADMIN_" if component == VICADMIN_SERVICE else ""
    out = [f"{prefix}{name}={value}" for name, value in (("HTTP_PROXY", proxy.http), ("HTTPS_PROXY", proxy.https))
           if value]
    return out + ([f"NO_PROXY={','.join(proxy.no_proxy)}"] if proxy.no_proxy else [])


def syslog_config(spec: VchSpec) -> SysLogConfig | None:
    if not spec.syslog_addr:
        return None
    scheme, _, address = spec.syslog_addr.partition("://")
    return SysLogConfig(network=scheme, raddr=address if ":" in address else f"{address}:514")


def registry_lists(spec: VchSpec) -> tuple[list[str], list[str]]:
    """(whitelist, insecure): with a whitelist, 1.5.8 lets the insecure registries through it too (their union,
    whitelist first)."""
    whitelist = list(spec.registry.whitelist)
    if whitelist:
        whitelist += [r for r in spec.registry.insecure if r not in whitelist]
    return whitelist, list(spec.registry.insecure)


def _sessions(spec: VchSpec, p: Placement, tls: bool) -> dict[str, SessionConfig]:
    vicadmin = Cmd(path="/sbin/vicadmin", dir="/home/vicadmin",
                   args=["/sbin/vicadmin", f"--dc={p.datacenter}", f"--pool={p.parent_pool_path}",
                         f"--cluster={p.compute_path}"],
                   env=["PATH=/sbin:/bin", "GOTRACEBACK=all", *proxy_env(spec, VICADMIN_SERVICE)])
    persona = Cmd(path="/sbin/docker-engine-server",
                  args=["/sbin/docker-engine-server", f"-port={2376 if tls else 2375}",
                        f"-port-layer-port={PORT_LAYER_PORT}"],
                  env=["PATH=/sbin", "GOTRACEBACK=all", *proxy_env(spec, PERSONA_SERVICE)])
    port_layer = Cmd(path="/sbin/port-layer-server",
                     args=["/sbin/port-layer-server", "--host=localhost", f"--port={PORT_LAYER_PORT}"],
                     env=[f"VC_URL={p.target_url}", f"DC_PATH={p.datacenter}", f"CS_PATH={p.compute_path}",
                          f"POOL_PATH={p.parent_pool_path}", f"DS_PATH={p.image_datastore}"])

    # The debug level is the VCH's (init/diagnostics); 1.5.8 leaves each component's own level at 0.
    def session(name: str, cmd: Cmd, user: str = "") -> SessionConfig:
        return SessionConfig(common=Common(id=name, name=name), cmd=cmd, active=True, restart=True,
                             user=user, group=user, diagnostics=Diagnostics(debug_level=0))

    return {"vicadmin": session("vicadmin", vicadmin, "vicadmin"),
            "docker-personality": session("docker-personality", persona),
            "port-layer": session("port-layer", port_layer)}


def _gateway(text: str | None, network: str | None = None) -> IPNet:
    """A gateway as 1.5.8 stores it: its address with the mask of the network it is on (``network``'s prefix)."""
    if not text:
        return IPNet()
    if "/" in text:
        return IPNet.interface(text)
    prefix = ipaddress.ip_interface(network).network.prefixlen if network else 32
    return IPNet.interface(f"{text}/{prefix}")


def nameservers(spec: VchSpec) -> list[str]:
    """The VCH's DNS servers: 1.5.8 has one list (``--dns-server``) and writes it on every network."""
    out: list[str] = []
    for role in ROLES:
        net = getattr(spec.network, role)
        out += [s for s in (net.nameservers if net is not None else []) if s not in out]
    return out


def _endpoints(spec: VchSpec, p: Placement) -> dict[str, NetworkEndpoint]:
    slots = nic_slots(p.networks)
    dns = [IP.parse(s) for s in nameservers(spec)]
    out: dict[str, NetworkEndpoint] = {}
    for role in ROLES:
        net = p.networks[role]
        settings = spec.network.effective(role)
        gateway = settings.gateway
        endpoint = NetworkEndpoint(
            # VIC leaves the management endpoint's own name empty; the network part carries the role.
            common=Common(id=str(slots[net.ref]), name="" if role == "management" else role),
            static=bool(settings.static),
            ip=IPNet.interface(settings.static) if settings.static else None,
            network=ContainerNetwork(
                common=Common(id=net.ref, name=role), default=role == "public",
                gateway=_gateway(gateway.address if gateway else None, settings.static),
                destinations=[IPNet.parse_cidr(d) for d in (gateway.routing_destinations if gateway else [])],
                nameservers=dns))
        out[role] = endpoint
    bridge = p.networks[BRIDGE]
    out[BRIDGE] = NetworkEndpoint(
        common=Common(id=str(slots[bridge.ref]), name=BRIDGE), static=True, ip=IPNet(ip=IP.parse("0.0.0.0")),
        network=ContainerNetwork(common=Common(id=bridge.ref, name=BRIDGE), type=BRIDGE))
    return out


def _container_networks(spec: VchSpec, p: Placement) -> dict[str, ContainerNetwork]:
    bridge = p.networks[BRIDGE]
    nets = {BRIDGE: ContainerNetwork(common=Common(id=bridge.ref, name=BRIDGE), type=BRIDGE)}
    for net in spec.network.container:
        if net.port_group is None:
            continue
        ref = p.container_networks[net.port_group.display()]
        alias = net.alias or ref.name
        gateway = net.gateway.address if net.gateway else None
        pools = []
        for span in net.ip_ranges:
            if "-" in span:
                first, last = span.split("-", 1)
                pools.append(IPRange(first=IP.parse(first.strip()), last=IP.parse(last.strip())))
            else:
                network = IPNet.parse_cidr(span).network
                pools.append(IPRange(first=IP.parse(str(network[0])), last=IP.parse(str(network[-1]))))
        nets[alias] = ContainerNetwork(
            common=Common(id=ref.ref, name=alias), type="external", gateway=_gateway(gateway),
            nameservers=[IP.parse(s) for s in net.nameservers], pools=pools,
            # Not given is 0 (unspecified) in 1.5.8, which the appliance treats as published.
            trust_level=int(_TRUST[net.firewall] if net.firewall else TrustLevel.UNSPECIFIED))
    return nets


# vic-machine 1.5.8's create flags in the order its create command declares them, which is the order it stores
# them in (``vic_machine_create_options``).
_VIC_FLAG_ORDER = (
    "--target --user --password --thumbprint --name --compute-resource --ops-user --ops-password --ops-grant-perms "
    "--image-store --base-image-size --affinity-vm-group --container-name-convention --volume-store --dns-server "
    "--bridge-network --bridge-network-range --bridge-network-width --client-network --client-network-gateway "
    "--client-network-ip --public-network --public-network-gateway --public-network-ip --management-network "
    "--management-network-gateway --management-network-ip --container-network --container-network-gateway "
    "--container-network-ip-range --container-network-dns --container-network-firewall --memory "
    "--memory-reservation --memory-shares --endpoint-memory --cpu --cpu-reservation --cpu-shares --endpoint-cpu "
    "--storage-quota --containers --tls-server-key --tls-server-cert --tls-cname --tls-cert-path --no-tlsverify "
    "--organization --certificate-key-size --tls-ca --no-tls --registry-ca --insecure-registry --whitelist-registry "
    "--https-proxy --http-proxy --no-proxy --syslog-address --appliance-iso --bootstrap-iso --force --timeout "
    "--asymmetric-routes --debug"
).split()


def create_options(spec: VchSpec, p: Placement, appliance_iso: str, bootstrap_iso: str) -> list[str]:
    """The create flags as 1.5.8 stores them (``--name=value``, in its flag order); never the password."""
    target = p.target_url + (f"/{p.datacenter}" if p.datacenter else "")
    given = [f"--target={target}", f"--thumbprint={p.thumbprint_sha1}"]
    for entry in to_create_flags(spec):
        parts = shlex.split(entry)
        given.append(f"{parts[0]}={parts[1]}" if len(parts) > 1 else f"{parts[0]}=true")
    public = spec.network.public
    if (public.static or public.gateway) and not any(o.startswith("--public-network=") for o in given):
        # 1.5.8 records the public network (even the default one) once it has an address of its own.
        given.append(f"--public-network={public.port_group.display() if public.port_group else 'VM Network'}")
    given += [f"--appliance-iso={appliance_iso}", f"--bootstrap-iso={bootstrap_iso}"]

    def rank(option: str) -> int:
        name = option.partition("=")[0]
        return _VIC_FLAG_ORDER.index(name) if name in _VIC_FLAG_ORDER else len(_VIC_FLAG_ORDER)

    return sorted(given, key=rank)


def build_config(spec: VchSpec, p: Placement, certs: CertBundle, appliance: IsoInfo,
                 bootstrap_iso_path: str = "") -> VchConfig:
    """The configuration of a VCH being created (id ``CreatingVCH``; pool and VM folder not yet known)."""
    tls = certs.server_cert is not None
    syslog = syslog_config(spec)
    config = VchConfig()
    config.executor.common = ExecutorCommon(id=CREATING_VCH, name=spec.name)
    config.executor.diagnostics = Diagnostics(debug_level=spec.debug, syslog=syslog)
    config.executor.sessions = _sessions(spec, p, tls)
    config.executor.networks = _endpoints(spec, p)
    config.executor.version = _build(appliance)
    config.executor.asymmetric_routing = spec.network.asymmetric_routes
    config.connection = Connection(target=p.target_url, username=p.username, token=p.password,
                                   target_thumbprint=p.thumbprint_sha1)
    host_cert = RawCertificate(key=certs.server_key or b"", cert=certs.server_cert or b"") if tls else None
    config.certificate = Certificate(
        host_certificate=host_cert,
        certificate_authorities=(certs.ca_cert or b"") if certs.mode == "tlsverify" else b"",
        registry_certificate_authorities="".join(spec.registry.certificate_authorities).encode())
    config.storage.image_stores = [URL(scheme="ds", host=p.image_datastore, path=p.image_path)]
    config.storage.scratch_size = spec.storage.base_image_size // 1000  # VIC's KB are 1000 bytes
    config.storage.volume_locations = {vs.label: _volume_url(vs.datastore) for vs in spec.storage.volume_stores}
    config.storage.storage_quota = (spec.storage.storage_quota or 0) * GIB
    config.container.container_count = spec.container.container_count or 0
    config.network.bridge_network = BRIDGE
    config.network.container_networks = _container_networks(spec, p)
    config.network.bridge_ip_range = IPNet.parse_cidr(spec.network.bridge.ip_range)
    config.network.bridge_network_width = IPMask.cidr(spec.network.bridge.network_width)
    config.container.container_name_convention = spec.container.name_convention or ""
    config.container.use_vm_group = spec.compute.affinity.use_vm_group
    config.container.vm_group_name = spec.name if spec.compute.affinity.use_vm_group else ""
    config.registry.whitelist, config.registry.insecure = registry_lists(spec)
    config.grant_permissions = ADD_PERMS if spec.endpoint.operations_credentials.grant_permissions else ""
    config.create_options = create_options(spec, p, appliance.path, bootstrap_iso_path)
    return config


def _volume_url(location: str) -> URL:
    """A volume store as 1.5.8 stores it: NFS as given; a datastore one as ``ds://<ds>`` with the datastore
    path in bracket form (``[LocalDS_0] vols``) as its Path, which is what the appliance's port layer reads."""
    if "://" in location and not location.startswith(f"{DS_SCHEME}://"):
        return URL.parse(location)
    datastore, _, path = location.removeprefix("ds://").partition("/")
    datastore = datastore.strip("[]")
    return URL(scheme=DS_SCHEME, host=datastore, path=str(DatastorePath(datastore, path.strip("/") or SHARED_PARENT)))


def volume_folder(url: URL) -> tuple[str, str] | None:
    """(datastore, folder) of a ``ds://`` volume store (either stored form); None for NFS."""
    location = volume_store_location(url)
    return None if location is None else (location.datastore, location.folder)


def with_pool(config: VchConfig, pool_moref: str) -> VchConfig:
    """The configuration once the VCH's resource pool exists: containers go there."""
    config = dataclasses.replace(config)
    config.container = dataclasses.replace(config.container, compute_resources=[MoRef("ResourcePool", pool_moref)])
    return config


def with_vm_folder(config: VchConfig, vm_dir: str, bootstrap: IsoInfo) -> VchConfig:
    """Fix-ups that depend on the VM's folder on the datastore (VIC does the same after creating the VM)."""
    config = dataclasses.replace(config)
    datastore = config.image_datastore
    config.container = dataclasses.replace(
        config.container, bootstrap_image_path=f"[{datastore}] {vm_dir}/{bootstrap.datastore_name('bootstrap')}")
    stores = list(config.storage.image_stores)
    if stores and not stores[0].path:
        stores[0] = dataclasses.replace(stores[0], path=vm_dir)
    config.storage = dataclasses.replace(config.storage, image_stores=stores)
    return config


def with_id(config: VchConfig, vm_moref: str) -> VchConfig:
    config = dataclasses.replace(config)
    config.executor = dataclasses.replace(
        config.executor, common=dataclasses.replace(config.executor.common, id=f"VirtualMachine:{vm_moref}"))
    return config


def with_bridge(config: VchConfig, bridge: NetworkRef) -> VchConfig:
    """The configuration once create made the bridge network on an ESXi host: the bridge endpoint and container
    network name it, and ``create_bridge_network`` tells delete to remove it (as 1.5.8 records it)."""
    config = dataclasses.replace(config)
    endpoint = config.executor.networks[BRIDGE]
    network = dataclasses.replace(endpoint.network, common=dataclasses.replace(endpoint.network.common,
                                                                               id=bridge.ref))
    networks = {**config.executor.networks, BRIDGE: dataclasses.replace(endpoint, network=network)}
    config.executor = dataclasses.replace(config.executor, networks=networks)
    container = config.network.container_networks[BRIDGE]
    config.network = dataclasses.replace(config.network, container_networks={
        **config.network.container_networks,
        BRIDGE: dataclasses.replace(container, common=dataclasses.replace(container.common, id=bridge.ref))})
    config.create_bridge_network = True
    return config
