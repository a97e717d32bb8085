"""``python -m sim [--dc N] [--cluster N] ...``: run the simulator in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys

from sim.build import BuildError
from sim.runner import MODEL_FLAGS, Simulator, SimulatorError


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Model size, credentials and listen address, as the simulator's own flags."""
    parser = argparse.ArgumentParser(prog="python -m sim", description="Run the embedded vCenter simulator.")
    helps = {
        "dc": "datacenters",
        "cluster": "clusters per datacenter",
        "host": "hosts per cluster",
        "standalone_host": "standalone hosts per datacenter",
        "vm": "VMs per host",
        "pg": "distributed port groups per datacenter",
        "ds": "datastores per datacenter",
        "no_vic_engine": "hosts of each cluster and standalone host without ruleset vic-engine (vSphere 6.5)",
    }
    for key in MODEL_FLAGS:
        parser.add_argument("--" + key.replace("_", "-"), dest=key, type=int, help=helps[key])
    parser.add_argument("--esx", action="store_true",
                        help="an ESXi host that no vCenter manages (hostd's model: ha-datacenter, one host); "
                             "of the sizes only --vm, --ds and --no-vic-engine apply")
    parser.add_argument("--page-size", dest="page_size", type=int, default=0,
                        help="most objects in one page of a property-collector answer (0: only maxObjects limits)")
    parser.add_argument("--listen", default="127.0.0.1:0", help="address:port (port 0 = any free port)")
    parser.add_argument("--username", default="user")
    parser.add_argument("--password", default="pass")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the simulator, print how to reach it, wait for Ctrl-C or SIGTERM."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    model = {key: getattr(args, key) for key in MODEL_FLAGS if getattr(args, key) is not None}
    try:
        sim = Simulator.start(username=args.username, password=args.password, listen=args.listen,
                              page_size=args.page_size, esx=args.esx, **model)
    except (BuildError, SimulatorError) as exc:
        print(exc, file=sys.stderr)
        return 1
    what = "ESXi host simulator" if args.esx else "vCenter simulator"
    print(f"{what}: {sim.url}  (user {sim.username!r}, password {sim.password!r})")
    print(f"thumbprint SHA-1:   {sim.thumbprint_sha1}")
    print(f"thumbprint SHA-256: {sim.thumbprint_sha256}")
    print(f"fault control:      {sim.control_url}/faults")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
