"""Checks that reach out: the operations user's login and the registries' reachability.

A registry probe is one ``GET /v2/`` per scheme with a short timeout, following no redirect, and its finding says
only whether a Docker registry answered: nothing of what answered (body, status text, error detail) is passed
on, so a probe is not a way to read, or to map, what lies behind this machine. Front ends that act for other
users (the plug-in server) run probes only for users allowed to create a VCH there.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
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


# Seconds for one registry's probe (every scheme: connection, TLS and answer together).
PROBE_TIMEOUT = 2.0
# Registries probed at most (in parallel, 8 at a time): a validation stays a few seconds whatever it lists.
MAX_PROBED = 16


def _answers_as_registry(scheme: str, host: str, deadline: float) -> bool:
    """Whether ``scheme://host/v2/`` answers as a Docker registry before ``deadline`` (monotonic); only the
    status line and headers are read, a redirect is not followed."""
    timeout = deadline - time.monotonic()
    if timeout <= 0:
        return False
    try:
        # Inside the try: a name no connection can be made to (control characters, a bad port) is unreachable.
        if scheme == "https":
            context = ssl._create_unverified_context()  # noqa: S323 - probing reachability, not trusting content
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(host, timeout=timeout, context=context)
        else:
            conn = http.client.HTTPConnection(host, timeout=timeout)
    except (ValueError, http.client.HTTPException):
        return False
    try:
        conn.request("GET", "/v2/", headers={"Accept": "application/json", "Connection": "close"})
        response = conn.getresponse()
        return _is_registry(response.status, response.headers)
    except (OSError, ValueError, socket.timeout, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _is_registry(status: int, headers) -> bool:
    # A Docker registry answers /v2/ with 200 or 401; proxies and web servers answer other codes.
    return status in (200, 401) or bool(headers.get("Docker-Distribution-API-Version"))


def _reachable(entry: str, insecure: bool, timeout: float) -> bool:
    host = entry.split("://", 1)[-1].split("/", 1)[0]
    schemes = ("https", "http") if insecure else ("https",)
    deadline = time.monotonic() + timeout
    return any(_answers_as_registry(scheme, host, deadline) for scheme in schemes)


def _probed_registries(ctx: Context) -> list[tuple[str, bool]]:
    reg = ctx.spec.registry
    # Wildcards and CIDRs name many hosts; only concrete registries are probed.
    return [(e, e in reg.insecure) for e in dict.fromkeys([*reg.insecure, *reg.whitelist])
            if "*" not in e and "/" not in e.split("://")[-1]]


def probes_skipped(ctx: Context, step: str | None, why: str) -> list[Finding]:
    """Warnings saying which probes were not run (``why``: for whom), for the checks ``step`` covers."""
    found = []
    if step in (None, "registry") and _probed_registries(ctx):
        found.append(warning("registry.not_probed", "registry", "registry",
                             f"Whether the registries answer was not checked: {why}",
                             "A user allowed to create VCHs here sees the check"))
    if step in (None, "operations") and ctx.spec.endpoint.operations_credentials.user:
        found.append(warning("operations.not_checked", "endpoint.operations_credentials.user", "operations",
                             f"The operations user's login and privileges were not checked: {why}",
                             "A user allowed to create VCHs here sees the check"))
    return found


def check_registries(ctx: Context, timeout: float = PROBE_TIMEOUT) -> list[Finding]:
    entries = _probed_registries(ctx)
    if not entries:
        return []
    found = []
    if len(entries) > MAX_PROBED:
        found.append(warning("registry.not_probed", "registry", "registry",
                             f"Only the first {MAX_PROBED} of {len(entries)} registries were checked",
                             "The others are used as given"))
        entries = entries[:MAX_PROBED]
    with ThreadPoolExecutor(max_workers=min(8, len(entries))) as pool:
        results = list(pool.map(lambda item: _reachable(item[0], item[1], timeout), entries))
    return found + [warning("registry.unreachable", "registry", "registry",
                            f"Registry {e} did not answer as a Docker registry from this machine",
                            "The VCH may still reach it from its own network; check the address if unsure")
                    for (e, _), ok in zip(entries, results) if not ok]
