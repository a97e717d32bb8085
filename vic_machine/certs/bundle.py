"""A VCH's certificates as PEM, and the two ways they leave the core: a directory and a zip download.

File names are those vic-machine 1.5 writes into its ``--tls-cert-path`` and Docker expects in
``DOCKER_CERT_PATH``: ``ca.pem``, ``cert.pem`` and ``key.pem`` for the client; the rest for the VCH.
"""

from __future__ import annotations

import io
import ipaddress
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from vic_machine.errors import FieldError
from vic_machine.errors import InputError

TLSVERIFY = "tlsverify"
NO_TLSVERIFY = "no-tlsverify"
NO_TLS = "no-tls"
MODES = (TLSVERIFY, NO_TLSVERIFY, NO_TLS)

CERT_PATH_FIELD = "auth.cert_path"
TLS_PORT = 2376
PLAIN_PORT = 2375

# (attribute, file name, is a private key)
_FILES = (
    ("ca_cert", "ca.pem", False),
    ("ca_key", "ca-key.pem", True),
    ("server_cert", "server-cert.pem", False),
    ("server_key", "server-key.pem", True),
    ("client_cert", "cert.pem", False),
    ("client_key", "key.pem", True),
)
_CLIENT_FILES = ("ca_cert", "client_cert", "client_key")


def docker_host_address(host: str, port: int) -> str:
    """``host:port`` for DOCKER_HOST; a host that already names a port is kept, IPv6 gets brackets."""
    host = host.strip()
    try:
        addr = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        addr = None
    if addr is not None:
        return f"[{addr}]:{port}" if addr.version == 6 else f"{addr}:{port}"
    if ":" in host:  # a DNS name or IPv4 address with its port already
        return host
    return f"{host}:{port}"


@dataclass(frozen=True)
class CertBundle:
    """Certificates and keys of one VCH, PEM bytes or None where the mode has none.

    ``ca_key`` is None when the user supplied a CA without its key.
    """

    mode: str
    cname: str | None = None
    ca_cert: bytes | None = None
    ca_key: bytes | None = None
    server_cert: bytes | None = None
    server_key: bytes | None = None
    client_cert: bytes | None = None
    client_key: bytes | None = None

    def files(self) -> dict[str, bytes]:
        """File name → content of every file this bundle writes (without the ``.env`` file)."""
        return {fname: getattr(self, attr) for attr, fname, _ in _FILES if getattr(self, attr)}

    def docker_env(self, cert_path: str | None = None, docker_host: str | None = None) -> dict[str, str]:
        """The Docker variables that reach this VCH, in the order vic-machine prints them."""
        env: dict[str, str] = {}
        if self.mode == NO_TLS:
            if docker_host:
                env["DOCKER_HOST"] = docker_host_address(docker_host, PLAIN_PORT)
            return env
        if self.mode == TLSVERIFY:
            env["DOCKER_TLS_VERIFY"] = "1"
            if cert_path:
                env["DOCKER_CERT_PATH"] = cert_path
        if docker_host:
            env["DOCKER_HOST"] = docker_host_address(docker_host, TLS_PORT)
        env["COMPOSE_TLS_VERSION"] = "TLSv1_2"
        return env

    def env_text(self, cert_path: str | None = None, docker_host: str | None = None) -> str:
        """The ``<name>.env`` file: one ``NAME=value`` a line, readable by ``docker compose --env-file``."""
        lines = [f"{k}={v}" for k, v in self.docker_env(cert_path, docker_host).items()]
        if self.mode == TLSVERIFY and not cert_path:
            lines.insert(1, "# set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem")
        return "\n".join(lines) + "\n"

    def write(
        self, directory: str | os.PathLike, name: str, docker_host: str | None = None, force: bool = False
    ) -> list[Path]:
        """Write the bundle and ``<name>.env`` into ``directory``: the directory 0700, keys 0600, certs 0644.

        :param name: the VCH name, which names the ``.env`` file.
        :param docker_host: the VCH's address, for DOCKER_HOST; left out when unknown.
        :param force: write into a directory that already holds files, replacing ours and
            removing any of our file names this bundle does not have (left from another mode).
        :return: the paths written.
        :raise InputError: on ``auth.cert_path`` when the directory is not empty and ``force`` is false,
            or the path is not a directory.
        """
        path = Path(directory).expanduser().resolve()
        if path.exists() and not path.is_dir():
            raise InputError(FieldError(CERT_PATH_FIELD, f"{path} exists and is not a directory"))
        if path.is_dir() and any(path.iterdir()) and not force:
            raise InputError(
                FieldError(CERT_PATH_FIELD, f"{path} already holds files; choose another path or force overwriting")
            )
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir's mode is masked by the umask, and an existing directory keeps its own
        written = []
        for attr, fname, secret in _FILES:
            target = path / fname
            content = getattr(self, attr)
            if content is None:
                target.unlink(missing_ok=True)
                continue
            _write_file(target, content, 0o600 if secret else 0o644)
            written.append(target)
        env_file = path / f"{name}.env"
        _write_file(env_file, self.env_text(str(path), docker_host).encode(), 0o644)
        written.append(env_file)
        return written

    def client_zip(self, name: str, docker_host: str | None = None) -> bytes:
        """An in-memory zip of what a Docker client needs: ``ca.pem``, ``cert.pem``, ``key.pem`` (those
        the mode has) and ``<name>.env``. Never holds the CA's or the server's private key."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for attr, fname, secret in _FILES:
                content = getattr(self, attr)
                if attr in _CLIENT_FILES and content is not None:
                    _zip_add(zf, fname, content, 0o600 if secret else 0o644)
            _zip_add(zf, f"{name}.env", self.env_text(None, docker_host).encode(), 0o644)
        return buf.getvalue()


def _write_file(target: Path, content: bytes, mode: int) -> None:
    # Created with its final mode so a key is never readable by others, not even for a moment.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.fchmod(fd, mode)  # an existing file keeps its old mode through O_CREAT
    with os.fdopen(fd, "wb") as out:
        out.write(content)


def _zip_add(zf: zipfile.ZipFile, fname: str, content: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(fname, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | mode) << 16  # regular file with its Unix mode, kept by unzip
    zf.writestr(info, content)
