"""The compute tree: clusters, standalone hosts, resource pools and vApps, with their capacity."""

from __future__ import annotations

from typing import Any

from textual.widgets import Tree

from vic_machine.inventory import ComputeNode, Inventory
from vic_machine.spec.network_model import ManagedObject

_KIND = {"cluster": "cluster", "host": "host", "pool": "pool", "vapp": "vApp"}


def node_label(node: ComputeNode) -> str:
    cap = node.capacity
    hosts = f" · {len(node.hosts)} hosts" if node.kind == "cluster" else ""
    return (f"{node.name}  {_KIND.get(node.kind, node.kind)}{hosts} · "
            f"{cap.cpu_unreserved_mhz / 1000:.1f} GHz · {cap.memory_unreserved_mib / 1024:.1f} GiB free")


class ComputeTree(Tree[ComputeNode]):
    """Enter (or a click) chooses the highlighted node as the VCH's compute resource."""

    DEFAULT_CSS = """
    ComputeTree { height: auto; max-height: 10; }
    """

    def __init__(self, desc: dict, inventory: Inventory, **kwargs: Any) -> None:
        super().__init__(inventory.datacenter, **kwargs)
        self.auto_expand = False
        self.desc = desc
        self.inventory = inventory
        self.chosen: ComputeNode | None = None
        self.show_root = False
        self.guide_depth = 2

    def on_mount(self) -> None:
        for root in self.inventory.compute:
            self._add(self.root, root)
        self.root.expand_all()

    def _add(self, parent: Any, node: ComputeNode) -> None:
        if node.children:
            branch = parent.add(node_label(node), data=node, expand=True)
            for child in node.children:
                self._add(branch, child)
        else:
            parent.add_leaf(node_label(node), data=node)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is None:
            return
        if self.chosen is not None:
            previous = self._find(self.chosen.id)
            if previous is not None:
                previous.set_label(node_label(self.chosen))
        self.chosen = event.node.data
        event.node.set_label(f"● {node_label(self.chosen)}")

    def _find(self, node_id: str) -> Any:
        stack = [self.root]
        while stack:
            current = stack.pop()
            if current.data is not None and current.data.id == node_id:
                return current
            stack.extend(current.children)
        return None

    def host_ids(self) -> set[str]:
        """Hosts of the chosen resource (every host when nothing is chosen yet)."""
        return set(self.chosen.hosts) if self.chosen else {h.id for h in self.inventory.hosts}

    def field_value(self) -> ManagedObject | None:
        if self.chosen is None:
            return None
        return ManagedObject(id=self.chosen.id, name=self.chosen.path)
