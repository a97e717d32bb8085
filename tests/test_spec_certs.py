"""Input checks of supplied certificates and keys in a VCH specification (parsed by vic_machine.certs)."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from vic_machine.spec import check
from vic_machine.spec import load

BASE = {
    "compute": {"resource": {"name": "Cluster1"}},
    "network": {"bridge": {"port_group": {"name": "vch-bridge"}}},
    "storage": {"image_stores": ["datastore1"]},
}


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(key: rsa.RSAPrivateKey, name: str, days: tuple[int, int] = (-1, 365)) -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=days[0]))
        .not_valid_after(now + datetime.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat) -> str:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def material() -> dict[str, str]:
    key, other = _key(), _key()
    return {
        "cert": _cert(key, "vch.example.com"),
        "pkcs1": _key_pem(key, serialization.PrivateFormat.TraditionalOpenSSL),
        "pkcs8": _key_pem(key, serialization.PrivateFormat.PKCS8),
        "other_key": _key_pem(other, serialization.PrivateFormat.PKCS8),
        "expired": _cert(other, "old.example.com", (-400, -35)),
        "ca": _cert(other, "Example CA"),
    }


def supplied(cert: str, key: str) -> dict:
    return {**BASE, "auth": {"server": {"certificate": {"pem": cert}, "private_key": {"pem": key}}}}


def paths(data: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in check(load(data)):
        out.setdefault(error.path, []).append(error.message)
    return out


@pytest.mark.parametrize("key_format", ["pkcs1", "pkcs8"])
def test_supplied_pair_accepted(material, key_format):
    assert paths(supplied(material["cert"], material[key_format])) == {}


def test_key_must_match_certificate(material):
    found = paths(supplied(material["cert"], material["other_key"]))
    assert list(found) == ["auth.server.private_key"]
    assert "does not match" in found["auth.server.private_key"][0]


def test_expired_certificate_refused(material):
    found = paths(supplied(material["expired"], material["other_key"]))
    assert list(found) == ["auth.server.certificate"]
    assert "expired" in found["auth.server.certificate"][0]


def test_unparsable_pem_refused(material):
    found = paths(supplied("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", "not a key"))
    assert set(found) == {"auth.server.certificate", "auth.server.private_key"}


def test_certificate_needs_key_and_key_needs_certificate(material):
    cert_only = {**BASE, "auth": {"server": {"certificate": {"pem": material["cert"]}}}}
    assert "required" in paths(cert_only)["auth.server.private_key"][0]
    key_only = {**BASE, "auth": {"server": {"private_key": {"pem": material["pkcs8"]}}}}
    assert "required" in paths(key_only)["auth.server.certificate"][0]


def test_supplied_and_generated_are_exclusive(material):
    data = supplied(material["cert"], material["pkcs8"])
    data["auth"]["server"]["generate"] = {"cname": "vch.example.com"}
    assert "either generate" in paths(data)["auth.server.generate"][0]


def test_client_certificate_authorities(material):
    good = {**BASE, "auth": {"client": {"certificate_authorities": [{"pem": material["ca"]}]}}}
    assert paths(good) == {}
    bad = {**BASE, "auth": {"client": {"certificate_authorities": [{"pem": material["ca"]}, {"pem": "junk"}]}}}
    assert list(paths(bad)) == ["auth.client.certificate_authorities[1]"]


def test_registry_certificate_authorities(material):
    good = {**BASE, "registry": {"certificate_authorities": [{"pem": material["ca"]}]}}
    assert paths(good) == {}
    bad = {**BASE, "registry": {"certificate_authorities": [{"pem": material["expired"]}]}}
    found = paths(bad)
    assert list(found) == ["registry.certificate_authorities[0]"]
    assert "expired" in found["registry.certificate_authorities[0]"][0]


def test_certificate_errors_belong_to_their_steps(material):
    data = supplied(material["cert"], material["other_key"])
    data["registry"] = {"certificate_authorities": [{"pem": "junk"}]}
    spec = load(data)
    assert [error.path for error in check(spec, "security")] == ["auth.server.private_key"]
    assert [error.path for error in check(spec, "registry")] == ["registry.certificate_authorities[0]"]
    assert check(spec, "general") == []
