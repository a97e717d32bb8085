"""Reading certificates and keys a user supplies, and writing ours as PEM.

Every problem becomes an ``InputError`` naming the field of the VCH model the material came from
(``auth.server.certificate``, ``auth.server.private_key``, ``auth.client.certificate_authorities``).
"""

from __future__ import annotations

import datetime
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from vic_machine.errors import FieldError
from vic_machine.errors import InputError

SERVER_CERT_PATH = "auth.server.certificate"
SERVER_KEY_PATH = "auth.server.private_key"
CA_PATH = "auth.client.certificate_authorities"

# Docker and the VCH appliance handle RSA and ECDSA keys; anything else would fail only at boot.
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _as_bytes(pem: bytes | str) -> bytes:
    return pem.encode("ascii", errors="replace") if isinstance(pem, str) else bytes(pem)


def load_certificates(
    pem: bytes | str, path: str = SERVER_CERT_PATH, *, check_dates: bool = True
) -> list[x509.Certificate]:
    """Parse one or more PEM certificates, in the order given.

    :param pem: PEM text holding at least one ``CERTIFICATE`` block.
    :param path: the VCH model field the text came from, named in errors.
    :param check_dates: also refuse certificates that are expired or not valid yet.
    :raise InputError: no certificate, a block that does not parse, or a certificate outside its validity.
    """
    data = _as_bytes(pem)
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise InputError(FieldError(path, "is not a PEM certificate (no BEGIN CERTIFICATE block)"))
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise InputError(FieldError(path, f"holds a certificate that cannot be parsed: {exc}")) from None
    if check_dates:
        for cert in certs:
            check_dates_valid(cert, path)
    return certs


def check_dates_valid(cert: x509.Certificate, path: str, now: datetime.datetime | None = None) -> None:
    """Refuse a certificate that has expired or is not valid yet.

    :raise InputError: naming ``path`` and the date that is wrong.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    subject = cert.subject.rfc4514_string() or "(no subject)"
    if cert.not_valid_after_utc < now:
        when = cert.not_valid_after_utc.isoformat(timespec="seconds")
        raise InputError(FieldError(path, f"certificate {subject} expired on {when}"))
    if cert.not_valid_before_utc > now:
        when = cert.not_valid_before_utc.isoformat(timespec="seconds")
        raise InputError(FieldError(path, f"certificate {subject} is not valid before {when}"))


def load_private_key(pem: bytes | str, path: str = SERVER_KEY_PATH) -> PrivateKey:
    """Parse an unencrypted PEM private key, PKCS#1 (``RSA PRIVATE KEY``), SEC1 or PKCS#8 (``PRIVATE KEY``).

    :raise InputError: naming ``path``: not PEM, encrypted, unparsable, or not an RSA or ECDSA key.
    """
    data = _as_bytes(pem)
    if b"-----BEGIN" not in data or b"PRIVATE KEY-----" not in data:
        raise InputError(FieldError(path, "is not a PEM private key (no BEGIN ... PRIVATE KEY block)"))
    if b"ENCRYPTED" in data:
        raise InputError(FieldError(path, "is encrypted; supply the key without a passphrase"))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise InputError(FieldError(path, "is encrypted; supply the key without a passphrase")) from None
    except ValueError as exc:
        raise InputError(FieldError(path, f"cannot be parsed as a private key: {exc}")) from None
    except Exception as exc:  # cryptography raises UnsupportedAlgorithm for unknown key types
        raise InputError(FieldError(path, f"is not a supported private key: {exc}")) from None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise InputError(FieldError(path, "must be an RSA or ECDSA key"))
    return key


def _public_der(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_matches(cert: x509.Certificate, key: PrivateKey) -> bool:
    """Whether ``key`` is the private half of the certificate's public key."""
    return _public_der(cert.public_key()) == _public_der(key.public_key())


def check_pair(cert: x509.Certificate, key: PrivateKey, path: str = SERVER_KEY_PATH) -> None:
    """Refuse a private key that does not belong to the certificate.

    :param path: the field named in the error, normally the key's field.
    :raise InputError: when the public keys differ.
    """
    if not key_matches(cert, key):
        subject = cert.subject.rfc4514_string() or "(no subject)"
        raise InputError(FieldError(path, f"does not match the certificate {subject}"))


def issued_by_any(cert_pem: bytes | str, ca_pem: bytes | str | None) -> bool:
    """Whether one of the CAs in ``ca_pem`` issued the certificate, or one of the chain after it in ``cert_pem``:
    what a client trusting those CAs needs to verify it. Dates are not looked at; unparsable PEM is False."""
    if not ca_pem:
        return False
    try:
        chain = load_certificates(cert_pem, check_dates=False)
        cas = load_certificates(ca_pem, CA_PATH, check_dates=False)
    except InputError:
        return False
    for cert in chain:
        for ca in cas:
            try:
                cert.verify_directly_issued_by(ca)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return True
    return False


def is_self_signed(cert_pem: bytes | str) -> bool:
    """Whether the first certificate signed itself."""
    try:
        leaf = load_certificates(cert_pem, check_dates=False)[0]
        leaf.verify_directly_issued_by(leaf)
    except (InputError, ValueError, TypeError, InvalidSignature):
        return False
    return True


def check_server_usage(cert: x509.Certificate, path: str = SERVER_CERT_PATH) -> None:
    """Refuse a certificate that TLS clients (Docker's, OpenSSL's) would not accept from a server: an extended key
    usage without serverAuth, or a key usage allowing neither signatures nor key encipherment.

    :raise InputError: naming ``path`` and the usage that is missing.
    """
    subject = cert.subject.rfc4514_string() or "(no subject)"
    try:
        extended = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        extended = None
    if extended is not None and not {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE} \
            & set(extended):
        raise InputError(FieldError(path, f"certificate {subject} is not for TLS servers: its extended key usage "
                                          "lacks serverAuth"))
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.key_encipherment or usage.key_agreement):
        raise InputError(FieldError(path, f"certificate {subject} is not for TLS servers: its key usage allows "
                                          "neither digitalSignature nor keyEncipherment"))


def key_to_pem(key: PrivateKey) -> bytes:
    """Unencrypted PEM in the traditional format VIC writes (PKCS#1 ``RSA PRIVATE KEY`` for RSA)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def cert_to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def certs_to_pem(certs: list[x509.Certificate]) -> bytes:
    return b"".join(cert_to_pem(c) for c in certs)


def _thumbprint(cert_pem: bytes | str, algorithm: str) -> str:
    cert = load_certificates(cert_pem, check_dates=False)[0]
    der = cert.public_bytes(serialization.Encoding.DER)
    digest = hashlib.new(algorithm, der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def thumbprint_sha1(cert_pem: bytes | str) -> str:
    """SHA-1 thumbprint of the first certificate, as vSphere shows it (``AB:CD:…``)."""
    return _thumbprint(cert_pem, "sha1")


def thumbprint_sha256(cert_pem: bytes | str) -> str:
    """SHA-256 thumbprint of the first certificate, colon-separated uppercase hex."""
    return _thumbprint(cert_pem, "sha256")
