"""Several ``vic-plugin serve`` replicas behind Debian's HAProxy: the configuration for N of them (from the shipped
``deploy/haproxy.cfg``), starting the replicas and the balancer, and ``make run REPLICAS=N``.

    python -m deploy.replicas 2      # the embedded vCenter, 2 replicas, HAProxy in front, the client stand-in

Every replica serves the same certificate and key (one state directory), as the registered extension pins one
thumbprint; they share nothing else: what they know of operations is in vCenter.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CONFIG = Path(__file__).with_name("haproxy.cfg")
ROOT = CONFIG.parent.parent
VENV_BIN = Path(sys.executable).parent
CONTEXT = ssl._create_unverified_context()  # noqa: S323 - our own self-signed replicas on loopback


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def haproxy_config(listen: str, replicas: list[str], *, inter: str = "", stats_socket: str = "") -> str:
    """The shipped configuration for ``replicas`` (address:port each) listening on ``listen``; ``inter`` another
    check interval, ``stats_socket`` a runtime socket (``show stat``) for whoever waits for a replica's state."""
    out, servers_done = [], False
    for line in CONFIG.read_text().splitlines():
        if line.strip().startswith("server replica"):
            if not servers_done:
                out += [f"    server replica{i} {address}" for i, address in enumerate(replicas, 1)]
                servers_done = True
            continue
        line = line.replace('"${VIC_LISTEN}"', listen)
        if inter:
            line = line.replace("inter 2s", f"inter {inter}")
        out.append(line)
        if line == "global" and stats_socket:
            out.append(f"    stats socket {stats_socket} mode 600 level admin")
    return "\n".join(out) + "\n"


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, context=CONTEXT, timeout=2).read()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited ({process.returncode}): {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing answered at {url}") from None
            time.sleep(0.2)


class Replica:
    """One ``vic-plugin serve``: ``name`` (its X-Vic-Replica), ``base`` URL, its gunicorn master ``process``."""

    def __init__(self, name: str, vcenter: str, cert: Path, key: Path, state: Path, *args: str,
                 env: dict | None = None) -> None:
        self.name = name
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.base = f"https://{self.address}"
        self.log = state / f"{name}.log"
        self.process = subprocess.Popen(
            [str(VENV_BIN / "vic-plugin"), "serve", "--bind", self.address, "--cert", str(cert), "--key", str(key),
             "--vcenter", vcenter, "--replica-name", name, *args],
            stdout=self.log.open("w"), stderr=subprocess.STDOUT, env=env)
        try:
            wait_for(f"{self.base}/container/hello", self.process, self.log)
        except BaseException:
            self.process.kill()  # it never served: nobody else knows of it to stop it
            self.process.wait()
            raise

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def kill(self) -> None:
        """``kill -9`` of the whole replica: its master and its workers, as a crashed host would go."""
        pids = [self.process.pid, *self.workers()]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(5)

    def stop(self, timeout: float = 40) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in self.workers():
            os.kill(pid, signal.SIGKILL)


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


class Balancer:
    """HAProxy in front of ``replicas``, on a port of its own: ``base`` URL, :meth:`state` of each replica."""

    def __init__(self, replicas: list[Replica], folder: Path, *, inter: str = "", port: int = 0) -> None:
        self.port = port or free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.socket = folder / "haproxy.sock"
        self.config = folder / "haproxy.cfg"
        self.config.write_text(haproxy_config(f"127.0.0.1:{self.port}", [r.address for r in replicas], inter=inter,
                                              stats_socket=str(self.socket)))
        self.log = folder / "haproxy.log"
        # -db: in the foreground, so it ends with us; -W is not needed for one process.
        self.process = subprocess.Popen(["haproxy", "-db", "-f", str(self.config)], stdout=self.log.open("w"),
                                        stderr=subprocess.STDOUT)
        try:
            for i in range(len(replicas)):
                self.wait(f"replica{i + 1}", "UP")
        except BaseException:
            self.process.kill()  # not yet the caller's to stop
            self.process.wait()
            raise

    def state(self) -> dict[str, str]:
        """Each server's status as HAProxy sees it (UP, DOWN, …), from its runtime socket."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.socket))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        rows = [line.split(",") for line in data.decode().splitlines() if line and not line.startswith("#")]
        return {r[1]: r[17].split(" ")[0] for r in rows if len(r) > 17 and r[0] == "replicas" and
                r[1] not in ("BACKEND", "FRONTEND")}

    def wait(self, server: str, status: str, timeout: float = 30) -> float:
        """Until HAProxy holds ``server`` as ``status``; the seconds it took."""
        began = time.monotonic()
        while True:
            try:
                now = self.state().get(server)
            except OSError:
                now = None
            if now == status:
                return time.monotonic() - began
            if self.process.poll() is not None:
                raise RuntimeError(f"haproxy exited: {self.log.read_text()[-2000:]}")
            if time.monotonic() - began > timeout:
                raise RuntimeError(f"HAProxy holds {server} as {now}, not {status}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main(argv: list[str]) -> int:
    """``make run REPLICAS=N``: as ``make run`` (python -m sim.embedded), with N replicas behind HAProxy."""
    from plugin_server.tls import ensure_certificate
    from sim.appliance import ApplianceStandIn
    from sim.client import start_client
    from plugin_server.manifest_package import MULTI_MANIFEST_ZIP
    from sim.embedded import BUILD, _free_port, _register
    from sim.isos import ensure_isos
    from sim.runner import Simulator

    count = int(argv[0]) if argv else 2
    isos = ensure_isos(BUILD / "isos")[0].parent
    state = BUILD / "plugin-state"  # the one certificate and key every replica serves, and registration pins
    cert, key = ensure_certificate(state, ["127.0.0.1", "localhost"])
    sim = Simulator.start(cluster=2, host=3, standalone_host=1, vm=2, pg=3, ds=2)
    appliance = ApplianceStandIn.for_simulator(sim).start()
    replicas: list[Replica] = []
    balancer = client = None
    logs = BUILD / "replicas"
    logs.mkdir(exist_ok=True)
    try:
        vcenter = f"{sim.host}:{sim.port}={sim.thumbprint_sha256}"
        for i in range(1, count + 1):  # one by one: those started are stopped below if a later one fails
            replicas.append(Replica(f"replica{i}", vcenter, cert, key, logs, "--iso-dir", str(isos)))
        # Where `make run` serves its one replica: 8443 (the next free port if taken), as VIC_PLUGIN_PORT says.
        balancer = Balancer(replicas, logs, port=_free_port(int(os.environ.get("VIC_PLUGIN_PORT", "8443"))))
        manifest = f"{balancer.base}/{MULTI_MANIFEST_ZIP}"
        _register(sim, manifest)
        client = start_client(sim.host, sim.port, sim.thumbprint_sha256, default_user=sim.username,
                              listen=f"127.0.0.1:{_free_port(int(os.environ.get('VIC_CLIENT_PORT', '8080')))}")
        print(f"""
Open the vSphere Client stand-in: {client.url}
  log in as {sim.username!r} with password {sim.password!r}, then open "vSphere Integrated Containers".

Embedded vCenter (simulator): https://{sim.host}:{sim.port}   thumbprint (SHA-256) {sim.thumbprint_sha256}
HAProxy:  {balancer.base}/container/hello   manifest {manifest}   config {balancer.config}
Replicas: {', '.join(f'{r.name} {r.base} (log {r.log})' for r in replicas)}
          health: curl -k {replicas[0].base}/container/health

Ctrl-C stops everything.""", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while balancer.process.poll() is None and all(r.process.poll() is None for r in replicas):
            time.sleep(0.5)
        print("A replica or HAProxy stopped; see", logs)
        return 1
    except (KeyboardInterrupt, SystemExit):
        print("\nStopping…")
        return 0
    finally:
        if client is not None:
            client.stop()
        if balancer is not None:
            balancer.stop()
        for replica in replicas:
            replica.stop(15)
        appliance.stop()
        sim.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
