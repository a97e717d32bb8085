"""``POST /api/create-command``: the wizard's "Copy CLI command", per operating system. Each command line gives the
program back exactly the arguments, through a POSIX shell (Linux, macOS) or cmd.exe and a Windows program's
argument parsing (CommandLineToArgvW's rules); names stay names, never managed object ids."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from plugin_server.api.ui import commands_for, windows_quote
from plugin_server.app import create_app


def cmd_then_argv(line: str) -> list[str]:
    """cmd.exe (no operator outside quotes, no %) then CommandLineToArgvW's rules, as a Go program reads them."""
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        assert quoted or char not in "&|<>^()%", line
    args, i, n = [], 0, len(line)
    while i < n:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            break
        arg, quoted = "", False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                j = i
                while j < n and line[j] == "\\":
                    j += 1
                if j < n and line[j] == '"':
                    arg += "\\" * ((j - i) // 2)
                    if (j - i) % 2:
                        arg += '"'
                        j += 1
                else:
                    arg += "\\" * (j - i)
                i = j
            elif line[i] == '"':
                if quoted and line[i + 1:i + 2] == '"':
                    arg += '"'
                    i += 2
                    continue
                quoted = not quoted
                i += 1
            else:
                arg += line[i]
                i += 1
        args.append(arg)
    return args


AWKWARD = ["create", "--name", "Team A (prod)", "--volume-store", "nfs://nfs.local/export?uid=1000&gid=1000:nfs",
           "--container-name-convention", "c-{name}", "--image-store", "ds://Local DS/imgs\\", "--organization",
           'say "hi"', "--tls-cname", "a\\\\b\"c", "--debug", "1", "--no-tlsverify", "--name", ""]


def test_windows_quoting_gives_the_arguments_back():
    line = " ".join(windows_quote(a) for a in AWKWARD)
    assert cmd_then_argv(line) == AWKWARD
    assert windows_quote("--no-tlsverify") == "--no-tlsverify"  # plain words stay plain


def test_each_command_line_gives_the_same_arguments():
    commands = commands_for(AWKWARD)
    assert commands["linux"].startswith("./vic-machine-linux ")
    assert shlex.split(commands["linux"])[1:] == AWKWARD
    assert shlex.split(commands["darwin"])[1:] == AWKWARD
    assert cmd_then_argv(commands["windows"]) == ["vic-machine-windows.exe", *AWKWARD]
    printed = subprocess.run(["sh", "-c", commands["linux"].replace("./vic-machine-linux", "printf '%s\\0'", 1)],
                             capture_output=True, check=True).stdout.decode().split("\0")[:-1]
    assert printed == AWKWARD


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def test_the_answer_has_the_arguments_and_every_command_line(client):
    model = {"name": "Team A (prod)", "compute": {"resource": {"name": "/DC0/host/DC0_C0"}},
             "storage": {"image_stores": ["ds://LocalDS_0"], "base_image_size": {"value": 8, "units": "GiB"}},
             "network": {"bridge": {"port_group": {"name": "DC0_DVPG0"}}}}
    r = client.post("/api/create-command", json=model)
    assert r.status_code == 200, r.json
    argv = r.json["argv"]
    assert argv[:3] == ["create", "--name", "Team A (prod)"]
    assert argv[argv.index("--compute-resource") + 1] == "/DC0/host/DC0_C0"
    assert argv[argv.index("--bridge-network") + 1] == "DC0_DVPG0"
    # 8 GiB is no whole number of GB: written in bytes, which vic-machine 1.5.8 and ours both read the same way.
    assert argv[argv.index("--base-image-size") + 1] == "8589934592B"
    assert set(r.json["commands"]) == {"linux", "darwin", "windows"}
    assert shlex.split(r.json["commands"]["linux"])[1:] == argv
    assert cmd_then_argv(r.json["commands"]["windows"])[1:] == argv
