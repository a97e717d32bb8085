"""Choosing which certificates a VCH gets from its TLS mode and what the user supplied, and making them."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from vic_machine.certs.bundle import MODES
from vic_machine.certs.bundle import NO_TLS
from vic_machine.certs.bundle import TLSVERIFY
from vic_machine.certs.bundle import CertBundle
from vic_machine.certs.issue import CNAME_PATH
from vic_machine.certs.issue import DEFAULT_KEY_SIZE
from vic_machine.certs.issue import check_key_size
from vic_machine.certs.issue import issue_ca
from vic_machine.certs.issue import issue_client
from vic_machine.certs.issue import issue_server
from vic_machine.certs.issue import new_key
from vic_machine.certs.pem import CA_PATH
from vic_machine.certs.pem import SERVER_CERT_PATH
from vic_machine.certs.pem import SERVER_KEY_PATH
from vic_machine.certs.pem import PrivateKey
from vic_machine.certs.pem import cert_to_pem
from vic_machine.certs.pem import certs_to_pem
from vic_machine.certs.pem import check_pair
from vic_machine.certs.pem import check_server_usage
from vic_machine.certs.pem import key_matches
from vic_machine.certs.pem import key_to_pem
from vic_machine.certs.pem import load_certificates
from vic_machine.certs.pem import load_private_key
from vic_machine.errors import FieldError
from vic_machine.errors import InputError


@dataclass(frozen=True)
class PemPair:
    """Certificate(s) and, optionally, the private key a user supplied, as PEM text."""

    cert: bytes | str
    key: bytes | str | None = None


def _organizations(organization: str | list[str] | None, vch_name: str | None, cname: str | None) -> list[str]:
    if isinstance(organization, str):
        organization = [organization]
    orgs = [o.strip() for o in organization or [] if o and o.strip()]
    if orgs:
        return orgs
    # VIC 1.5 puts the VCH name in the organization when none is given.
    fallback = vch_name or cname
    return [fallback] if fallback else []


def _load_ca(ca: PemPair) -> tuple[list[x509.Certificate], x509.Certificate | None, PrivateKey | None]:
    """The supplied CA certificates, the one its key belongs to (if a key was given), and the key."""
    certs = load_certificates(ca.cert, CA_PATH)
    if ca.key is None:
        return certs, None, None
    key = load_private_key(ca.key, CA_PATH)
    signer = next((c for c in certs if key_matches(c, key)), None)
    if signer is None:
        raise InputError(FieldError(CA_PATH, "the CA private key does not match any of the CA certificates"))
    try:
        is_ca = signer.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        subject = signer.subject.rfc4514_string()
        message = f"certificate {subject} is not a CA certificate (it lacks BasicConstraints CA=true)"
        raise InputError(FieldError(CA_PATH, message))
    return certs, signer, key


def _load_server(server: PemPair, mode: str) -> tuple[list[x509.Certificate], PrivateKey]:
    certs = load_certificates(server.cert, SERVER_CERT_PATH)
    if server.key is None:
        raise InputError(FieldError(SERVER_KEY_PATH, "is required with a supplied server certificate"))
    key = load_private_key(server.key, SERVER_KEY_PATH)
    if mode == TLSVERIFY:  # clients verify the server then, and refuse a certificate not made for servers
        check_server_usage(certs[0], SERVER_CERT_PATH)
    check_pair(certs[0], key, SERVER_KEY_PATH)  # the first certificate is the leaf, the rest its chain
    return certs, key


def _cert_cname(cert: x509.Certificate) -> str | None:
    names = cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def generate(
    mode: str,
    cname: str | None,
    organization: str | list[str] | None = None,
    key_size: int = DEFAULT_KEY_SIZE,
    ca: PemPair | None = None,
    server: PemPair | None = None,
    *,
    vch_name: str | None = None,
) -> CertBundle:
    """Make (or take) the certificates a VCH needs in ``mode``.

    - ``tlsverify``: a CA (generated, or ``ca`` with its key), a server certificate and a client
      certificate signed by it. With a supplied ``ca`` without its key (the user's own client CAs, as
      ``--tls-ca`` gives them), those CAs are the VCH's client CAs and no client certificate is made (the
      clients hold certificates from those CAs already); the server certificate is then the supplied
      ``server``, or a self-signed one (nothing else could sign it), as vic-machine 1.5 does.
    - ``no-tlsverify``: a server certificate only, signed by ``ca`` when given with its key, else self-signed.
    - ``no-tls``: nothing.
    A supplied ``server`` (certificate(s) + key) replaces the generated server certificate; without client
    CAs under ``tlsverify`` a CA and a client certificate are still generated for the clients.

    :param cname: the server's name or IP address: its CN and SAN. Needed unless ``server`` is supplied.
    :param organization: the certificates' O; defaults to ``vch_name``, else the cname.
    :param key_size: RSA key size in bits: 2048, 3072 or 4096.
    :raise InputError: naming the field of the VCH model that is wrong.
    """
    if mode not in MODES:
        raise InputError(FieldError("auth", f"TLS mode must be one of {', '.join(MODES)}, not {mode!r}"))
    if mode == NO_TLS:
        if ca is not None or server is not None:
            raise InputError(FieldError("auth.no_tls", "certificates were supplied but TLS is turned off"))
        return CertBundle(mode=mode, cname=cname or None)
    check_key_size(key_size)
    cname = (cname or "").strip() or None
    if server is None and not cname:
        raise InputError(FieldError(CNAME_PATH, "is required to generate the server certificate"))
    orgs = _organizations(organization, vch_name, cname)

    ca_certs, signer, signer_key = _load_ca(ca) if ca is not None else (None, None, None)
    ca_key_pem = None  # a supplied CA key stays with its owner; only one we made is written out
    if mode == TLSVERIFY and ca_certs is None:
        signer_key = new_key(key_size)
        signer = issue_ca(orgs, signer_key, f"{cname or 'VCH'} CA")
        ca_certs, ca_key_pem = [signer], key_to_pem(signer_key)

    if server is not None:
        server_certs, server_key = _load_server(server, mode)
        cname = cname or _cert_cname(server_certs[0])
    else:
        server_key = new_key(key_size)
        if signer_key is None:  # no CA, or only the certificates of the user's CAs: self-signed
            server_certs = [issue_server(cname, orgs, server_key)]
        else:
            server_certs = [issue_server(cname, orgs, server_key, signer, signer_key)]

    client_cert = client_key = None
    if mode == TLSVERIFY and signer is not None and signer_key is not None:
        key = new_key(key_size)
        client_cert, client_key = cert_to_pem(issue_client(orgs, key, signer, signer_key)), key_to_pem(key)

    return CertBundle(
        mode=mode,
        cname=cname,
        ca_cert=certs_to_pem(ca_certs) if ca_certs else None,
        ca_key=ca_key_pem,
        server_cert=certs_to_pem(server_certs),
        server_key=key_to_pem(server_key),
        client_cert=client_cert,
        client_key=client_key,
    )
