"""Translate pyvmomi faults into the core's own errors, at the edge."""

from __future__ import annotations

import http.client
import socket
import ssl
from contextlib import contextmanager
from typing import Iterator

from pyVmomi import vim, vmodl

from vic_machine.errors import AuthenticationError, PermissionDenied, TargetError, VicError, VSphereError
from vic_machine.vsphere.pinning import CertificateMismatch

_REMEDIES = {
    "NoPermission": "Ask your vSphere administrator for the privilege named, or use an account that holds it",
    "NotAuthenticated": "The vCenter session expired: log in again",
    "InvalidLogin": "Check the user name and password",
    "DuplicateName": "Choose another name, or remove the object that holds it",
    "InvalidState": "Check the object's state in the vSphere Client and retry",
    "TaskInProgress": "Another task is running on this object: wait for it, then retry",
}


def fault_name(exc: BaseException) -> str:
    """The vSphere fault's type name: ``InvalidArgument`` for ``vmodl.fault.InvalidArgument``."""
    return type(exc).__name__.rsplit(".", 1)[-1]


def fault_message(exc: BaseException) -> str:
    msg = getattr(exc, "msg", "") or ""
    if not msg:
        messages = [m.message for m in getattr(exc, "faultMessage", []) or [] if getattr(m, "message", "")]
        msg = "; ".join(messages)
    return msg or fault_name(exc)


def _object_of(exc: BaseException) -> str:
    """The object a NoPermission fault names, as "Folder group-v3" (vCenter names it by reference only)."""
    ref = getattr(exc, "object", None)
    moid = getattr(ref, "_moId", "")
    return f"{type(ref).__name__.rsplit('.', 1)[-1]} {moid}" if moid else ""


def translate(exc: BaseException, action: str, obj: str = "") -> VicError:
    """A core error for a fault raised while doing ``action`` (e.g. "create the resource pool")."""
    if isinstance(exc, VicError):
        return exc
    name = fault_name(exc)
    if isinstance(exc, vim.fault.InvalidLogin):
        return AuthenticationError(f"Cannot {action}: the user name or password is wrong", remedy=_REMEDIES[name])
    if isinstance(exc, vim.fault.NoPermission):
        priv = getattr(exc, "privilegeId", "") or "a needed privilege"
        where = _object_of(exc)
        return PermissionDenied(f"Cannot {action}: missing privilege {priv}" + (f" on {where}" if where else ""),
                                remedy=_REMEDIES[name], obj=obj)
    if isinstance(exc, (vmodl.MethodFault, vim.fault.VimFault)):
        return VSphereError(f"Cannot {action}: {name}: {fault_message(exc)}", fault=name,
                            remedy=_REMEDIES.get(name, ""), obj=obj)
    if isinstance(exc, CertificateMismatch):
        return TargetError(f"Cannot {action}: vCenter's address presented another certificate than the pinned one "
                           f"(SHA-256 {exc.sha256}); nothing was sent to it",
                           remedy="Check that nothing intercepts the connection to vCenter, then retry")
    if isinstance(exc, (ssl.SSLError, socket.timeout, TimeoutError)):
        return TargetError(f"Cannot {action}: vCenter did not answer in time or the TLS connection failed ({exc})",
                           remedy="Check that vCenter is up and reachable, then retry")
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return TargetError(f"Cannot {action}: connection to vCenter failed ({exc})",
                           remedy="Check that vCenter is up and reachable, then retry")
    return VSphereError(f"Cannot {action}: {exc}", fault=name, obj=obj)


@contextmanager
def vsphere_call(action: str, obj: str = "") -> Iterator[None]:
    """Run pyvmomi calls, re-raising any failure as the core's error describing ``action``."""
    try:
        yield
    except VicError:
        raise
    except Exception as exc:  # noqa: BLE001 - this is the translation edge
        raise translate(exc, action, obj) from exc
