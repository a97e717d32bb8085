"""``inspect config`` after ``configure``: the stored create flags follow live and restart changes, keep the
target, thumbprint and ISO paths, and never hold the operations password."""

from __future__ import annotations

import pytest

from tests.vch_support import vch_spec
from vic_machine.operations.configure import configure
from vic_machine.operations.configure_change import create_options_after
from vic_machine.operations.create import create
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import create_flags


@pytest.fixture(scope="module")
def session(vch_world):
    world = vch_world()
    spec = vch_spec("vch-opts")
    spec.compute.cpu.limit = 2000
    create(world.session, spec, isos=world.isos, timeout=20)
    return world.session


def _flags(session) -> list[str]:
    return create_flags(find_vch(session, name="vch-opts"))


def _fixed(flags: list[str]) -> list[str]:
    return [f for f in flags if f.startswith(("--target=", "--thumbprint=", "--appliance-iso=", "--bootstrap-iso="))]


def test_live_change_is_reflected_in_inspect_config(session):
    before = _flags(session)
    assert "--cpu=2000" in before
    configure(session, find_vch(session, name="vch-opts"), {"compute": {"cpu": {"limit": {"value": 3000,
                                                                                           "units": "MHz"}}}})
    after = _flags(session)
    assert "--cpu=3000" in after and "--cpu=2000" not in after
    assert "--name=vch-opts" in after
    assert _fixed(after) == _fixed(before) and len(_fixed(after)) == 4


def test_restart_change_is_reflected_in_inspect_config(session):
    before = _flags(session)
    configure(session, find_vch(session, name="vch-opts"),
              {"debug": 2, "network": {"public": {"nameservers": ["192.0.2.1"]}}}, timeout=20)
    after = _flags(session)
    assert "--debug=2" in after and "--dns-server=192.0.2.1" in after
    assert "--cpu=3000" in after
    assert _fixed(after) == _fixed(before)


def test_rendered_options_never_hold_the_operations_password():
    spec = vch_spec("vch-secret")
    spec.endpoint.operations_credentials.user = "ops@vsphere.local"
    spec.endpoint.operations_credentials.password = "s3cret-pw"
    stored = ["--target=https://vc/DC0", "--thumbprint=AB:CD", "--name=old", "--appliance-iso=/a.iso",
              "--bootstrap-iso=/b.iso"]
    options = create_options_after(stored, spec)
    assert options[:2] == stored[:2] and options[-2:] == stored[-2:]
    assert "--name=vch-secret" in options and "--name=old" not in options
    assert "--ops-user=ops@vsphere.local" in options
    assert not any("s3cret-pw" in o or o.startswith("--ops-password") for o in options)
