"""A VCH's TLS certificates, made as VIC 1.5 makes them (``pkg/certificate`` of VIC Engine).

``generate(mode, cname, …)`` returns a ``CertBundle`` of PEM bytes; the bundle writes itself into the
cert path (``write``) or into a zip for the plug-in's download (``client_zip``). Supplied certificates and
keys are read by ``load_certificates`` / ``load_private_key`` / ``check_pair``, whose errors name the
field of the VCH model they came from.
"""

from vic_machine.certs.bundle import MODES
from vic_machine.certs.bundle import NO_TLS
from vic_machine.certs.bundle import NO_TLSVERIFY
from vic_machine.certs.bundle import TLSVERIFY
from vic_machine.certs.bundle import CertBundle
from vic_machine.certs.generate import PemPair
from vic_machine.certs.generate import generate
from vic_machine.certs.issue import DEFAULT_KEY_SIZE
from vic_machine.certs.issue import KEY_SIZES
from vic_machine.certs.issue import make_self_signed
from vic_machine.certs.pem import CA_PATH
from vic_machine.certs.pem import SERVER_CERT_PATH
from vic_machine.certs.pem import SERVER_KEY_PATH
from vic_machine.certs.pem import check_dates_valid
from vic_machine.certs.pem import check_pair
from vic_machine.certs.pem import load_certificates
from vic_machine.certs.pem import load_private_key
from vic_machine.certs.pem import thumbprint_sha1
from vic_machine.certs.pem import thumbprint_sha256

__all__ = [
    "CA_PATH",
    "DEFAULT_KEY_SIZE",
    "KEY_SIZES",
    "MODES",
    "NO_TLS",
    "NO_TLSVERIFY",
    "SERVER_CERT_PATH",
    "SERVER_KEY_PATH",
    "TLSVERIFY",
    "CertBundle",
    "PemPair",
    "check_dates_valid",
    "check_pair",
    "generate",
    "load_certificates",
    "load_private_key",
    "make_self_signed",
    "thumbprint_sha1",
    "thumbprint_sha256",
]
