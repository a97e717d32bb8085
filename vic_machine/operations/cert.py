"""A VCH's certificates after create.

Where they are: VIC keeps the server certificate (and, under ``--tlsverify``, the CA certificates that sign
clients) in the VCH's extraConfig; the server key there is sealed. The *client* key is never stored in vCenter,
by VIC nor by us: reading a VM's configuration must not grant Docker access. So the client bundle exists where
create put it: ``CreateResult.certs`` (handed back once), written by ``vic-machine create`` into
``--tls-cert-path`` (default ``./<name>/``). ``client_bundle`` zips it from that directory after checking it
belongs to this VCH; ``server_certificate`` is what anyone may fetch (VIC's ``GET …/vch/{id}/certificate``).
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509

from vic_machine.certs import CertBundle, load_certificates
from vic_machine.errors import FieldError, InputError, NotFound
from vic_machine.operations.inspect import tls_mode
from vic_machine.operations.ls import VchSummary

CERT_PATH_FIELD = "auth.cert_path"


def server_certificate(vch: VchSummary) -> bytes:
    """The VCH's server certificate (PEM), as stored in its configuration.

    :raise NotFound: the VCH was created with ``--no-tls``.
    """
    host = vch.config.certificate.host_certificate
    if host is None or not host.cert:
        raise NotFound(f"VCH {vch.name} has no server certificate", remedy="It was created with --no-tls")
    return host.cert


def _ders(pem: bytes, path: str) -> set[bytes]:
    from cryptography.hazmat.primitives.serialization import Encoding

    return {c.public_bytes(Encoding.DER) for c in load_certificates(pem, path)}


def client_bundle(vch: VchSummary, cert_dir: str) -> bytes:
    """A zip of ``ca.pem``, ``cert.pem``, ``key.pem`` and ``<name>.env`` for a Docker client of ``vch``.

    :param cert_dir: where create wrote the certificates.
    :raise InputError: the directory lacks the files, or they are another VCH's (the CA differs, or the client
        certificate is not signed by one of the VCH's CAs).
    :raise NotFound: the VCH checks no client certificates (``--no-tlsverify`` / ``--no-tls``): nothing to bundle.
    """
    mode = tls_mode(vch)
    if mode != "tlsverify":
        raise NotFound(f"VCH {vch.name} does not check client certificates ({mode})",
                       remedy="Docker clients need no certificate for it; see `vic-machine inspect`")
    directory = Path(cert_dir).expanduser()
    files = {}
    for name in ("ca.pem", "cert.pem", "key.pem"):
        path = directory / name
        if not path.is_file():
            raise InputError(FieldError(CERT_PATH_FIELD, f"{path} is missing; give the directory create wrote "
                                                         "the certificates to (--tls-cert-path)"))
        files[name] = path.read_bytes()
    stored = vch.config.certificate.certificate_authorities
    if not _ders(files["ca.pem"], CERT_PATH_FIELD) <= _ders(stored, CERT_PATH_FIELD):
        raise InputError(FieldError(CERT_PATH_FIELD, f"{directory}/ca.pem is not the CA of VCH {vch.name}"))
    client = x509.load_pem_x509_certificate(files["cert.pem"])
    issuers = [x509.load_der_x509_certificate(d) for d in _ders(stored, CERT_PATH_FIELD)]
    if not any(_signed_by(client, ca) for ca in issuers):
        raise InputError(FieldError(CERT_PATH_FIELD, f"{directory}/cert.pem is not signed by VCH {vch.name}'s CA"))
    bundle = CertBundle(mode=mode, ca_cert=files["ca.pem"], client_cert=files["cert.pem"], client_key=files["key.pem"])
    return bundle.client_zip(vch.name, str(vch.config.client_ip) if vch.config.client_ip else None)


def _signed_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, Exception):  # noqa: BLE001 - InvalidSignature and friends: not this CA
        return False
    return True
