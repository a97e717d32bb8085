"""Helpers shared by the API views: the caller's session on the target named in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, g

from plugin_server.auth import pinned_target, user_session
from vic_machine.errors import FieldError, InputError
from vic_machine.iso import check_isos
from vic_machine.target import Target
from vic_machine.vsphere.session import Session


@dataclass
class Call:
    """The target a request names, the datacenter (name or id, may be empty) and the caller's session."""

    target: Target
    datacenter: str
    session: Session

    @property
    def target_key(self) -> str:
        return f"{self.target.host}:{self.target.port}"


def call_for(target: str, datacenter: str = "") -> Call:
    pinned = pinned_target(target, datacenter)
    return Call(target=pinned, datacenter=datacenter, session=user_session(pinned))


def operations():
    return current_app.extensions["vic_operations"]


def claim(subject: str):
    """Reserve ``subject`` (``<target>/<vch id>``) for an operation this request is about to start, before it reads
    anything: a conflicting request is then 409 at once, not an error from racing the running operation. Pass the
    claim to ``operations().start(..., claim=)``; one not taken is released when the request ends.

    :raise Conflict: an operation on ``subject`` is running or being started.
    """
    claimed = operations().reserve(subject)
    g.setdefault("vic_claims", []).append(claimed)
    return claimed


def release_claims(_exc=None) -> None:
    """teardown_request: give back what this request claimed but did not start."""
    for claimed in g.pop("vic_claims", []):
        operations().unreserve(claimed)


def installed_isos():
    """The appliance and bootstrap ISOs this server deploys (``ISO_DIR``, else vic-machine's default places).

    :raise InputError: naming ``appliance_iso``/``bootstrap_iso`` when they are missing or unreadable.
    """
    folder = current_app.config["ISO_DIR"]
    if folder:
        return check_isos(Path(folder) / "appliance.iso", Path(folder) / "bootstrap.iso")
    return check_isos()


def accepted(op) -> tuple[dict, int, dict]:
    """202 with the operation, and where to follow it."""
    return op.to_dict(), 202, {"Location": f"/container/operations/{op.id}"}


def findings_error(findings) -> InputError:
    """Validation errors as an input error whose messages sit on the fields they concern."""
    return InputError([FieldError(f.path, f"{f.message}. {f.remedy}" if f.remedy else f.message)
                       for f in findings if f.level == "error"])
