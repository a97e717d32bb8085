"""Parsing the vCenter target and thumbprints: no vCenter needed."""

import pytest

from vic_machine.errors import InputError
from vic_machine.target import normalize_thumbprint, parse_target

SHA1 = "2C:11:ED:D7:13:87:7D:B5:74:18:B8:1C:42:C2:56:1F:0D:B9:5B:B9"


def test_full_url_with_credentials_and_datacenter():
    t = parse_target("https://admin%40vsphere.local:s3cr%3At@vc.example.com:8443/DC%201", env={})
    assert (t.host, t.port, t.datacenter) == ("vc.example.com", 8443, "DC 1")
    assert (t.user, t.password) == ("admin@vsphere.local", "s3cr:t")
    assert "s3cr" not in repr(t)
    assert t.url == "https://vc.example.com:8443/sdk"


def test_bare_host_defaults():
    t = parse_target("vc.example.com", env={})
    assert (t.host, t.port, t.datacenter, t.user) == ("vc.example.com", 443, "", "")


def test_environment_fills_what_flags_leave_out():
    env = {"VIC_MACHINE_TARGET": "vc/DC0", "VIC_MACHINE_USER": "u", "VIC_MACHINE_PASSWORD": "p",
           "VIC_MACHINE_THUMBPRINT": SHA1.replace(":", "").lower()}
    t = parse_target(env=env)
    assert (t.host, t.datacenter, t.user, t.password, t.thumbprint) == ("vc", "DC0", "u", "p", SHA1)


def test_flags_win_over_environment():
    t = parse_target("vc", user="flag", env={"VIC_MACHINE_USER": "env"})
    assert t.user == "flag"


@pytest.mark.parametrize("value, fragment", [
    ("", "is required"),
    ("http://vc", "must use https"),
    ("https://vc:99999", "port"),
    ("https://vc/DC0/host/cluster", "only a datacenter"),
    ("https://", "must name a host"),
    ("https://[::1", "not a valid URL"),
])
def test_bad_target_names_the_field(value, fragment):
    with pytest.raises(InputError) as err:
        parse_target(value, env={})
    assert err.value.errors[0].path == "target"
    assert fragment in err.value.errors[0].message


@pytest.mark.parametrize("given", [SHA1, SHA1.lower(), SHA1.replace(":", ""), SHA1.replace(":", "").lower()])
def test_thumbprint_any_case_with_or_without_colons(given):
    assert normalize_thumbprint(given) == SHA1


def test_sha256_thumbprint_accepted():
    value = "ab" * 32
    assert normalize_thumbprint(value) == ":".join(["AB"] * 32)


@pytest.mark.parametrize("bad", ["xyz", "AB:CD", "ab" * 30, "zz" * 20])
def test_bad_thumbprint_rejected(bad):
    with pytest.raises(InputError) as err:
        normalize_thumbprint(bad)
    assert err.value.errors[0].path == "thumbprint"
