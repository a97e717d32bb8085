"""What the stand-in reads from vCenter: the user's login, the inventory tree, our registered extension.

Everything goes through the user's own SOAP session (pinned by the vCenter's thumbprint); the inventory is
one property-collector read, whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyVmomi import vim

from vic_machine.target import Target
from vic_machine.vsphere.collector import retrieve, retrieve_objects
from vic_machine.vsphere.session import Session, connect

# Types shown in the tree, and the properties needed to place each one.
_TREE_PROPS = {
    vim.Datacenter: ["name", "parent", "hostFolder"],
    vim.Folder: ["name", "parent"],
    vim.ClusterComputeResource: ["name", "parent", "resourcePool"],
    vim.ComputeResource: ["name", "parent", "resourcePool", "host"],
    vim.HostSystem: ["name", "parent"],
    vim.ResourcePool: ["name", "parent"],
    vim.VirtualMachine: ["name", "resourcePool", "runtime.powerState", "config.template"],
}


@dataclass
class Node:
    """One object of the Hosts and Clusters tree."""

    type: str
    id: str
    name: str
    children: list["Node"] = field(default_factory=list)
    power_state: str = ""


@dataclass
class Registration:
    """Our extension as vCenter holds it: the manifest URL and the thumbprint it must be served with."""

    key: str
    version: str
    label: str
    manifest_url: str
    thumbprint: str


def login(host: str, port: int, thumbprint: str, user: str, password: str) -> Session:
    """Log the user in over SOAP; the session cookie becomes the views' session token."""
    return connect(Target(host=host, port=port, user=user, password=password, thumbprint=thumbprint))


def resume(host: str, port: int, thumbprint: str, session_id: str) -> Session:
    """Reattach to a logged-in SOAP session by its cookie value."""
    return connect(Target(host=host, port=port, thumbprint=thumbprint), session_id=session_id)


def _id(ref) -> str:
    return ref._moId if ref is not None else ""


def inventory_tree(session: Session) -> list[Node]:
    """Datacenters → clusters / standalone hosts → hosts, resource pools → VMs, from one bulk read."""
    found = retrieve(session.content, session.content.rootFolder, _TREE_PROPS)
    props = {_id(ref): (ref, values) for ref, values in found.items()}
    nodes = {moid: Node(type(ref).__name__.split(".")[-1], moid, values.get("name", moid))
             for moid, (ref, values) in props.items()}
    by_parent: dict[str, list[str]] = {}
    for moid, (_, values) in props.items():
        by_parent.setdefault(_id(values.get("parent")), []).append(moid)
    vms_by_pool: dict[str, list[str]] = {}
    for moid, (ref, values) in props.items():
        if isinstance(ref, vim.VirtualMachine) and not values.get("config.template"):
            nodes[moid].power_state = str(values.get("runtime.powerState", ""))
            vms_by_pool.setdefault(_id(values.get("resourcePool")), []).append(moid)

    def pool_children(pool: str) -> list[Node]:
        pools = [m for m in by_parent.get(pool, []) if isinstance(props[m][0], vim.ResourcePool)]
        out = []
        for child in pools:
            nodes[child].children = pool_children(child)
            out.append(nodes[child])
        return out + [nodes[v] for v in sorted(vms_by_pool.get(pool, []), key=lambda m: nodes[m].name)]

    def compute_under(folder: str) -> list[Node]:
        out = []
        for moid in by_parent.get(folder, []):
            ref, values = props[moid]
            if isinstance(ref, vim.Folder):
                out.extend(compute_under(moid))
            elif isinstance(ref, vim.ClusterComputeResource):
                hosts = [nodes[h] for h in by_parent.get(moid, []) if isinstance(props[h][0], vim.HostSystem)]
                nodes[moid].children = hosts + pool_children(_id(values.get("resourcePool")))
                out.append(nodes[moid])
            elif isinstance(ref, vim.ComputeResource):
                host_ids = [_id(h) for h in values.get("host") or []]
                if host_ids and host_ids[0] in nodes:
                    host = nodes[host_ids[0]]
                    host.children = pool_children(_id(values.get("resourcePool")))
                    out.append(host)
        return sorted(out, key=lambda n: n.name)

    datacenters = []
    for moid, (ref, values) in props.items():
        if isinstance(ref, vim.Datacenter):
            nodes[moid].children = compute_under(_id(values.get("hostFolder")))
            datacenters.append(nodes[moid])
    return sorted(datacenters, key=lambda n: n.name)


def object_summary(session: Session, kind: str, moid: str) -> dict[str, str]:
    """A few properties of one object, for its page (name, and power state and host for VMs)."""
    cls = getattr(vim, kind, None)
    if cls is None or not issubclass(cls, vim.ManagedEntity):
        raise KeyError(kind)
    paths = ["name", "runtime.powerState", "summary.config.guestFullName"] if cls is vim.VirtualMachine \
        else ["name"]
    values = retrieve_objects(session.content, [cls(moid, session.stub)], paths)
    found = next(iter(values.values()), None)
    if found is None:
        raise KeyError(moid)
    return {key: str(value) for key, value in found.items()}


def find_registration(session: Session, key: str) -> Registration | None:
    """Our remote plug-in's registration (client ``vsphere-client-remote``, server ``MANIFEST_SERVER``)."""
    extension = session.content.extensionManager.FindExtension(extensionKey=key)
    if extension is None:
        return None
    client = next((c for c in extension.client or [] if c.type == "vsphere-client-remote"), None)
    server = next((s for s in extension.server or [] if s.type in ("MANIFEST_SERVER", "HTTPS")), None)
    if client is None or server is None:
        return None
    return Registration(key=key, version=extension.version or "", label=extension.description.label,
                        manifest_url=client.url, thumbprint=server.serverThumbprint or "")
