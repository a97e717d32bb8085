"""Helpers shared by tests that talk to the simulator through the core."""

from __future__ import annotations

import socket

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


def pipe(src: socket.socket, dst: socket.socket) -> None:
    """Copy ``src`` to ``dst`` until either closes, then close both ways: one direction of a TCP relay."""
    try:
        while chunk := src.recv(65536):
            dst.sendall(chunk)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
