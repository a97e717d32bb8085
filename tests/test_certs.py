"""VCH certificates: what they hold, that they chain (by cryptography and by openssl), how they are written."""

from __future__ import annotations

import datetime
import io
import shutil
import stat
import subprocess
import zipfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID

from vic_machine.certs import PemPair
from vic_machine.certs import generate
from vic_machine.certs import load_certificates
from vic_machine.certs import load_private_key
from vic_machine.certs import make_self_signed
from vic_machine.certs import thumbprint_sha1
from vic_machine.certs import thumbprint_sha256
from vic_machine.errors import InputError

OPENSSL = shutil.which("openssl")


# Key generation is the slow part: every bundle below is made once for the whole module.
@pytest.fixture(scope="module")
def tls() -> object:
    return generate("tlsverify", "vch.example.com", vch_name="my-vch")


@pytest.fixture(scope="module")
def tls_ip() -> object:
    return generate("tlsverify", "192.168.10.5", organization=["Acme", "Ops"])


@pytest.fixture(scope="module")
def no_verify() -> object:
    return generate("no-tlsverify", "vch.example.com", vch_name="my-vch")


def cert(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


def ext(certificate: x509.Certificate, cls: type) -> object:
    return certificate.extensions.get_extension_for_class(cls).value


def signed_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        issuer.public_key().verify(
            child.signature, child.tbs_certificate_bytes, padding.PKCS1v15(), child.signature_hash_algorithm
        )
    except Exception:
        return False
    return child.issuer == issuer.subject


def field_paths(excinfo: pytest.ExceptionInfo) -> list[str]:
    return [e.path for e in excinfo.value.errors]


def to_pkcs8(key_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(key_pem, password=None)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


# --- what the certificates hold ---------------------------------------------------------------------------


def test_server_and_client_chain_to_the_ca(tls):
    ca, server, client = cert(tls.ca_cert), cert(tls.server_cert), cert(tls.client_cert)
    assert signed_by(server, ca)
    assert signed_by(client, ca)
    assert signed_by(ca, ca)
    assert not signed_by(ca, server)


def test_ca_extensions(tls):
    ca = cert(tls.ca_cert)
    assert ext(ca, x509.BasicConstraints).ca is True
    usage = ext(ca, x509.KeyUsage)
    assert usage.key_cert_sign and usage.crl_sign


def test_server_is_for_servers_and_client_for_clients(tls):
    server, client = cert(tls.server_cert), cert(tls.client_cert)
    assert list(ext(server, x509.ExtendedKeyUsage)) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert list(ext(client, x509.ExtendedKeyUsage)) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    usage = ext(server, x509.KeyUsage)
    assert usage.digital_signature and usage.key_encipherment and not usage.key_cert_sign
    assert ext(server, x509.BasicConstraints).ca is False


def test_dns_cname_gives_cn_and_dns_san(tls):
    server = cert(tls.server_cert)
    assert server.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "vch.example.com"
    san = ext(server, x509.SubjectAlternativeName)
    assert san.get_values_for_type(x509.DNSName) == ["vch.example.com"]
    assert san.get_values_for_type(x509.IPAddress) == []


def test_ip_cname_gives_ip_san(tls_ip):
    san = ext(cert(tls_ip.server_cert), x509.SubjectAlternativeName)
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["192.168.10.5"]
    assert san.get_values_for_type(x509.DNSName) == []


def test_organization_defaults_to_vch_name_and_can_be_given(tls, tls_ip):
    def orgs(pem):
        return [a.value for a in cert(pem).subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]

    assert orgs(tls.server_cert) == orgs(tls.ca_cert) == orgs(tls.client_cert) == ["my-vch"]
    assert orgs(tls_ip.server_cert) == ["Acme", "Ops"]


def test_validity_from_a_day_ago_to_a_year_ahead(tls):
    now = datetime.datetime.now(datetime.timezone.utc)
    for pem in (tls.ca_cert, tls.server_cert, tls.client_cert):
        c = cert(pem)
        assert abs(c.not_valid_before_utc - (now - datetime.timedelta(days=1))) < datetime.timedelta(minutes=5)
        assert abs(c.not_valid_after_utc - (now + datetime.timedelta(days=365))) < datetime.timedelta(minutes=5)


def test_serials_are_128_bit_and_distinct(tls, tls_ip):
    serials = [cert(p).serial_number for b in (tls, tls_ip) for p in (b.ca_cert, b.server_cert, b.client_cert)]
    assert all(s.bit_length() == 128 for s in serials)
    assert len(set(serials)) == len(serials)


def test_keys_are_pkcs1_rsa_of_the_default_size_and_match(tls):
    for cert_pem, key_pem in ((tls.ca_cert, tls.ca_key), (tls.server_cert, tls.server_key),
                              (tls.client_cert, tls.client_key)):
        assert key_pem.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
        key = load_private_key(key_pem)
        assert key.key_size == 2048
        assert key.public_key().public_numbers() == cert(cert_pem).public_key().public_numbers()
    assert len({tls.ca_key, tls.server_key, tls.client_key}) == 3


def test_openssl_verify_agrees(tls, tmp_path):
    assert OPENSSL, "the openssl command is missing: make installs Debian's openssl package"
    tls.write(tmp_path / "certs", "my-vch")
    run = subprocess.run(
        [OPENSSL, "verify", "-CAfile", "ca.pem", "server-cert.pem", "cert.pem"],
        cwd=tmp_path / "certs", capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "server-cert.pem: OK" in run.stdout and "cert.pem: OK" in run.stdout
    purposes = [("sslserver", "server-cert.pem"), ("sslclient", "cert.pem")]
    for purpose, fname in purposes:
        run = subprocess.run([OPENSSL, "verify", "-purpose", purpose, "-CAfile", "ca.pem", fname],
                             cwd=tmp_path / "certs", capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
    # and it does fail for a certificate used against its purpose
    run = subprocess.run([OPENSSL, "verify", "-purpose", "sslclient", "-CAfile", "ca.pem", "server-cert.pem"],
                         cwd=tmp_path / "certs", capture_output=True, text=True)
    assert run.returncode != 0


# --- modes ------------------------------------------------------------------------------------------------


def test_no_tlsverify_is_a_self_signed_server_cert_only(no_verify):
    assert no_verify.ca_cert is None and no_verify.client_cert is None and no_verify.client_key is None
    server = cert(no_verify.server_cert)
    assert signed_by(server, server)


def test_no_tls_makes_nothing():
    bundle = generate("no-tls", None)
    assert bundle.files() == {}


def test_tlsverify_needs_a_cname():
    with pytest.raises(InputError) as excinfo:
        generate("tlsverify", "")
    assert field_paths(excinfo) == ["auth.server.generate.cname"]


@pytest.mark.parametrize("bad", ["not a host", "-bad-.example.com", "a..b"])
def test_cname_must_be_ip_or_dns(bad):
    with pytest.raises(InputError) as excinfo:
        generate("no-tlsverify", bad)
    assert field_paths(excinfo) == ["auth.server.generate.cname"]


def test_key_size_must_be_one_vic_offers():
    with pytest.raises(InputError) as excinfo:
        generate("tlsverify", "vch.example.com", key_size=1024)
    assert field_paths(excinfo) == ["auth.server.generate.size"]


def test_unknown_mode_refused():
    with pytest.raises(InputError):
        generate("tls-maybe", "vch.example.com")


# --- writing ----------------------------------------------------------------------------------------------


def test_write_modes_and_env(tls, tmp_path):
    target = tmp_path / "my-vch"
    tls.write(target, "my-vch", docker_host="10.1.2.3")
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in target.iterdir()}
    assert modes == {
        "ca.pem": 0o644, "ca-key.pem": 0o600, "server-cert.pem": 0o644, "server-key.pem": 0o600,
        "cert.pem": 0o644, "key.pem": 0o600, "my-vch.env": 0o644,
    }
    assert (target / "server-cert.pem").read_bytes() == tls.server_cert
    env = (target / "my-vch.env").read_text().splitlines()
    assert env == [
        "DOCKER_TLS_VERIFY=1",
        f"DOCKER_CERT_PATH={target.resolve()}",
        "DOCKER_HOST=10.1.2.3:2376",
        "COMPOSE_TLS_VERSION=TLSv1_2",
    ]


def test_no_tlsverify_env_has_no_verify_variables(no_verify, tmp_path):
    no_verify.write(tmp_path / "d", "v")
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["server-cert.pem", "server-key.pem", "v.env"]
    assert (tmp_path / "d" / "v.env").read_text() == "COMPOSE_TLS_VERSION=TLSv1_2\n"
    assert no_verify.env_text(docker_host="vch.example.com") == (
        "DOCKER_HOST=vch.example.com:2376\nCOMPOSE_TLS_VERSION=TLSv1_2\n"
    )


def test_refuses_non_empty_directory_unless_forced(tls, no_verify, tmp_path):
    target = tmp_path / "certs"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(InputError) as excinfo:
        tls.write(target, "my-vch")
    assert field_paths(excinfo) == ["auth.cert_path"]
    assert [p.name for p in target.iterdir()] == ["notes.txt"]

    tls.write(target, "my-vch", force=True)
    assert (target / "key.pem").exists() and (target / "notes.txt").read_text() == "mine"
    # forcing another mode removes the files that mode does not have
    no_verify.write(target, "my-vch", force=True)
    assert not (target / "key.pem").exists() and not (target / "ca-key.pem").exists()
    assert (target / "server-cert.pem").read_bytes() == no_verify.server_cert


def test_an_empty_existing_directory_is_fine(tls, tmp_path):
    (tmp_path / "empty").mkdir(mode=0o755)
    tls.write(tmp_path / "empty", "x")
    assert stat.S_IMODE((tmp_path / "empty").stat().st_mode) == 0o700


def test_client_zip_holds_the_client_bundle_only(tls):
    data = tls.client_zip("my-vch", docker_host="10.1.2.3")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["ca.pem", "cert.pem", "key.pem", "my-vch.env"]
        assert zf.read("key.pem") == tls.client_key
        assert zf.read("ca.pem") == tls.ca_cert
        env = zf.read("my-vch.env").decode()
        assert (zf.getinfo("key.pem").external_attr >> 16) & 0o777 == 0o600
    assert "DOCKER_TLS_VERIFY=1" in env and "DOCKER_HOST=10.1.2.3:2376" in env
    assert tls.server_key not in data and tls.ca_key not in data


# --- supplied material ------------------------------------------------------------------------------------


def test_supplied_ca_signs_server_and_client(tls):
    bundle = generate("tlsverify", "other.example.com", ca=PemPair(tls.ca_cert, to_pkcs8(tls.ca_key)))
    ca = cert(tls.ca_cert)
    assert bundle.ca_cert == tls.ca_cert
    assert bundle.ca_key is None  # the user's CA key is not copied into the cert path
    assert signed_by(cert(bundle.server_cert), ca) and signed_by(cert(bundle.client_cert), ca)


def test_supplied_ca_without_key_gets_a_self_signed_server_certificate(tls):
    """vic-machine 1.5.8's --tls-ca without --tls-server-cert: the user's CAs verify clients, the server
    certificate is self-signed (nothing else could sign it) and no client certificate is made."""
    bundle = generate("tlsverify", "vch.example.com", ca=PemPair(tls.ca_cert))
    server = cert(bundle.server_cert)
    assert bundle.ca_cert == tls.ca_cert and bundle.ca_key is None
    assert signed_by(server, server) and not signed_by(server, cert(tls.ca_cert))
    assert bundle.client_cert is None and bundle.client_key is None


def test_supplied_ca_key_must_belong_to_a_ca_cert(tls):
    with pytest.raises(InputError) as excinfo:
        generate("tlsverify", "vch.example.com", ca=PemPair(tls.ca_cert, tls.server_key))
    assert field_paths(excinfo) == ["auth.client.certificate_authorities"]
    with pytest.raises(InputError) as excinfo:  # a leaf with its own key is not a CA
        generate("tlsverify", "vch.example.com", ca=PemPair(tls.server_cert, tls.server_key))
    assert "not a CA" in str(excinfo.value)


@pytest.mark.parametrize("pkcs8", [False, True], ids=["pkcs1", "pkcs8"])
def test_supplied_server_cert_and_key_are_used(tls, pkcs8):
    key = to_pkcs8(tls.server_key) if pkcs8 else tls.server_key
    bundle = generate("no-tlsverify", None, server=PemPair(tls.server_cert.decode(), key.decode()))
    assert bundle.server_cert == tls.server_cert
    assert bundle.server_key == tls.server_key  # written back as PKCS#1, like VIC
    assert bundle.cname == "vch.example.com"


def test_supplied_server_with_supplied_ca_cert_only(tls):
    bundle = generate("tlsverify", None, ca=PemPair(tls.ca_cert), server=PemPair(tls.server_cert, tls.server_key))
    assert bundle.ca_cert == tls.ca_cert and bundle.server_cert == tls.server_cert
    assert bundle.client_cert is None and bundle.ca_key is None


def test_mismatched_server_key_names_the_key_field(tls):
    with pytest.raises(InputError) as excinfo:
        generate("no-tlsverify", None, server=PemPair(tls.server_cert, tls.client_key))
    assert field_paths(excinfo) == ["auth.server.private_key"]
    assert "does not match" in str(excinfo.value)


def test_missing_server_key_names_the_key_field(tls):
    with pytest.raises(InputError) as excinfo:
        generate("no-tlsverify", None, server=PemPair(tls.server_cert))
    assert field_paths(excinfo) == ["auth.server.private_key"]


def _certificate_valid(key_pem: bytes, not_before: datetime.datetime, not_after: datetime.datetime) -> bytes:
    key = serialization.load_pem_private_key(key_pem, password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old.example.com")])
    built = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return built.public_bytes(serialization.Encoding.PEM)


def test_expired_and_future_certificates_rejected(tls):
    now = datetime.datetime.now(datetime.timezone.utc)
    expired = _certificate_valid(tls.server_key, now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
    with pytest.raises(InputError) as excinfo:
        generate("no-tlsverify", None, server=PemPair(expired, tls.server_key))
    assert field_paths(excinfo) == ["auth.server.certificate"] and "expired" in str(excinfo.value)

    future = _certificate_valid(tls.server_key, now + datetime.timedelta(days=2), now + datetime.timedelta(days=9))
    with pytest.raises(InputError) as excinfo:
        load_certificates(future)
    assert "not valid before" in str(excinfo.value)
    assert load_certificates(future, check_dates=False)[0].subject == cert(future).subject


@pytest.mark.parametrize(
    "pem",
    [b"", b"hello", b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"],
    ids=["empty", "text", "bad-base64-body"],
)
def test_garbage_certificate_rejected(pem):
    with pytest.raises(InputError) as excinfo:
        load_certificates(pem, "auth.client.certificate_authorities")
    assert field_paths(excinfo) == ["auth.client.certificate_authorities"]


@pytest.mark.parametrize(
    "pem",
    [b"garbage", b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
     b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"],
    ids=["text", "bad-body", "encrypted"],
)
def test_garbage_key_rejected(pem):
    with pytest.raises(InputError) as excinfo:
        load_private_key(pem, "auth.server.private_key")
    assert field_paths(excinfo) == ["auth.server.private_key"]


def test_ca_file_may_hold_several_certificates(tls, tls_ip):
    both = tls_ip.ca_cert + tls.ca_cert
    assert [c.subject for c in load_certificates(both)] == [cert(tls_ip.ca_cert).subject, cert(tls.ca_cert).subject]
    bundle = generate("tlsverify", None, ca=PemPair(both, tls.ca_key), server=PemPair(tls.server_cert, tls.server_key))
    assert signed_by(cert(bundle.client_cert), cert(tls.ca_cert))


def test_no_tls_refuses_supplied_certificates(tls):
    with pytest.raises(InputError):
        generate("no-tls", None, server=PemPair(tls.server_cert, tls.server_key))


# --- helpers ----------------------------------------------------------------------------------------------


def test_thumbprints_match_openssl_format(tls):
    der = cert(tls.server_cert).public_bytes(serialization.Encoding.DER)
    sha1 = thumbprint_sha1(tls.server_cert)
    sha256 = thumbprint_sha256(tls.server_cert)
    assert sha1.replace(":", "") == hashes_hex(hashes.SHA1(), der)
    assert sha256.replace(":", "") == hashes_hex(hashes.SHA256(), der)
    assert len(sha1.split(":")) == 20 and len(sha256.split(":")) == 32 and sha1 == sha1.upper()


def hashes_hex(algorithm: hashes.HashAlgorithm, data: bytes) -> str:
    digest = hashes.Hash(algorithm)
    digest.update(data)
    return digest.finalize().hex().upper()


def test_make_self_signed_for_the_plugin_server():
    cert_pem, key_pem = make_self_signed("127.0.0.1")
    server = cert(cert_pem)
    assert signed_by(server, server)
    assert [str(ip) for ip in ext(server, x509.SubjectAlternativeName).get_values_for_type(x509.IPAddress)] == [
        "127.0.0.1"
    ]
    assert load_private_key(key_pem).public_key().public_numbers() == server.public_key().public_numbers()
