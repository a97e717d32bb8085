"""``make run``: the embedded vCenter simulator with its appliance stand-in, the plug-in server (gunicorn, HTTPS,
registered as the vCenter extension), and the vSphere Client stand-in hosting the plug-in's views.

Everything here is a simulation for development and demonstration; point the front ends at a real vCenter for real
work (see README.md).
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

from plugin_server.registration import register
from plugin_server.tls import certificate_thumbprint
from sim.appliance import ApplianceStandIn
from sim.client import start_client
from sim.client.vcenter import login
from sim.isos import ensure_isos
from sim.runner import Simulator

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
VENV_BIN = Path(sys.executable).parent


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    context = ssl._create_unverified_context()  # noqa: S323 - our own self-signed server on loopback
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the plug-in server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the plug-in server did not answer at {url}")


def _serve(sim: Simulator, port: int, isos: Path, log) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "vic-plugin"), "serve", "--bind", f"127.0.0.1:{port}", "--state-dir",
         str(BUILD / "plugin-state"), "--vcenter", f"{sim.host}:{sim.port}={sim.thumbprint_sha256}",
         "--iso-dir", str(isos)],
        stdout=log, stderr=subprocess.STDOUT)


def _register(sim: Simulator, manifest_url: str) -> None:
    admin = login(sim.host, sim.port, sim.thumbprint_sha256, sim.username, sim.password)
    try:
        register(admin, manifest_url, certificate_thumbprint(BUILD / "plugin-state" / "server-cert.pem"), force=True)
    finally:
        admin.logout()


def main() -> int:
    isos = ensure_isos(BUILD / "isos")[0].parent
    sim = Simulator.start(cluster=2, host=3, standalone_host=1, vm=2, pg=3, ds=2)
    appliance = ApplianceStandIn.for_simulator(sim).start()
    port = _free_port(int(os.environ.get("VIC_PLUGIN_PORT", "8443")))
    log = open(BUILD / "plugin-server.log", "w")  # noqa: SIM115 - lives as long as the server
    server = _serve(sim, port, isos, log)
    client = None
    try:
        _wait_for(f"https://127.0.0.1:{port}/container/hello", server)
        manifest = f"https://127.0.0.1:{port}/plugin.json"
        _register(sim, manifest)
        client = start_client(sim.host, sim.port, sim.thumbprint_sha256, default_user=sim.username,
                              listen=f"127.0.0.1:{_free_port(int(os.environ.get('VIC_CLIENT_PORT', '8080')))}")
        target = f"https://{sim.host}:{sim.port}"
        print(f"""
Open the vSphere Client stand-in: {client.url}
  log in as {sim.username!r} with password {sim.password!r}, then open "vSphere Integrated Containers".

Embedded vCenter (simulator): {target}   thumbprint (SHA-256) {sim.thumbprint_sha256}
Plug-in server (gunicorn):    https://127.0.0.1:{port}/container/hello   manifest {manifest}
                              API reference https://127.0.0.1:{port}/container/api
                              log {BUILD / 'plugin-server.log'}
Terminal UI:   .venv/bin/vic-tui --target {target} --user {sim.username} --password {sim.password} \\
                   --thumbprint {sim.thumbprint_sha256} --iso-dir {isos}
               (New VCH: n; on Compute, Fix firewall (Ctrl-F) opens the hosts' firewall for the VCH)
vic-machine:   .venv/bin/vic-machine ls --target {target} --user {sim.username} --password {sim.password} \\
                   --thumbprint {sim.thumbprint_sha256}
Create a VCH:  .venv/bin/vic-machine update firewall --allow --target {target} --user {sim.username} \\
                   --password {sim.password} --thumbprint {sim.thumbprint_sha256} --compute-resource DC0_C0 && \\
               .venv/bin/vic-machine create --target {target} --user {sim.username} --password {sim.password} \\
                   --thumbprint {sim.thumbprint_sha256} --name vch-1 --compute-resource DC0_C0 \\
                   --image-store LocalDS_0 --bridge-network DC0_DVPG0 \\
                   --appliance-iso {isos}/appliance.iso --bootstrap-iso {isos}/bootstrap.iso

Ctrl-C stops everything.""", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while server.poll() is None:
            time.sleep(0.5)
        print(f"The plug-in server stopped (code {server.returncode}); see {BUILD / 'plugin-server.log'}")
        return 1
    except (KeyboardInterrupt, SystemExit):
        print("\nStopping…")
        return 0
    except Exception as exc:  # noqa: BLE001 - say what failed, then stop everything
        print(f"Error: {exc}; see {BUILD / 'plugin-server.log'}", file=sys.stderr)
        return 1
    finally:
        if client is not None:
            client.stop()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        appliance.stop()
        sim.stop()


if __name__ == "__main__":
    sys.exit(main())
