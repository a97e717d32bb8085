"""``vic-machine`` imports only what the command run uses (issue 17: ``--help`` and ``version`` start fast)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from tests.support import session_for
from tests.test_ls import make_vch, sorted_vms
from vic_machine.cli.main import COMMANDS


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_is_the_commands_own(name):
    module, attr, short = COMMANDS[name]
    command = getattr(importlib.import_module(module), attr)
    assert command.get_short_help_str(10_000) == short


def _run(args: list[str]) -> tuple[str, set[str]]:
    """vic-machine ``args`` in a new interpreter: what it printed, and every module it had loaded."""
    script = ("import sys, json\nfrom vic_machine.cli.main import main\nmain(%r)\n"
              "print(json.dumps(sorted(sys.modules)), file=sys.stderr)" % args)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def _modules_after(args: list[str]) -> set[str]:
    return _run(args)[1]


@pytest.mark.parametrize("args", [["--help"], ["version"]])
def test_help_and_version_import_no_command(args):
    loaded = _modules_after(args)
    heavy = {"pyVmomi", "rich", "marshmallow", "cryptography", "vic_machine.spec", "vic_machine.vsphere"}
    assert not loaded & heavy
    # Only the signal handling every command runs under (standard library only).
    assert {m for m in loaded if m.startswith("vic_machine.operations.")} <= {"vic_machine.operations.interrupts"}
    assert not {m for m in loaded if m.startswith("vic_machine.cli.")} - {
        "vic_machine.cli.main", "vic_machine.cli.goflags", "vic_machine.cli.version"}


def test_ls_imports_only_what_listing_needs():
    loaded = _modules_after(["ls", "--help"])
    assert "vic_machine.operations.ls" in loaded
    unwanted = {"marshmallow", "cryptography", "rich", "vic_machine.spec", "vic_machine.inventory.snapshot",
                "vic_machine.operations.create", "vic_machine.operations.cert", "vic_machine.cli.cert",
                "vic_machine.cli.configure"}
    assert not loaded & unwanted


def test_ls_loads_no_removing_sealing_or_parsing_code_it_does_not_use(start_sim):
    """Issue 17: what ``ls`` loads beyond pyVmomi is its start-up cost (small inventories are all start-up). With
    nothing left behind, it loads none of the code that removes remnants, grants roles, opens sealed values
    (libsodium: as VIC's ls, it reads a VCH without its secrets, even where the key is readable, as here), or
    reads HTML entities, compressed answers and SAX."""
    sim = start_sim(vm=1)
    session = session_for(sim)
    make_vch(sorted_vms(session)[0], "startup-vch")  # sealed values, its key among the entries
    session.logout()
    out, loaded = _run(["ls", "--target", f"{sim.host}:{sim.port}", "--user", sim.username,
                        "--password", sim.password, "--thumbprint", sim.thumbprint_sha256])
    assert "startup-vch" in out
    assert "vic_machine.operations.leftovers" in loaded  # it did look for leftovers
    unwanted = {"vic_machine.operations.remnants", "vic_machine.operations.plan", "vic_machine.operations.opsuser",
                "nacl", "html", "gzip", "xml.sax"}
    assert not loaded & unwanted
