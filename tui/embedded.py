"""``vic-tui --embedded``: the simulator, the appliance stand-in and simulated ISOs, for trying the TUI out.

Everything started here is a SIMULATION (see ``sim/``); it stops when the TUI exits.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sim.appliance import ApplianceStandIn
from sim.isos import ensure_isos
from sim.runner import Simulator
from vic_machine.inventory import take_snapshot
from vic_machine.operations.firewall import update_firewall
from vic_machine.target import Target, parse_target
from vic_machine.vsphere.session import connect


@dataclass
class Embedded:
    """A running simulator with its appliance stand-in and ISO images."""

    sim: Simulator
    appliance: ApplianceStandIn
    iso_dir: Path
    isos: tuple[Path, Path]

    @classmethod
    def start(cls, *, esx: bool = False) -> Embedded:
        """Start everything (an ESXi host's simulator with ``esx``); on failure, stop what already started."""
        sim = Simulator.start(esx=esx)
        try:
            appliance = ApplianceStandIn.for_simulator(sim).start()
        except BaseException:
            sim.stop()
            raise
        iso_dir = Path(tempfile.mkdtemp(prefix="vic-tui-isos-"))
        started = cls(sim, appliance, iso_dir, ensure_isos(iso_dir))
        try:
            started.open_firewalls()
        except BaseException:
            started.stop()
            raise
        return started

    def target(self) -> Target:
        """The simulator as a target, its certificate pinned (it is fresh for this run)."""
        return parse_target(f"https://{self.sim.host}:{self.sim.port}", user=self.sim.username,
                            password=self.sim.password, thumbprint=self.sim.thumbprint_sha256, env={})

    def open_firewalls(self) -> None:
        """What ``vic-machine update firewall --allow`` does on a real vCenter, so the demo can create at once."""
        session = connect(self.target())
        try:
            inventory = take_snapshot(session)
            for root in inventory.compute:
                update_firewall(session, inventory, root.id, allow=True)
        finally:
            session.logout()

    def stop(self) -> None:
        self.appliance.stop()
        self.sim.stop()
        shutil.rmtree(self.iso_dir, ignore_errors=True)
