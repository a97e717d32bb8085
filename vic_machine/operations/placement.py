"""Resolve where a VCH goes: the spec's names matched against the inventory snapshot, plus the few vSphere
objects create needs (datacenter folder, parent pool, cluster, NIC backings). A constant number of round trips."""

from __future__ import annotations

from dataclasses import dataclass

from pyVmomi import vim

from vic_machine.errors import NotFound
from vic_machine.esxi.defaults import bridge_to_create
from vic_machine.inventory import ComputeNode, Inventory
from vic_machine.operations.vch_config_builder import BRIDGE, ROLES, NetworkRef, Placement
from vic_machine.spec.model import VchSpec
from vic_machine.validate.context import Context, datastore_name
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.vm_spec import NicBacking

# The bridge's reference until create made it (never written to a VCH: the bridge step replaces it first).
PENDING = "pending:"
_REF_TYPES = {"standard": ("Network", vim.Network), "distributed": ("DistributedVirtualPortgroup",
                                                                    vim.dvs.DistributedVirtualPortgroup),
              "opaque": ("OpaqueNetwork", vim.OpaqueNetwork)}


@dataclass
class Resolved:
    """What create needs to know about the target beyond the pure ``Placement``."""

    placement: Placement
    datacenter: vim.Datacenter
    vm_folder: vim.Folder
    parent_pool: vim.ResourcePool
    compute: ComputeNode
    cluster: vim.ClusterComputeResource | None
    create_pool: bool  # False on a cluster without DRS: vSphere refuses child pools there
    backings: dict[str, NicBacking]  # port group ref → NIC backing
    # On an ESXi host: the bridge network create makes (a switch and port group of that name), "" for none.
    bridge_to_create: str = ""
    esxi: bool = False

    @property
    def host(self) -> vim.HostSystem | None:
        """The host of a standalone compute resource (an ESXi host's only one), None for a cluster."""
        if self.cluster is not None or not self.compute.hosts:
            return None
        return vim.HostSystem(self.compute.hosts[0], self.parent_pool._stub)


def _root_of(inventory: Inventory, node: ComputeNode) -> ComputeNode:
    for root in inventory.compute:
        if any(n.id == node.id for n in root.walk()):
            return root
    return node


def _network(session: Session, ctx: Context, name: str, what: str):
    found = ctx.inventory.networks_named(name)
    if not found:
        raise NotFound(f"{what} {name!r} not found in datacenter {ctx.inventory.datacenter}")
    net = found[0]
    type_name, cls = _REF_TYPES[net.kind]
    return NetworkRef(ref=f"{type_name}:{net.id}", name=net.name), cls(net.id, session.stub), net


def resolve(session: Session, spec: VchSpec, inventory: Inventory) -> Resolved:
    """Match the (validated) spec to the inventory.

    :raise NotFound: something validation accepted has gone in between.
    """
    ctx = Context(spec, inventory)
    node = ctx.compute
    if node is None:
        raise NotFound("The compute resource is gone", obj=spec.compute.resource.display()
                       if spec.compute.resource else "")
    root = _root_of(inventory, node)
    stub = session.stub
    dc = vim.Datacenter(inventory.datacenter_id, stub)
    vm_folder = retrieve_objects(session.content, [dc], ["vmFolder"])[dc]["vmFolder"]

    refs: dict[str, NetworkRef] = {}
    objs: dict[str, tuple] = {}
    new_bridge = bridge_to_create(spec, inventory)
    for role in (*ROLES, BRIDGE):
        if role == BRIDGE and new_bridge:
            # Not there yet: create's bridge step makes it and puts its reference in place of this one.
            refs[role] = NetworkRef(ref=f"{PENDING}{new_bridge}", name=new_bridge)
            continue
        mo = spec.network.port_group_of(role) if role != BRIDGE else spec.network.bridge.port_group
        ref, obj, net = _network(session, ctx, mo.id or mo.name, f"{role.capitalize()} network")
        refs[role] = ref
        objs[ref.ref] = (obj, net)
    containers: dict[str, NetworkRef] = {}
    for cn in spec.network.container:
        if cn.port_group is not None:
            ref, _, _ = _network(session, ctx, cn.port_group.id or cn.port_group.name, "Container network")
            containers[cn.port_group.display()] = ref

    backings = _backings(session, objs)
    image = spec.storage.image_stores[0]
    image_ds = datastore_name(image)
    rest = image[5:] if image.startswith("ds://") else image
    image_path = rest.split("]", 1)[1].strip() if rest.startswith("[") else rest.partition("/")[2]
    target = session.target
    creds = spec.endpoint.operations_credentials
    placement = Placement(
        datacenter=inventory.datacenter, compute_path=root.path,
        parent_pool_path=node.path if node.kind in ("pool", "vapp") else f"{node.path}/Resources",
        image_datastore=image_ds, image_path=image_path.strip("/"), networks=refs, container_networks=containers,
        target_url=f"https://{target.host}" + (f":{target.port}" if target.port != 443 else ""),
        username=creds.user or target.user, password=creds.password or target.password,
        thumbprint_sha1=session.thumbprint_sha1, target_display=target.display)
    cluster = vim.ClusterComputeResource(root.id, stub) if root.kind == "cluster" else None
    return Resolved(placement=placement, datacenter=dc, vm_folder=vm_folder,
                    parent_pool=vim.ResourcePool(node.pool, stub), compute=node, cluster=cluster,
                    create_pool=not (root.kind == "cluster" and not root.drs_enabled), backings=backings,
                    bridge_to_create=new_bridge, esxi=inventory.esxi)


def _backings(session: Session, objs: dict[str, tuple]) -> dict[str, NicBacking]:
    pgs = [obj for obj, net in objs.values() if net.kind == "distributed"]
    pg_props = retrieve_objects(session.content, pgs, ["key", "config.distributedVirtualSwitch"]) if pgs else {}
    switches = [p["config.distributedVirtualSwitch"] for p in pg_props.values()]
    uuids = {sw: p.get("uuid", "") for sw, p in
             (retrieve_objects(session.content, switches, ["uuid"]).items() if switches else [])}
    out = {}
    for ref, (obj, net) in objs.items():
        if net.kind == "distributed":
            props = pg_props[obj]
            out[ref] = NicBacking(network=obj, name=net.name, portgroup_key=props["key"],
                                  switch_uuid=uuids.get(props["config.distributedVirtualSwitch"], ""))
        else:
            out[ref] = NicBacking(network=obj, name=net.name)
    return out
