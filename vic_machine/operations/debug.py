"""``debug``: enable SSH on a VCH's endpoint VM and set its root password, through vSphere guest operations.

As VIC 1.5: with the endpoint VM powered on, ``GuestProcessManager.StartProgramInGuest`` runs the appliance's
``enable-ssh`` program (its argument: the public key for root's authorized_keys) and then ``passwd`` (its
argument: the new root password), each waited for through ``ListProcessesInGuest`` until it exits. The appliance's
tools accept any credentials; the changes last until the VM restarts.

govmomi 0.24.2's simulator has no guest process manager: it answers ``MethodNotFound``, which no vCenter does for
this API. Only then the request goes through extraConfig instead (see ``sim/README.md``): the keys below, the
password sealed with the VCH's own secret key as VIC seals its secrets; the guest (the appliance stand-in)
acknowledges with ``…/done``, and the request keys are removed at once, so no password is left behind.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass

from pyVmomi import vim, vmodl

from vic_machine.errors import Conflict, FieldError, InputError, VicError
from vic_machine.extraconfig import read_extra_config, secret_key_of
from vic_machine.operations.ls import VchSummary
from vic_machine.vsphere import vm_spec
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task

ENABLE_SSH_PROGRAM = "enable-ssh"
PASSWD_PROGRAM = "passwd"
# The extraConfig request channel (simulator only): guest-readable keys, the password sealed (@secret).
REQUEST_PREFIX = "guestinfo.vic-plugin.debug/"
REQUEST_KEY = REQUEST_PREFIX + "request"
ENABLE_SSH_KEY = REQUEST_PREFIX + "enable_ssh"
AUTHORIZED_KEY_KEY = REQUEST_PREFIX + "authorized_key"
ROOT_PASSWORD_KEY = REQUEST_PREFIX + "rootpw@secret"
DONE_KEY = REQUEST_PREFIX + "done"
WAIT_SECONDS = 30.0
_KEY_TYPES = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")


class GuestOperationFailed(VicError):
    """A program run in the endpoint VM failed, or the guest did not answer."""

    code = "guest_operation"


@dataclass
class DebugResult:
    """What was asked of the appliance; never the password itself."""

    id: str
    name: str
    ssh_enabled: bool
    authorized_key: bool
    root_password_set: bool
    channel: str

    def to_dict(self) -> dict:
        return asdict(self)


def check_input(enable_ssh: bool, authorized_key: str | None, root_password: str | None) -> None:
    """:raise InputError: nothing asked, SSH asked off, or a key that is not an OpenSSH public key."""
    errors = []
    if not enable_ssh and not root_password:
        errors.append(FieldError("enable_ssh", "give --enable-ssh and/or --rootpw; SSH cannot be turned off on a "
                                               "running VCH (it ends when the endpoint VM restarts)"))
    if authorized_key:
        text = authorized_key.strip()
        if "PRIVATE KEY" in text or not text.startswith(_KEY_TYPES):
            errors.append(FieldError("authorized_key", "must be an OpenSSH public key (ssh-rsa AAAA…, "
                                                       "ssh-ed25519 …), never a private key"))
        if not enable_ssh:
            errors.append(FieldError("authorized_key", "only used with --enable-ssh"))
    if errors:
        raise InputError(errors)


def debug(session: Session, vch: VchSummary, *, enable_ssh: bool, authorized_key: str | None = None,
          root_password: str | None = None) -> DebugResult:
    """Enable SSH in ``vch``'s endpoint VM (with ``authorized_key`` for root) and/or set root's password.

    :raise InputError: see ``check_input``. :raise Conflict: the endpoint VM is not powered on.
    :raise GuestOperationFailed: a program failed in the guest, or VMware Tools are not running there.
    """
    check_input(enable_ssh, authorized_key, root_password)
    vm = vch.vm
    power = retrieve_objects(session.content, [vm], ["runtime.powerState"]).get(vm, {}).get("runtime.powerState")
    if str(power) != "poweredOn":
        raise Conflict(f"The endpoint VM of VCH {vch.name} is not powered on ({power})",
                       remedy="Power it on; debug settings act on the running appliance")
    key = (authorized_key or "").strip()
    try:
        if enable_ssh:
            _run_program(session, vm, vch.name, ENABLE_SSH_PROGRAM, key)
        if root_password:
            _run_program(session, vm, vch.name, PASSWD_PROGRAM, root_password)
        channel = "guest operations"
    except _NoGuestOperations:
        _request_through_extra_config(session, vch, enable_ssh, key, root_password or "")
        channel = "extraConfig (simulator)"
    return DebugResult(vch.id, vch.name, enable_ssh, bool(key), bool(root_password), channel)


class _NoGuestOperations(Exception):
    """This vCenter has no guest process manager at all (govmomi's simulator)."""


def _auth() -> vim.vm.guest.NamePasswordAuthentication:
    # VIC's appliance tools accept any credentials; VIC sends empty ones.
    return vim.vm.guest.NamePasswordAuthentication(username="", password="", interactiveSession=False)


def _run_program(session: Session, vm: vim.VirtualMachine, name: str, program: str, arguments: str) -> None:
    manager = session.content.guestOperationsManager.processManager
    spec = vim.vm.guest.ProcessManager.ProgramSpec(programPath=program, arguments=arguments)
    try:
        pid = manager.StartProgramInGuest(vm=vm, auth=_auth(), spec=spec)
    except vmodl.fault.MethodNotFound as exc:
        raise _NoGuestOperations() from exc
    except vim.fault.GuestOperationsUnavailable as exc:
        raise GuestOperationFailed(f"VMware Tools are not running in the endpoint VM of {name}",
                                   remedy="Wait for the VCH to finish booting, then retry") from exc
    except Exception as exc:  # noqa: BLE001 - translated once, without the arguments (they may hold a password)
        raise GuestOperationFailed(f"Cannot run {program} in the endpoint VM of {name}: "
                                   f"{type(exc).__name__.rsplit('.', 1)[-1]}") from None
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with vsphere_call(f"check {program} in the endpoint VM", name):
            processes = manager.ListProcessesInGuest(vm=vm, auth=_auth(), pids=[pid])
        done = [p for p in processes or [] if p.endTime is not None]
        if done:
            if done[0].exitCode:
                raise GuestOperationFailed(f"{program} failed in the endpoint VM of {name} "
                                           f"(exit code {done[0].exitCode})")
            return
        time.sleep(0.2)
    raise GuestOperationFailed(f"{program} did not finish in the endpoint VM of {name} within {WAIT_SECONDS:g} s")


def _request_through_extra_config(session: Session, vch: VchSummary, enable_ssh: bool, key: str,
                                  password: str) -> None:
    vm = vch.vm
    stored = read_extra_config(retrieve_objects(session.content, [vm], ["config.extraConfig"])[vm]
                               .get("config.extraConfig") or [])
    request = uuid.uuid4().hex
    values = {REQUEST_KEY: request, ENABLE_SSH_KEY: "true" if enable_ssh else "false", AUTHORIZED_KEY_KEY: key}
    if password:
        secret = secret_key_of(stored)
        if secret is None:
            raise GuestOperationFailed(f"Cannot hand the root password to the endpoint VM of {vch.name}: its "
                                       "secret key is not readable")
        values[ROOT_PASSWORD_KEY] = secret.seal(password)
    cleared = {k: "" for k in values}
    try:
        run_task(lambda: vm.ReconfigVM_Task(spec=vm_spec.extra_config_spec(values)), "send the debug request",
                 vch.name)
        _wait_done(session, vm, vch.name, request)
    finally:
        run_task(lambda: vm.ReconfigVM_Task(spec=vm_spec.extra_config_spec(cleared)), "clear the debug request",
                 vch.name)


def _wait_done(session: Session, vm: vim.VirtualMachine, name: str, request: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        extra = read_extra_config(retrieve_objects(session.content, [vm], ["config.extraConfig"])[vm]
                                  .get("config.extraConfig") or [])
        done = extra.get(DONE_KEY, "")
        if done == request:
            return
        if done.startswith(f"{request}:"):
            raise GuestOperationFailed(f"The endpoint VM of {name} refused the debug request: "
                                       f"{done.split(':', 1)[1]}")
        time.sleep(0.1)
    raise GuestOperationFailed(f"The endpoint VM of {name} did not take the debug request within {WAIT_SECONDS:g} s",
                               remedy="Check that the VCH is up")
