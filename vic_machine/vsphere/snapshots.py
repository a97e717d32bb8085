"""VM snapshot trees, walked without importing the operations that make snapshots (``ls`` lists leftovers)."""

from __future__ import annotations

from pyVmomi import vim


def walk_snapshots(trees: list[vim.vm.SnapshotTree]) -> list[vim.vm.SnapshotTree]:
    """Every snapshot of the tree, oldest first (by creation time)."""
    out: list = []
    stack = list(trees)
    while stack:
        tree = stack.pop()
        out.append(tree)
        stack.extend(tree.childSnapshotList or [])
    return sorted(out, key=lambda t: (t.createTime, t.id))
