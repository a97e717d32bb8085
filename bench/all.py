"""``make bench``: run every benchmark of bench/ and print one table of every target, met or missed.

Each benchmark prints its own tables and reports its targets through ``common.target``; this collects them (the
file named by BENCH_TARGETS) and ends with the table. A benchmark that could not measure (non-zero exit) is a row
too, and makes this exit non-zero; a missed target does not.

    .venv/bin/python bench/all.py [NAME ...]     # e.g. ls inventory; default: every bench/*.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine_load, print_table, seconds, settle

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"all.py", "common.py"}


def benchmarks(names: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("_"))
    if names:
        found = [p for p in found if p.stem in names]
    return found


def main(argv: list[str]) -> int:
    failed = []
    rows = []
    load_before = machine_load()
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as targets:
        env = {**os.environ, "BENCH_TARGETS": targets.name}
        for script in benchmarks(argv):
            print(f"== {script.relative_to(HERE.parent)} ({settle()} at the start)", flush=True)
            began = time.perf_counter()
            done = subprocess.run([sys.executable, str(script)], env=env)
            took = time.perf_counter() - began
            print(f"(took {seconds(took)})\n", flush=True)
            if done.returncode != 0:
                failed.append(script.name)
                rows.append([script.name, "could not measure", "", f"exit {done.returncode}", ""])
        for line in targets.read().splitlines():
            t = json.loads(line)
            rows.insert(len(rows) - len(failed), [t["bench"], t["target"], t["figure"], t["wanted"],
                                                  "met" if t["met"] else "MISSED"])
    print_table(["benchmark", "target", "figure", "wanted", ""], rows,
                title=f"Every target (machine: {load_before} before, {machine_load()} after)", align="lllll")
    missed = sum(1 for r in rows if r[4] == "MISSED")
    print(f"{len(rows) - missed - len(failed)} met, {missed} missed, {len(failed)} could not measure")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
