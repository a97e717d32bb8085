"""The vSphere Client plug-in needs vCenter: a lone ESXi host has no vSphere Client and no extension manager to
register a plug-in with. What works on such a host: vic-machine, vic-tui and this server's REST API."""

from __future__ import annotations

from vic_machine.errors import TargetError
from vic_machine.vsphere.session import Session


def require_vcenter(session: Session, action: str) -> None:
    """Refuse ``action`` (e.g. "register the vSphere Client plug-in") on an ESXi host that no vCenter manages.

    :raise TargetError: the session is on an ESXi host's own API.
    """
    if session.is_esxi:
        raise TargetError(
            f"Cannot {action}: {session.target.display} is an ESXi host that no vCenter manages, and the vSphere "
            "Client plug-in lives in vCenter (a lone host has no vSphere Client)",
            remedy="Register the plug-in with the vCenter that manages your hosts; on this host, deploy VCHs with "
                   "vic-machine, vic-tui or this server's REST API (/container/target/<host>/vch)")
