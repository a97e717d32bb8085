"""The TUI's one door to the core: every call a screen makes to vCenter goes through here.

Each method blocks (pyvmomi); screens call them from thread workers. Nothing here imports Textual.
"""

from __future__ import annotations

import io
import shutil
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vic_machine.errors import VicError
from vic_machine.inventory import Inventory, take_snapshot
from vic_machine.iso import CheckedIsos, IsoInfo, check_isos
from vic_machine.operations.logs import read_create_log
from vic_machine.operations.plan import ProgressEvent, Sink
from vic_machine.spec import check
from vic_machine.spec.model import DEFAULT_TIMEOUT_SECONDS, VchSpec
from vic_machine.target import Target
from vic_machine.validate import Finding, validate
from vic_machine.vsphere.session import Session, connect

from tui.isos import installed_isos, iso_findings
from tui.known_hosts import default_path
from tui.natural import natural_key


@dataclass(frozen=True)
class VchRow:
    """One line of the VCH list, whatever shape the core's listing has."""

    id: str
    name: str
    status: str
    docker_endpoint: str
    version: str
    upgrade_status: str
    compute: str
    raw: Any = None


def _pick(obj: Any, *names: str, default: str = "") -> str:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value not in (None, ""):
            return str(value)
    return default


def _status(summary: Any) -> str:
    # Being created or deleted (or what is left of one whose endpoint VM is gone): Delete finishes it (issue 14).
    state = _pick(summary, "state")
    if state in ("creating", "deleting") or getattr(summary, "remnant", None) is not None:
        return {"creating": "being created", "deleting": "being deleted"}.get(state, "incomplete")
    power = _pick(summary, "power_state")
    if power == "poweredOn":
        return "running" if _pick(summary, "docker_host") else "starting"
    return {"poweredOff": "stopped", "suspended": "suspended"}.get(power, power or "unknown")


def row_of(summary: Any) -> VchRow:
    """A list row from one entry of the core's ``list_vchs``."""
    return VchRow(
        id=_pick(summary, "id"),
        name=_pick(summary, "name"),
        status=_status(summary),
        docker_endpoint=_pick(summary, "docker_endpoint", "docker_host", default="—"),
        version=_pick(summary, "version", default="—"),
        upgrade_status=_pick(summary, "upgrade_status", default="—"),
        compute=_pick(summary, "path", default="—"),
        raw=summary,
    )


@dataclass
class Backend:
    """A logged-in session and what this terminal keeps of it: the ISOs to deploy and the create logs."""

    session: Session
    isos: tuple[Path | None, Path | None] = (None, None)
    cert_root: Path = field(default_factory=lambda: default_path().parent / "certs")
    create_logs: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def connect(cls, target: Target, *, force: bool = False, **kwargs: Any) -> Backend:
        """Log in to ``target``. :raise UntrustedCertificate, AuthenticationError, TargetError:"""
        return cls(connect(target, force=force), **kwargs)

    @property
    def target(self) -> Target:
        return self.session.target

    @property
    def thumbprint(self) -> str:
        """The SHA-256 thumbprint the session pinned."""
        return self.session.thumbprint_sha256

    def snapshot(self) -> Inventory:
        """The datacenter's inventory, for the wizard's pickers and checks."""
        return take_snapshot(self.session)

    def validate(self, spec: VchSpec, inventory: Inventory, step: str | None) -> list[Finding]:
        """Findings of one wizard step (or all, for ``None``) against the snapshot.

        Registries and the operations user are probed only once their input is well formed: a probe of a
        malformed registry name tells the user nothing the input check does not.
        """
        probes = not check(spec, step)
        return validate(spec, inventory, session=self.session, step=step, probes=probes,
                        target_display=self.target.display)

    def iso_paths(self) -> tuple[Path, Path]:
        """The appliance and bootstrap ISOs this terminal deploys (absolute paths)."""
        return installed_isos(*self.isos)

    def check_isos(self, appliance: str, bootstrap: str) -> list[Finding]:
        """Deploy these ISOs from now on; what is wrong with them, as findings of the wizard's first step."""
        self.isos = (Path(appliance).expanduser(), Path(bootstrap).expanduser())
        return iso_findings(*self.isos)

    def fix_firewall(self, inventory: Inventory, compute: str) -> list[Any]:
        """``vic-machine update firewall --allow`` on the hosts of ``compute``: one result per host."""
        from vic_machine.operations.firewall import update_firewall

        return update_firewall(self.session, inventory, compute, allow=True)

    def enable_ssh(self, row: VchRow, enable_ssh: bool, authorized_key: str | None,
                   root_password: str | None) -> Any:
        """``vic-machine debug``: SSH on the endpoint VM and/or a new root password, until it restarts.

        :raise InputError, Conflict, GuestOperationFailed:
        """
        from vic_machine.operations.debug import debug

        return debug(self.session, row.raw, enable_ssh=enable_ssh, authorized_key=authorized_key,
                     root_password=root_password)

    def containers(self, row: VchRow) -> list[Any]:
        """The container VMs of one VCH, in natural order of their names."""
        from vic_machine.operations.containers import list_containers

        return sorted(list_containers(self.session, [row.raw]), key=lambda c: natural_key(c.name))

    def docker_env(self, row: VchRow) -> list[str]:
        """``export`` lines a Docker client needs for the VCH, as inspect prints them (with this terminal's client
        certificates when it has them); empty when the VCH has no Docker endpoint yet."""
        from vic_machine.operations.inspect import inspect_vch

        cert_dir = self.cert_dir(row.name)
        result = inspect_vch(row.raw, self.appliance_iso(), str(cert_dir) if cert_dir.is_dir() else None)
        return [f"export {key}={value}" for key, value in result.docker_env.items()]

    def appliance_iso(self) -> IsoInfo | None:
        """The appliance ISO this terminal deploys, to tell which VCHs can be upgraded (None when unreadable)."""
        try:
            return self.checked_isos().appliance
        except VicError:
            return None

    def list_vchs(self) -> list[VchRow]:
        """The VCHs of the target's datacenter."""
        from vic_machine.operations.ls import list_vchs

        rows = [row_of(item) for item in list_vchs(self.session, iso=self.appliance_iso(), remnants=True)]
        return sorted(rows, key=lambda r: natural_key(r.name))

    def inspect(self, row: VchRow) -> list[str]:
        """The core's inspect output of one VCH, line by line."""
        from vic_machine.operations.inspect import inspect_vch

        cert_dir = self.cert_dir(row.name)
        result = inspect_vch(row.raw, self.appliance_iso(), str(cert_dir) if cert_dir.is_dir() else None)
        return [f"{row.name}  ({row.compute})", *result.lines()]

    def cert_dir(self, name: str) -> Path:
        """Where the certificates of a VCH this terminal creates are written (like vic-machine's ./<name>/)."""
        return self.cert_root / f"{self.target.host}_{self.target.port}" / name

    def checked_isos(self) -> CheckedIsos:
        return check_isos(*self.iso_paths())

    def create(self, spec: VchSpec, sink: Sink, cancel_event: threading.Event) -> Any:
        """Create the VCH; every event also goes to this terminal's deployment log of it.

        :raise OperationFailed: with what was undone. :raise ValidationFailed, InputError:
        """
        from vic_machine.operations.create import create

        log = self.create_logs.setdefault(spec.name, [])
        log.clear()

        def record(event: ProgressEvent) -> None:
            log.append(f"{event.kind:>8}  {event.message}")
            sink(event)

        cert_dir = self.cert_dir(spec.name)
        if cert_dir.is_dir():
            # A VCH of this name no longer exists (validation refuses names in use): its old certificates go.
            shutil.rmtree(cert_dir)
        return create(self.session, spec, isos=self.checked_isos(), timeout=DEFAULT_TIMEOUT_SECONDS,
                      sink=record, cancel_event=cancel_event, cert_dir=str(cert_dir))

    def delete(self, row: VchRow, delete_volumes: bool, sink: Sink | None = None) -> Any:
        """Delete a VCH, and its volume stores when asked."""
        from vic_machine.operations.delete import delete_vch

        result = delete_vch(self.session, row.raw, delete_volumes=delete_volumes, sink=sink)
        shutil.rmtree(self.cert_dir(row.name), ignore_errors=True)
        return result

    def save_client_certs(self, row: VchRow, directory: str) -> list[str]:
        """Write the client certificates of a VCH created from this terminal into ``directory``.

        :raise InputError: this machine has no certificates of that VCH. :raise NotFound: it needs none.
        """
        from vic_machine.operations.cert import client_bundle

        data = client_bundle(row.raw, str(self.cert_dir(row.name)))
        target = Path(directory).expanduser()
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        written = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                path = target / Path(info.filename).name
                path.write_bytes(archive.read(info))
                path.chmod((info.external_attr >> 16) & 0o777 or 0o600)
                written.append(str(path))
        return written

    def deployment_log(self, row: VchRow) -> str:
        """The create log vic-machine wrote beside the endpoint VM; this terminal's record when there is none."""
        try:
            return read_create_log(self.session, row.raw)
        except VicError as exc:
            lines = self.create_logs.get(row.name)
            return "\n".join(lines) if lines else f"No create log for {row.name}: {exc}"

    # Configure and upgrade read the VCH afresh: the row may be minutes old, and both refuse a stale picture.
    def _find(self, row: VchRow) -> Any:
        from vic_machine.operations.find import find_vch

        return find_vch(self.session, vch_id=row.id, iso=self.appliance_iso())

    def _unlocked(self, row: VchRow, reset_progress: bool) -> Any:
        """The VCH afresh, refused while its ``UpdateInProgress`` mark is set unless ``reset_progress`` clears it
        (VIC's --reset-progress: for a mark left by a run that died).

        :raise ConfigureInProgress: the mark is set and ``reset_progress`` is false.
        """
        from vic_machine.extraconfig.keys import UPDATE_STATUS_KEY
        from vic_machine.operations.configure import ConfigureInProgress
        from vic_machine.operations.configure_steps import write_extra

        vch = self._find(row)
        if not vch.config.update_in_progress:
            return vch
        if not reset_progress:
            # Configure and upgrade refuse alike; one error type lets the screens offer to clear the mark.
            raise ConfigureInProgress(f"VCH {row.name} is marked as being upgraded or configured",
                                      remedy="If no other upgrade or configure is running, clear the stale mark")
        write_extra(vch.vm, {UPDATE_STATUS_KEY: ""}, "clear the VCH's update-in-progress mark", row.name)
        return self._find(row)

    def current_spec(self, row: VchRow, reset_progress: bool = False) -> tuple[VchSpec, Inventory]:
        """The VCH's stored configuration as a spec, and the inventory of its datacenter (for the pickers).

        :raise ConfigureInProgress: the VCH is locked (configure would refuse); ``reset_progress`` clears it.
        """
        from vic_machine.operations.configure_spec import current_spec

        vch = self._unlocked(row, reset_progress)
        spec, _config = current_spec(self.session, vch)
        return spec, take_snapshot(self.session, vch.path.strip("/").split("/", 1)[0])

    def preview(self, row: VchRow, spec: VchSpec) -> Any:
        """What configuring the VCH to ``spec`` changes and whether it restarts it; nothing is applied.

        :raise ConfigureInProgress, InputError, ValidationFailed:
        """
        from vic_machine.operations.configure import preview

        return preview(self.session, self._find(row), spec, partial=False)

    def configure(self, row: VchRow, spec: VchSpec, sink: Sink, cancel_event: threading.Event,
                  reset_progress: bool = False) -> Any:
        """Apply ``spec`` to the VCH; ``reset_progress`` first clears a stale ``UpdateInProgress`` mark.

        :raise OperationFailed: with what was undone (and see :meth:`preview`).
        """
        from vic_machine.operations.configure import configure

        return configure(self.session, self._find(row), spec, sink=sink, cancel_event=cancel_event,
                         partial=False, timeout=DEFAULT_TIMEOUT_SECONDS, reset_progress=reset_progress)

    def previous_version(self, row: VchRow) -> str | None:
        """The version a roll back returns the VCH to ("" when unrecorded); None when it has no upgrade snapshot."""
        from vic_machine.operations.upgrade_steps import Previous, read_vm, upgrade_snapshots

        snapshots = upgrade_snapshots(read_vm(self.session, row.raw.vm))
        if not snapshots:
            return None
        previous = Previous.from_description(snapshots[-1].description)
        return previous.version if previous else ""

    def upgrade(self, row: VchRow, sink: Sink, cancel_event: threading.Event, rollback: bool = False,
                reset_progress: bool = False) -> Any:
        """Upgrade the VCH to this terminal's ISOs, or roll it back to its version before the last upgrade.

        :param reset_progress: first clear a stale ``UpdateInProgress`` mark, then upgrade (or roll back).
        :raise ConfigureInProgress: the VCH is marked as being upgraded or configured (and not ``reset_progress``).
        :raise Conflict, NotFound: nothing was done. :raise OperationFailed: with what was undone.
        """
        from vic_machine.operations.upgrade import upgrade

        # The core's own --reset-progress only clears the mark; here the user asked to clear it and go on.
        vch = self._unlocked(row, reset_progress)
        return upgrade(self.session, vch, isos=self.checked_isos(), timeout=DEFAULT_TIMEOUT_SECONDS,
                       sink=sink, cancel_event=cancel_event, rollback=rollback, certs=self._client_certs(row.name))

    def _client_certs(self, name: str) -> Any:
        """The client certificates this terminal wrote for the VCH, to ask its Docker API when it is back up."""
        from vic_machine.certs import CertBundle

        files = {n: self.cert_dir(name) / n for n in ("ca.pem", "cert.pem", "key.pem")}
        if not all(p.is_file() for p in files.values()):
            return None
        return CertBundle(mode="tlsverify", ca_cert=files["ca.pem"].read_bytes(),
                          client_cert=files["cert.pem"].read_bytes(), client_key=files["key.pem"].read_bytes())

    def logout(self) -> None:
        self.session.logout()

