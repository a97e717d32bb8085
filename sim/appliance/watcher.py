"""The appliance stand-in's watcher: follows the simulator's VMs and boots or shuts down VCH "guests".

One background thread follows every VirtualMachine's ``runtime.powerState`` and ``config.extraConfig`` through
the property collector (``WaitForUpdatesEx`` on a container view; govmomi 0.24.2's simulator reports creates,
reconfigures, power changes and destroys reliably). A VM counts as a VCH by VIC's rule (``is_vch``) once its
stored id is its own reference — not while it is still ``CreatingVCH``. When such a VM is powered on, after
``boot_delay`` seconds the thread serves its Docker API (``docker_api``) and writes the guest's keys
(``guest_keys``); when it powers off, stops being a VCH or is destroyed, the API stops. At power off the
guest-written keys are reset (see ``guest_keys.shutdown_changes``). Stopping the stand-in itself only stops
the APIs: VMs are left as they are.

A served VCH whose guest keys were reset behind its back (an upgrade rewrites them while the VM is off; a power
cycle may be too quick to be seen) boots again. ``vic-machine debug`` requests handed over in extraConfig (the
simulator has no guest process manager) are answered by ``debug_guest`` and recorded: ``debug_state(moref)``.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from pyVmomi import SoapStubAdapter
from pyVmomi import vim
from pyVmomi import vmodl

from sim.appliance.docker_api import DockerEndpoint
from sim.appliance.docker_api import EngineFacts
from sim.appliance.docker_api import server_tls_context
from sim.appliance.debug_guest import GuestDebugState
from sim.appliance.debug_guest import handle as handle_debug
from sim.appliance.debug_guest import pending as pending_debug
from sim.appliance.guest_keys import boot_changes
from sim.appliance.guest_keys import failure_changes
from sim.appliance.guest_keys import loopback_address
from sim.appliance.guest_keys import shutdown_changes
from vic_machine.extraconfig import decode
from vic_machine.extraconfig import is_vch
from vic_machine.extraconfig import read_extra_config
from vic_machine.extraconfig import vch_id
from vic_machine.extraconfig.vch_config import CREATING_VCH
from vic_machine.extraconfig.vch_config import PERSONA_SERVICE

log = logging.getLogger("sim.appliance")

API_VERSION = "vim.version.v7_0"
POWERED_ON = "poweredOn"
_PROPERTIES = ["runtime.powerState", "config.extraConfig"]
# Seconds a WaitForUpdatesEx call may block when nothing is due; bounds how long stop() waits too.
_MAX_WAIT = 1
_SLOTS = range(1, 255)
_REREAD_SECONDS = 0.5


@dataclass(frozen=True)
class Endpoint:
    """A VCH the stand-in serves: where its Docker API answers and how."""

    moref: str
    name: str
    address: str
    port: int
    tls: bool
    client_verification: bool

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.address}:{self.port}"


@dataclass
class _Vm:
    obj: Any
    power: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def serves(self, moref: str) -> bool:
        """True when a real appliance would be up: powered on and a VCH with its final id."""
        return self.power == POWERED_ON and is_vch(self.extra, moref) and vch_id(self.extra) != CREATING_VCH


class ApplianceStandIn:
    """Plays the guest side of every VCH endpoint VM on one (simulated) vCenter.

    ``with ApplianceStandIn(sim.url, sim.username, sim.password, sim.thumbprint_sha256):`` — or ``start()`` /
    ``stop()``. Only for the simulator: it binds loopback addresses on this machine.
    """

    def __init__(
        self, url: str, username: str, password: str, thumbprint_sha256: str = "", *, boot_delay: float = 0.5
    ) -> None:
        self.url = url
        self.username = username
        self._password = password
        self.thumbprint_sha256 = thumbprint_sha256
        self.boot_delay = boot_delay
        # Why the watcher thread ended, when it ended on its own.
        self.error: BaseException | None = None
        self._content: Any = None
        self._collector: Any = None
        self._version = ""
        self._vms: dict[str, _Vm] = {}
        self._due: dict[str, float] = {}
        self._failed: set[str] = set()
        self._servers: dict[str, tuple[DockerEndpoint, Endpoint]] = {}
        self._debug: dict[str, GuestDebugState] = {}
        self._last_reread = 0.0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_simulator(cls, sim: Any, **kwargs: Any) -> ApplianceStandIn:
        """A stand-in for a running ``sim.runner.Simulator``."""
        return cls(sim.url, sim.username, sim.password, sim.thumbprint_sha256, **kwargs)

    def start(self) -> ApplianceStandIn:
        """Log in, follow the VMs, and return once the current inventory has been read.

        :raise vim.fault.InvalidLogin: wrong credentials. Connection errors propagate as pyvmomi raises them.
        """
        self._connect()
        self._stopping.clear()
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="vch-appliance-stand-in", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=30)
        return self

    def stop(self) -> None:
        """Stop serving every VCH and log out; VMs and their keys are left as they are. Safe to call twice."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            self._cancel_wait()
            thread.join(timeout=_MAX_WAIT + 5)
        self._stop_all()
        if self._content is not None:
            try:
                self._content.sessionManager.Logout()
            except Exception:  # noqa: BLE001 - the simulator may be gone already
                pass
            self._content = None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the watcher thread to end (it ends on ``stop`` or when vCenter goes away); True if it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def endpoints(self) -> dict[str, Endpoint]:
        """The VCHs being served now, by VM moref."""
        with self._lock:
            return {moref: info for moref, (_, info) in self._servers.items()}

    def debug_state(self, moref: str) -> GuestDebugState:
        """What ``vic-machine debug`` asked of this VCH's guest since it booted (never the password itself)."""
        with self._lock:
            return self._debug.get(moref, GuestDebugState())

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> ApplianceStandIn:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ApplianceStandIn {self.url} serving {len(self._servers)}>"

    # --- vCenter side -------------------------------------------------------------------------------------

    def _connect(self) -> None:
        parts = urlsplit(self.url)
        # Loopback simulator with a fresh certificate per run: pinned by thumbprint when one is given.
        context = ssl._create_unverified_context()  # noqa: S323
        stub = SoapStubAdapter(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 443,
            path=parts.path or "/sdk",
            version=API_VERSION,
            sslContext=context,
            thumbprint=self.thumbprint_sha256.replace(":", "") or None,
        )
        content = vim.ServiceInstance("ServiceInstance", stub).RetrieveContent()
        content.sessionManager.Login(userName=self.username, password=self._password)
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        pc = vmodl.query.PropertyCollector
        spec = pc.FilterSpec(
            objectSet=[
                pc.ObjectSpec(
                    obj=view,
                    skip=True,
                    selectSet=[pc.TraversalSpec(name="view", type=vim.view.ContainerView, path="view", skip=False)],
                )
            ],
            propSet=[pc.PropertySpec(type=vim.VirtualMachine, pathSet=_PROPERTIES)],
        )
        # A collector of our own, so its update versions are not shared with anyone else in the session.
        self._collector = content.propertyCollector.CreatePropertyCollector()
        self._collector.CreateFilter(spec, partialUpdates=False)
        self._content = content
        self._version = ""

    def _cancel_wait(self) -> None:
        try:
            self._collector.CancelWaitForUpdates()
        except Exception:  # noqa: BLE001 - then the wait simply times out
            pass

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                wait = self._wait_seconds()
                options = vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=wait)
                result = self._collector.WaitForUpdatesEx(self._version, options)
                dirty: set[str] = set()
                if result is not None:
                    self._version = result.version
                    dirty = self._absorb(result)
                self._ready.set()
                self._reconcile(dirty | self._reread_served())
                if wait == 0:
                    self._stopping.wait(0.05)
        except Exception as exc:  # noqa: BLE001 - the thread must end cleanly whatever happened
            if not self._stopping.is_set():
                log.error("appliance stand-in stopped: %s", exc)
                self.error = exc
        finally:
            self._ready.set()
            self._stop_all()

    def _wait_seconds(self) -> int:
        if not self._due:
            return _MAX_WAIT
        return 0 if min(self._due.values()) - time.monotonic() < _MAX_WAIT else _MAX_WAIT

    def _absorb(self, result: Any) -> set[str]:
        dirty = set()
        for filter_update in result.filterSet or []:
            for update in filter_update.objectSet or []:
                moref = update.obj._moId
                dirty.add(moref)
                if update.kind == "leave":
                    self._vms.pop(moref, None)
                    continue
                vm = self._vms.setdefault(moref, _Vm(update.obj))
                for change in update.changeSet or []:
                    value = change.val if change.op == "assign" else None
                    if change.name == "runtime.powerState":
                        vm.power = str(value or "")
                    elif change.name == "config.extraConfig":
                        vm.extra = read_extra_config(value or [])
        return dirty

    def _reread_served(self) -> set[str]:
        """Re-read the extraConfig of served VMs at most every ``_REREAD_SECONDS``: the simulator does not always
        report an extraConfig change through WaitForUpdatesEx (a debug request went unseen), so updates alone
        are not trusted for what a served guest must answer. RetrieveProperties, not …Ex: tests inject faults
        on the latter and must meet them themselves."""
        now = time.monotonic()
        with self._lock:
            served = [self._vms[m] for m in self._servers if m in self._vms]
        if not served or now - self._last_reread < _REREAD_SECONDS:
            return set()
        self._last_reread = now
        pc = vmodl.query.PropertyCollector
        spec = pc.FilterSpec(objectSet=[pc.ObjectSpec(obj=vm.obj, skip=False) for vm in served],
                             propSet=[pc.PropertySpec(type=vim.VirtualMachine, pathSet=["config.extraConfig"])])
        try:
            contents = self._content.propertyCollector.RetrieveContents([spec])
        except Exception as exc:  # noqa: BLE001 - a VM destroyed meanwhile; the updates will say so
            log.debug("could not re-read served VMs: %s", exc)
            return set()
        changed = set()
        for item in contents or []:
            vm = self._vms.get(item.obj._moId)
            extra = read_extra_config(next((p.val for p in item.propSet or []), None) or [])
            if vm is not None and extra != vm.extra:
                vm.extra = extra
                changed.add(item.obj._moId)
        return changed

    def _write(self, vm: _Vm, changes: dict[str, str]) -> None:
        if not changes:
            return
        options = [vim.option.OptionValue(key=key, value=value) for key, value in sorted(changes.items())]
        task = vm.obj.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=options))
        deadline = time.monotonic() + 30
        while task.info.state not in ("success", "error") and time.monotonic() < deadline:
            time.sleep(0.02)
        if task.info.state == "error":
            raise RuntimeError(f"ReconfigVM_Task failed: {task.info.error.msg or type(task.info.error).__name__}")

    # --- guest side -------------------------------------------------------------------------------------

    def _reconcile(self, dirty: set[str]) -> None:
        with self._lock:
            serving = set(self._servers)
        for moref in dirty | serving | self._failed:
            vm = self._vms.get(moref)
            if vm is not None and vm.serves(moref):
                if moref not in serving and moref not in self._due and moref not in self._failed:
                    self._due[moref] = time.monotonic() + self.boot_delay
                elif moref in serving and moref in dirty:
                    self._follow_up(moref, vm)
                continue
            self._due.pop(moref, None)
            was_up = moref in serving or moref in self._failed
            self._failed.discard(moref)
            self._stop_serving(moref)
            if was_up and vm is not None and vm.power != POWERED_ON:
                with self._lock:
                    self._debug.pop(moref, None)  # SSH and the root password do not outlive a restart
                self._guarded(moref, "reset the guest keys of", lambda: self._write(vm, shutdown_changes(vm.extra)))
        now = time.monotonic()
        for moref, when in list(self._due.items()):
            if when <= now:
                del self._due[moref]
                self._boot(moref, self._vms[moref])

    def _boot(self, moref: str, vm: _Vm) -> None:
        try:
            server, info = self._serve(moref, vm)
        except Exception as exc:  # noqa: BLE001 - reported in the guest's keys, as the real appliance does
            self._failed.add(moref)
            message = f"simulated appliance: Docker API failed to start: {exc}"
            log.warning("%s: %s", moref, message)
            self._guarded(moref, "report the failure of", lambda: self._write(vm, failure_changes(
                vm.extra, PERSONA_SERVICE, message)))
            return
        with self._lock:
            self._servers[moref] = (server, info)
        if not self._guarded(moref, "write the guest keys of",
                             lambda: self._write(vm, boot_changes(vm.extra, ipaddress.IPv4Address(info.address)))):
            self._stop_serving(moref)
            self._failed.add(moref)
            return
        log.info("VCH %s (%s): Docker API at %s", info.name, moref, info.url)

    def _follow_up(self, moref: str, vm: _Vm) -> None:
        """A served VCH changed: boot again when its guest keys were reset; answer a debug request."""
        with self._lock:
            address = self._servers[moref][1].address
        if boot_changes(vm.extra, ipaddress.IPv4Address(address)):
            self._stop_serving(moref)
            self._due[moref] = time.monotonic() + self.boot_delay
            return
        if pending_debug(vm.extra):
            with self._lock:
                state = self._debug.get(moref, GuestDebugState())
            state, ack = handle_debug(state, vm.extra)
            # The guest applies the request, then says so: whoever sees the acknowledgement sees the state too.
            with self._lock:
                self._debug[moref] = state
            if self._guarded(moref, "acknowledge the debug request of", lambda: self._write(vm, ack)):
                log.info("VCH %s: debug request taken (ssh %s, root password set %s)", moref, state.ssh_enabled,
                         state.root_password_set)

    def _serve(self, moref: str, vm: _Vm) -> tuple[DockerEndpoint, Endpoint]:
        config = decode(vm.extra)
        tls = None
        host = config.certificate.host_certificate
        if config.has_server_certificate and host is not None:
            tls = server_tls_context(host.cert, host.key, config.certificate.certificate_authorities)
        facts = EngineFacts(name=config.name, vch_id=config.vch_id, volume_stores=tuple(sorted(config.volume_stores)))
        port = config.docker_port
        last_error: OSError | None = None
        for slot in _SLOTS:
            address = str(loopback_address(moref, slot))
            server = DockerEndpoint(address, port, facts, tls)
            try:
                server.start()
            except OSError as exc:  # taken, e.g. by another simulator's stand-in: try the next slot
                last_error = exc
                continue
            info = Endpoint(moref, config.name, address, port, tls is not None, config.client_verification)
            return server, info
        raise OSError(f"no free loopback address for {moref} on port {port}: {last_error}")

    def _stop_serving(self, moref: str) -> None:
        with self._lock:
            entry = self._servers.pop(moref, None)
        if entry is not None:
            entry[0].stop()
            log.info("VCH %s (%s): Docker API stopped", entry[1].name, moref)

    def _stop_all(self) -> None:
        with self._lock:
            morefs = list(self._servers)
        for moref in morefs:
            self._stop_serving(moref)

    def _guarded(self, moref: str, what: str, action: Any) -> bool:
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - e.g. the VM was destroyed meanwhile
            log.debug("could not %s %s: %s", what, moref, exc)
            return False
        return True
