"""Checks that reach out: the operations user's login and the registries' reachability."""

from __future__ import annotations

import http.client
import ssl
import urllib.error
import urllib.request
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


def _answers_as_registry(url: str, timeout: float) -> bool:
    request = urllib.request.Request(url, method="GET")
    context = ssl._create_unverified_context()  # noqa: S323 - probing reachability, not trusting content
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return _is_registry(response.status, response.headers)
    except urllib.error.HTTPError as exc:
        return _is_registry(exc.code, exc.headers)
    except (OSError, ValueError, http.client.HTTPException):
        return False


def _is_registry(status: int, headers) -> bool:
    # A Docker registry answers /v2/ with 200 or 401; proxies and web servers answer other codes.
    return status in (200, 401) or bool(headers.get("Docker-Distribution-API-Version"))


def _reachable(entry: str, insecure: bool, timeout: float) -> bool:
    host = entry.split("://", 1)[-1].split("/", 1)[0]
    schemes = ("https", "http") if insecure else ("https",)
    return any(_answers_as_registry(f"{scheme}://{host}/v2/", timeout) for scheme in schemes)


def check_registries(ctx: Context, timeout: float = 3.0) -> list[Finding]:
    reg = ctx.spec.registry
    # Wildcards and CIDRs name many hosts; only concrete registries are probed.
    entries = [(e, e in reg.insecure) for e in dict.fromkeys([*reg.insecure, *reg.whitelist])
               if "*" not in e and "/" not in e.split("://")[-1]]
    if not entries:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(entries))) as pool:
        results = list(pool.map(lambda item: _reachable(item[0], item[1], timeout), entries))
    return [warning("registry.unreachable", "registry", "registry",
                    f"Registry {e} did not answer as a Docker registry from this machine",
                    "The VCH may still reach it from its own network; check the address if unsure")
            for (e, _), ok in zip(entries, results) if not ok]
