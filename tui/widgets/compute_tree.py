"""The compute tree: clusters, standalone hosts, resource pools and vApps, with their capacity."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Tree

from vic_machine.inventory import ComputeNode, Inventory
from vic_machine.spec.network_model import ManagedObject

from tui.natural import natural_key

_KIND = {"cluster": "cluster", "host": "host", "pool": "pool", "vapp": "vApp"}


def node_label(node: ComputeNode, chosen: bool = False) -> Text:
    if node.holds_vch:
        # A VCH's own resource pool: validation refuses it, so it is shown but cannot be chosen.
        return Text(f"  {node.name}  {_KIND.get(node.kind, node.kind)} of a VCH · not available", style="dim")
    cap = node.capacity
    hosts = f" · {len(node.hosts)} hosts" if node.kind == "cluster" else ""
    text = (f"{node.name}  {_KIND.get(node.kind, node.kind)}{hosts} · "
            f"{cap.cpu_unreserved_mhz / 1000:.1f} GHz · {cap.memory_unreserved_mib / 1024:.1f} GiB free")
    return Text(f"● {text}", style="bold") if chosen else Text(f"  {text}")


class ComputeTree(Tree[ComputeNode]):
    """Enter (or a click) chooses the highlighted node as the VCH's compute resource; the first node is
    highlighted from the start, so Enter works at once."""

    WIDE = True  # its row puts the label above it: node labels need the whole width
    HINT = "Up and Down move; Enter chooses the highlighted one (●)."
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
        self._fill()

    def _fill(self) -> None:
        for root in sorted(self.inventory.compute, key=lambda n: natural_key(n.name)):
            self._add(self.root, root)
        self.root.expand_all()
        found = self._find(self.chosen.id) if self.chosen is not None else None
        self.call_after_refresh(self._place_cursor, found)

    def _place_cursor(self, node: Any) -> None:
        if node is not None:
            self.move_cursor(node)
        elif self.cursor_line < 0 and self.root.children:
            self.cursor_line = 0

    def _add(self, parent: Any, node: ComputeNode) -> None:
        chosen = self.chosen is not None and self.chosen.id == node.id
        if node.children:
            branch = parent.add(node_label(node, chosen), data=node, expand=True)
            for child in sorted(node.children, key=lambda n: natural_key(n.name)):
                self._add(branch, child)
        else:
            parent.add_leaf(node_label(node, chosen), data=node)

    def set_inventory(self, inventory: Inventory) -> None:
        """Rebuild from a newer reading of the inventory, keeping the choice while it still exists."""
        self.inventory = inventory
        if self.chosen is not None:
            self.chosen = next((n for n in inventory.compute_nodes() if n.id == self.chosen.id), None)
        self.clear()
        self._fill()

    def action_select_cursor(self) -> None:
        # Chosen at once, not when the message arrives: Enter then Ctrl-N must check the node just chosen.
        if self.cursor_node is not None and self.choose(self.cursor_node):
            super().action_select_cursor()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if not self.choose(event.node):
            event.stop()

    def choose(self, tree_node: Any) -> bool:
        """Make ``tree_node`` the choice; False, saying why, when it cannot be chosen."""
        node = tree_node.data
        if node is None:
            return False
        if node.holds_vch:
            self.notify(f"{node.name} is the resource pool of a VCH: choose another cluster, host or pool",
                        severity="warning")
            return False
        if self.chosen is not None and self.chosen.id == node.id:
            return True
        if self.chosen is not None:
            previous = self._find(self.chosen.id)
            if previous is not None:
                previous.set_label(node_label(self.chosen))
        self.chosen = node
        tree_node.set_label(node_label(node, chosen=True))
        return True

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
