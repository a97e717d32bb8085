"""The plug-in server under load: 50 concurrent clients listing VCHs and reading the inventory, against one client.

``vic-plugin serve`` (gunicorn, HTTPS, loopback only) on a simulator holding 12 VCHs. One client first: each
request in turn, alternately ``GET …/vch`` and ``GET …/inventory``, median per route. Then 50 clients in a bounded
closed loop (each sends its next request when its last one is answered) for the given time; latency percentiles
per route and errors. What one list costs is printed too: the SOAP requests vCenter got per list (counted by the
simulator's fault control, delay-only rules), and what of it were session checks (SessionManager reads).

Target (issue 17): p99 of the 50 clients ≤ 10× the single client's median, and no error.

Run: ``.venv/bin/python bench/server.py [--clients 50] [--seconds 60]``.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import machine_load, print_table, run, seconds, session_for, settle, simulator, target

from sim.isos import ensure_isos

HERE = Path(__file__).resolve().parent
VIC_PLUGIN = Path(sys.executable).parent / "vic-plugin"
TARGET = 10.0
VCHS = 12
COUNTED = ["RetrievePropertiesEx", "ContinueRetrievePropertiesEx", "RetrieveProperties", "CreateContainerView",
           "DestroyView", "Fetch", "Login", "CloneSession", "RetrieveServiceContent", "HasPrivilegeOnEntities",
           "FetchUserPrivilegeOnEntities", "RetrieveUserGroups", "SessionIsActive"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive HTTPS connection to the server, with the simulator user's basic credentials."""

    CONTEXT = ssl._create_unverified_context()  # noqa: S323 - the server's own fresh certificate, loopback

    def __init__(self, port: int, sim) -> None:
        self.port = port
        token = base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
        self.conn = None

    def get(self, path: str) -> tuple[int, float]:
        began = time.perf_counter()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.CONTEXT,
                                                            timeout=120)
                self.conn.request("GET", path, headers=self.headers)
                answer = self.conn.getresponse()
                answer.read()
                return answer.status, time.perf_counter() - began
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 2:
                    return 0, time.perf_counter() - began
        return 0, time.perf_counter() - began


def serve(sim, isos: Path, state: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    log = (state / "server.log").open("w")
    process = subprocess.Popen(
        [str(VIC_PLUGIN), "serve", "--bind", f"127.0.0.1:{port}", "--state-dir", str(state),
         "--vcenter", f"{sim.host}:{sim.port}={sim.thumbprint_sha256}", "--iso-dir", str(isos)],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    probe = Client(port, sim)
    while probe.get("/container/hello")[0] != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"vic-plugin serve did not answer: {(state / 'server.log').read_text()[-1000:]}")
        time.sleep(0.2)
    return process, port


def counts(sim) -> dict[str, int]:
    return {r["method"]: r["hits"] for r in sim.faults.list()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--single", type=int, default=20, help="requests of the single client")
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
        process, port = serve(sim, isos, Path(scratch))
        try:
            where = f"/container/target/{sim.host}:{sim.port}"
            routes = {"list VCHs": f"{where}/vch", "inventory": f"{where}/inventory"}
            one = Client(port, sim)
            for path in routes.values():  # log in, warm up
                status, _ = one.get(path)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}")
            print(f"Before the single client: {settle()}", flush=True)
            for method in COUNTED:
                sim.faults.delay(method, 0, count=0)  # delay-only rules: count the SOAP requests
            single: dict[str, list[float]] = {name: [] for name in routes}
            for index in range(options.single):
                name = list(routes)[index % 2]
                status, took = one.get(routes[name])
                if status != 200:
                    raise RuntimeError(f"GET {routes[name]} answered {status}")
                single[name].append(took)
            per_list = counts(sim)
            sim.faults.reset()
            cost = {m: n / options.single for m, n in per_list.items() if n}

            results: dict[str, list[float]] = {name: [] for name in routes}
            errors: list[str] = []
            lock = threading.Lock()
            stop = time.monotonic() + options.seconds

            def client(number: int) -> None:
                mine = Client(port, sim)
                index = number
                while time.monotonic() < stop:
                    name = list(routes)[index % 2]
                    index += 1
                    status, took = mine.get(routes[name])
                    with lock:
                        results[name].append(took)
                        if status != 200:
                            errors.append(f"{name}: {status}")

            print(f"{options.clients} clients for {options.seconds:.0f} s ({settle()} before) …", flush=True)
            threads = [threading.Thread(target=client, args=(n,)) for n in range(options.clients)]
            began = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - began
        finally:
            process.terminate()
            process.wait(15)

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    rows = []
    for name in routes:
        got = results[name]
        rows.append([name, seconds(statistics.median(single[name])), f"{len(got):,}", seconds(pct(got, 0.5)),
                     seconds(pct(got, 0.95)), seconds(pct(got, 0.99)),
                     f"{pct(got, 0.99) / statistics.median(single[name]):.1f}×"])
    print_table(["route", "1 client: median", f"{options.clients} clients: requests", "p50", "p95", "p99",
                 "p99 / 1-client median"], rows,
                title=f"vic-plugin serve, {VCHS} VCHs; {options.clients} clients for {elapsed:.0f} s "
                      f"({sum(len(v) for v in results.values()) / elapsed:.1f} requests/s), {len(errors)} errors")
    print("vCenter requests per plug-in request (single client, both routes alike): "
          + ", ".join(f"{m} {n:.2f}" for m, n in sorted(cost.items())))
    print(f"Machine after: {machine_load()}")
    for name in routes:
        ratio_99 = pct(results[name], 0.99) / statistics.median(single[name])
        target(f"server p99 / single-client median, {name}, {options.clients} clients",
               f"{ratio_99:.1f}×", f"≤ {TARGET:.0f}×", ratio_99 <= TARGET)
    target(f"server errors, {options.clients} clients", str(len(errors)), "0", not errors)
    return 0


if __name__ == "__main__":
    run(main)
