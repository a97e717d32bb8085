"""``python -m sim.client --vcenter-state STATE [--plugin-url URL --plugin-thumbprint TP] [--release 7.0u2|8.0]``:
run the stand-in.

STATE is the simulator's state file (``python -m sim`` / ``Simulator`` write it). With ``--plugin-url`` the
plug-in is (re)registered first, as the SDK's registration tool would.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from sim.client import start_client
from sim.client.manifest_rules import RELEASES
from plugin_server.registration import register
from sim.client.vcenter import login


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.client", description="Run the vSphere Client stand-in.")
    parser.add_argument("--vcenter-state", required=True, help="the simulator's state JSON file")
    parser.add_argument("--plugin-url", help="register this plugin.json URL first")
    parser.add_argument("--plugin-thumbprint", help="SHA-256 thumbprint of the plug-in server's certificate")
    parser.add_argument("--listen", default="127.0.0.1:0")
    parser.add_argument("--release", choices=sorted(RELEASES), default="8.0",
                        help="whose manifest rules to apply: vSphere Client 8.0 (U3) or 7.0 U2")
    args = parser.parse_args(argv)
    with open(args.vcenter_state, encoding="utf-8") as fh:
        state = json.load(fh)
    host, port, thumbprint = state["host"], int(state["port"]), state["thumbprint_sha256"]
    if args.plugin_url:
        if not args.plugin_thumbprint:
            parser.error("--plugin-url needs --plugin-thumbprint")
        session = login(host, port, thumbprint, state["username"], state["password"])
        try:
            register(session, args.plugin_url, args.plugin_thumbprint, force=True)
        finally:
            session.logout()
    client = start_client(host, port, thumbprint, listen=args.listen, default_user=state["username"],
                          release=args.release)
    print(f"vSphere Client stand-in (not the vSphere Client): {client.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    client.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
