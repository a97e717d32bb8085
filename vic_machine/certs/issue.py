"""Making keys and issuing the three kinds of certificate a VCH uses: CA, server and client.

As VIC 1.5 does: RSA keys, 128-bit random serials, valid from a day ago (clock skew between the
machine running vic-machine and the VCH) to a year ahead, SHA-256 signatures.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID

from vic_machine.certs.pem import PrivateKey
from vic_machine.certs.pem import cert_to_pem
from vic_machine.certs.pem import key_to_pem
from vic_machine.errors import FieldError
from vic_machine.errors import InputError

KEY_SIZES = (2048, 3072, 4096)
DEFAULT_KEY_SIZE = 2048
CNAME_PATH = "auth.server.generate.cname"
SIZE_PATH = "auth.server.generate.size"

_DNS_LABEL = re.compile(r"^(\*|[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)$")


def check_key_size(key_size: int) -> None:
    """Refuse a key size other than those VIC offers."""
    if key_size not in KEY_SIZES:
        allowed = ", ".join(str(s) for s in KEY_SIZES)
        raise InputError(FieldError(SIZE_PATH, f"must be one of {allowed} bits, not {key_size}"))


def new_key(key_size: int = DEFAULT_KEY_SIZE) -> rsa.RSAPrivateKey:
    """A fresh RSA key of an allowed size."""
    check_key_size(key_size)
    return rsa.generate_private_key(public_exponent=65537, key_size=key_size)


def subject_alt_name(cname: str) -> x509.GeneralName:
    """The SAN entry for a cname: an IP address entry when it is one, a DNS name otherwise.

    :raise InputError: on ``auth.server.generate.cname`` when the name is neither.
    """
    name = cname.strip()
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        pass
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise InputError(FieldError(CNAME_PATH, f"{cname!r} is neither an IP address nor a valid DNS name")) from None
    labels = ascii_name.rstrip(".").split(".")
    if not name or len(ascii_name) > 253 or not all(_DNS_LABEL.match(label) for label in labels):
        raise InputError(FieldError(CNAME_PATH, f"{cname!r} is neither an IP address nor a valid DNS name"))
    return x509.DNSName(ascii_name)


def _validity() -> tuple[datetime.datetime, datetime.datetime]:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return now - datetime.timedelta(days=1), now + datetime.timedelta(days=365)


def _serial() -> int:
    # 128 random bits; the top bit forced so every serial has the full size (and stays positive in DER).
    return secrets.randbits(128) | (1 << 127)


def _name(common_name: str, organizations: list[str]) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org) for org in organizations if org]
    # CN is limited to 64 characters by RFC 5280; the SAN carries the full name anyway.
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attrs)


def _key_usage(*, digital_signature: bool = False, key_encipherment: bool = False, cert_sign: bool = False):
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    not_before, not_after = _validity()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(_serial())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _sign(builder: x509.CertificateBuilder, issuer_key: PrivateKey, issuer_cert: x509.Certificate | None):
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def issue_ca(organizations: list[str], key: rsa.RSAPrivateKey, common_name: str) -> x509.Certificate:
    """A self-signed CA certificate: CA=true, may sign certificates and CRLs."""
    name = _name(common_name, organizations)
    builder = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
    )
    return _sign(builder, key, None)


def issue_server(
    cname: str,
    organizations: list[str],
    key: PrivateKey,
    issuer_cert: x509.Certificate | None = None,
    issuer_key: PrivateKey | None = None,
) -> x509.Certificate:
    """A server certificate for ``cname`` (CN and SAN), signed by the issuer or self-signed without one."""
    san = subject_alt_name(cname)
    subject = _name(cname.strip(), organizations)
    issuer = issuer_cert.subject if issuer_cert is not None else subject
    builder = (
        _builder(subject, issuer, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, key_encipherment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([san]), critical=False)
    )
    return _sign(builder, issuer_key or key, issuer_cert)


def issue_client(
    organizations: list[str], key: PrivateKey, issuer_cert: x509.Certificate, issuer_key: PrivateKey
) -> x509.Certificate:
    """A client certificate for Docker's ``--tlsverify``: ClientAuth, signed by the CA."""
    builder = (
        _builder(_name("client", organizations), issuer_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, key_encipherment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )
    return _sign(builder, issuer_key, issuer_cert)


def make_self_signed(cname: str, key_size: int = DEFAULT_KEY_SIZE) -> tuple[bytes, bytes]:
    """A self-signed server certificate and its key, as PEM ``(cert, key)``: the plug-in server's own HTTPS.

    :raise InputError: on a cname that is neither an IP address nor a DNS name, or a bad key size.
    """
    key = new_key(key_size)
    cert = issue_server(cname, [], key)
    return cert_to_pem(cert), key_to_pem(key)
