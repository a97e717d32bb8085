"""The ``vic-machine`` console script: the command's exit code and output, without the interpreter's last collection."""

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from vic_machine import __version__
from vic_machine.cli import main as cli_main

BIN = Path(sys.executable).parent


def test_the_console_script_exits_with_the_commands_code_and_leaves_the_objects_to_the_os(monkeypatch):
    monkeypatch.setattr(cli_main, "main", lambda: 2)
    assert gc.get_freeze_count() == 0
    try:
        with pytest.raises(SystemExit) as exited:
            cli_main.run()
        assert exited.value.code == 2
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_installed_script_still_flushes_what_it_printed_into_a_pipe():
    done = subprocess.run([str(BIN / "vic-machine"), "version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, f"vic-machine version v{__version__}\n")
    refused = subprocess.run([str(BIN / "vic-machine"), "ls"], capture_output=True, text=True, timeout=60,
                             env={"PATH": "/usr/bin:/bin"})
    assert refused.returncode == 2
    assert "--target: is required" in refused.stderr
