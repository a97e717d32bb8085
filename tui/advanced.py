"""Which wizard fields sit under "Advanced", collapsed, as the browser's wizard (and VIC 1.5) shows them.

The core's wizard description says so (``advanced``); a description without that mark falls back to the browser's
own prefixes (``plugin_ui/wizard/steps.js``).
"""

from __future__ import annotations

ADVANCED = ("compute.cpu.reservation", "compute.cpu.shares", "compute.memory.reservation", "compute.memory.shares",
            "compute.affinity", "endpoint.cpu", "endpoint.memory", "network.client.", "network.management.",
            "registry.image_fetch_proxy", "network.container", "network.bridge.network_width", "debug")


def is_advanced(desc: dict) -> bool:
    """Whether the field of this description belongs under Advanced."""
    marked = desc.get("advanced")
    return bool(marked) if marked is not None else desc["path"].startswith(ADVANCED)
