"""Start and stop the embedded vCenter simulator (build/vcsim) from Python."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from sim import build as _build
from sim.faults import FaultClient

# Model keywords (sizes, and hosts without vic-engine) and the simulator flags they become.
MODEL_FLAGS = {
    "dc": "-dc",
    "cluster": "-cluster",
    "host": "-host",
    "standalone_host": "-standalone-host",
    "vm": "-vm",
    "pg": "-pg",
    "ds": "-ds",
    "no_vic_engine": "-no-vic-engine",
}

START_TIMEOUT = 30.0


class SimulatorError(RuntimeError):
    """The simulator did not start; the message carries the end of its log."""


class Simulator:
    """A running simulator process and how to reach it.

    Use :meth:`start` (or ``with Simulator.start() as sim:``); attributes come
    from the state file the simulator writes once it listens.
    """

    url: str
    host: str
    port: int
    username: str
    password: str
    thumbprint_sha1: str
    thumbprint_sha256: str
    control_url: str
    pid: int
    esx: bool = False

    def __init__(self, process: subprocess.Popen[bytes], workdir: Path, state: dict[str, Any]) -> None:
        self._process = process
        self._workdir = workdir
        self.url = state["url"]
        self.host = state["host"]
        self.port = int(state["port"])
        self.username = state["username"]
        self.password = state["password"]
        self.thumbprint_sha1 = state["thumbprint_sha1"]
        self.thumbprint_sha256 = state["thumbprint_sha256"]
        self.control_url = state["control_url"]
        self.pid = int(state["pid"])
        self.faults = FaultClient(self.control_url)

    @classmethod
    def start(
        cls,
        *,
        username: str = "user",
        password: str = "pass",
        listen: str = "127.0.0.1:0",
        timeout: float = START_TIMEOUT,
        users: dict[str, str] | None = None,
        page_size: int = 0,
        esx: bool = False,
        **model: int,
    ) -> "Simulator":
        """Build the binary if needed, start it and wait until it listens.

        :param users: further users who may log in, ``{name: password}`` (no ":" in either); they hold
            only the privileges that permissions (``AuthorizationManager.SetEntityPermissions``) grant them.
        :param page_size: the most objects one page of a property-collector answer holds, whatever
            ``RetrieveOptions.maxObjects`` asks, as vCenter's own limit (``-page-size``); the rest comes
            with a token for ``ContinueRetrievePropertiesEx``. 0 (default): only ``maxObjects`` limits a page.
        :param esx: an ESXi host that no vCenter manages instead of a vCenter (``-esx``): hostd's model,
            ``ha-datacenter`` with one host, about.apiType ``HostAgent``, no extension or custom fields manager;
            of ``model`` only ``vm``, ``ds`` and ``no_vic_engine`` apply.
        :param model: inventory size, any of ``dc``, ``cluster``, ``host`` (per
            cluster), ``standalone_host``, ``vm`` (per host), ``pg``, ``ds``;
            missing ones keep the simulator's defaults (1, 1, 3, 1, 2, 1, 1).
            ``no_vic_engine=N``: the first N hosts (by name) of every cluster
            and standalone host have no vic-engine firewall ruleset, as on
            vSphere 6.5 (default 0: every host has it, as from 6.7).
        :raise SimulatorError: the process exited or did not listen in time.
        :raise sim.build.BuildError: the binary could not be built.
        """
        unknown = set(model) - set(MODEL_FLAGS)
        if unknown:
            raise TypeError(f"unknown model keyword(s): {', '.join(sorted(unknown))}")
        binary = _build.build()
        workdir = Path(tempfile.mkdtemp(prefix="vcsim-"))
        state_file = workdir / "state.json"
        args = [str(binary), "-state", str(state_file), "-exit-with-stdin",
                "-listen", listen, "-username", username, "-password", password]
        for key, value in model.items():
            args += [MODEL_FLAGS[key], str(int(value))]
        if page_size:
            args += ["-page-size", str(int(page_size))]
        if esx:
            args.append("-esx")
        for name, secret in (users or {}).items():
            args += ["-user", f"{name}:{secret}"]
        log = open(workdir / "vcsim.log", "wb")
        try:
            # stdin stays an open pipe: when this process dies, the simulator
            # sees end of file and exits instead of lingering.
            process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()
        try:
            state = _wait_for_state(process, state_file, workdir / "vcsim.log", timeout)
        except BaseException:
            _terminate(process)
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        sim = cls(process, workdir, state)
        sim.esx = esx
        return sim

    def connect(self) -> Any:
        """Log in with pyvmomi; return the ServiceInstance (pyVim.connect.Disconnect it when done).

        The certificate is not verified: it is this simulator's own, fresh per run.
        """
        from pyVim.connect import SmartConnect  # pyvmomi only when asked for

        return SmartConnect(
            host=self.host,
            port=self.port,
            user=self.username,
            pwd=self.password,
            disableSslCertValidation=True,
        )

    @property
    def log_path(self) -> Path:
        """The simulator's combined stdout and stderr."""
        return self._workdir / "vcsim.log"

    @property
    def running(self) -> bool:
        """True while the simulator process is alive."""
        return self._process.poll() is None

    def stop(self) -> None:
        """Stop the simulator and remove its temporary files; safe to call twice."""
        _terminate(self._process)
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Simulator {self.url} pid={self.pid}>"


def _wait_for_state(
    process: subprocess.Popen[bytes], state_file: Path, log_file: Path, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if state_file.exists():
            return json.loads(state_file.read_text())
        if process.poll() is not None:
            raise SimulatorError(f"the simulator exited with {process.returncode}:\n{_tail(log_file)}")
        time.sleep(0.02)
    raise SimulatorError(f"the simulator did not start within {timeout:.0f} s:\n{_tail(log_file)}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    if process.stdin is not None:
        process.stdin.close()
