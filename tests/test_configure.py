"""configure against the simulator and the appliance stand-in: a live change, a restart change, a change refused
by validation, the UpdateInProgress lock and --reset-progress, and a failed power-on reverted."""

from __future__ import annotations

import pytest

from tests.vch_support import vch_spec
from vic_machine.errors import InputError, OperationFailed
from vic_machine.extraconfig.keys import UPDATE_STATUS_KEY
from vic_machine.operations.configure import ConfigureInProgress, configure, preview
from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.configure_steps import write_extra
from vic_machine.operations.create import ValidationFailed, create
from vic_machine.operations.find import find_vch
from vic_machine.operations.wait import read_config
from vic_machine.spec import validate_input
from vic_machine.vsphere.collector import retrieve_objects


@pytest.fixture(scope="module")
def env(vch_world):
    world = vch_world()
    spec = vch_spec("vch-conf")
    spec.compute.cpu.limit = 2000
    spec.network.public.nameservers = ["192.0.2.53"]
    create(world.session, spec, isos=world.isos, timeout=20)
    return world.sim, world.session


def _vch(session):
    return find_vch(session, name="vch-conf")


def _state(session):
    """Power state, boot count proxy (snapshot-free), pool CPU limit and decoded configuration."""
    vch = _vch(session)
    pool = retrieve_objects(session.content, [vch.vm], ["resourcePool"])[vch.vm]["resourcePool"]
    cpu = retrieve_objects(session.content, [pool], ["config"])[pool]["config"].cpuAllocation
    snaps = retrieve_objects(session.content, [vch.vm], ["snapshot"])[vch.vm].get("snapshot")
    return vch.power_state, cpu.limit, read_config(session, vch.vm), snaps


def test_current_spec_round_trips_the_created_settings(env):
    _, session = env
    spec, _ = current_spec(session, _vch(session))
    validate_input(spec)
    assert spec.name == "vch-conf" and spec.compute.cpu.limit == 2000
    assert spec.network.public.nameservers == ["192.0.2.53"]
    assert spec.network.bridge.port_group.name == "DC0_DVPG0" and spec.storage.image_stores == ["LocalDS_0/vch-conf"]


def test_live_change_updates_the_pool_without_restart(env):
    _, session = env
    events = []
    started_before = read_config(session, _vch(session).vm).executor.sessions["port-layer"].started
    assert preview(session, _vch(session), {"compute": {"cpu": {"limit": {"value": 3000, "units": "MHz"}}}}
                   ).needs_restart is False
    result = configure(session, _vch(session), {"compute": {"cpu": {"limit": {"value": 3000, "units": "MHz"}}}},
                       sink=events.append)
    assert result.applied and result.changed == ["compute.cpu.limit"] and not result.needs_restart
    assert "without a restart" in events[0].message
    assert not any("Power" in e.step for e in events)
    power, limit, config, snaps = _state(session)
    assert (power, limit) == ("poweredOn", 3000)
    assert config.executor.sessions["port-layer"].started == started_before == "true"
    assert not config.update_in_progress and snaps is None


def test_restart_change_rewrites_config_and_restarts(env):
    _, session = env
    events = []
    result = configure(session, _vch(session), {"debug": 2, "network": {"public": {"nameservers": ["192.0.2.1"]}}},
                       sink=events.append, timeout=20)
    assert result.needs_restart and result.changed == ["debug", "network.public.nameservers"]
    assert "restarts the VCH" in events[0].message
    steps = [e.step for e in events if e.kind == "done"]
    assert steps == ["Lock the VCH", "Take a snapshot", "Power off", "Rewrite the configuration", "Power on",
                     "Wait for the VCH", "Commit"]
    power, limit, config, snaps = _state(session)
    assert power == "poweredOn" and limit == 3000
    # As 1.5.8's configure: the VCH's level changes; each component's own stays 0 (the vectors' README).
    assert config.debug_level == 2 and all(s.diagnostics.debug_level == 0 for s in config.executor.sessions.values())
    # 1.5.8 has one DNS list and writes it on every network.
    assert {role: [str(s) for s in config.endpoint(role).network.nameservers] for role in ("public", "client",
            "management")} == dict.fromkeys(("public", "client", "management"), ["192.0.2.1"])
    assert config.components_started and config.client_ip is not None
    assert not config.update_in_progress and not (snaps and snaps.rootSnapshotList)
    spec, _ = current_spec(session, _vch(session))
    assert spec.debug == 2 and spec.network.public.nameservers == ["192.0.2.1"]


def test_quota_containers_routes_and_no_proxy_are_written_as_158_writes_them(env):
    _, session = env
    result = configure(session, _vch(session), {
        "storage": {"storage_quota": {"value": 50, "units": "GiB"}}, "container": {"container_count": 20},
        "network": {"asymmetric_routes": True},
        "registry": {"image_fetch_proxy": {"http": "http://p.local:3128", "no_proxy": ["localhost", ".local"]}}},
        timeout=20)
    assert result.needs_restart
    _, _, config, _ = _state(session)
    assert (config.storage.storage_quota, config.container.container_count) == (50 * 1024**3, 20)
    assert config.executor.asymmetric_routing is True
    env_of = {name: s.cmd.env for name, s in config.executor.sessions.items()}
    assert "NO_PROXY=localhost,.local" in env_of["docker-personality"] and "HTTP_PROXY=http://p.local:3128" in \
        env_of["docker-personality"]
    assert "NO_PROXY=localhost,.local" in env_of["vicadmin"] and "VICADMIN_HTTP_PROXY=http://p.local:3128" in \
        env_of["vicadmin"]
    spec, _ = current_spec(session, _vch(session))
    assert (spec.storage.storage_quota, spec.container.container_count, spec.network.asymmetric_routes) == (50, 20,
                                                                                                         True)
    # A later, unrelated change keeps them (NO_PROXY was dropped: it was not read back).
    configure(session, _vch(session), {"debug": 1}, timeout=20)
    _, _, config, _ = _state(session)
    assert "NO_PROXY=localhost,.local" in config.executor.sessions["docker-personality"].cmd.env
    assert config.container.container_count == 20


def test_change_refused_by_validation_changes_nothing(env):
    _, session = env
    before = _state(session)
    with pytest.raises(InputError) as bad:
        configure(session, _vch(session), {"debug": 7})
    assert bad.value.errors[0].path == "debug"
    with pytest.raises(InputError) as fixed:
        configure(session, _vch(session), {"name": "renamed"})
    assert "cannot be changed" in fixed.value.errors[0].message
    with pytest.raises(ValidationFailed) as unfit:
        configure(session, _vch(session), {"network": {"container": [{"port_group": {"name": "no-such-pg"}}]}})
    assert any(f.path.startswith("network.container") for f in unfit.value.findings)
    after = _state(session)
    assert (after[0], after[1], after[2].debug_level) == (before[0], before[1], before[2].debug_level)


def test_volume_store_can_be_added_not_removed(env):
    _, session = env
    result = configure(session, _vch(session), {"storage": {"volume_stores": [
        {"datastore": "ds://LocalDS_0/volumes/a", "label": "default"}]}}, timeout=20)
    assert result.applied and result.needs_restart
    config = read_config(session, _vch(session).vm)
    assert "default" in config.volume_stores
    with pytest.raises(InputError) as removed:
        configure(session, _vch(session), {"storage": {"volume_stores": []}})
    assert "cannot be removed" in removed.value.errors[0].message


def test_concurrent_change_is_refused_until_reset(env):
    _, session = env
    vch = _vch(session)
    write_extra(vch.vm, {UPDATE_STATUS_KEY: "true"}, "lock", vch.name)
    with pytest.raises(ConfigureInProgress) as locked:
        configure(session, _vch(session), {"compute": {"cpu": {"limit": {"value": 2500, "units": "MHz"}}}})
    assert "--reset-progress" in str(locked.value)
    assert _state(session)[1] == 3000
    result = configure(session, _vch(session), {"compute": {"cpu": {"limit": {"value": 2500, "units": "MHz"}}}},
                       reset_progress=True)
    assert result.applied and _state(session)[1] == 2500
    assert not read_config(session, vch.vm).update_in_progress


def test_failed_power_on_reverts_to_old_config_and_running_vch(env):
    sim, session = env
    level_before = _state(session)[2].debug_level
    sim.faults.reset()
    sim.faults.inject("PowerOnVM_Task", "InvalidState", count=1)
    try:
        with pytest.raises(OperationFailed) as failed:
            configure(session, _vch(session), {"debug": 3, "syslog_addr": "udp://192.0.2.9:514"}, timeout=20)
    finally:
        sim.faults.reset()
    assert failed.value.step == "Power on"
    power, _, config, snaps = _state(session)
    assert power == "poweredOn" and config.debug_level == level_before != 3
    assert config.executor.diagnostics.syslog is None
    assert not config.update_in_progress and not (snaps and snaps.rootSnapshotList)
