"""What our ``vic-machine create`` writes equals what VIC Engine's own vic-machine 1.5.8 wrote for the same
options (``shared/reference/vic-1.5.8-vectors``), key by key and value by value.

Each reference option set is created here with our CLI against a simulator of the reference's model (DC0,
cluster DC0_C0, port groups DC0_DVPG0..2, LocalDS_0, the vic-engine ruleset open) and ISOs stamped with the same
version and commit; then the endpoint VM's extraConfig is compared with the reference file.
"""

from __future__ import annotations

import shlex

import pytest
from pyVmomi import vim

from sim.appliance import ApplianceStandIn
from sim.isos import ensure_isos
from tests.support import session_for
from tests.vch_support import allow_vic_engine
from tests.vic158_vectors import OPTION_SETS, extraconfig as reference_extraconfig
from vic_machine.cli.main import main
from vic_machine.iso import check_isos
from vic_machine.vsphere.collector import retrieve

# Values that differ on every run, in 1.5.8's runs as in ours: secrets, certificates, the simulator's address and
# thumbprint, managed object ids, and the build date of the ISO (1.5.8 stamps its own build time).
PER_RUN = {
    "guestinfo.ovfEnv",
    "guestinfo.vice./cert/HostCertificate/Cert",
    "guestinfo.vice./cert/CertificateAuthorities",  # the generated client CA (tlsverify sets)
    "guestinfo.vice./connect/target",
    "guestinfo.vice./connect/target_thumbprint",
    "guestinfo.vice./init/common/id",
    "guestinfo.vice./container/ComputeResources|0/Value",
    "guestinfo.vice./init/sessions|port-layer/cmd/Env~",  # VC_URL holds the simulator's port
    "guestinfo.vice./init/version/BuildDate",
}
# 1.5.8's runs stopped at power-on; ours go on, and the appliance stand-in then reports, as a real appliance does,
# the addresses it got and the components it started (non-persistent guestinfo.vice.. keys).
AFTER_POWER_ON = ("guestinfo.vice..init.networks|", "guestinfo.vice..init.sessions|")
# Ours only, on purpose (README, decisions): the ops-user permissions granted, so delete removes exactly those.
OURS_ONLY = {"vic-plugin/ops_user/granted_permissions"}
# The create options as stored: compared without the per-run target, thumbprint, ISO paths and timeout.
CREATE_OPTIONS = "guestinfo.vice./vic_machine_create_options~"
CREATE_OPTIONS_COUNT = "guestinfo.vice./vic_machine_create_options"
PER_RUN_OPTIONS = ("--target=", "--thumbprint=", "--appliance-iso=", "--bootstrap-iso=", "--timeout=")


@pytest.fixture(scope="module")
def world(start_sim, tmp_path_factory):
    sim = start_sim(pg=3, users={"opsuser@vsphere.local": "Secr3t!", "opsg@vsphere.local": "Secr3t!"})
    session = session_for(sim)
    allow_vic_engine(session)
    isos = check_isos(*ensure_isos(tmp_path_factory.mktemp("isos"), commit="2c978fe"))
    stand_in = ApplianceStandIn.for_simulator(sim, boot_delay=0.1).start()
    yield sim, session, isos
    stand_in.stop()
    session.logout()


def created_extraconfig(session, name: str) -> dict[str, str]:
    """The endpoint VM's extraConfig, as the reference files show it (set keys only)."""
    vms = retrieve(session.content, session.content.rootFolder, {vim.VirtualMachine: ["name", "config.extraConfig"]})
    (extra,) = [p["config.extraConfig"] for p in vms.values() if p["name"] == name]
    return {o.key: str(o.value) for o in extra if str(o.value) != ""}


def create(world, *options: str) -> int:
    """Our ``vic-machine create`` against the world's simulator with the options all the vectors' creates had."""
    sim, _, isos = world
    return main(["create", "--target", f"https://{sim.host}:{sim.port}/DC0", "--user", sim.username,
                 "--password", sim.password, "--thumbprint", sim.thumbprint_sha256,
                 "--appliance-iso", str(isos.appliance.path), "--bootstrap-iso", str(isos.bootstrap.path),
                 "--compute-resource", "DC0_C0", "--public-network", "VM Network", "--timeout", "1m", *options])


def _options(value: str) -> list[str]:
    return [o for o in value.split("|") if not o.startswith(PER_RUN_OPTIONS)]


@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_create_writes_what_vic_158_writes(world, name, tmp_path, monkeypatch, capsys):
    session = world[1]
    monkeypatch.chdir(tmp_path)
    assert create(world, *shlex.split(OPTION_SETS[name])) == 0, capsys.readouterr()
    ours = created_extraconfig(session, name)
    theirs = reference_extraconfig(name)

    def comparable(keys):
        return {k for k in keys if k not in PER_RUN and not k.endswith("@secret") and not k.startswith(AFTER_POWER_ON)
                and k not in OURS_ONLY and k not in (CREATE_OPTIONS, CREATE_OPTIONS_COUNT)}

    assert sorted(comparable(ours) - set(theirs)) == [], "keys 1.5.8 does not write"
    assert sorted(comparable(theirs) - set(ours)) == [], "keys 1.5.8 writes and we do not"
    differing = {k: (ours[k], theirs[k]) for k in comparable(theirs) if ours[k] != theirs[k]}
    assert differing == {}
    assert _options(ours[CREATE_OPTIONS]) == _options(theirs[CREATE_OPTIONS])
    assert {k for k in set(theirs) - set(ours) if k.startswith(AFTER_POWER_ON)} == set()


def test_with_a_whitelist_insecure_registries_are_let_through_it(world, tmp_path, monkeypatch, capsys):
    """1.5.8 merges the insecure registries into a given whitelist (none of the vectors has a whitelist)."""
    session = world[1]
    monkeypatch.chdir(tmp_path)
    assert create(world, "--name", "wl", "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0", "--no-tls",
                  "--whitelist-registry", "w.local", "--insecure-registry", "r1.local") == 0, capsys.readouterr()
    ours = created_extraconfig(session, "wl")
    assert ours["guestinfo.vice./registry/whitelist_registries~"] == "w.local|r1.local"
    assert ours["guestinfo.vice./registry/insecure_registries~"] == "r1.local"
