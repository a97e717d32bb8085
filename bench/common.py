"""Helpers shared by the benchmarks: a simulator of a given model, a counted session, timing, a table.

Benchmarks are scripts, not tests: they print what they measured and exit non-zero only when they could not
measure (the simulator did not start, a read failed, the two sides of a comparison disagree on the data).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as `python bench/x.py`, only bench/ is on the path; the project root holds sim/ and the core.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.runner import Simulator  # noqa: E402 - after the path fix above
from vic_machine.target import parse_target  # noqa: E402
from vic_machine.vsphere.session import Session, connect  # noqa: E402

# Start-up of a simulator grows with its model (5,000 VMs take several seconds).
SIM_START_TIMEOUT = 300.0


@dataclass(frozen=True)
class Started:
    """A running simulator and how long it took to start."""

    sim: Simulator
    start_seconds: float


@contextmanager
def simulator(**model: int) -> Iterator[Started]:
    """Start a simulator of ``model`` (keywords of :meth:`Simulator.start`), stop it on leaving."""
    began = time.perf_counter()
    sim = Simulator.start(timeout=SIM_START_TIMEOUT, **model)
    try:
        yield Started(sim, time.perf_counter() - began)
    finally:
        sim.stop()


def session_for(sim: Simulator, datacenter: str = "") -> Session:
    """A logged-in core session on ``sim``, certificate pinned, round trips counted."""
    url = f"https://{sim.host}:{sim.port}" + (f"/{datacenter}" if datacenter else "")
    target = parse_target(url, user=sim.username, password=sim.password,
                          thumbprint=sim.thumbprint_sha256, env={})
    return connect(target)


@dataclass(frozen=True)
class Measurement:
    """Wall times of several runs of one operation and the round trips each run made."""

    seconds: tuple[float, ...]
    round_trips: tuple[int, ...]
    result: Any = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def trips(self) -> int:
        """Round trips of one run (the median, should runs differ)."""
        return int(statistics.median(self.round_trips))


def measure(session: Session, operation: Callable[[], Any], runs: int, warmup: int = 0) -> Measurement:
    """Run ``operation`` ``warmup`` + ``runs`` times; time and count the round trips of the last ``runs``.

    :return: the measurement, with the last run's result kept for checks.
    """
    for _ in range(warmup):
        operation()
    seconds, trips = [], []
    result = None
    for _ in range(runs):
        before = session.round_trips
        began = time.perf_counter()
        result = operation()
        seconds.append(time.perf_counter() - began)
        trips.append(session.round_trips - before)
    return Measurement(tuple(seconds), tuple(trips), result)


def ratio(baseline: float, ours: float) -> str:
    """``baseline / ours`` as ``"12.3×"``; ``"∞"`` when ours is zero."""
    if ours == 0:
        return "∞"
    return f"{baseline / ours:,.1f}×"


def seconds(value: float) -> str:
    """A duration in a unit that keeps three significant digits readable."""
    return f"{value * 1000:,.1f} ms" if value < 1 else f"{value:,.2f} s"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "",
                align: str = "") -> None:
    """Print an aligned text table.

    :param align: one letter per column, ``l`` or ``r``; by default the first column is left-aligned and
        the others (figures) right-aligned.
    """
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align))

    if title:
        print(title)
    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    print()


@dataclass(frozen=True)
class Run:
    """One child process: wall time, peak resident memory, what it printed."""

    seconds: float
    peak_kib: int
    stdout: str


GNU_TIME = "/usr/bin/time"


def run_process(args: Sequence[str], env: dict | None = None) -> Run:
    """Run ``args`` to the end: its wall time, its own peak RSS, its output.

    The peak is measured by GNU time (Debian's ``time`` package) when installed: a child forked straight from
    this (large) process would count this process's memory in its own peak (Linux keeps the pre-exec peak).
    Without it the peak is 0 (not measured).

    :raise RuntimeError: it exited non-zero (the benchmark could not measure).
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", rss.name, *args] if os.path.exists(GNU_TIME) else list(args)
        began = time.perf_counter()
        done = subprocess.run(wrapped, capture_output=True, text=True, env={**os.environ, **(env or {})})
        elapsed = time.perf_counter() - began
        peak = rss.read().strip().splitlines()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} … exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return Run(elapsed, int(peak[-1]) if peak and peak[-1].isdigit() else 0, done.stdout)


def alternate(runs: int, **commands: Callable[[], Run]) -> dict[str, list[Run]]:
    """Run each command ``runs`` times, alternating between them (so machine load hits all sides alike)."""
    out: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            out[name].append(command())
    return out


def median_seconds(runs: Sequence[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


# Every target a benchmark checks is reported through ``target``: printed, and (under ``make bench``, which
# sets BENCH_TARGETS) appended to a file from which bench/all.py prints one table of every target.
def target(name: str, figure: str, wanted: str, met: bool) -> bool:
    print(f"Target: {name}: {figure} (target {wanted}) → {'met' if met else 'MISSED'}", flush=True)
    path = os.environ.get("BENCH_TARGETS")
    if path:
        with open(path, "a") as out:
            out.write(json.dumps({"bench": Path(sys.argv[0]).name, "target": name, "figure": figure,
                                  "wanted": wanted, "met": met}) + "\n")
    return met


def compile_project() -> None:
    """Our packages as bytecode, as pip leaves an installed package (and pyVmomi, which the floors import). Where
    PYTHONDONTWRITEBYTECODE is set (this machine sets it), every child process would otherwise compile our sources
    anew and the comparison with the floor would not be like for like."""
    import compileall

    for package in ("vic_machine", "plugin_server", "tui", "sim"):
        compileall.compile_dir(ROOT / package, quiet=1)


def _busy_and_total() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def settle(max_seconds: float = 30.0, idle: float = 0.85) -> str:
    """Wait until the CPUs are at least ``idle`` idle over half a second (what the previous benchmark started is
    gone: a simulator, gunicorn workers, HAProxy), at most ``max_seconds``; how busy they were at the end.

    The ratios are measured side by side, but a closed loop's throughput (the server's p99) and the start-up of a
    child process depend on what else runs; the load average lags by a minute and cannot tell."""
    deadline = time.monotonic() + max_seconds
    while True:
        busy0, total0 = _busy_and_total()
        time.sleep(0.5)
        busy1, total1 = _busy_and_total()
        share = (busy1 - busy0) / max(total1 - total0, 1)
        if share <= 1 - idle or time.monotonic() >= deadline:
            return f"CPUs {share:.0%} busy"


def machine_load() -> str:
    """The 1-minute load average and the number of CPUs, to read the figures by."""
    try:
        return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    except OSError:
        return "load average unknown"


if __name__ == "__main__":
    # `make bench` runs every bench/*.py; this one only holds helpers.
    print("bench/common.py: shared helpers, not a benchmark")


def run(main: Callable[[], int]) -> None:
    """A benchmark's entry point: its exit status, or 1 with the reason when it could not measure."""
    try:
        sys.exit(main())
    except RuntimeError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        sys.exit(1)
