"""Helpers shared by the API views: the caller's session on the target named in the URL."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from plugin_server.auth import pinned_target, user_session
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
