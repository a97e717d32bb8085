"""How long ``vic-machine --help`` and ``vic-machine version`` take, next to ``python -c "import pyVmomi"``.

Child processes of the same Python, alternated, median of several runs. Target (issue 17): each ≤ 2× the
import of pyVmomi alone (each command imports only what it uses; neither of these imports pyVmomi at all).

Run: ``.venv/bin/python bench/startup.py [--runs 9]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import alternate, compile_project, machine_load, median_seconds, print_table, ratio, run, run_process, seconds, target

TARGET = 2.0
VIC_MACHINE = Path(sys.executable).parent / "vic-machine"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args(argv)
    print(f"Machine: {machine_load()}", flush=True)
    compile_project()
    commands = {
        "python -c 'import pyVmomi'": lambda: run_process([sys.executable, "-c", "import pyVmomi"]),
        "vic-machine --help": lambda: run_process([str(VIC_MACHINE), "--help"]),
        "vic-machine version": lambda: run_process([str(VIC_MACHINE), "version"]),
        "vic-machine ls --help": lambda: run_process([str(VIC_MACHINE), "ls", "--help"]),
    }
    for command in commands.values():  # warm the page cache
        command()
    runs = alternate(options.runs, **commands)
    base = median_seconds(runs["python -c 'import pyVmomi'"])
    print_table(["command", "median", "/ import pyVmomi", "peak RSS"],
                [[name, seconds(median_seconds(r)), ratio(median_seconds(r), base),
                  f"{max(x.peak_kib for x in r):,} KiB"] for name, r in runs.items()],
                title=f"Start-up, child processes, median of {options.runs} alternated runs")
    for name in ("vic-machine --help", "vic-machine version"):
        took = median_seconds(runs[name])
        target(f"{name} / import pyVmomi", f"{took / base:.2f}× ({seconds(took)} vs {seconds(base)})",
               f"≤ {TARGET}×", took <= TARGET * base)
    print(f"Machine after: {machine_load()}")
    return 0


if __name__ == "__main__":
    run(main)
