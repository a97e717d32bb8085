"""Build a VCH's configuration (VIC 1.5's VchConfig) from the spec and where it goes. Pure: no I/O.

The result encodes to the keys vic-machine 1.5.8 writes (see the reference sample): components with VIC's
command lines, one network endpoint per role sharing the NIC of a shared port group (its PCI slot is the
endpoint's id), the bridge as the default container network, storage URLs, the sealed vCenter password and
server key. ``with_pool`` and ``with_vm`` fill what is known only once the pool and the VM exist.
"""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass, field

from vic_machine.certs import CertBundle
from vic_machine.extraconfig import VchConfig
from vic_machine.extraconfig.executor import Build, Cmd, Common, ContainerNetwork, ExecutorCommon
from vic_machine.extraconfig.executor import Diagnostics, NetworkEndpoint, SessionConfig, SysLogConfig
from vic_machine.extraconfig.executor import TrustLevel
from vic_machine.extraconfig.gotypes import URL, IPNet, IPRange, MoRef
from vic_machine.extraconfig.scalars import IP, IPMask
from vic_machine.extraconfig.vch_config import CREATING_VCH, Certificate, Connection, RawCertificate
from vic_machine.iso import IsoInfo
from vic_machine.spec import to_create_flags
from vic_machine.spec.model import VchSpec

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


def _sessions(spec: VchSpec, p: Placement, tls: bool) -> dict[str, SessionConfig]:
    proxies = []
    proxy = spec.registry.image_fetch_proxy
    if proxy.http:
        proxies.append(f"HTTP_PROXY={proxy.http}")
    if proxy.https:
        proxies.append(f"HTTPS_PROXY={proxy.https}")
    vicadmin = Cmd(path="/sbin/vicadmin", dir="/home/vicadmin",
                   args=["/sbin/vicadmin", f"--dc={p.datacenter}", f"--pool={p.parent_pool_path}",
                         f"--cluster={p.compute_path}"],
                   env=["PATH=/sbin:/bin", "GOTRACEBACK=all", *[f"VICADMIN_{e}" for e in proxies]])
    persona = Cmd(path="/sbin/docker-engine-server",
                  args=["/sbin/docker-engine-server", f"-port={2376 if tls else 2375}",
                        f"-port-layer-port={PORT_LAYER_PORT}"],
                  env=["PATH=/sbin", "GOTRACEBACK=all", *proxies])
    port_layer = Cmd(path="/sbin/port-layer-server",
                     args=["/sbin/port-layer-server", "--host=localhost", f"--port={PORT_LAYER_PORT}"],
                     env=[f"VC_URL={p.target_url}", f"DC_PATH={p.datacenter}", f"CS_PATH={p.compute_path}",
                          f"POOL_PATH={p.parent_pool_path}", f"DS_PATH={p.image_datastore}"])

    def session(name: str, cmd: Cmd, user: str = "") -> SessionConfig:
        return SessionConfig(common=Common(id=name, name=name), cmd=cmd, active=True, restart=True,
                             user=user, group=user, diagnostics=Diagnostics(debug_level=spec.debug))

    return {"vicadmin": session("vicadmin", vicadmin, "vicadmin"),
            "docker-personality": session("docker-personality", persona),
            "port-layer": session("port-layer", port_layer)}


def _gateway(text: str | None) -> IPNet:
    return IPNet.interface(f"{text}/32") if text and "/" not in text else (IPNet.interface(text) if text else IPNet())


def _endpoints(spec: VchSpec, p: Placement) -> dict[str, NetworkEndpoint]:
    slots = nic_slots(p.networks)
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
                gateway=_gateway(gateway.address if gateway else None),
                destinations=[IPNet.parse_cidr(d) for d in (gateway.routing_destinations if gateway else [])],
                nameservers=[IP.parse(s) for s in settings.nameservers]))
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
            trust_level=int(_TRUST.get(net.firewall or "published", TrustLevel.PUBLISHED)))
    return nets


def create_options(spec: VchSpec, p: Placement, appliance_iso: str, bootstrap_iso: str) -> list[str]:
    """The create flags as VIC stores them (``--name=value``), for ``inspect config``; never the password."""
    target = p.target_url + (f"/{p.datacenter}" if p.datacenter else "")
    out = [f"--target={target}", f"--thumbprint={p.thumbprint_sha1}"]
    for entry in to_create_flags(spec):
        parts = shlex.split(entry)
        out.append(f"{parts[0]}={parts[1]}" if len(parts) > 1 else f"{parts[0]}=true")
    out += [f"--appliance-iso={appliance_iso}", f"--bootstrap-iso={bootstrap_iso}"]
    return out


def build_config(spec: VchSpec, p: Placement, certs: CertBundle, appliance: IsoInfo,
                 bootstrap_iso_path: str = "") -> VchConfig:
    """The configuration of a VCH being created (id ``CreatingVCH``; pool and VM folder not yet known)."""
    tls = certs.server_cert is not None
    syslog = None
    if spec.syslog_addr:
        scheme, _, address = spec.syslog_addr.partition("://")
        syslog = SysLogConfig(network=scheme, raddr=address if ":" in address else f"{address}:514")
    config = VchConfig()
    config.executor.common = ExecutorCommon(id=CREATING_VCH, name=spec.name)
    config.executor.diagnostics = Diagnostics(debug_level=spec.debug, syslog=syslog)
    config.executor.sessions = _sessions(spec, p, tls)
    config.executor.networks = _endpoints(spec, p)
    config.executor.version = _build(appliance)
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
    config.network.bridge_network = BRIDGE
    config.network.container_networks = _container_networks(spec, p)
    config.network.bridge_ip_range = IPNet.parse_cidr(spec.network.bridge.ip_range)
    config.network.bridge_network_width = IPMask.cidr(spec.network.bridge.network_width)
    config.container.container_name_convention = spec.container.name_convention or ""
    config.container.use_vm_group = spec.compute.affinity.use_vm_group
    config.container.vm_group_name = spec.name if spec.compute.affinity.use_vm_group else ""
    config.registry.whitelist = list(spec.registry.whitelist)
    config.registry.insecure = list(spec.registry.insecure)
    config.create_options = create_options(spec, p, appliance.path, bootstrap_iso_path)
    return config


def _volume_url(location: str) -> URL:
    if "://" in location:
        return URL.parse(location)
    datastore, _, path = location.partition("/")
    return URL(scheme="ds", host=datastore.strip("[]"), path=path)


def volume_folder(url: URL) -> tuple[str, str] | None:
    """(datastore, folder) of a ``ds://`` volume store; None for NFS (nothing to create on a datastore)."""
    if url.scheme != "ds":
        return None
    return url.host, url.path.strip("/")


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
