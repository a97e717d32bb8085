"""``make run``: the embedded vCenter simulator with its appliance stand-in, the plug-in server (gunicorn, HTTPS,
registered as the vCenter extension), and the vSphere Client stand-in hosting the plug-in's views.
``python -m sim.embedded --esx``: an ESXi host that no vCenter manages instead, for the CLI and the TUI.

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

from plugin_server.manifest_package import MULTI_MANIFEST_ZIP
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


def _wait_while(alive, gone) -> int:
    """Until Ctrl-C or SIGTERM (0), or ``alive()`` turns false (1, saying ``gone()``)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while alive():
            time.sleep(0.5)
        print(gone())
        return 1
    except (KeyboardInterrupt, SystemExit):
        print("\nStopping…")
        return 0


def main_esx(isos: Path) -> int:
    """``--esx``: an ESXi host simulator with its appliance stand-in, for the CLI and the TUI. No plug-in server:
    the vSphere Client plug-in needs a vCenter, and a host no vCenter manages has no vSphere Client."""
    sim = Simulator.start(esx=True, vm=2, ds=2)
    appliance = ApplianceStandIn.for_simulator(sim).start()
    target = f"https://{sim.host}:{sim.port}"
    login_args = f"--target {target} --user {sim.username} --password {sim.password} --thumbprint {sim.thumbprint_sha256}"
    print(f"""
Embedded ESXi host (simulator, no vCenter): {target}   thumbprint (SHA-256) {sim.thumbprint_sha256}
Terminal UI:   .venv/bin/vic-tui {login_args} --iso-dir {isos}
Create a VCH:  .venv/bin/vic-machine update firewall --allow {login_args} && \\
               .venv/bin/vic-machine create {login_args} --name vch-1 --image-store LocalDS_0 \\
                   --appliance-iso {isos}/appliance.iso --bootstrap-iso {isos}/bootstrap.iso
               (no --bridge-network: a virtual switch and port group vch-1 are made for it, as VIC 1.5.8 does)

Ctrl-C stops everything.""", flush=True)
    try:
        return _wait_while(lambda: sim.running, lambda: f"The simulator stopped; see {sim.log_path}")
    finally:
        appliance.stop()
        sim.stop()


def main(argv: list[str] | None = None) -> int:
    isos = ensure_isos(BUILD / "isos")[0].parent
    if "--esx" in (sys.argv[1:] if argv is None else argv):
        return main_esx(isos)
    sim = Simulator.start(cluster=2, host=3, standalone_host=1, vm=2, pg=3, ds=2)
    appliance = ApplianceStandIn.for_simulator(sim).start()
    port = _free_port(int(os.environ.get("VIC_PLUGIN_PORT", "8443")))
    log = open(BUILD / "plugin-server.log", "w")  # noqa: SIM115 - lives as long as the server
    server = _serve(sim, port, isos, log)
    client = None
    try:
        _wait_for(f"https://127.0.0.1:{port}/container/hello", server)
        manifest = f"https://127.0.0.1:{port}/{MULTI_MANIFEST_ZIP}"  # as README registers a real server
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
        return _wait_while(lambda: server.poll() is None, lambda:
                           f"The plug-in server stopped (code {server.returncode}); see {BUILD / 'plugin-server.log'}")
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
