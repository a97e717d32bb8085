"""Helpers shared by tests that talk to the simulator through the core."""

from __future__ import annotations

from vic_machine.target import Target, parse_target
from vic_machine.vsphere.session import Session, connect


def target_for(sim, datacenter: str = "", **overrides) -> Target:
    """A pinned target for a running simulator."""
    values = dict(user=sim.username, password=sim.password, thumbprint=sim.thumbprint_sha256)
    values.update(overrides)
    url = f"https://{sim.host}:{sim.port}" + (f"/{datacenter}" if datacenter else "")
    return parse_target(url, env={}, **values)


def session_for(sim, datacenter: str = "") -> Session:
    return connect(target_for(sim, datacenter))
