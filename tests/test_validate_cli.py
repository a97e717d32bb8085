"""``vic-machine create --dry-run`` prints the findings and exits non-zero on errors, 0 when clean.

The issue asks for "non-zero"; the CLI currently uses 2 for validation errors (as for bad input).
"""

from __future__ import annotations

import json

import pytest

from tests.test_validate_support import clean_vc, set_ruleset
from vic_machine.cli.main import main


@pytest.fixture(scope="module")
def vc():
    with clean_vc() as vc:
        yield vc


def _args(vc, *extra: str) -> list[str]:
    sim = vc.sim
    return ["create", "--dry-run", "--target", f"https://{sim.host}:{sim.port}", "--user", sim.username,
            "--password", sim.password, "--thumbprint", sim.thumbprint_sha256,
            "--name", "vch-cli", "--compute-resource", "DC0_C0", "--image-store", "LocalDS_0",
            "--bridge-network", "DC0_DVPG0", "--tls-cname", "vch.example.com", *extra]


@pytest.fixture
def blocked(vc):
    """vic-engine disabled on every host for the test: the firewall check fails."""
    set_ruleset(vc.si, False)
    yield vc
    set_ruleset(vc.si, True)


def test_dry_run_with_errors_prints_them_and_fails(blocked, capsys):
    code = main(_args(blocked))
    out = capsys.readouterr().out
    assert code != 0
    assert "ERROR" in out and "(firewall.blocked)" in out
    assert "vic-machine update firewall --allow" in out
    assert "1 error(s), 0 warning(s)" in out


def test_dry_run_json_lists_the_findings(blocked, capsys):
    code = main(_args(blocked, "--output", "json"))
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code != 0
    assert [(f["level"], f["code"], f["path"], f["step"]) for f in findings] == [
        ("error", "firewall.blocked", "compute.resource", "compute")]
    assert findings[0]["remedy"]


def test_dry_run_clean_exits_0(vc, capsys):
    assert main(_args(vc)) == 0
    assert "All checks passed." in capsys.readouterr().out
    assert main(_args(vc, "--output", "json")) == 0
    assert json.loads(capsys.readouterr().out) == {"findings": []}


def test_dry_run_warnings_alone_exit_0(vc, capsys):
    # An unreachable registry is only a warning.
    code = main(_args(vc, "--insecure-registry", "127.0.0.1:9", "--output", "json"))
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 0
    assert [(f["level"], f["code"]) for f in findings] == [("warning", "registry.unreachable")]
