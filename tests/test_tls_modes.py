"""Every TLS combination vic-machine 1.5.8 accepts, end to end on the simulator and the appliance stand-in.

For each one a VCH is created through the CLI (and the combinations that used to fail also through the REST API);
the create must complete, and Docker's ``/info`` must answer through the DOCKER_HOST it printed, with the client
certificate a user of that combination holds (or none). The stand-in requires a client certificate whenever the
VCH's configuration has client CAs, as the real appliance does, so the wait for the Docker API meets the refusal
a VCH gives a client without one.

Combinations that would fail are refused by validation before anything in vCenter is touched.
"""

from __future__ import annotations

import datetime
import http.client
import io
import json
import ssl
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sim.appliance.docker_api import DockerEndpoint, EngineFacts, server_tls_context
from tests.api_support import basic, make_app, respond_async, sse_events, target_path
from tests.vch_support import picture, vch_spec
from vic_machine import spec as vch_schema
from vic_machine.certs import CertBundle
from vic_machine.cli.main import main
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch

# --- certificates a user brings -----------------------------------------------------------------------------


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(obj) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert(subject: str, key, issuer: tuple[x509.Certificate, object] | None = None, *, ca: bool = False,
          usage=None, san: str | None = None) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (x509.CertificateBuilder().subject_name(name)
               .issuer_name(issuer[0].subject if issuer else name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if san is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


@dataclass(frozen=True)
class UserPki:
    """Files a user of 1.5.8 hands to --tls-ca and --tls-server-cert/--tls-server-key, and their client cert."""

    client_ca: Path         # the CA signing the user's Docker clients (--tls-ca)
    client_cert: Path       # a Docker client certificate that CA signed, and its key
    client_key: Path
    server_ca: Path         # the CA that signed the uploaded server certificate (the clients trust it)
    server_cert: Path       # --tls-server-cert / --tls-server-key
    server_key: Path
    other_ca: Path          # a CA the VCH does not know, and a client certificate it signed
    other_cert: Path
    other_key: Path


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> UserPki:
    root = tmp_path_factory.mktemp("user-pki")
    files = {}

    def save(name: str, obj) -> Path:
        path = root / name
        path.write_bytes(_pem(obj))
        files[name] = path
        return path

    ca_key, server_ca_key, other_key = _key(), _key(), _key()
    client_ca = _cert("Users CA", ca_key, ca=True)
    server_ca = _cert("Servers CA", server_ca_key, ca=True)
    other_ca = _cert("Elsewhere CA", other_key, ca=True)
    ck, sk, ok = _key(), _key(), _key()
    return UserPki(
        client_ca=save("client-ca.pem", client_ca),
        client_cert=save("client-cert.pem", _cert("alice", ck, (client_ca, ca_key),
                                                  usage=ExtendedKeyUsageOID.CLIENT_AUTH)),
        client_key=save("client-key.pem", ck),
        server_ca=save("server-ca.pem", server_ca),
        server_cert=save("server-cert.pem", _cert("vch-up.example.com", sk, (server_ca, server_ca_key),
                                                  usage=ExtendedKeyUsageOID.SERVER_AUTH, san="vch-up.example.com")),
        server_key=save("server-key.pem", sk),
        other_ca=save("other-ca.pem", other_ca),
        other_cert=save("other-cert.pem", _cert("mallory", ok, (other_ca, other_key),
                                                usage=ExtendedKeyUsageOID.CLIENT_AUTH)),
        other_key=save("other-key.pem", ok),
    )


# --- a Docker client ----------------------------------------------------------------------------------------


def docker_info(docker_host: str, *, tls: bool = True, trust: bytes | None = None,
                cert: Path | None = None, key: Path | None = None) -> dict:
    """``docker info`` as a Docker client does it: over TLS when asked, the server checked against ``trust``
    (``--tlsverify``'s ca.pem; not checked without it, as ``--tls``), the client certificate presented if given.
    (No host name check: the stand-in serves on loopback addresses no certificate names.)"""
    host, _, port = docker_host.rpartition(":")
    if not tls:
        conn: http.client.HTTPConnection = http.client.HTTPConnection(host, int(port), timeout=5)
    else:
        if trust is not None:
            context = ssl.create_default_context(cadata=trust.decode())
            context.check_hostname = False
        else:
            context = ssl._create_unverified_context()  # noqa: S323 - docker --tls without --tlsverify
        if cert is not None:
            context.load_cert_chain(str(cert), str(key))
        conn = http.client.HTTPSConnection(host, int(port), timeout=5, context=context)
    try:
        conn.request("GET", "/info")
        response = conn.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        conn.close()


def refused(docker_host: str, **client) -> bool:
    """True when the VCH turns this client away at the TLS layer."""
    try:
        docker_info(docker_host, **client)
    except (ssl.SSLError, ConnectionError):
        return True
    return False


# --- the combinations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Combo:
    id: str
    flags: tuple[str, ...]     # TLS flags, with {field} placeholders for UserPki paths
    client: str                # whose client certificate Docker presents: "generated", "user" or "none"
    cas: str                   # what the VCH stores as client CAs: "generated" (its ca.pem), "user" or "none"
    uploaded_server: bool      # the VCH presents the uploaded server certificate
    tls: bool = True

    def argv(self, pki: UserPki, name: str) -> list[str]:
        paths = {k: str(v) for k, v in vars(pki).items()}
        return [flag.format(name=name, **paths) for flag in self.flags]


COMBOS = [
    Combo("generated", ("--tls-cname", "{name}.example.com"), "generated", "generated", False),
    Combo("generated+ca", ("--tls-cname", "{name}.example.com", "--tls-ca", "{client_ca}"), "user", "user",
          False),
    Combo("uploaded", ("--tls-server-cert", "{server_cert}", "--tls-server-key", "{server_key}"), "generated",
          "generated", True),
    Combo("uploaded+ca", ("--tls-server-cert", "{server_cert}", "--tls-server-key", "{server_key}",
                          "--tls-ca", "{client_ca}"), "user", "user", True),
    Combo("uploaded+no-tlsverify", ("--tls-server-cert", "{server_cert}", "--tls-server-key", "{server_key}",
                                    "--no-tlsverify"), "none", "none", True),
    Combo("no-tlsverify", ("--no-tlsverify",), "none", "none", False),
    Combo("no-tls", ("--no-tls",), "none", "none", False, tls=False),
]


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world()


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _base(world, name: str, cert_dir: Path) -> list[str]:
    return ["create", *world.target_args, *world.iso_args, "--name", name, "--compute-resource", "DC0_C0",
            "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0", "--timeout", "20s",
            "--tls-cert-path", str(cert_dir), "--output", "json"]


def _client_for(combo: Combo, pki: UserPki, cert_dir: Path, server_pem: bytes) -> dict:
    """The Docker client a user of this combination runs: what it trusts and which certificate it presents."""
    if not combo.tls:
        return {"tls": False}
    if combo.client == "none":
        return {}  # docker --tls: the server certificate is not checked, no client certificate
    # --tlsverify: the server is checked against ca.pem. A user whose server certificate comes from their own
    # CA trusts that CA; one whose VCH generated a self-signed server certificate trusts that certificate.
    if combo.uploaded_server:
        trust = pki.server_ca.read_bytes()
    elif combo.cas == "generated":
        trust = (cert_dir / "ca.pem").read_bytes()
    else:
        trust = server_pem
    if combo.client == "generated":
        return {"trust": trust, "cert": cert_dir / "cert.pem", "key": cert_dir / "key.pem"}
    return {"trust": trust, "cert": pki.client_cert, "key": pki.client_key}


def _check_vch(world, combo: Combo, pki: UserPki, name: str, docker_host: str, cert_dir: Path) -> None:
    vch = find_vch(world.session, name=name)
    stored = vch.config.certificate
    server_pem = stored.host_certificate.cert if stored.host_certificate else b""
    if combo.uploaded_server:
        assert server_pem.strip() == pki.server_cert.read_bytes().strip()
    if combo.cas == "user":
        assert x509.load_pem_x509_certificates(stored.certificate_authorities) == \
            x509.load_pem_x509_certificates(pki.client_ca.read_bytes())
    elif combo.cas == "generated":
        assert x509.load_pem_x509_certificates(stored.certificate_authorities) == \
            x509.load_pem_x509_certificates((cert_dir / "ca.pem").read_bytes())
    else:
        assert not stored.certificate_authorities

    client = _client_for(combo, pki, cert_dir, server_pem)
    info = docker_info(docker_host, **client)
    assert info["Name"] == name
    if combo.cas != "none":
        # Client verification is on: no certificate, or one from a CA the VCH does not know, is turned away.
        trust = client["trust"]
        assert refused(docker_host, trust=trust)
        assert refused(docker_host, trust=trust, cert=pki.other_cert, key=pki.other_key)


# What create tells a user whose ca.pem does not sign the server certificate (Docker's --tlsverify checks the
# server against ca.pem).
TRUST_NOTES = {"generated+ca": "self-signed", "uploaded": "another CA", "uploaded+ca": "another CA"}


def _trust_note(warnings: list[str]) -> str | None:
    notes = [w for w in warnings if "ca.pem" in w]
    assert len(notes) <= 1
    if not notes:
        return None
    return "self-signed" if "self-signed" in notes[0] else "another CA" if "another CA" in notes[0] else notes[0]


@pytest.mark.parametrize("combo", COMBOS, ids=[c.id for c in COMBOS])
def test_cli_create_in_every_tls_combination(world, pki, tmp_path, capsys, combo):
    name = f"tls-{combo.id.replace('+', '-')}"
    cert_dir = tmp_path / "certs"
    flags = combo.argv(pki, name)
    before = picture(world.session)
    code, out, err = _cli(capsys, *_base(world, name, cert_dir), *flags)
    assert code == 0, out + err
    created = json.loads(out)
    try:
        env = created["docker_env"]
        if combo.tls and combo.cas != "none":
            assert env["DOCKER_TLS_VERIFY"] == "1" and env["DOCKER_CERT_PATH"] == str(cert_dir.resolve())
        else:
            assert "DOCKER_TLS_VERIFY" not in env
        assert env["DOCKER_HOST"].endswith(":2376" if combo.tls else ":2375")
        _check_vch(world, combo, pki, name, env["DOCKER_HOST"], cert_dir)
        assert _trust_note(created["warnings"]) == TRUST_NOTES.get(combo.id)
        # A key the user brought is never copied into what create prints.
        assert "PRIVATE KEY" not in out + err
    finally:
        delete_vch(world.session, find_vch(world.session, name=name))
    assert picture(world.session) == before


def test_uploaded_server_certificate_with_a_cname_it_does_not_carry_is_refused(world, pki, tmp_path, capsys):
    """1.5.8 checks --tls-cname against the uploaded certificate's CN; nothing is created when they differ."""
    before = picture(world.session)
    code, out, err = _cli(capsys, *_base(world, "tls-cname-differs", tmp_path / "c"),
                          "--tls-server-cert", str(pki.server_cert), "--tls-server-key", str(pki.server_key),
                          "--tls-cname", "other.example.com")
    assert code == 2
    assert "--tls-cname" in out + err and "vch-up.example.com" in out + err
    assert picture(world.session) == before


def test_uploaded_server_certificate_without_its_key_is_refused(world, pki, tmp_path, capsys):
    before = picture(world.session)
    code, out, err = _cli(capsys, *_base(world, "tls-no-key", tmp_path / "c"),
                          "--tls-server-cert", str(pki.server_cert))
    assert code == 2 and "auth.server.private_key" in out + err
    code, out, err = _cli(capsys, *_base(world, "tls-wrong-key", tmp_path / "d"),
                          "--tls-server-cert", str(pki.server_cert), "--tls-server-key", str(pki.client_key))
    assert code == 2 and "does not match" in out + err
    assert picture(world.session) == before


# --- the same through the REST API --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(world):
    return make_app(world.sim, CREATE_TIMEOUT=20, ISO_DIR=str(Path(world.isos.appliance.path).parent))


def _api_body(name: str, combo: Combo, pki: UserPki) -> dict:
    spec = vch_spec(name, "no-tls" if not combo.tls else "no-tlsverify" if combo.cas == "none" else "tlsverify")
    if combo.uploaded_server:
        spec.auth.server.generate = None
        spec.auth.server.certificate = pki.server_cert.read_text()
        spec.auth.server.private_key = pki.server_key.read_text()
    elif combo.tls:
        spec.auth.server.generate.cname = f"{name}.example.com"
    if combo.cas == "user":
        spec.auth.client.certificate_authorities = [pki.client_ca.read_text()]
    body = vch_schema.dump(spec)
    if spec.auth.server.private_key:  # dump leaves secrets out; a client sends the key it uploads
        body["auth"]["server"]["private_key"] = {"pem": spec.auth.server.private_key}
    return body


API_COMBOS = [c for c in COMBOS if c.id in ("generated+ca", "uploaded", "uploaded+ca")]


@pytest.mark.parametrize("combo", API_COMBOS, ids=[c.id for c in API_COMBOS])
def test_api_create_in_the_combinations_that_failed(world, pki, app, combo):
    sim = world.sim
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    name = f"api-{combo.id.replace('+', '-')}"
    before = picture(world.session)
    r = client.post(f"{target_path(sim)}/vch", json=_api_body(name, combo, pki), headers=respond_async(auth))
    assert r.status_code == 202, r.json
    events = sse_events(client, r.json["id"], auth)
    kind, final = events[-1]
    assert kind == "end" and final["state"] == "success", final
    result = final["result"]
    assert "PRIVATE KEY" not in json.dumps(events)
    said = " ".join(e.get("message") or "" for k, e in events if k == "progress")
    # Without a client certificate its CAs signed, the VCH's refusal is how it says it is up.
    assert ("requires a client certificate" in said) == (combo.client == "user")
    assert _trust_note(result["warnings"]) == TRUST_NOTES.get(combo.id)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cert_dir = Path(tmp)
            if combo.client == "generated":  # the bundle the plug-in offers for download
                bundle = client.get(f"{target_path(sim)}/vch/{result['id']}/certificate-bundle", headers=auth)
                assert bundle.status_code == 200
                zipfile.ZipFile(io.BytesIO(bundle.data)).extractall(cert_dir)
            _check_vch(world, combo, pki, name, result["docker_env"]["DOCKER_HOST"], cert_dir)
    finally:
        delete_vch(world.session, find_vch(world.session, name=name))
    assert picture(world.session) == before


@pytest.mark.parametrize("change, field", [
    (lambda s, pki: setattr(s.auth.server, "private_key", pki.client_key.read_text()), "auth.server.private_key"),
    (lambda s, pki: setattr(s.auth.server, "private_key", None), "auth.server.private_key"),
    (lambda s, pki: setattr(s.auth, "no_tls", True), "auth.server.certificate"),
    # A client certificate as the server's: Docker clients would refuse it, and so would the wait.
    (lambda s, pki: (setattr(s.auth.server, "certificate", pki.client_cert.read_text()),
                     setattr(s.auth.server, "private_key", pki.client_key.read_text())), "auth.server.certificate"),
], ids=["key-of-another-certificate", "no-key", "certificate-with-no-tls", "not-a-server-certificate"])
def test_api_refuses_what_would_fail_before_touching_vcenter(world, pki, app, change, field):
    sim = world.sim
    combo = next(c for c in COMBOS if c.id == "uploaded+ca")
    spec = vch_schema.load(_api_body("api-refused", combo, pki))
    change(spec, pki)
    before = picture(world.session)
    body = vch_schema.dump(spec)
    if spec.auth.server.private_key:
        body["auth"]["server"]["private_key"] = {"pem": spec.auth.server.private_key}
    r = app.test_client().post(f"{target_path(sim)}/vch", json=body,
                               headers=basic(sim.username, sim.password))
    assert r.status_code == 400, r.json
    assert field in r.json["errors"]
    assert picture(world.session) == before


# --- the wait for the Docker API against a VCH that wants a client certificate --------------------------------


@pytest.fixture
def strict_endpoint(pki):
    """A Docker API requiring client certificates from the user's CA, on TLS 1.2 (as VIC 1.5's appliance) or
    TLS 1.3 (where the refusal only comes after the handshake)."""
    started = []

    def start(max_version: ssl.TLSVersion) -> DockerEndpoint:
        context = server_tls_context(pki.server_cert.read_bytes(), pki.server_key.read_bytes(),
                                     pki.client_ca.read_bytes())
        context.maximum_version = max_version
        endpoint = DockerEndpoint("127.0.0.1", 0, EngineFacts(name="strict", vch_id="vm-0"), context)
        endpoint.start()
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.stop()


def _address(endpoint: DockerEndpoint) -> str:
    return f"127.0.0.1:{endpoint._server.server_address[1]}"


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3], ids=["tls1.2", "tls1.3"])
def test_wait_takes_the_refusal_of_a_missing_client_certificate_as_up(pki, strict_endpoint, version):
    from vic_machine.operations.wait import ClientCertificateRefused, probe_docker_api

    endpoint = strict_endpoint(version)
    server_pem = pki.server_cert.read_bytes()
    certs = CertBundle(mode="tlsverify", ca_cert=pki.client_ca.read_bytes(), server_cert=server_pem)
    with pytest.raises(ClientCertificateRefused):
        probe_docker_api(_address(endpoint), certs, server_pem, client_verification=True)
    # With a certificate the VCH's CA signed, /info answers.
    ours = CertBundle(mode="tlsverify", server_cert=server_pem, client_cert=pki.client_cert.read_bytes(),
                      client_key=pki.client_key.read_bytes())
    assert probe_docker_api(_address(endpoint), ours, server_pem, client_verification=True)["Name"] == "strict"


def test_wait_does_not_take_another_server_for_the_vch(pki, strict_endpoint, tmp_path):
    """The VCH must present the certificate it was configured with: a refusal from another server is no answer."""
    from vic_machine.operations.wait import WrongServerCertificate, probe_docker_api

    endpoint = strict_endpoint(ssl.TLSVersion.TLSv1_2)
    other = pki.other_ca.read_bytes()  # not the server certificate the endpoint presents
    with pytest.raises(WrongServerCertificate):
        probe_docker_api(_address(endpoint), CertBundle(mode="tlsverify"), other, client_verification=True)
    ours = CertBundle(mode="tlsverify", client_cert=pki.client_cert.read_bytes(),
                      client_key=pki.client_key.read_bytes())
    with pytest.raises(WrongServerCertificate):
        probe_docker_api(_address(endpoint), ours, other, client_verification=True)


def test_no_tlsverify_takes_any_certificate_docker_clients_without_verification_take(pki):
    """Under --no-tlsverify Docker clients (--tls) check nothing, so 1.5.8 takes e.g. a certificate made for
    clients as the server's; validation accepts it, and the wait only checks it is the VCH's own."""
    from vic_machine.operations.wait import probe_docker_api
    from vic_machine.spec import check

    spec = vch_spec("tls-odd", "no-tlsverify")
    spec.auth.server.generate = None
    spec.auth.server.certificate, spec.auth.server.private_key = pki.client_cert.read_text(), pki.client_key.read_text()
    assert check(spec) == []
    spec.auth.client.no_tls_verify = False
    assert [e.path for e in check(spec)] == ["auth.server.certificate"]  # clients verifying it would refuse it

    cert = pki.client_cert.read_bytes()
    endpoint = DockerEndpoint("127.0.0.1", 0, EngineFacts(name="odd", vch_id="vm-0"),
                              server_tls_context(cert, pki.client_key.read_bytes()))
    endpoint.start()
    try:
        assert probe_docker_api(_address(endpoint), CertBundle(mode="no-tlsverify"), cert,
                                client_verification=False)["Name"] == "odd"
    finally:
        endpoint.stop()


def test_wildcard_cname_is_accepted_and_certified_as_given():
    """1.5.8 offers --tls-cname=*.yourdomain.com for VCHs whose DHCP addresses have DNS names of that form."""
    from vic_machine.operations.create import make_certificates
    from vic_machine.spec import check

    spec = vch_spec("tls-wild")
    spec.auth.server.generate.cname = "*.lab.example.com"
    assert check(spec) == []
    server = x509.load_pem_x509_certificate(make_certificates(spec).server_cert)
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["*.lab.example.com"]
