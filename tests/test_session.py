"""Connecting to vCenter: certificate pinning, the three ways to log in, round-trip counting."""

import pytest

from tests.support import session_for, target_for
from vic_machine.errors import AuthenticationError, TargetError, UntrustedCertificate
from vic_machine.vsphere.session import connect


def test_login_with_sha256_or_sha1_pin(sim):
    for thumbprint in (sim.thumbprint_sha256, sim.thumbprint_sha1.replace(":", "").lower()):
        session = connect(target_for(sim, thumbprint=thumbprint))
        assert session.user == sim.username
        assert session.thumbprint_sha256 == sim.thumbprint_sha256
        session.logout()


def test_no_thumbprint_refused_showing_both_thumbprints(sim):
    with pytest.raises(UntrustedCertificate) as err:
        connect(target_for(sim, thumbprint=""))
    text = str(err.value)
    assert sim.thumbprint_sha256 in text and sim.thumbprint_sha1 in text
    assert "--thumbprint" in text


def test_no_thumbprint_accepted_with_force(sim):
    session = connect(target_for(sim, thumbprint=""), force=True)
    assert session.user == sim.username
    session.logout()


def test_wrong_thumbprint_refused(sim):
    with pytest.raises(UntrustedCertificate) as err:
        connect(target_for(sim, thumbprint="00" * 32))
    assert "does not match" in str(err.value)


def test_wrong_password_is_an_authentication_error(sim):
    with pytest.raises(AuthenticationError) as err:
        connect(target_for(sim, password="wrong"))
    assert "password" in str(err.value)
    assert "wrong" not in str(err.value).replace("is wrong", "")


def test_unreachable_target(sim):
    target = target_for(sim)
    with pytest.raises(TargetError) as err:
        connect(type(target)(host="127.0.0.1", port=1, user="u", password="p", thumbprint=sim.thumbprint_sha1))
    assert "Cannot reach 127.0.0.1:1" in str(err.value)


def test_clone_ticket_and_session_reuse(sim):
    admin = session_for(sim)
    ticket = admin.content.sessionManager.AcquireCloneTicket()
    clone = connect(target_for(sim, user="", password=""), clone_ticket=ticket)
    assert clone.user == sim.username
    reused = connect(target_for(sim, user="", password=""), session_id=admin.session_id)
    assert reused.user == sim.username
    clone.logout()
    admin.logout()


def test_round_trips_are_counted(sim):
    session = session_for(sim)
    before = session.round_trips
    session.content.rootFolder.childEntity  # one property read = one round trip
    assert session.round_trips == before + 1
    session.logout()
