"""How long the TUI takes from start to its first screen with data, next to ``vic-machine ls`` on the same target.

Both run in this process against one simulator holding a few VCHs (imports are warm for both): the CLI through
click's runner, the TUI headless through Textual's ``run_test`` until the VCH list shows its rows. The TUI also
logs in and reads the appliance ISO's version, as ``ls`` does.

Then, on 200 hosts, 5,025 VMs, 50 port groups and 20 datastores: from ``n`` (New VCH) on the VCH list to the
wizard's first step shown with its data (the inventory read, the step's fields mounted). Target (issue 17): ≤ 2 s.

    .venv/bin/python bench/tui.py [--vchs 3] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import machine_load, print_table, ratio, seconds, session_for, simulator
from common import target as report_target
from click.testing import CliRunner

from sim.appliance import ApplianceStandIn
from sim.isos import ensure_isos
from tui.app import VicTui
from tui.backend import Backend
from tui.known_hosts import KnownHosts
from tui.screens.vch_list import VchListScreen
from vic_machine.cli.main import cli
from vic_machine.iso import check_isos
from vic_machine.operations.create import create
from vic_machine.operations.firewall import update_firewall
from vic_machine.inventory import take_snapshot
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject
from vic_machine.target import Target, parse_target


def populate(sim, isos, count: int) -> None:
    """``count`` VCHs on the simulator's cluster, as a user would have them."""
    session = session_for(sim)
    try:
        inventory = take_snapshot(session)
        update_firewall(session, inventory, "DC0_C0", allow=True)
        checked = check_isos(*isos)
        for index in range(count):
            spec = VchSpec(name=f"bench-vch-{index}")
            spec.compute.resource = ManagedObject(name="DC0_C0")
            spec.storage.image_stores = ["LocalDS_0"]
            spec.network.bridge.port_group = ManagedObject(name="DC0_DVPG0")
            create(session, spec, isos=checked, timeout=30)
    finally:
        session.logout()


def time_cli(target: Target, isos) -> float:
    args = ["ls", "--target", f"{target.host}:{target.port}", "--user", target.user, "--password", target.password,
            "--thumbprint", target.thumbprint]
    began = time.perf_counter()
    result = CliRunner().invoke(cli, args, env={"VIC_ISO_DIR": str(isos[0].parent)})
    elapsed = time.perf_counter() - began
    if result.exit_code != 0:
        raise SystemExit(f"vic-machine ls failed: {result.output}")
    return elapsed


async def _tui_once(target: Target, isos, config: Path, expected: int) -> float:
    began = time.perf_counter()
    app = VicTui(target, auto_connect=True, known_hosts=KnownHosts(config / "known_hosts"),
                 open_backend=lambda t: Backend.connect(t, isos=isos, cert_root=config / "certs"))
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, VchListScreen) and len(app.screen.rows) >= expected
                   and app.screen.query_one("#vchs").row_count >= expected):
            if time.perf_counter() - began > 60:
                raise SystemExit("the TUI did not show the VCH list within 60 s")
            await pilot.pause(0.005)
        elapsed = time.perf_counter() - began
        await pilot.pause(0.2)  # let the screen finish mounting before the app is torn down
    return elapsed


WIZARD_MODEL = dict(cluster=10, host=20, vm=25, pg=50, ds=20)
WIZARD_TARGET = 2.0


async def _wizard_once(target: Target, isos, config: Path) -> float:
    """Seconds from ``n`` on the VCH list to the wizard's first step with its fields."""
    from tui.screens.wizard import WizardScreen
    from tui.widgets.step_form import StepForm

    app = VicTui(target, auto_connect=True, known_hosts=KnownHosts(config / "known_hosts"),
                 open_backend=lambda t: Backend.connect(t, isos=isos, cert_root=config / "certs"))
    async with app.run_test(size=(120, 40)) as pilot:
        began = time.perf_counter()
        while not (isinstance(app.screen, VchListScreen) and app.screen.query("#vchs")):
            if time.perf_counter() - began > 120:
                raise SystemExit("the TUI did not show the VCH list within 120 s")
            await pilot.pause(0.01)
        await pilot.pause(0.2)  # the list's own read settles
        await pilot.press("n")
        began = time.perf_counter()
        while not (isinstance(app.screen, WizardScreen) and any(f.children for f in app.screen.query(StepForm))):
            if time.perf_counter() - began > 120:
                raise SystemExit("the wizard did not open within 120 s")
            await pilot.pause(0.005)
        elapsed = time.perf_counter() - began
        await pilot.pause(0.2)  # let the screen finish mounting before the app is torn down
    return elapsed


def wizard(runs: int) -> float:
    with simulator(**WIZARD_MODEL) as started, tempfile.TemporaryDirectory() as scratch:
        sim = started.sim
        print(f"[wizard] simulator of 5,025 VMs started in {seconds(started.start_seconds)}", flush=True)
        isos = ensure_isos(Path(scratch) / "isos")
        tgt = parse_target(f"https://{sim.host}:{sim.port}", user=sim.username, password=sim.password,
                           thumbprint=sim.thumbprint_sha256, env={})
        times = [asyncio.run(_wizard_once(tgt, isos, Path(scratch))) for _ in range(runs)]
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vchs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    print(f"Machine: {machine_load()}", flush=True)
    with simulator() as started, tempfile.TemporaryDirectory() as scratch:
        sim = started.sim
        isos = ensure_isos(Path(scratch) / "isos")
        stand_in = ApplianceStandIn.for_simulator(sim, boot_delay=0.1).start()
        try:
            populate(sim, isos, options.vchs)
            target = parse_target(f"https://{sim.host}:{sim.port}", user=sim.username, password=sim.password,
                                  thumbprint=sim.thumbprint_sha256, env={})
            time_cli(target, isos)  # warm-up
            asyncio.run(_tui_once(target, isos, Path(scratch), options.vchs))
            cli_times = [time_cli(target, isos) for _ in range(options.runs)]
            tui_times = [asyncio.run(_tui_once(target, isos, Path(scratch), options.vchs))
                         for _ in range(options.runs)]
        finally:
            stand_in.stop()
    cli_median, tui_median = statistics.median(cli_times), statistics.median(tui_times)
    print_table(["what", "median", f"of {options.runs} runs"],
                [("vic-machine ls (log in, list, print)", seconds(cli_median), ""),
                 ("vic-tui: start to VCH list with rows", seconds(tui_median), "")],
                title=f"{options.vchs} VCHs on the simulator")
    print(f"TUI / ls: {ratio(tui_median, cli_median)} (the TUI's first screen takes that many times ls's time)")
    opened = wizard(max(1, min(options.runs, 3)))
    print(f"TUI wizard on 200 hosts, 5,025 VMs, 50 port groups, 20 datastores: {seconds(opened)} from 'n' to the "
          "first step with its data")
    report_target("TUI: New VCH to the wizard's first step with data, 5,025 VMs", seconds(opened),
           f"≤ {WIZARD_TARGET:.0f} s", opened <= WIZARD_TARGET)
    print(f"Machine after: {machine_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
