"""The Create wizard's warnings and Summary: a warning stays beside its field and must be acknowledged on the Summary
before Finish; the Summary and the copied command name objects by name and inventory path, and the command, for
Linux, macOS or Windows, is one that VIC 1.5.8's vic-machine and ours both take as it is."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from e2e.conftest import open_wizard
from e2e.test_wizard import field, next_page
from vic_machine.cli import create as create_cli
from vic_machine.cli.main import main
from vic_machine.spec.schema import dump

# Every flag (and alias) of VIC Engine 1.5.8's `vic-machine create` (cmd/vic-machine/create and common).
FLAGS_158 = set("""image-store i base-image-size bridge-network b bridge-network-range bnr bridge-network-width bnw
client-network cln client-network-gateway client-network-ip public-network pn public-network-gateway
public-network-ip management-network mn management-network-gateway management-network-ip endpoint-memory
endpoint-cpu no-tls k insecure-registry dir whitelist-registry wr force f timeout asymmetric-routes ar
tls-server-key tls-server-cert tls-cname tls-cert-path no-tlsverify kv organization certificate-key-size ksz
tls-ca ca container-network cn container-network-gateway cng container-network-ip-range cnr container-network-dns
cnd container-network-firewall cnf name n compute-resource r affinity-vm-group container-name-convention cnc debug
v dns-server appliance-iso ai bootstrap-iso bi memory mem memory-reservation memr memory-shares mems cpu
cpu-reservation cpur cpu-shares cpus storage-quota sq containers ops-user ops-password ops-grant-perms https-proxy
http-proxy no-proxy registry-ca rc syslog-address target t user u password p thumbprint volume-store
vs""".split())
MANAGED_OBJECT_ID = re.compile(r"\b(vm|host|domain-c|clustercomputeresource|resgroup|dvportgroup|dvs|network|"
                               r"datastore|datacenter|group-[a-z])-?\d+\b")


def quantity(wizard: FrameLocator, path: str, value: str, unit: str) -> None:
    """Type a size or speed: leave Unlimited (when the field has it), the number, then its unit beside it."""
    box = field(wizard, path)
    unlimited = box.locator("input.vic-unlimited")
    if unlimited.count():
        unlimited.uncheck()
    box.locator("input.vic-amount").fill(value)
    box.locator("select.vic-unit-select").select_option(unit)


def test_warning_stays_beside_its_field_and_is_acknowledged_before_finish(page: Page, fresh_name):
    wizard = open_wizard(page)
    field(wizard, "name").locator("input").fill(fresh_name("warn"))
    next_page(wizard, "compute")
    wizard.get_by_label("DC0_C0").check()
    quantity(wizard, "compute.memory.limit", "100000000", "MiB")
    wizard.locator("#wizard-next").click()
    warning = field(wizard, "compute.memory.limit").locator(".vic-warning")
    expect(warning).to_contain_text("more than DC0_C0 can give")
    # The first Next shows the warning and stays; the next one goes on, the warning kept for the Summary.
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "compute")
    expect(wizard.locator(".vic-step-alert")).to_contain_text("1 warning")
    next_page(wizard, "storage")
    wizard.locator("#wizard-back").click()
    expect(warning).to_contain_text("more than DC0_C0 can give")  # still there when coming back
    next_page(wizard, "storage")
    field(wizard, "storage.image_stores").locator("select").select_option("LocalDS_0")
    next_page(wizard, "networks")
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    for step in ("security", "registry", "operations", "summary"):
        next_page(wizard, step)
    listed = wizard.locator("#summary-warnings li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Memory limit")
    expect(listed).to_contain_text("more than DC0_C0 can give")
    finish = wizard.locator("#wizard-next")
    expect(finish).to_have_text("Finish")
    expect(finish).to_be_disabled()
    listed.locator("input.vic-ack").check()
    expect(finish).to_be_enabled()
    # Its link goes back to the field, and the acknowledgement is remembered on the way back.
    listed.get_by_role("button", name="Go to Compute capacity").click()
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "compute")
    for step in ("storage", "networks", "security", "registry", "operations", "summary"):
        next_page(wizard, step)
    expect(wizard.locator("#summary-warnings input.vic-ack")).to_be_checked()
    expect(finish).to_be_enabled()


def windows_argv(line: str) -> list[str]:
    """What cmd.exe and then a Go program on Windows (CommandLineToArgvW's rules) make of ``line``."""
    quoted = False
    for index, char in enumerate(line):  # cmd.exe: operators outside quotes would cut the command
        if char == '"':
            quoted = not quoted
        assert char != "%", "cmd.exe expands %…% even inside quotes"
        assert quoted or char not in "&|<>^()", f"unquoted {char!r} at {index}: {line}"
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
                if quoted and line[i + 1:i + 2] == '"':  # "" inside quotes: a literal quote
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


def posix_argv(command: str, shell: str, folder) -> list[str]:
    """What ``shell`` passes to the program when it runs ``command`` in ``folder`` (each program name there is a
    script printing its arguments)."""
    for name in ("vic-machine-linux", "vic-machine-darwin"):
        script = folder / name
        script.write_text("#!/bin/sh\nprintf '%s\\0' \"$@\"\n")
        script.chmod(0o755)
    done = subprocess.run([shell, "-c", command], capture_output=True, check=True, cwd=folder)
    return done.stdout.decode().split("\0")[:-1]


@pytest.fixture
def recorded_specs(monkeypatch):
    specs = []
    real = create_cli.spec_from_options

    def record(values):
        spec = real(values)
        specs.append(dump(spec))
        return spec

    monkeypatch.setattr(create_cli, "spec_from_options", record)
    return specs


def test_copied_command_names_objects_and_runs_on_both_vic_machines(page: Page, stack, fresh_name, recorded_specs,
                                                                    monkeypatch, capsys, tmp_path):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    name = fresh_name("Team A (cli)")
    wizard = open_wizard(page)
    field(wizard, "name").locator("input").fill(name)
    field(wizard, "container.name_convention").locator("input").fill("c-{name}")
    next_page(wizard, "compute")
    wizard.get_by_label("DC0_C0").check()
    quantity(wizard, "compute.cpu.limit", "2", "GHz")
    quantity(wizard, "compute.memory.limit", "0.5", "GiB")  # within DC0_C0's 961 MiB: no warning
    next_page(wizard, "storage")
    field(wizard, "storage.image_stores").locator("select").select_option("LocalDS_0")
    quantity(wizard, "storage.base_image_size", "16", "GB")
    wizard.locator("#anonymous-volumes").check()
    next_page(wizard, "networks")
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    next_page(wizard, "security")
    # A name with a space is no DNS name: the server certificate needs one.
    field(wizard, "auth.server.generate.cname").locator("input").fill("team-a.example.com")
    for step in ("registry", "operations", "summary"):
        next_page(wizard, step)

    summary = wizard.locator(".vic-summary")
    expect(summary).to_contain_text("/DC0/host/DC0_C0")
    expect(summary).to_contain_text("DC0_DVPG0")
    expect(summary).to_contain_text("512 MiB")
    expect(summary).to_contain_text("2 GHz")
    expect(summary).to_contain_text("16 GB")
    assert not MANAGED_OBJECT_ID.search(summary.inner_text()), summary.inner_text()

    commands = {}
    for os_name in ("linux", "darwin", "windows"):
        wizard.locator("#cli-os").select_option(os_name)
        expect(wizard.locator("#cli-command")).to_have_attribute("data-command", re.compile(f"vic-machine-{os_name}"))
        wizard.locator("#copy-cli").click()
        expect(wizard.locator("#copy-cli-status")).to_have_text("Copied")
        commands[os_name] = page.evaluate("navigator.clipboard.readText()")
        assert commands[os_name] == wizard.locator("#cli-command").get_attribute("data-command")
        assert " ".join(commands[os_name].split()) == " ".join(wizard.locator("#cli-command").inner_text().split())
    for text in commands.values():
        assert not MANAGED_OBJECT_ID.search(text), text
        assert stack.sim.password not in text and "--password" not in text

    assert commands["linux"].startswith("./vic-machine-linux create ")
    assert commands["darwin"].startswith("./vic-machine-darwin create ")
    assert commands["windows"].startswith("vic-machine-windows.exe create ")
    argv = posix_argv(commands["linux"], "bash", tmp_path)
    assert posix_argv(commands["linux"], "sh", tmp_path) == argv  # dash: a plain POSIX shell
    assert posix_argv(commands["darwin"], "bash", tmp_path) == argv
    assert windows_argv(commands["windows"])[1:] == argv
    assert argv[0] == "create"
    flags = [a.lstrip("-") for a in argv[1:] if a.startswith("-")]
    assert set(flags) <= FLAGS_158, set(flags) - FLAGS_158
    assert argv[argv.index("--name") + 1] == name
    assert argv[argv.index("--target") + 1] == f"{stack.sim.host}:{stack.sim.port}/DC0"
    assert argv[argv.index("--thumbprint") + 1] == stack.sim.thumbprint_sha1

    # Ours takes it as it is (only the password comes from the environment, as vic-machine 1.5.8 allows).
    monkeypatch.setenv("VIC_MACHINE_PASSWORD", stack.sim.password)
    code = main([*argv, "--dry-run"])
    out = capsys.readouterr()
    assert code in (0, None), out.out + out.err
    spec = recorded_specs[-1]
    assert spec["name"] == name
    assert spec["compute"]["resource"] == {"name": "/DC0/host/DC0_C0"}
    assert spec["compute"]["cpu"]["limit"] == {"value": 2000, "units": "MHz"}
    assert spec["compute"]["memory"]["limit"] == {"value": 512, "units": "MiB"}
    assert spec["storage"]["image_stores"] == ["ds://LocalDS_0"]
    assert spec["storage"]["base_image_size"] == {"value": 16 * 1000**3, "units": "B"}
    assert spec["storage"]["volume_stores"] == [{"datastore": "ds://LocalDS_0/volumes", "label": "default"}]
    assert spec["network"]["bridge"]["port_group"] == {"name": "DC0_DVPG0"}
    assert spec["container"]["name_convention"] == "c-{name}"
    assert spec["auth"]["server"]["generate"]["cname"] == "team-a.example.com"
