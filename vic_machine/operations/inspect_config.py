"""``inspect config``: the create options of a VCH, rebuilt from its configuration as VIC Engine 1.5.8 prints them.

1.5.8 does not replay what the user typed (the ``vic_machine_create_options`` key, which only its CLI create
writes and which configure leaves stale): it reads the VCH back and writes each setting as the create option
that would make it. Ours follows the same rules, so the output of both compares line by line:

- the options come in the order create lists its flags; an option equal to create's default is left out
  (``--name=virtual-container-host``, ``--base-image-size=8GB``, ``--bridge-network-range=172.16.0.0/12``,
  ``--public-network=VM Network``, ``--endpoint-cpu=1``, ``--endpoint-memory=2048``), so are zero numbers,
  false switches and empty strings; a value repeated under one option is printed once;
- TLS, ISO, timeout, password and ``--ops-grant-perms`` options are never printed, nor ``--bridge-network-width``
  (1.5.8's converter cannot write a mask);
- ``--compute-resource`` is the inventory path of the VCH resource pool's parent, ``--ops-user`` the user the
  appliance logs in as, ``--name`` the endpoint VM's name; port groups are printed by name;
- ``--image-store`` is a ``ds://`` URL without its last path element (1.5.8 stores ``<datastore>/<VCH name>``
  when no folder was given, and drops the last element whatever it is); ``--volume-store`` is
  ``<url>:<label>`` with a datastore store as ``ds://<datastore>/<folder>`` (its ``Path`` read in bracket form
  ``[LocalDS_0] vols`` or, as older VCHs of this project stored it, as the bare folder);
- ``--dns-server`` comes from the public network; a client network on the public network's port group, and a
  management network on the client network's, are not printed; a gateway is ``dest1,dest2:gateway``;
- container networks are ``<port group>:<alias>``, their gateway, IP ranges (a range that is a whole subnet as
  the subnet), DNS and firewall (unless unspecified) prefixed by the port group; ``--insecure-registry`` and
  ``--whitelist-registry`` as stored; proxies from the Docker personality's environment;
- limits and reservations of the VCH's resource pool (an unlimited limit and a zero reservation left out),
  shares as their level or, when custom, their number (normal left out); ``--storage-quota`` in GiB;
  ``--base-image-size`` as a decimal human size (``16GB``); ``--endpoint-cpu``/``--endpoint-memory`` from the VM.

1.5.8 iterates Go maps, so its order of several volume stores or container networks is random; ours is the
order of their labels and aliases. ``config_options`` is pure; ``read_facts`` reads what vSphere holds besides
the configuration, in one property-collector request (three more only if a port group has gone).
"""

from __future__ import annotations

import ipaddress
import posixpath
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyVmomi import VmomiSupport, vim, vmodl

from vic_machine.extraconfig import VchConfig
from vic_machine.extraconfig.executor import ContainerNetwork, NetworkEndpoint
from vic_machine.extraconfig.gotypes import URL, IPNet, IPRange
from vic_machine.extraconfig.scalars import IP
from vic_machine.extraconfig.vch_config import PERSONA_SERVICE, PUBLIC_NETWORK
from vic_machine.vsphere.collector import retrieve_spec
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

# The options the rebuild can produce, in the order 1.5.8's create lists its flags.
OPTION_ORDER = (
    "target", "thumbprint", "name", "compute-resource", "ops-user", "image-store", "base-image-size",
    "affinity-vm-group", "container-name-convention", "volume-store", "dns-server",
    "bridge-network", "bridge-network-range", "bridge-network-width",
    "client-network", "client-network-gateway", "client-network-ip",
    "public-network", "public-network-gateway", "public-network-ip",
    "management-network", "management-network-gateway", "management-network-ip",
    "container-network", "container-network-gateway", "container-network-ip-range", "container-network-dns",
    "container-network-firewall",
    "memory", "memory-reservation", "memory-shares", "endpoint-memory",
    "cpu", "cpu-reservation", "cpu-shares", "endpoint-cpu",
    "storage-quota", "containers", "insecure-registry", "whitelist-registry",
    "https-proxy", "http-proxy", "no-proxy", "syslog-address", "asymmetric-routes", "debug",
)
# Create's defaults for its string and integer flags: an option with that value is not printed.
DEFAULTS = {
    "name": "virtual-container-host", "base-image-size": "8GB", "bridge-network-range": "172.16.0.0/12",
    "bridge-network-width": "16", "public-network": "VM Network", "endpoint-memory": "2048", "endpoint-cpu": "1",
}
_FIREWALLS = {1: "published", 2: "open", 3: "closed", 4: "outbound", 5: "peers"}
_GIB = 1024**3
_SIZE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
# Go's url.URL escapes a path's bytes except these (and letters, digits, "-._~").
_PATH_SAFE = "$&+,/:;=@"


@dataclass(frozen=True)
class Allocation:
    """A resource pool's CPU (MHz) or memory (MB) allocation as vSphere holds it."""

    limit: int | None = None  # None or -1: unlimited
    reservation: int | None = None
    shares_level: str = "normal"  # low, normal, high or custom
    shares: int = 0  # the number, for custom

    @classmethod
    def of(cls, info: vim.ResourceAllocationInfo | None) -> Allocation | None:
        if info is None:
            return None
        shares = info.shares
        return cls(limit=info.limit, reservation=info.reservation,
                   shares_level=str(shares.level) if shares is not None else "normal",
                   shares=int(shares.shares or 0) if shares is not None else 0)


@dataclass(frozen=True)
class VchFacts:
    """What vSphere holds of a VCH besides its extraConfig, as ``inspect config`` needs it."""

    name: str  # the endpoint VM's name
    compute_resource: str  # inventory path of the parent of the VM's resource pool
    network_names: Mapping[str, str] = field(default_factory=dict)  # ``Type:moid`` → name
    cpu: Allocation | None = None  # the VM's resource pool's
    memory: Allocation | None = None
    num_cpus: int = 0  # the endpoint VM's
    memory_mb: int = 0


class _Options:
    """Values by option, each value once, in the order added."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}

    def add(self, option: str, value: object) -> None:
        text = str(value)
        if text == "":
            return
        values = self.values.setdefault(option, [])
        if text not in values:
            values.append(text)

    def number(self, option: str, value: int | None) -> None:
        if value:
            self.add(option, int(value))

    def flag(self, option: str, value: bool) -> None:
        if value:
            self.add(option, "true")

    def ordered(self) -> list[str]:
        out = []
        for option in OPTION_ORDER:
            out += [f"--{option}={v}" for v in self.values.get(option, []) if v != DEFAULTS.get(option)]
        return out


def config_options(config: VchConfig, facts: VchFacts) -> list[str]:
    """The VCH's create options (``--name=vch1`` …) in 1.5.8's order and form. Pure."""
    out = _Options()
    conn = config.connection
    out.add("target", conn.target)
    out.add("thumbprint", conn.target_thumbprint)
    out.add("name", facts.name)
    out.add("compute-resource", facts.compute_resource)
    out.add("ops-user", conn.username)
    if config.storage.image_stores:
        out.add("image-store", image_store(config.storage.image_stores[0]))
    out.add("base-image-size", human_size(config.storage.scratch_size * 1000))
    out.flag("affinity-vm-group", config.container.use_vm_group)
    out.add("container-name-convention", config.container.container_name_convention)
    for label, url in sorted(config.storage.volume_locations.items()):
        out.add("volume-store", f"{volume_store(url)}:{label}")
    public = config.endpoint(PUBLIC_NETWORK)
    for server in public.network.nameservers if public is not None else []:
        out.add("dns-server", _ip(server))
    _bridge(out, config, facts.network_names)
    _networks(out, config, facts.network_names)
    _container_networks(out, config, facts.network_names)
    _allocation(out, "memory", facts.memory)
    out.number("endpoint-memory", facts.memory_mb)
    _allocation(out, "cpu", facts.cpu)
    out.number("endpoint-cpu", facts.num_cpus)
    if config.storage.storage_quota:
        out.number("storage-quota", config.storage.storage_quota // _GIB)
    out.number("containers", config.container.container_count)
    for registry in config.registry.insecure:
        out.add("insecure-registry", registry)
    for registry in config.registry.whitelist:
        out.add("whitelist-registry", registry)
    _proxies(out, config)
    syslog = config.executor.diagnostics.syslog
    if syslog is not None and (syslog.network or syslog.raddr):
        out.add("syslog-address", f"{syslog.network}://{syslog.raddr}")
    out.flag("asymmetric-routes", config.executor.asymmetric_routing)
    out.number("debug", config.debug_level)
    return out.ordered()


def _name(ref: str, names: Mapping[str, str]) -> str:
    """A port group's name; its reference when vSphere no longer has it."""
    return names.get(ref) or ref


def _bridge(out: _Options, config: VchConfig, names: Mapping[str, str]) -> None:
    bridge = config.endpoint(config.network.bridge_network)
    if bridge is not None:
        out.add("bridge-network", _name(bridge.network.common.id, names))
    rng = config.network.bridge_ip_range
    if rng is not None and not _unspecified_subnet(rng):
        out.add("bridge-network-range", go_ipnet(rng))


def _networks(out: _Options, config: VchConfig, names: Mapping[str, str]) -> None:
    roles = {role: config.endpoint(role) for role in ("client", "public", "management")}
    named = {role: _name(e.network.common.id, names) if e is not None else "" for role, e in roles.items()}
    # As 1.5.8: the management network is not printed when on the client's port group, then the client network
    # is not when on the public's.
    if named["management"] == named["client"]:
        roles["management"] = None
    if named["client"] == named["public"]:
        roles["client"] = None
    for role in ("client", "public", "management"):
        endpoint = roles[role]
        if endpoint is None:
            continue
        prefix = f"{role}-network"
        gateway = _gateway(endpoint)
        if gateway:
            out.add(f"{prefix}-gateway", gateway)
        out.add(prefix, named[role])
        if endpoint.ip is not None and not _unspecified_subnet(endpoint.ip):
            out.add(f"{prefix}-ip", go_ipnet(endpoint.ip))


def _gateway(endpoint: NetworkEndpoint) -> str:
    """``dest1,dest2:gateway``, or the gateway alone; "" when neither is set."""
    network = endpoint.network
    gateway = network.gateway
    has_gateway = bool(gateway.ip.raw or gateway.mask.raw)
    if not network.destinations and not has_gateway:
        return ""
    address = _ip(gateway.ip) if gateway.ip.raw else "<nil>"
    if network.destinations:
        return ",".join(go_ipnet(d) for d in network.destinations) + ":" + address
    return address


def _container_networks(out: _Options, config: VchConfig, names: Mapping[str, str]) -> None:
    for alias, network in sorted(config.network.container_networks.items()):
        if alias == config.network.bridge_network:
            continue
        _container_network(out, alias, network, names)


def _container_network(out: _Options, alias: str, network: ContainerNetwork, names: Mapping[str, str]) -> None:
    port_group = _name(network.common.id, names)
    out.add("container-network", f"{port_group}:{alias}")
    if not _unspecified_subnet(network.gateway):
        out.add("container-network-gateway", f"{port_group}:{go_ipnet(network.gateway)}")
    for pool in network.pools:
        out.add("container-network-ip-range", f"{port_group}:{ip_range(pool)}")
    for server in network.nameservers:
        if not server.is_unspecified:
            out.add("container-network-dns", f"{port_group}:{_ip(server)}")
    if network.trust_level:
        out.add("container-network-firewall", f"{port_group}:{_FIREWALLS.get(network.trust_level, 'published')}")


def _allocation(out: _Options, option: str, alloc: Allocation | None) -> None:
    if alloc is None:
        return
    if alloc.limit is not None and alloc.limit != -1:
        out.number(option, alloc.limit)
    out.number(f"{option}-reservation", alloc.reservation)
    if alloc.shares_level == "custom":
        out.add(f"{option}-shares", alloc.shares)
    elif alloc.shares_level and alloc.shares_level != "normal":
        out.add(f"{option}-shares", alloc.shares_level)


def _proxies(out: _Options, config: VchConfig) -> None:
    persona = config.session(PERSONA_SERVICE)
    for entry in persona.cmd.env if persona is not None else []:
        name, _, value = entry.partition("=")
        option = {"HTTP_PROXY": "http-proxy", "HTTPS_PROXY": "https-proxy", "NO_PROXY": "no-proxy"}.get(name)
        if option is not None:
            out.add(option, value)


# Values written as 1.5.8 (Go) writes them.

def _ip(ip: IP) -> str:
    return "" if ip.is_unspecified else str(ip)


def _to4(raw: bytes) -> bytes | None:
    if len(raw) == 4:
        return raw
    if len(raw) == 16 and raw[:10] == b"\x00" * 10 and raw[10:12] == b"\xff\xff":
        return raw[12:]
    return None


def _unspecified_subnet(net: IPNet) -> bool:
    """No address, the unspecified address, or a mask that is zero or not a prefix."""
    if net.ip.is_unspecified:
        return True
    return not net.mask.prefix_length


def go_ipnet(net: IPNet) -> str:
    """``10.2.2.5/24``: the address as stored (not masked) and the prefix length; "<nil>" when inconsistent."""
    raw_ip, mask = net.ip.raw, net.mask.raw
    ip = _to4(raw_ip)
    if ip is None:
        if len(raw_ip) != 16:
            return "<nil>"
        ip = raw_ip
    if len(mask) == 4 and len(ip) != 4:
        return "<nil>"
    if len(mask) == 16 and len(ip) == 4:
        mask = mask[12:]
    elif len(mask) not in (4, 16):
        return "<nil>"
    address = ipaddress.ip_address(ip)
    value = int.from_bytes(mask, "big")
    bits = len(mask) * 8
    ones = bin(value).count("1")
    if value != ((1 << ones) - 1) << (bits - ones):
        return f"{address}/{mask.hex()}"
    return f"{address}/{ones}"


def ip_range(pool: IPRange) -> str:
    """``first-last``, or the subnet when the range is exactly one (``10.2.2.0/24``)."""
    first, last = _to4(pool.first.raw), _to4(pool.last.raw)
    if first is not None and last is not None:
        low, high = int.from_bytes(first, "big"), int.from_bytes(last, "big")
        diff = low ^ high
        host_bits = diff.bit_length()
        if host_bits and diff == (1 << host_bits) - 1 and low & diff == 0 and high == low | diff:
            return f"{ipaddress.IPv4Address(first)}/{32 - host_bits}"
    return f"{pool.first}-{pool.last}"


def human_size(size_bytes: int) -> str:
    """A size in decimal units with four significant digits and no space (``16GB``, ``8.59GB``)."""
    size, unit = float(size_bytes), 0
    while size >= 1000 and unit < len(_SIZE_UNITS) - 1:
        size /= 1000
        unit += 1
    return f"{size:.4g}{_SIZE_UNITS[unit]}"


def go_url(url: URL) -> str:
    """A URL written as Go's ``url.URL.String`` writes it (path escaped, ``//`` after the scheme)."""
    if url.opaque:
        text = f"{url.scheme}:{url.opaque}" if url.scheme else url.opaque
    else:
        text = f"{url.scheme}:" if url.scheme else ""
        if url.scheme or url.host:
            text += "//" + url.host
        path = url.path
        if url.raw_path and urllib.parse.unquote(url.raw_path) == path:
            escaped = url.raw_path
        else:
            escaped = urllib.parse.quote(path, safe=_PATH_SAFE)
        if escaped and not escaped.startswith("/") and url.host:
            text += "/"
        text += escaped
    if url.force_query or url.raw_query:
        text += "?" + url.raw_query
    if url.fragment:
        text += "#" + urllib.parse.quote(url.fragment, safe=_PATH_SAFE + "!'()*?")
    return text


def _plain(url: URL) -> str:
    """A URL without scheme as 1.5.8 writes it: host, path, or ``host/path``."""
    if not url.scheme:
        if not url.path:
            return url.host
        if not url.host:
            return url.path
        return f"{url.host}/{url.path}"
    return go_url(url)


def image_store(url: URL) -> str:
    """``ds://LocalDS_0``: the stored image store without the last element of its path."""
    path = url.path
    if path:
        parts = path.split("/")
        if len(parts) > 1 and parts[-1]:
            path = "/".join(parts[:-1])
        if url.scheme and len(parts) == 1:
            path = ""
    stripped = URL(scheme=url.scheme, host=url.host, path=path, raw_query=url.raw_query,
                   force_query=url.force_query, fragment=url.fragment)
    if not stripped.scheme:
        return stripped.host if not path else f"{stripped.host}/{path}"
    return go_url(stripped)


def _go_clean(path: str) -> str:
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def volume_store(url: URL) -> str:
    """``ds://LocalDS_0/vols`` for a datastore store (``Path`` in bracket form or bare), NFS URLs as stored."""
    path = url.path.strip()
    if path.startswith("[") and "]" in path:
        datastore, _, folder = path[1:].partition("]")
        joined = "/".join(p for p in (datastore, folder.strip()) if p)
        url = URL(scheme=url.scheme, host="", path=_go_clean(joined) if joined else "",
                  raw_query=url.raw_query, force_query=url.force_query, fragment=url.fragment)
    return _plain(url)


# Reading what vSphere holds besides the configuration.

_PC = vmodl.query.PropertyCollector


def _network_object(ref: str, session: Session) -> vim.ManagedEntity | None:
    kind, _, moid = ref.partition(":")
    if not moid:
        return None
    try:
        cls = VmomiSupport.GetWsdlType("urn:vim25", kind)
    except KeyError:
        return None
    return cls(moid, session.stub) if isinstance(cls, type) and issubclass(cls, vim.Network) else None


def network_refs(config: VchConfig) -> list[str]:
    """The port groups the configuration names (``Network:network-7`` …), each once."""
    refs = [e.network.common.id for e in config.executor.networks.values()]
    refs += [n.common.id for n in config.network.container_networks.values()]
    return sorted({r for r in refs if r})


def _filter(vm: vim.VirtualMachine, networks: list, view: vim.view.ContainerView | None):
    """One request: the VM, its resource pool and the pool's ancestors, and the port groups (or a view of all)."""
    up = _PC.TraversalSpec(name="up", type=vim.ManagedEntity, path="parent", skip=False,
                           selectSet=[_PC.SelectionSpec(name="up")])
    to_pool = _PC.TraversalSpec(name="pool", type=vim.VirtualMachine, path="resourcePool", skip=False,
                                selectSet=[up])
    objects = [_PC.ObjectSpec(obj=vm, skip=False, selectSet=[to_pool])]
    if view is not None:
        objects.append(_PC.ObjectSpec(obj=view, skip=True, selectSet=[
            _PC.TraversalSpec(name="view", type=vim.view.ContainerView, path="view", skip=False)]))
    else:
        objects += [_PC.ObjectSpec(obj=n, skip=False) for n in networks]
    props = [_PC.PropertySpec(type=vim.ManagedEntity, pathSet=["name", "parent"]),
             _PC.PropertySpec(type=vim.VirtualMachine,
                              pathSet=["resourcePool", "config.hardware.numCPU", "config.hardware.memoryMB"]),
             _PC.PropertySpec(type=vim.ResourcePool, pathSet=["config"])]
    return _PC.FilterSpec(objectSet=objects, propSet=props)


def _retrieve(session: Session, spec) -> dict:
    return {obj.obj: {p.name: p.val for p in obj.propSet or []} for obj in retrieve_spec(session.content, spec)}


def _read(session: Session, vm: vim.VirtualMachine, config: VchConfig) -> dict:
    networks = [n for n in (_network_object(r, session) for r in network_refs(config)) if n is not None]
    with vsphere_call("read the VCH's resource pool, endpoint VM and port groups", obj=vm._moId):
        try:
            return _retrieve(session, _filter(vm, networks, None))
        except vmodl.fault.ManagedObjectNotFound as exc:
            if not isinstance(getattr(exc, "obj", None), vim.Network):
                raise
        # A port group the configuration names is gone: read the names of those there are instead.
        content = session.content
        view = content.viewManager.CreateContainerView(container=content.rootFolder, type=[vim.Network],
                                                       recursive=True)
        try:
            return _retrieve(session, _filter(vm, [], view))
        finally:
            view.DestroyView()


def _inventory_path(obj, objs: dict) -> str:
    """``/DC0/host/DC0_C0/Resources``: names from the datacenter down (the root folder left out)."""
    parts = []
    while obj is not None and obj in objs and objs[obj].get("parent") is not None:
        parts.append(objs[obj].get("name", ""))
        obj = objs[obj].get("parent")
    return "/" + "/".join(reversed(parts))


def read_facts(session: Session, vm: vim.VirtualMachine, config: VchConfig) -> VchFacts:
    """What ``config_options`` needs from vSphere for the VCH of ``vm``, in one property-collector request."""
    objs = _read(session, vm, config)
    props = objs.get(vm, {})
    pool = props.get("resourcePool")
    pool_props = objs.get(pool, {}) if pool is not None else {}
    parent = pool_props.get("parent")
    pool_config = pool_props.get("config")
    names = {f"{type(o)._wsdlName}:{o._moId}": p.get("name", "") for o, p in objs.items()
             if isinstance(o, vim.Network)}
    return VchFacts(
        name=str(props.get("name", "")), compute_resource=_inventory_path(parent, objs) if parent else "",
        network_names=names,
        cpu=Allocation.of(pool_config.cpuAllocation) if pool_config is not None else None,
        memory=Allocation.of(pool_config.memoryAllocation) if pool_config is not None else None,
        num_cpus=int(props.get("config.hardware.numCPU") or 0),
        memory_mb=int(props.get("config.hardware.memoryMB") or 0))


def inspect_config(session: Session, vm: vim.VirtualMachine, config: VchConfig) -> list[str]:
    """The VCH's create options, rebuilt from its configuration and what vSphere holds of it."""
    return config_options(config, read_facts(session, vm, config))
