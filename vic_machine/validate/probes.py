"""Checks that reach out: the operations user's login and the registries' reachability."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from vic_machine.errors import VicError
from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error, warning
from vic_machine.vsphere.session import Session, connect


def check_ops_credentials(ctx: Context, session: Session | None) -> list[Finding]:
    creds = ctx.spec.endpoint.operations_credentials
    if session is None or not creds.user:
        return []
    target = replace(session.target, user=creds.user, password=creds.password or "",
                     thumbprint=session.thumbprint_sha256)
    try:
        connect(target).logout()
    except VicError as exc:
        return [error("operations.login_failed", "endpoint.operations_credentials.user", "operations",
                      f"Failed to validate operations credentials: {exc.message}",
                      "Check the operations user name and password")]
    return []


def _host_port(entry: str) -> tuple[str, int]:
    entry = entry.split("://", 1)[-1].split("/", 1)[0]
    host, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
    return host, int(port) if port.isdigit() else 443


def _reachable(entry: str, timeout: float) -> bool:
    host, port = _host_port(entry)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_registries(ctx: Context, timeout: float = 3.0) -> list[Finding]:
    reg = ctx.spec.registry
    # Wildcards and CIDRs name many hosts; only concrete registries are probed.
    entries = [e for e in [*reg.insecure, *reg.whitelist] if "*" not in e and "/" not in e.split("://")[-1]]
    if not entries:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(entries))) as pool:
        results = list(pool.map(lambda e: _reachable(e, timeout), entries))
    return [warning("registry.unreachable", "registry", "registry",
                    f"Registry {e} cannot be reached from this machine",
                    "The VCH may still reach it from its own network; check the address if unsure")
            for e, ok in zip(entries, results) if not ok]
