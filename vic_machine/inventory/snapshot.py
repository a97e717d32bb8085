"""Read one datacenter's inventory in a constant number of property-collector round trips."""

from __future__ import annotations

from pyVmomi import vim

from vic_machine.errors import NotFound, TargetError
from vic_machine.extraconfig import is_vch
from vic_machine.inventory.compute_tree import build_compute_tree
from vic_machine.inventory.vch_candidates import VM_PROPS, candidates
from vic_machine.inventory.model import Datastore, Host, Inventory, Network
from vic_machine.vsphere.datacenter import datacenter_props
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.raw_soap import host_firewalls, retrieve_mixed, retrieve_objects_plain
from vic_machine.vsphere.session import Session


# Data objects (pools' runtime, clusters' configuration): read through pyvmomi. A few hundred objects at most.
_PROPS = {
    vim.ComputeResource: ["name", "parent", "host", "resourcePool"],
    vim.ClusterComputeResource: ["configurationEx"],
    vim.ResourcePool: ["name", "parent", "owner", "runtime"],
}
# Plain values (names, states, references, numbers): read without pyvmomi's parser (raw_soap), several times
# faster on thousands of VMs and hundreds of hosts. A datastore's summary is read field by field for that.
_PLAIN_PROPS = {
    vim.HostSystem: ["name", "parent", "runtime.connectionState", "runtime.inMaintenanceMode",
                     "runtime.powerState", "datastore", "network",
                     "summary.config.product.version", "configManager.firewallSystem",
                     "summary.managementServerIp"],
    vim.Datastore: ["name", "summary.type", "summary.capacity", "summary.freeSpace", "summary.accessible"],
    vim.Network: ["name", "host"],
    vim.dvs.DistributedVirtualPortgroup: ["config.distributedVirtualSwitch", "config.uplink"],
    vim.DistributedVirtualSwitch: ["name", "summary.hostMember", "config.uplinkPortgroup"],
    vim.Folder: ["name", "parent"],
    vim.VirtualMachine: VM_PROPS,
}
_VM_PROPS = {vim.VirtualMachine: VM_PROPS}


def _datacenter(session: Session, name: str) -> tuple[vim.Datacenter, dict, list[str]]:
    found = datacenter_props(session, ["name", "vmFolder", "hostFolder"])
    names = sorted(p["name"] for p in found.values())
    if name:
        for dc, props in found.items():
            if name in (props["name"], dc._moId):
                return dc, props, names
        raise NotFound(f"Datacenter {name!r} not found", remedy=f"Datacenters: {', '.join(names) or 'none'}")
    if len(found) == 1:
        dc, props = next(iter(found.items()))
        return dc, props, names
    if not found:
        raise NotFound(f"{session.target.host} has no datacenter", remedy="Create one in the vSphere Client first")
    raise TargetError(f"{session.target.host} has several datacenters",
                      remedy=f"Choose one of: {', '.join(names)}")


def _features(properties) -> tuple[str, ...]:
    return tuple(sorted(p.value.key for p in properties or [] if p.key == "feature" and hasattr(p.value, "key")))


def _license_features(session: Session) -> dict[str, tuple[str, ...]]:
    """Features by host id; the key "" holds what vCenter assigns to every host (on an ESXi host: its own
    licenses, for it has no license assignment manager)."""
    manager = session.content.licenseManager
    out: dict[str, tuple[str, ...]] = {}
    if session.is_esxi:
        with vsphere_call("read the host's licenses"):
            licenses = retrieve_objects(session.content, [manager], ["licenses"]).get(manager, {}).get("licenses")
        out[""] = tuple(sorted({f for item in licenses or [] for f in _features(item.properties)}))
        return out
    with vsphere_call("read license assignments"):
        assignments = manager.licenseAssignmentManager.QueryAssignedLicenses() if manager else []
    for item in assignments or []:
        out[item.entityId or ""] = _features(item.assignedLicense.properties)
    return out


def _vch_pools(session: Session, objs: dict) -> set[str]:
    vms = candidates(objs)
    configs = retrieve_objects_plain(session, list(vms), ["config.extraConfig"])
    pools = set()
    for vm, props in configs.items():
        if is_vch(props.get("config.extraConfig") or [], vm._moId):
            pool = vms[vm].get("resourcePool")
            if pool is not None:
                pools.add(pool._moId)
    return pools


def _hosts(session: Session, objs: dict, licenses: dict) -> list[Host]:
    # The firewall systems' state, in one more bulk read whatever the number of hosts.
    firewalls = host_firewalls(session, {h._moId: p["configManager.firewallSystem"]._moId for h, p in objs.items()
                                         if isinstance(h, vim.HostSystem) and p.get("configManager.firewallSystem")})
    hosts = []
    for host, p in objs.items():
        if not isinstance(host, vim.HostSystem):
            continue
        rulesets, allows_outgoing = firewalls.get(host._moId, ({}, False))
        hosts.append(Host(
            id=host._moId, name=p["name"], compute=p["parent"]._moId,
            connection_state=str(p.get("runtime.connectionState", "")),
            in_maintenance=bool(p.get("runtime.inMaintenanceMode")),
            power_state=str(p.get("runtime.powerState", "")),
            firewall_rulesets=rulesets,
            firewall_allows_outgoing=allows_outgoing,
            license_features=licenses.get(host._moId, licenses.get("", ())),
            version=str(p.get("summary.config.product.version", "")),
            datastores=tuple(sorted(d._moId for d in p.get("datastore", []))),
            networks=tuple(sorted(n._moId for n in p.get("network", []))),
            managed_by=str(p.get("summary.managementServerIp") or ""),
        ))
    return sorted(hosts, key=lambda h: h.name)


def _datastores(objs: dict, hosts: list[Host]) -> list[Datastore]:
    # Mounts come from the hosts' side: the simulator's Datastore.host list is incomplete.
    mounts: dict[str, list[str]] = {}
    for h in hosts:
        for ds in h.datastores:
            mounts.setdefault(ds, []).append(h.id)
    out = []
    for ds, p in objs.items():
        if not isinstance(ds, vim.Datastore):
            continue
        out.append(Datastore(id=ds._moId, name=p["name"], type=str(p.get("summary.type", "")),
                             capacity=int(p.get("summary.capacity") or 0),
                             free_space=int(p.get("summary.freeSpace") or 0),
                             accessible=bool(p.get("summary.accessible")),
                             hosts=tuple(sorted(mounts.get(ds._moId, [])))))
    return sorted(out, key=lambda d: d.name)


def _networks(objs: dict, host_list: list[Host]) -> list[Network]:
    switches = {o._moId: p for o, p in objs.items() if isinstance(o, vim.DistributedVirtualSwitch)}
    uplinks = {pg._moId for p in switches.values() for pg in p.get("config.uplinkPortgroup") or []}
    # A network's own host list can lag behind; the hosts' network lists are authoritative.
    attached: dict[str, set[str]] = {}
    for h in host_list:
        for net_id in h.networks:
            attached.setdefault(net_id, set()).add(h.id)
    out = []
    for net, p in objs.items():
        if not isinstance(net, vim.Network):
            continue
        hosts = tuple(sorted(attached.get(net._moId, set()) | {h._moId for h in p.get("host", [])}))
        if isinstance(net, vim.dvs.DistributedVirtualPortgroup):
            if p.get("config.uplink") or net._moId in uplinks:
                continue
            switch = p.get("config.distributedVirtualSwitch")
            sw = switches.get(switch._moId, {}) if switch else {}
            members = tuple(sorted(h._moId for h in sw.get("summary.hostMember", []) or [])) or hosts
            out.append(Network(id=net._moId, name=p["name"], kind="distributed",
                               switch=switch._moId if switch else "", switch_name=sw.get("name", ""),
                               hosts=members))
        elif isinstance(net, vim.OpaqueNetwork):
            out.append(Network(id=net._moId, name=p["name"], kind="opaque", hosts=hosts))
        else:
            out.append(Network(id=net._moId, name=p["name"], kind="standard", hosts=hosts))
    return sorted(out, key=lambda n: (n.name, n.id))


def _names_in_use(objs: dict, vm_folder: vim.Folder) -> dict[str, str]:
    """Names a new VCH must not take: VMs, resource pools, vApps, and folders directly in the VM folder."""
    names: dict[str, str] = {}
    for obj, p in objs.items():
        name = p.get("name")
        if isinstance(obj, vim.VirtualMachine):
            names.setdefault(name, "virtual machine")
        elif isinstance(obj, vim.VirtualApp):
            names.setdefault(name, "vApp")
        elif isinstance(obj, vim.ResourcePool) and not isinstance(p.get("parent"), vim.ComputeResource):
            names.setdefault(name, "resource pool")
        elif isinstance(obj, vim.Folder) and p.get("parent") == vm_folder:
            names.setdefault(name, "VM folder")
    return names


def take_snapshot(session: Session, datacenter: str = "") -> Inventory:
    """The inventory of ``datacenter`` (the target's, or the only one) as plain data.

    :raise NotFound: no such datacenter.
    """
    dc, dc_props, dc_names = _datacenter(session, datacenter or session.target.datacenter)
    objs = retrieve_mixed(session, dc, _PLAIN_PROPS, _PROPS)
    licenses = _license_features(session)
    hosts = _hosts(session, objs, licenses)
    about = session.content.about
    return Inventory(
        datacenter=dc_props["name"],
        datacenter_id=dc._moId,
        datacenters=tuple(dc_names),
        vcenter_version=str(about.version),
        vcenter_api_type=str(about.apiType),
        compute=build_compute_tree(objs, dc_props["hostFolder"], dc_props["name"], _vch_pools(session, objs)),
        hosts=tuple(hosts),
        datastores=tuple(_datastores(objs, hosts)),
        networks=tuple(_networks(objs, hosts)),
        names_in_use=_names_in_use(objs, dc_props["vmFolder"]),
    )
