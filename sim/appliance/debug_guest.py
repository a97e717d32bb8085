"""The appliance stand-in's side of ``vic-machine debug`` (simulation).

The real appliance's tools run ``enable-ssh <public key>`` and ``passwd <password>`` when vic-machine starts them
through guest operations. govmomi 0.24.2's simulator has no guest process manager, so the core hands the request
over in extraConfig instead (``vic_machine.operations.debug``); here the stand-in reads it, records what it was
asked — SSH on, the authorized keys, that a root password was set (never the password) — and acknowledges with
``…/done`` = the request id (or ``<id>:<reason>`` when it refuses). The record lasts until the VM powers off,
as SSH and the password do in the real appliance.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from vic_machine.extraconfig import secret_key_of
from vic_machine.extraconfig import SecretError
from vic_machine.operations.debug import AUTHORIZED_KEY_KEY
from vic_machine.operations.debug import DONE_KEY
from vic_machine.operations.debug import ENABLE_SSH_KEY
from vic_machine.operations.debug import REQUEST_KEY
from vic_machine.operations.debug import ROOT_PASSWORD_KEY


@dataclass(frozen=True)
class GuestDebugState:
    """What the guest was asked to do since it booted."""

    ssh_enabled: bool = False
    authorized_keys: tuple[str, ...] = ()
    root_password_set: bool = False
    requests: int = 0
    refused: tuple[str, ...] = field(default=())


def pending(extra: dict[str, str]) -> str:
    """The id of a debug request not yet acknowledged, "" when none."""
    request = extra.get(REQUEST_KEY, "")
    done = extra.get(DONE_KEY, "")
    return request if request and done.split(":", 1)[0] != request else ""


def handle(state: GuestDebugState, extra: dict[str, str]) -> tuple[GuestDebugState, dict[str, str]]:
    """Apply the pending request: (the new record, the keys the guest writes to acknowledge it)."""
    request = pending(extra)
    if not request:
        return state, {}
    password_set = False
    sealed = extra.get(ROOT_PASSWORD_KEY, "")
    if sealed:
        key = secret_key_of(extra)
        try:
            # Opened only to prove it arrived intact; the password itself is never kept.
            password_set = key is not None and bool(key.open(sealed, key_name=ROOT_PASSWORD_KEY))
        except SecretError:
            reason = "the root password does not open with the VCH's key"
            return replace(state, requests=state.requests + 1, refused=(*state.refused, reason)), {
                DONE_KEY: f"{request}:{reason}"}
    ssh = state.ssh_enabled or extra.get(ENABLE_SSH_KEY) == "true"
    keys = state.authorized_keys
    new_key = extra.get(AUTHORIZED_KEY_KEY, "").strip()
    if ssh and new_key and new_key not in keys:
        keys = (*keys, new_key)
    updated = replace(state, ssh_enabled=ssh, authorized_keys=keys,
                      root_password_set=state.root_password_set or password_set, requests=state.requests + 1)
    return updated, {DONE_KEY: request}
