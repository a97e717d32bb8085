"""Assemble the compute tree (clusters, standalone hosts, nested pools and vApps) from one bulk read."""

from __future__ import annotations

from pyVmomi import vim

from vic_machine.inventory.model import Capacity, ComputeNode

MIB = 1024 * 1024


def _capacity(runtime) -> Capacity:
    if runtime is None:
        return Capacity()
    return Capacity(
        cpu_max_mhz=int(runtime.cpu.maxUsage or 0),
        cpu_unreserved_mhz=int(runtime.cpu.unreservedForPool or 0),
        memory_max_mib=int(runtime.memory.maxUsage or 0) // MIB,
        memory_unreserved_mib=int(runtime.memory.unreservedForPool or 0) // MIB,
    )


def _folder_path(obj, objs: dict, host_folder, dc_name: str) -> str:
    parts = []
    parent = objs.get(obj, {}).get("parent")
    while parent is not None and parent != host_folder:
        props = objs.get(parent)
        if props is None:
            break
        parts.append(props["name"])
        parent = props.get("parent")
    return "/".join([f"/{dc_name}/host", *reversed(parts)])


def _pool_children(parent, objs: dict, children_of: dict, prefix: str, hosts: tuple[str, ...],
                   vch_pools: set[str]) -> tuple[ComputeNode, ...]:
    nodes = []
    for pool in children_of.get(parent, []):
        p = objs[pool]
        path = f"{prefix}/{p['name']}"
        nodes.append(ComputeNode(
            id=pool._moId, kind="vapp" if isinstance(pool, vim.VirtualApp) else "pool", name=p["name"],
            path=path, pool=pool._moId, capacity=_capacity(p.get("runtime")), holds_vch=pool._moId in vch_pools, hosts=hosts,
            children=_pool_children(pool, objs, children_of, path, hosts, vch_pools)))
    return tuple(sorted(nodes, key=lambda n: n.name))


def build_compute_tree(objs: dict, host_folder, dc_name: str, vch_pools: set[str]) -> tuple[ComputeNode, ...]:
    """Clusters and standalone hosts of the datacenter, each with its pools and vApps nested below it."""
    children_of: dict[object, list] = {}
    for obj, p in objs.items():
        if isinstance(obj, vim.ResourcePool):
            children_of.setdefault(p.get("parent"), []).append(obj)
    roots = []
    for cr, p in objs.items():
        if not isinstance(cr, vim.ComputeResource):
            continue
        path = f"{_folder_path(cr, objs, host_folder, dc_name)}/{p['name']}"
        hosts = tuple(sorted(h._moId for h in p.get("host", [])))
        root_pool = p.get("resourcePool")
        capacity = _capacity(objs.get(root_pool, {}).get("runtime"))
        pool_id = root_pool._moId if root_pool is not None else ""
        pools = _pool_children(root_pool, objs, children_of, f"{path}/Resources", hosts, vch_pools)
        if isinstance(cr, vim.ClusterComputeResource):
            config = p.get("configurationEx")
            drs = bool(config and config.drsConfig and config.drsConfig.enabled)
            groups = tuple(sorted(g.name for g in (config.group if config else []) or []
                                  if isinstance(g, vim.cluster.VmGroup)))
            roots.append(ComputeNode(id=cr._moId, kind="cluster", name=p["name"], path=path, pool=pool_id,
                                     capacity=capacity, drs_enabled=drs, hosts=hosts, vm_groups=groups, children=pools,
                                     aliases=(pool_id,) if pool_id else ()))
        else:
            # A standalone host is shown as the host itself, not its wrapping compute resource.
            host_id = hosts[0] if hosts else cr._moId
            roots.append(ComputeNode(id=host_id, kind="host", name=p["name"], path=path, pool=pool_id,
                                     capacity=capacity, hosts=hosts, children=pools,
                                     aliases=tuple(i for i in (cr._moId, pool_id) if i and i != host_id)))
    return tuple(sorted(roots, key=lambda n: n.path))
