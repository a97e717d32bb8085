"""vic-machine 1.5.8's flags and output, as its users type and parse them: every alias with one dash or two, ``-x``,
``--timeout`` and ``--debug/-v`` on every command, configure's flags, ``ls``'s columns laid out as 1.5.8 lays them
out (never cut when stdout is not a terminal) and ``inspect``'s bridge and COMPOSE_TLS_VERSION lines."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyVmomi import vim

from tests.upgrade_support import start_env
from tests.vch_support import vch_spec
from tests.vic158_vectors import VECTORS
from vic_machine.certs import generate
from vic_machine.cli import create as create_cli
from vic_machine.cli.create import create as create_command
from vic_machine.cli.goflags import go_style_args
from vic_machine.cli.main import main
from vic_machine.cli.output import tab_text
from vic_machine.errors import NotFound
from vic_machine.operations.create import create
from vic_machine.operations.find import find_vch
from vic_machine.operations.upgrade import upgrade
from vic_machine.operations.wait import read_config
from vic_machine.spec.model import GIB
from vic_machine.spec.schema import dump
from vic_machine.vsphere.collector import retrieve

HEADER_158 = ["ID", "PATH", "NAME", "VERSION", "UPGRADE STATUS"]


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    """A simulator with the appliance stand-in, the v1.5.8 ISOs and newer ones (for --rollback)."""
    return start_env(vch_world, tmp_path_factory)


@pytest.fixture(scope="module")
def vch(env):
    """A running tlsverify VCH, for the commands that read or change one."""
    create(env.session, vch_spec("flags-vch"), isos=env.old, timeout=20)
    return find_vch(env.session, name="flags-vch")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cells(line: str) -> list[str]:
    """The columns of a line laid out with at least two spaces between them."""
    return re.split(r"\s{2,}", line.strip()) if line.strip() else []


# --- flags spelled as Go's flag parsing takes them -----------------------------------------------------------------

def _context():
    return create_command.make_context("create", [], resilient_parsing=True)


@pytest.mark.parametrize("given, expected", [
    (["--vs", "ds/v:default"], ["-vs", "ds/v:default"]),  # 1.5.8's double-dash form of a short name
    (["-vs", "ds/v:default"], ["-vs", "ds/v:default"]),  # the single-dash one keeps working
    (["-bnr", "172.20.0.0/16"], ["--bnr", "172.20.0.0/16"]),
    (["-name", "vch1", "--n", "vch2"], ["--name", "vch1", "-n", "vch2"]),
    (["-n=vch1", "--image-store=ds"], ["-n", "vch1", "--image-store", "ds"]),
    (["--force=true", "-kv=false", "--no-tls"], ["--force", "--no-tls"]),
    # Values are never rewritten, even when they look like flags; nothing after "--" either.
    (["--ops-password", "-n", "--name", "--vs"], ["--ops-password", "-n", "--name", "--vs"]),
    (["--", "--vs"], ["--", "--vs"]),
    (["--no-such-flag", "-nfoo"], ["--no-such-flag", "-nfoo"]),  # click's to report or to read as -n foo
])
def test_flags_are_read_as_go_reads_them(given, expected):
    assert go_style_args(create_command, _context(), given) == expected


@pytest.fixture
def recorded_specs(monkeypatch):
    """The specs create's flags built, in order (create runs as a dry run against the simulator)."""
    specs = []
    real = create_cli.spec_from_options

    def record(values):
        spec = real(values)
        specs.append(dump(spec, include_secrets=True))
        return spec

    monkeypatch.setattr(create_cli, "spec_from_options", record)
    return specs


def test_create_aliases_build_the_same_spec_as_the_long_names(env, capsys, tmp_path, recorded_specs):
    ca = tmp_path / "ca.pem"
    ca.write_bytes(generate("tlsverify", "ca.example.com").ca_cert)
    base = ["create", *env.target, "--dry-run", "--name", "aliased", "--compute-resource", "DC0_C0",
            "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0"]
    long = ["--volume-store", "LocalDS_0/vols:default", "--container-network", "DC0_DVPG1:cnet",
            "--container-network-gateway", "DC0_DVPG1:10.2.2.1/24",
            "--container-network-ip-range", "DC0_DVPG1:10.2.2.100-10.2.2.120",
            "--container-network-dns", "DC0_DVPG1:10.2.2.2", "--container-network-firewall", "DC0_DVPG1:open",
            "--container-name-convention", "c-{name}", "--bridge-network-range", "172.20.0.0/16",
            "--bridge-network-width", "24", "--public-network", "VM Network", "--client-network", "DC0_DVPG1",
            "--management-network", "DC0_DVPG2", "--memory", "4096", "--memory-reservation", "512",
            "--memory-shares", "high", "--cpu-reservation", "100", "--cpu-shares", "low",
            "--certificate-key-size", "3072", "--tls-ca", str(ca), "--asymmetric-routes", "--storage-quota", "10",
            "--debug", "2"]
    short = ["--vs", "LocalDS_0/vols:default", "--cn", "DC0_DVPG1:cnet", "--cng", "DC0_DVPG1:10.2.2.1/24",
             "--cnr", "DC0_DVPG1:10.2.2.100-10.2.2.120", "--cnd", "DC0_DVPG1:10.2.2.2", "--cnf", "DC0_DVPG1:open",
             "--cnc", "c-{name}", "--bnr", "172.20.0.0/16", "--bnw", "24", "--pn", "VM Network",
             "--cln", "DC0_DVPG1", "--mn", "DC0_DVPG2", "--mem", "4096", "--memr", "512", "--mems", "high",
             "--cpur", "100", "--cpus", "low", "--ksz", "3072", "--ca", str(ca), "--ar", "--sq", "10", "-v", "2"]
    single = ["-vs", "LocalDS_0/vols:default", "-cn", "DC0_DVPG1:cnet", "-cng=DC0_DVPG1:10.2.2.1/24",
              "-cnr", "DC0_DVPG1:10.2.2.100-10.2.2.120", "-cnd", "DC0_DVPG1:10.2.2.2", "-cnf", "DC0_DVPG1:open",
              "-cnc", "c-{name}", "-bnr", "172.20.0.0/16", "-bnw", "24", "-pn", "VM Network",
              "-cln", "DC0_DVPG1", "-mn", "DC0_DVPG2", "-mem", "4096", "-memr", "512", "-mems", "high",
              "-cpur", "100", "-cpus", "low", "-ksz", "3072", "-ca", str(ca), "-ar", "-sq", "10", "--v", "2"]
    for flags in (long, short, single):
        code, _, err = run(capsys, *base, *flags)
        assert "No such option" not in err and code in (0, 2), err
    assert len(recorded_specs) == 3
    assert recorded_specs[1] == recorded_specs[0] == recorded_specs[2]
    spec = recorded_specs[0]  # and the flags meant what they say
    assert spec["network"]["bridge"]["ip_range"] == "172.20.0.0/16" and spec["network"]["bridge"]["network_width"] == 24
    assert spec["container"]["name_convention"] == "c-{name}" and spec["debug"] == 2
    assert spec["network"]["container"][0]["firewall"] == "open" and spec["network"]["asymmetric_routes"] is True
    assert spec["storage"]["volume_stores"] == [{"datastore": "LocalDS_0/vols", "label": "default"}]
    assert spec["storage"]["storage_quota"] == {"value": 10, "units": "GiB"}
    assert spec["compute"]["memory"]["shares"] == {"level": "high"}

    recorded_specs.clear()
    for flags in (["--no-tlsverify"], ["--kv"], ["-kv"]):
        run(capsys, *base, *flags)
    assert [s["auth"]["client"]["no_tls_verify"] for s in recorded_specs] == [True, True, True]


def test_iso_aliases(env, capsys, tmp_path):
    code, _, err = run(capsys, "create", *env.target, "--name", "isos", "--compute-resource", "DC0_C0",
                       "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0", "--no-tlsverify",
                       "--ai", str(tmp_path / "a.iso"), "--bi", str(tmp_path / "b.iso"))
    assert code == 2 and "No such option" not in err
    assert f"{tmp_path / 'a.iso'} does not exist" in err and f"{tmp_path / 'b.iso'} does not exist" in err


def test_extended_help_shows_what_help_leaves_out(capsys):
    code, short_help, _ = run(capsys, "create", "--help")
    assert code == 0 and "--bridge-network" in short_help
    for advanced in ("--bridge-network-range", "--appliance-iso", "--ops-user", "--debug", "--asymmetric-routes"):
        assert advanced not in short_help
    for flag in ("-x", "--x", "--extended-help"):
        code, full, _ = run(capsys, "create", flag)
        assert code == 0
        for advanced in ("--bridge-network-range", "--appliance-iso", "--ops-user", "-v, --debug", "--ar"):
            assert advanced in full
    code, full, _ = run(capsys, "configure", "-x")
    assert code == 0 and "--rollback" in full and "--storage-quota" in full and "--tls-cname" in full
    code, short_help, _ = run(capsys, "configure", "--help")
    assert code == 0 and "--rollback" not in short_help


# --- --timeout and --debug/-v on every command ---------------------------------------------------------------------

def _commands(env, vch, tmp_path):
    key = tmp_path / "id.pub"
    key.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHvW0bQ0b9q7sJb2Q1sLrV8QeJm0a3xqk0Qn8m3mV5Yh t@example\n")
    return {"ls": ["ls", *env.target],
            "inspect": ["inspect", *env.target, "--id", vch.id],
            "inspect config": ["inspect", "config", *env.target, "--id", vch.id],
            "debug": ["debug", *env.target, "--id", vch.id, "--enable-ssh", "--authorized-key", str(key)],
            "update firewall": ["update", "firewall", *env.target, "--compute-resource", "DC0_C0", "--allow"]}


def test_timeout_is_taken_by_every_command(env, vch, capsys, tmp_path):
    for name, argv in _commands(env, vch, tmp_path).items():
        code, _, err = run(capsys, *argv, "--timeout", "a while")
        assert code == 2 and "--timeout" in err and "a while" in err, name
        code, _, err = run(capsys, *argv, "--timeout", "1m30s")
        assert code == 0, f"{name}: {err}"


def test_delete_takes_timeout_and_debug(env, capsys):
    create(env.session, vch_spec("flags-del"), isos=env.old, timeout=20)
    code, _, err = run(capsys, "delete", *env.target, "--name", "flags-del", "--timeout", "a while")
    assert code == 2 and "--timeout" in err and "a while" in err
    code, _, err = run(capsys, "delete", *env.target, *env.iso_args(env.old)[:2], "--name", "flags-del",
                       "--timeout", "1m30s", "--debug", "1")
    assert code == 0 and "DEBUG vic_machine.cli: Logged in to" in err, err
    with pytest.raises(NotFound):
        find_vch(env.session, name="flags-del")


def test_timeout_bounds_the_wait_for_vcenter(env, vch, capsys):
    env.sim.faults.delay("RetrievePropertiesEx", 3000)
    try:
        code, _, err = run(capsys, "ls", *env.target, "--timeout", "1s")
    finally:
        env.sim.faults.reset()
    assert code == 1 and "did not answer in time" in err
    code, out, _ = run(capsys, "ls", *env.target, "--timeout", "10s")
    assert code == 0 and "flags-vch" in out


def test_debug_and_v_show_vic_machines_own_log(env, vch, capsys, tmp_path):
    commands = _commands(env, vch, tmp_path)
    for name, argv in commands.items():
        code, _, err = run(capsys, *argv)
        assert code == 0 and "DEBUG" not in err, name
        for flag in ("--debug", "-v", "--v"):
            code, _, err = run(capsys, *argv, flag, "1")
            assert code == 0 and "DEBUG vic_machine.cli: Logged in to" in err, f"{name} {flag}: {err}"
    # upgrade's --debug is shown by --help, as in 1.5.8 (hidden elsewhere).
    code, out, _ = run(capsys, "upgrade", "--help")
    assert code == 0 and "-v, --debug" in out
    code, _, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.old), "--id", vch.id, "--debug", "1")
    assert code == 1 and "already at version" in err and "DEBUG vic_machine.cli: Logged in to" in err
    # Each run of main leaves logging as it found it.
    assert not logging.getLogger("vic_machine").handlers


# --- configure's 1.5.8 flags ---------------------------------------------------------------------------------------

def _config(env, vch):
    return read_config(env.session, vch.vm)


def test_configure_containers_and_storage_quota(env, vch, capsys):
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--containers", "20", "--sq", "5",
                       "--timeout", "20s")
    assert code == 0, err
    config = _config(env, vch)
    assert config.container.container_count == 20 and config.storage.storage_quota == 5 * GIB
    # 0 is unlimited, as in 1.5.8.
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--containers", "0", "--storage-quota", "0",
                       "--timeout", "20s")
    assert code == 0, err
    config = _config(env, vch)
    assert config.container.container_count == 0 and config.storage.storage_quota == 0


def test_configure_no_proxy(env, vch, capsys):
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--no-proxy", "localhost,.local",
                       "--timeout", "20s")
    assert code == 0, err
    env_vars = _config(env, vch).session("docker-personality").cmd.env
    assert "NO_PROXY=localhost,.local" in env_vars


def test_configure_makes_new_certificates(env, vch, capsys, tmp_path):
    folder = tmp_path / "new-certs"
    folder.mkdir()
    # As 1.5.8: the folder for the new client certificates must not exist yet.
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--tls-cname", "new.example.com",
                       "--tls-cert-path", str(folder))
    assert code == 2 and "already exists" in err
    folder.rmdir()
    code, out, err = run(capsys, "configure", *env.target, "--id", vch.id, "--tls-cname", "new.example.com",
                         "--organization", "Flags Inc", "--ksz", "3072", "--tls-cert-path", str(folder),
                         "--timeout", "20s", "--output", "json")
    assert code == 0, err
    changed = json.loads(out)["changed"]
    assert "auth.client.certificate_authorities" in changed and any(p.startswith("auth.server.") for p in changed)
    assert {p.name for p in folder.iterdir()} >= {"ca.pem", "cert.pem", "key.pem", "server-cert.pem"}
    server = x509.load_pem_x509_certificate((folder / "server-cert.pem").read_bytes())
    assert server.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "new.example.com"
    assert server.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Flags Inc"
    assert server.public_key().key_size == 3072
    # The VCH now trusts the new CA, which signed the new client certificate.
    assert _config(env, vch).certificate.certificate_authorities.decode().strip() == \
        (folder / "ca.pem").read_text().strip()
    client = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
    assert client.issuer == server.issuer


def test_configure_tls_ca_adds_a_client_ca(env, vch, capsys, tmp_path):
    """``--tls-ca`` (and ``--ca``) on configure: the CA is added to those the VCH trusts (was refused: the JSON
    model holds certificates as {pem: …})."""
    ca = generate("tlsverify", "other.example.com").ca_cert
    (tmp_path / "other-ca.pem").write_bytes(ca)
    before = _config(env, vch).certificate.certificate_authorities
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--ca", str(tmp_path / "other-ca.pem"),
                       "--timeout", "20s")
    assert code == 0, err
    after = _config(env, vch).certificate.certificate_authorities
    assert after.startswith(before.strip()) and ca.strip() in after


def test_configure_installs_the_new_server_certificate(env, vch, capsys, tmp_path):
    folder = tmp_path / "certs"
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--tls-cname", "again.example.com",
                       "--tls-cert-path", str(folder), "--timeout", "20s")
    assert code == 0, err
    assert _config(env, vch).certificate.host_certificate.cert == (folder / "server-cert.pem").read_bytes()


def test_configure_takes_every_flag_of_158(env, vch, capsys, tmp_path):
    """Flags whose change the core cannot make yet are still taken, and its refusal names them."""
    for argv, flag in ((["--affinity-vm-group"], "--affinity-vm-group"),
                       (["--affinity-vm-group=false"], "--affinity-vm-group"),
                       (["--cnc", "c-{name}"], "--container-name-convention"),
                       (["--kv", "--tls-cert-path", str(tmp_path / "nv")], "--no-tlsverify")):
        code, out, err = run(capsys, "configure", *env.target, "--id", vch.id, *argv, "--timeout", "20s")
        assert "No such option" not in err, argv
        assert code == 0 or flag in err, (argv, err)


def test_configure_rollback_returns_to_the_version_before_the_upgrade(env, capsys):
    create(env.session, vch_spec("flags-rb"), isos=env.old, timeout=20)
    found = find_vch(env.session, name="flags-rb", iso=env.new.appliance)
    upgrade(env.session, found, isos=env.new, timeout=20)
    assert find_vch(env.session, name="flags-rb").version == env.new.appliance.tag
    code, out, err = run(capsys, "configure", *env.target, "--name", "flags-rb", "--rollback", "--timeout", "20s")
    assert code == 0, err
    assert "rolled back" in out and find_vch(env.session, name="flags-rb").version == env.old.appliance.tag


# --- output scripts parse ------------------------------------------------------------------------------------------

def test_tab_layout_is_158s():
    """Go's tabwriter layout, as 1.5.8's ls uses it: its own output comes out byte for byte."""
    text = (VECTORS / "ls.txt").read_text()
    table = text[text.index("\nID ") + 1:].rstrip("\n")
    rows = [cells(line) for line in table.splitlines()]
    assert rows[0] == HEADER_158
    assert tab_text(rows) == table


def test_ls_prints_158s_columns_uncut(env, vch, capsys, monkeypatch):
    code, out, _ = run(capsys, "ls", *env.target, "--ai", env.old.appliance.path)  # capsys: not a terminal
    assert code == 0
    lines = out.split("\n")
    assert lines[0] == "" and cells(lines[1]) == HEADER_158
    [row] = [cells(line) for line in lines[2:] if "flags-vch" in line]
    assert row == [vch.id, "/DC0/host/DC0_C0/Resources", "flags-vch", env.old.appliance.tag, "Up to date"]

    code, out, _ = run(capsys, "ls", *env.target, "--wide", "--ai", env.old.appliance.path)
    lines = out.split("\n")
    assert cells(lines[1]) == [*HEADER_158, "POWER STATE", "DOCKER ENDPOINT", "ADMIN PORTAL"]
    [row] = [cells(line) for line in lines[2:] if "flags-vch" in line]
    now = find_vch(env.session, name="flags-vch")  # a configure above restarted it: its address may have moved
    assert row[4:] == ["Up to date", "poweredOn", now.docker_host, now.admin_portal]

    # Without --appliance-iso, the ISO create would use by default is the one compared with.
    monkeypatch.delenv("VIC_ISO_DIR", raising=False)
    monkeypatch.chdir(Path(env.old.appliance.path).parent)
    code, out, _ = run(capsys, "ls", *env.target, "--output", "json")
    assert {v["name"]: v["upgrade_status"] for v in json.loads(out)["vchs"]}["flags-vch"] == "Up to date"


def test_inspect_prints_the_bridge_and_compose_lines(env, capsys):
    spec = vch_spec("flags-notls", "no-tls")
    spec.network.bridge.ip_range, spec.network.bridge.network_width = "172.20.0.0/16", 24
    create(env.session, spec, isos=env.old, timeout=20)
    code, out, err = run(capsys, "inspect", *env.target, "--name", "flags-notls")
    assert code == 0, err
    lines = out.splitlines()
    portal = lines.index("VCH Admin Portal:")
    assert lines[portal + 2:portal + 5] == ["", "VCH Default Bridge Network Range: 172.20.0.0/16",
                                            "VCH Default Bridge Network Width: 24"]
    env_line = lines[lines.index("Docker environment variables:") + 1]
    assert env_line.endswith(":2375 COMPOSE_TLS_VERSION=TLSv1_2") and env_line.startswith("DOCKER_HOST=")

    code, out, _ = run(capsys, "inspect", *env.target, "--name", "flags-vch")
    assert "VCH Default Bridge Network Range: 172.16.0.0/12" in out
    assert "VCH Default Bridge Network Width: 16" in out


def _vm_groups(env) -> dict[str, set[str]]:
    clusters = retrieve(env.session.content, env.session.content.rootFolder,
                        {vim.ClusterComputeResource: ["configurationEx"]})
    return {g.name: {vm._moId for vm in g.vm or []} for p in clusters.values() for g in p["configurationEx"].group or []
            if isinstance(g, vim.cluster.VmGroup)}


def test_configure_affinity_name_convention_and_no_tlsverify(env, capsys, tmp_path):
    """1.5.8's configure changes these three; the core refused them ("cannot be changed on an existing VCH")."""
    create(env.session, vch_spec("flags-aff"), isos=env.old, timeout=20)
    vch = find_vch(env.session, name="flags-aff")
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--affinity-vm-group",
                       "--container-name-convention", "web-{name}", "--timeout", "20s")
    assert code == 0, err
    assert _vm_groups(env)["flags-aff"] == {vch.id}
    config = _config(env, vch)
    assert (config.container.use_vm_group, config.container.vm_group_name) == (True, "flags-aff")
    assert config.container.container_name_convention == "web-{name}"

    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--affinity-vm-group=false",
                       "--timeout", "20s")
    assert code == 0, err
    assert "flags-aff" not in _vm_groups(env) and _config(env, vch).container.use_vm_group is False

    assert _config(env, vch).client_verification
    code, _, err = run(capsys, "configure", *env.target, "--id", vch.id, "--no-tlsverify", "--tls-cert-path",
                       str(tmp_path / "aff-certs"), "--timeout", "20s")
    assert code == 0, err
    assert not _config(env, vch).client_verification
    assert main(["delete", *env.target, *env.iso_args(env.old)[:2], "--id", vch.id]) == 0
