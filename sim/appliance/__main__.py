"""``python -m sim.appliance --state FILE`` (or ``--url/--username/--password``): the stand-in in the foreground."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path

from sim.appliance.watcher import ApplianceStandIn


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Where the simulator is: its state file, or its URL and credentials."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.appliance",
        description="Play the guest side of every VCH on a vCenter simulator (a simulation, not VIC's appliance).",
    )
    parser.add_argument("--state", type=Path, help="the simulator's state file (vcsim -state)")
    parser.add_argument("--url", help="https://127.0.0.1:PORT/sdk")
    parser.add_argument("--username", default="user")
    parser.add_argument("--password", default="pass")
    parser.add_argument("--thumbprint", default="", help="SHA-256 thumbprint to pin (AA:BB:...)")
    parser.add_argument("--delay", type=float, default=0.5, help="seconds from power-on to 'booted' (0.5)")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    if args.state is None and args.url is None:
        parser.error("give --state FILE or --url")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run until Ctrl-C or SIGTERM; exit 1 if the simulator cannot be reached or goes away."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO, format="%(asctime)s %(message)s")
    url, username, password, thumbprint = args.url, args.username, args.password, args.thumbprint
    if args.state is not None:
        state = json.loads(args.state.read_text())
        url, username, password = state["url"], state["username"], state["password"]
        thumbprint = state.get("thumbprint_sha256", "")
    appliance = ApplianceStandIn(url, username, password, thumbprint, boot_delay=args.delay)
    try:
        appliance.start()
    except Exception as exc:  # noqa: BLE001 - one line for the user, not a stack trace
        print(f"cannot follow {url}: {exc}", file=sys.stderr)
        return 1
    print(f"VCH appliance stand-in (simulation) following {url}; Ctrl-C stops", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while appliance.running:
            appliance.wait(0.5)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        appliance.stop()
    return 1 if appliance.error is not None else 0


if __name__ == "__main__":
    sys.exit(main())
