"""The server's own HTTPS: its certificate (supplied, or generated for the names it is served as) and its TLS
settings (TLS 1.2 with AEAD suites only, and TLS 1.3)."""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
import socket
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vic_machine.certs.issue import new_key, subject_alt_name
from vic_machine.certs.pem import cert_to_pem, key_to_pem, thumbprint_sha256

# TLS 1.2: forward-secret AEAD suites only (no CBC, no RSA key exchange); TLS 1.3's suites are all AEAD.
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL"


def harden(context: ssl.SSLContext) -> ssl.SSLContext:
    """TLS 1.2 and 1.3 only, TLS 1.2 with AEAD suites only, no compression or renegotiation."""
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(TLS12_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE | ssl.OP_NO_RENEGOTIATION
    return context


def server_context(cert: Path | str, key: Path | str) -> ssl.SSLContext:
    """A hardened server context with the certificate and key loaded."""
    context = harden(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER))
    context.load_cert_chain(str(cert), str(key))
    return context


def machine_names(bind_host: str = "") -> list[str]:
    """The names this machine is reached as: its FQDN and host name, and the address it binds to when that is one
    address (not every address)."""
    names = [socket.getfqdn(), socket.gethostname()]
    host = bind_host.strip("[]")
    if host and host not in ("0.0.0.0", "::"):
        names.append(host)
    return _unique(names)


def _unique(names) -> list[str]:
    out: list[str] = []
    for name in names:
        name = (name or "").strip()
        if name and name.lower() not in (n.lower() for n in out):
            out.append(name)
    return out


def _san_values(cert: x509.Certificate) -> set[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {n.lower() for n in san.get_values_for_type(x509.DNSName)} | {
        str(ip) for ip in san.get_values_for_type(x509.IPAddress)}


def _wanted(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.encode("idna").decode("ascii").rstrip(".").lower()


def covers(cert_pem: bytes, names: list[str]) -> bool:
    """Whether the certificate's SAN holds every one of ``names``."""
    return {_wanted(n) for n in names} <= _san_values(x509.load_pem_x509_certificate(cert_pem))


def make_server_certificate(names: list[str]) -> tuple[bytes, bytes]:
    """A self-signed server certificate for ``names`` (CN the first, SAN all of them) and its key, as PEM.

    :raise InputError: a name that is neither an IP address nor a DNS name.
    """
    names = _unique(names)
    sans = [subject_alt_name(n) for n in names]
    key = new_key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64])])
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(secrets.randbits(128) | (1 << 127))
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert_to_pem(cert), key_to_pem(key)


def ensure_certificate(state_dir: Path, names: str | list[str] | None = None, *,
                       renew_for_names: bool = False) -> tuple[Path, Path]:
    """Paths of ``server-cert.pem`` and ``server-key.pem`` in ``state_dir``, generated if absent (key 0600) for
    ``names`` (default: :func:`machine_names`).

    With ``renew_for_names`` (``--hostname`` given), a kept certificate whose SAN lacks one of ``names`` is
    replaced; otherwise a kept one is reused as it is, so its thumbprint (which registration pins) stays.
    """
    wanted = [names] if isinstance(names, str) else list(names or machine_names())
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert, key = state_dir / "server-cert.pem", state_dir / "server-key.pem"
    if cert.exists() and key.exists() and (not renew_for_names or covers(cert.read_bytes(), wanted)):
        return cert, key
    cert_pem, key_pem = make_server_certificate(wanted)
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key_pem)
    cert.write_bytes(cert_pem)
    return cert, key


def certificate_thumbprint(cert: Path) -> str:
    """SHA-256 thumbprint of the server certificate, as registration wants it."""
    return thumbprint_sha256(cert.read_bytes())


def certificate_names(cert: Path) -> list[str]:
    """The names in the certificate's SAN."""
    return sorted(_san_values(x509.load_pem_x509_certificate(cert.read_bytes())))
