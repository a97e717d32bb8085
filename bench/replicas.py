"""List throughput of one plug-in server replica against two, both behind HAProxy (deploy/haproxy.cfg).

A simulator holding 12 VCHs; each replica is ``vic-plugin serve`` with 1 worker and 8 threads (one core's worth).
For each setup, ``--clients`` clients in a bounded closed loop (each sends its next ``GET …/vch`` when its last one
is answered, on a keep-alive connection of its own, which HAProxy pins to one replica) for ``--seconds``: requests
per second, latency percentiles and errors, side by side, then the ratio. Both setups go through HAProxy, so the
ratio is the replicas' alone.

Target (issue 20): two replicas answer at least 1.5× the lists of one (2 cores here: the simulator, HAProxy and
the clients share them with the replicas).

Run: ``.venv/bin/python bench/replicas.py [--clients 16] [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import machine_load, print_table, run, seconds, session_for, simulator, target
from server import Client

from deploy.replicas import Balancer, Replica
from plugin_server.tls import ensure_certificate
from sim.isos import ensure_isos

HERE = Path(__file__).resolve().parent
VCHS = 12
WANTED = 1.5


def load(port: int, sim, path: str, clients: int, duration: float) -> tuple[list[float], int, float]:
    """Latencies of every answered request, the errors, and the elapsed time."""
    took: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client() -> None:
        mine = Client(port, sim)
        while time.monotonic() < stop:
            status, seconds_taken = mine.get(path)
            with lock:
                if status == 200:
                    took.append(seconds_taken)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return took, errors[0], time.perf_counter() - began


def measure(sim, isos: Path, scratch: Path, count: int, options) -> list:
    folder = scratch / f"{count}-replicas"
    folder.mkdir()
    cert, key = ensure_certificate(scratch / "tls", ["127.0.0.1"])
    vcenter = f"{sim.host}:{sim.port}={sim.thumbprint_sha256}"
    replicas = [Replica(f"r{i}", vcenter, cert, key, folder, "--iso-dir", str(isos), "--workers", "1",
                        "--threads", "8") for i in range(1, count + 1)]
    balancer = None
    try:
        balancer = Balancer(replicas, folder)
        path = f"/container/target/{sim.host}:{sim.port}/vch"
        warm = [Client(balancer.port, sim) for _ in range(count)]
        for client in warm:  # each replica logs in once before the clock starts
            if client.get(path)[0] != 200:
                raise RuntimeError(f"GET {path} did not answer 200")
        print(f"{count} replica(s): {options.clients} clients for {options.seconds:.0f} s …", flush=True)
        took, errors, elapsed = load(balancer.port, sim, path, options.clients, options.seconds)
    finally:
        if balancer is not None:
            balancer.stop()
        for replica in replicas:
            replica.stop(15)
    ordered = sorted(took) or [0.0]

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return [f"{count} × (1 worker × 8 threads)", f"{len(took):,}", f"{len(took) / elapsed:.1f}",
            seconds(statistics.median(ordered)), seconds(pct(0.95)), seconds(pct(0.99)), str(errors),
            len(took) / elapsed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    options = parser.parse_args(argv)
    print(f"Machine: {machine_load()}", flush=True)
    sys.path.insert(0, str(HERE))
    from ls import make_vchs  # bench/ls.py: VCHs as VIC 1.5 marks them, on plain VMs

    with simulator(vm=4) as started, tempfile.TemporaryDirectory() as scratch:
        sim = started.sim
        session = session_for(sim)
        make_vchs(session, VCHS)
        session.logout()
        isos = ensure_isos(Path(scratch) / "isos")[0].parent
        rows = [measure(sim, isos, Path(scratch), count, options) for count in (1, 2)]
    ratio = rows[1][-1] / rows[0][-1] if rows[0][-1] else 0.0
    print_table(["replicas behind HAProxy", "lists", "lists/s", "p50", "p95", "p99", "errors"],
                [r[:-1] for r in rows],
                title=f"GET …/vch of {VCHS} VCHs, {options.clients} clients, {options.seconds:.0f} s each: "
                      f"2 replicas answer {ratio:.2f}× the lists of 1")
    print(f"Machine after: {machine_load()}")
    target("lists/s of 2 replicas / 1 replica, behind HAProxy", f"{ratio:.2f}×", f"≥ {WANTED}×", ratio >= WANTED)
    errors = int(rows[0][6]) + int(rows[1][6])
    target("replica errors", str(errors), "0", errors == 0)
    return 0


if __name__ == "__main__":
    run(main)
