"""Build the simulator binary (sim/vcsim/*.go) into build/vcsim when its source changed.

The Go program is built in GOPATH mode against Debian's govmomi source
(``golang-github-vmware-govmomi-dev``), so no network is needed. A hash of the
sources is kept beside the binary; an unchanged hash means no build and no
output. Concurrent callers (parallel test runs) serialise on a lock file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "sim" / "vcsim"
BUILD_DIR = ROOT / "build"
BINARY = BUILD_DIR / "vcsim"
HASH_FILE = BUILD_DIR / "vcsim.sha256"
GOPATH = "/usr/share/gocode"
GOVMOMI = Path(GOPATH) / "src/github.com/vmware/govmomi"


class BuildError(RuntimeError):
    """The simulator could not be built; the message says what to install or fix."""


def source_hash() -> str:
    """Hash of every .go file of the simulator, names and contents."""
    digest = hashlib.sha256()
    for path in sorted(SOURCE_DIR.glob("*.go")):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def is_up_to_date() -> bool:
    """True when the binary exists and was built from the current sources."""
    try:
        return BINARY.is_file() and HASH_FILE.read_text().strip() == source_hash()
    except FileNotFoundError:
        return False


def _check_toolchain() -> str:
    go = shutil.which("go") or "/usr/lib/go/bin/go"
    if not Path(go).exists():
        raise BuildError("no Go compiler: install the Debian package golang-go")
    if not (GOVMOMI / "simulator").is_dir():
        raise BuildError("no govmomi source: install the Debian package golang-github-vmware-govmomi-dev")
    return go


def build(force: bool = False) -> Path:
    """Build build/vcsim if its sources changed (or ``force``); return its path.

    :raise BuildError: when Go or govmomi is missing or the compiler fails.
    """
    if not force and is_up_to_date():
        return BINARY
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with open(BUILD_DIR / "vcsim.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # Another process may have built it while we waited.
        if not force and is_up_to_date():
            return BINARY
        go = _check_toolchain()
        wanted = source_hash()
        env = dict(
            os.environ,
            GO111MODULE="off",
            GOPATH=GOPATH,
            GOCACHE=str(BUILD_DIR / "gocache"),
            GOFLAGS="",
            CGO_ENABLED="0",
        )
        partial = BUILD_DIR / f"vcsim.{os.getpid()}.tmp"
        result = subprocess.run(
            [go, "build", "-o", str(partial), "."],
            cwd=SOURCE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BuildError(f"building the simulator failed:\n{result.stderr.strip()}")
        os.replace(partial, BINARY)
        HASH_FILE.write_text(wanted + "\n")
    return BINARY


def main() -> int:
    """``python -m sim.build [--force]``: build if needed; quiet when up to date."""
    force = "--force" in sys.argv[1:]
    if not force and is_up_to_date():
        return 0
    print("building the simulator (build/vcsim)...", file=sys.stderr)
    try:
        build(force=force)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
