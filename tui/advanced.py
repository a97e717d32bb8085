"""Which wizard fields sit under "Advanced", collapsed, as the browser's wizard (and VIC 1.5's) shows them.

The same prefixes as ``plugin_ui/wizard/steps.js``; the core's wizard description carries no such mark yet.
"""

from __future__ import annotations

ADVANCED = ("compute.cpu.reservation", "compute.cpu.shares", "compute.memory.reservation", "compute.memory.shares",
            "compute.affinity", "endpoint.", "network.client.", "network.management.", "registry.image_fetch_proxy",
            "network.container", "network.bridge.network_width", "debug")


def is_advanced(path: str) -> bool:
    return path.startswith(ADVANCED)
