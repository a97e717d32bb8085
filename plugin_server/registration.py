"""The plug-in's registration with vCenter: a remote plug-in extension in ExtensionManager.

vCenter downloads the manifest (``plugin.json``, or the multi-manifest zip) from the URL of ``client[0]`` (type
``vsphere-client-remote``) and trusts the server at that URL when its certificate matches
``server[0].serverThumbprint`` (SHA-256, type ``MANIFEST_SERVER``) and, from vSphere API 8.0.2, the PEM
``server[0].serverCertificate`` that VMware's 8.0 documentation highly recommends (strict PEM, the URL's host in
its subjectAltName). vCenters before 8.0.2 have no such field and get the thumbprint alone.
vCenter caches a manifest per version, so a changed plug-in must be registered with a new version.
The extension also names our task types, so the extension tasks the server creates show readable names.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from cryptography import x509
from pyVmomi import SoapStubAdapter, vim

import plugin_server
from plugin_server.vcenter_only import require_vcenter
from vic_machine.errors import Conflict, FieldError, InputError, NotFound, TargetError
from vic_machine.certs.pem import thumbprint_sha256
from vic_machine.target import normalize_thumbprint
from vic_machine.vsphere.certificate import fetch_certificate, thumbprints
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.pinning import PinnedContext
from vic_machine.vsphere.session import Session

EXTENSION_KEY = "com.vmware.vic"
COMPANY = "vic-plugin project"
LABEL = "vSphere Integrated Containers"
SUMMARY = "Create and manage virtual container hosts from the vSphere Client"
CLIENT_TYPE = "vsphere-client-remote"
SERVER_TYPE = "MANIFEST_SERVER"
# The first vSphere API whose ExtensionServerInfo has serverCertificate (pyVmomi's vim.version.v8_0_2_0).
CERTIFICATE_API = (8, 0, 2)
CERTIFICATE_VERSION = "vim.version.v8_0_2_0"
# Extension task types (taskTypeId = "<key>.<name>"), as plugin_server.tasks creates them, with their labels.
TASK_LABELS = {
    "CreateVch": "Create virtual container host",
    "DeleteVch": "Delete virtual container host",
    "ConfigureVch": "Configure virtual container host",
    "UpgradeVch": "Upgrade virtual container host",
}
TASK_LOCALE = "en"

Action = Literal["registered", "updated", "unchanged"]


class RegistrationConflict(Conflict):
    """The key is registered with the same version but differently; only ``--force`` replaces it."""


@dataclass(frozen=True)
class RegisteredPlugin:
    """What vCenter holds for our extension."""

    key: str
    version: str
    url: str
    server_thumbprint: str
    company: str
    client_type: str
    last_heartbeat: datetime.datetime | None = None
    server_certificate: str = ""

    def to_dict(self) -> dict:
        data = {k: getattr(self, k) for k in ("key", "version", "url", "server_thumbprint", "company", "client_type")}
        data["server_certificate"] = bool(self.server_certificate)
        data["last_heartbeat"] = self.last_heartbeat.isoformat() if self.last_heartbeat else None
        return data


@dataclass(frozen=True)
class RegistrationResult:
    """What ``register`` did; ``changes`` says what differed from the previous registration."""

    action: Action
    key: str
    version: str
    url: str
    server_thumbprint: str
    previous_version: str = ""
    changes: tuple[str, ...] = ()
    # Whether server[0].serverCertificate was written (given, and vCenter's API has the field).
    certificate: bool = False


@dataclass(frozen=True)
class RegistrationStatus:
    """What vCenter holds compared with the plug-in server running at ``url``."""

    key: str
    url: str
    registered: RegisteredPlugin | None
    server_version: str = ""
    server_thumbprint: str = ""
    server_error: str = ""
    differences: tuple[str, ...] = ()

    @property
    def in_sync(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict:
        return {
            "key": self.key, "url": self.url, "in_sync": self.in_sync,
            "registered": self.registered.to_dict() if self.registered else None,
            "server": {"version": self.server_version, "thumbprint": self.server_thumbprint,
                       "error": self.server_error},
            "differences": list(self.differences),
        }


def check_manifest_url(url: str) -> tuple[str, int]:
    """The (host, port) of the manifest URL, which must be https.

    :raise InputError: naming ``url``.
    """
    parts = urlsplit(url or "")
    try:
        port = parts.port or 443
    except ValueError:
        raise InputError(FieldError("url", "has a port that is not a number between 1 and 65535")) from None
    if parts.scheme != "https" or not parts.hostname:
        raise InputError(FieldError("url", "must be the https URL of plugin.json, e.g. https://host:8443/plugin.json"))
    return parts.hostname, port


def holds_certificates(session: Session) -> bool:
    """Whether vCenter's API has ExtensionServerInfo.serverCertificate (8.0.2 and later)."""
    try:
        api = tuple(int(p) for p in str(session.about().apiVersion).split(".")[:3])
    except ValueError:
        return False
    return api >= CERTIFICATE_API


def _extension_manager(session: Session) -> vim.ExtensionManager:
    """The ExtensionManager, spoken to in the vSphere API that has serverCertificate when vCenter has it (the
    session's own stub speaks 7.0, where pyVmomi leaves the field out): the same session, the same pinning."""
    if not holds_certificates(session):
        return session.content.extensionManager
    stub = SoapStubAdapter(url=session.target.url, version=CERTIFICATE_VERSION,
                           sslContext=PinnedContext(session.thumbprint_sha256),
                           sessionId=session.session_id or None)
    return vim.ExtensionManager(session.content.extensionManager._moId, stub)


def certificate_problems(cert_pem: str, url: str) -> list[str]:
    """Why ``cert_pem`` would not do as serverCertificate for ``url``: VMware wants strict PEM (one certificate,
    nothing around it) whose subjectAltName holds the URL's host."""
    host, _ = check_manifest_url(url)
    text = cert_pem.strip()
    if not (text.startswith("-----BEGIN CERTIFICATE-----") and text.endswith("-----END CERTIFICATE-----")) \
            or text.count("-----BEGIN") != 1:
        return ["it is not one PEM certificate alone"]
    try:
        cert = x509.load_pem_x509_certificate(text.encode())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [f"it has no subjectAltName, so it does not name {host}"]
    except ValueError:
        return ["it is not valid PEM"]
    names = {n.lower().rstrip(".") for n in san.get_values_for_type(x509.DNSName)}
    addresses = {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    try:
        wanted, pool = str(ipaddress.ip_address(host)), addresses
    except ValueError:
        wanted, pool = host.lower().rstrip("."), names
    if wanted not in pool:
        shown = ", ".join(sorted(names | addresses)) or "(none)"
        return [f"its subjectAltName ({shown}) does not hold {host}, the host of {url}"]
    return []


def server_certificate(url: str, timeout: float = 10.0) -> str:
    """The PEM certificate the plug-in server at ``url`` presents.

    :raise TargetError: the server cannot be reached.
    """
    host, port = check_manifest_url(url)
    try:
        return ssl.DER_cert_to_PEM_cert(fetch_certificate(host, port, timeout))
    except TargetError as exc:
        raise TargetError(f"Cannot read the certificate of the plug-in server at {host}:{port}: {exc.message}",
                          remedy="Start the server (vic-plugin serve), or pass its thumbprint "
                                 "(--thumbprint-of-server) or certificate (--server-cert)") from None


def server_thumbprint(url: str, timeout: float = 10.0) -> str:
    """SHA-256 thumbprint of the certificate the plug-in server at ``url`` presents.

    :raise TargetError: the server cannot be reached.
    """
    return thumbprints(ssl.PEM_cert_to_DER_cert(server_certificate(url, timeout)))[1]


def find_registration(session: Session, key: str = EXTENSION_KEY) -> RegisteredPlugin | None:
    """Our extension as vCenter holds it, or None when ``key`` is not registered."""
    require_vcenter(session, "register or look up the vSphere Client plug-in")
    with vsphere_call(f"look up the extension {key}", obj=session.target.display):
        ext = _extension_manager(session).FindExtension(key)
    if ext is None:
        return None
    client = ext.client[0] if ext.client else None
    manifest_server = next((s for s in ext.server or [] if s.type in (SERVER_TYPE, "HTTPS")), None)
    return RegisteredPlugin(
        key=ext.key,
        version=ext.version or "",
        url=(client.url if client else "") or (manifest_server.url if manifest_server else ""),
        server_thumbprint=(manifest_server.serverThumbprint or "") if manifest_server else "",
        company=ext.company or "",
        client_type=client.type if client else "",
        last_heartbeat=ext.lastHeartbeatTime,
        server_certificate=(getattr(manifest_server, "serverCertificate", "") or "") if manifest_server else "",
    )


def build_extension(
    key: str, version: str, url: str, thumbprint: str, admin_email: list[str], certificate: str = ""
) -> vim.Extension:
    """The Extension object a remote plug-in registers, with our task types (and serverCertificate if given)."""
    description = vim.Description(label=LABEL, summary=SUMMARY)
    tasks = [f"{key}.{name}" for name in TASK_LABELS]
    labels = [vim.KeyValue(key=f"{key}.{name}.label", value=text) for name, text in TASK_LABELS.items()]
    return vim.Extension(
        key=key,
        version=version,
        company=COMPANY,
        description=description,
        lastHeartbeatTime=datetime.datetime.now(datetime.timezone.utc),
        shownInSolutionManager=False,
        client=[vim.Extension.ClientInfo(type=CLIENT_TYPE, url=url, version=version, company=COMPANY,
                                         description=description)],
        server=[vim.Extension.ServerInfo(type=SERVER_TYPE, url=url, serverThumbprint=thumbprint, company=COMPANY,
                                         description=description, adminEmail=admin_email,
                                         serverCertificate=certificate or None)],
        taskList=[vim.Extension.TaskTypeInfo(taskID=task) for task in tasks],
        resourceList=[vim.Extension.ResourceInfo(locale=TASK_LOCALE, module="task", data=labels)],
    )


def register(
    session: Session,
    url: str,
    thumbprint: str,
    *,
    key: str = EXTENSION_KEY,
    version: str | None = None,
    admin_email: list[str] | None = None,
    force: bool = False,
    certificate: str = "",
) -> RegistrationResult:
    """Register (or update) the plug-in in vCenter.

    Same version, URL and thumbprint: nothing changes. Another version (newer or older): updated.
    Same version registered differently, or a key held by something other than a remote plug-in: only with
    ``force``, which always rewrites the registration.

    :param thumbprint: SHA-256 thumbprint of the plug-in server's certificate.
    :param certificate: that certificate (PEM), registered as serverCertificate where vCenter's API has it.
    :param version: defaults to the package version (``plugin_server.__version__``).
    :param admin_email: defaults to the vCenter user registering it.
    :raise InputError: bad ``url`` or ``thumbprint``.
    :raise RegistrationConflict: see above, without ``force``.
    """
    check_manifest_url(url)
    thumbprint = normalize_thumbprint(thumbprint, "server_thumbprint")
    if certificate:
        problems = certificate_problems(certificate, url)
        if not problems and thumbprint_sha256(certificate.encode()) != thumbprint:
            problems = ["it is not the certificate whose thumbprint is registered"]
        if problems:
            raise InputError(FieldError("server_cert", "; ".join(problems)))
        certificate = certificate.strip() + "\n" if holds_certificates(session) else ""
    version = version or plugin_server.__version__
    extension = build_extension(key, version, url, thumbprint, admin_email or [session.user or "unknown"],
                                certificate)
    current = find_registration(session, key)
    result = RegistrationResult(action="registered", key=key, version=version, url=url, server_thumbprint=thumbprint,
                                certificate=bool(certificate))
    manager = _extension_manager(session)
    if current is None:
        with vsphere_call(f"register the extension {key}", obj=session.target.display):
            manager.RegisterExtension(extension)
        return result
    changes = _changes(current, version, url, thumbprint, certificate)
    if not changes and not force:
        return RegistrationResult(action="unchanged", key=key, version=version, url=url,
                                  server_thumbprint=thumbprint, previous_version=current.version,
                                  certificate=bool(certificate))
    if not force:
        if current.client_type != CLIENT_TYPE:
            raise RegistrationConflict(
                f"{key} is registered in {session.target.display} as a {current.client_type or 'non-remote'} "
                f"plug-in, version {current.version}",
                remedy="Pass --force to replace it, or choose another --key")
        if current.version == version:
            raise RegistrationConflict(
                f"{key} {version} is already registered in {session.target.display}, differently: "
                + "; ".join(changes),
                remedy="Pass --force to replace it (vCenter caches plugin.json per version: "
                       "a changed plug-in should get a new version)")
    with vsphere_call(f"update the extension {key}", obj=session.target.display):
        manager.UpdateExtension(extension)
    return RegistrationResult(action="updated", key=key, version=version, url=url, server_thumbprint=thumbprint,
                              previous_version=current.version, changes=tuple(changes), certificate=bool(certificate))


def unregister(session: Session, key: str = EXTENSION_KEY) -> RegisteredPlugin:
    """Remove the extension; return what was registered.

    :raise NotFound: ``key`` is not registered.
    """
    current = find_registration(session, key)
    if current is None:
        raise NotFound(f"{key} is not registered in {session.target.display}",
                       remedy="Nothing to unregister; check --key")
    with vsphere_call(f"unregister the extension {key}", obj=session.target.display):
        session.content.extensionManager.UnregisterExtension(key)
    return current


def status(session: Session, key: str = EXTENSION_KEY, url: str | None = None,
           timeout: float = 10.0) -> RegistrationStatus:
    """Compare the registration with the plug-in server at ``url`` (default: the registered URL).

    The server's certificate thumbprint and ``GET /container/version`` are read at the URL's host and port.
    """
    current = find_registration(session, key)
    url = url or (current.url if current else "")
    if not url:
        return RegistrationStatus(key=key, url="", registered=None,
                                  differences=(f"{key} is not registered in {session.target.display}",))
    host, port = check_manifest_url(url)
    version = tp = error = ""
    try:
        tp = server_thumbprint(url, timeout)
        version = _server_version(host, port, timeout)
    except TargetError as exc:
        error = str(exc)
    differences: list[str] = []
    if current is None:
        differences.append(f"{key} is not registered in {session.target.display}")
    if error:
        differences.append(error)
    if current is not None:
        if current.url != url:
            differences.append(f"vCenter loads the manifest from {current.url}, not {url}")
        if version and current.version != version:
            differences.append(f"vCenter holds version {current.version}, the server runs {version}")
        if tp and not _same_certificate(current.server_thumbprint, tp, host, port, timeout):
            differences.append(f"vCenter expects the thumbprint {current.server_thumbprint or '(none)'}, "
                               f"the server presents {tp}")
    return RegistrationStatus(key=key, url=url, registered=current, server_version=version,
                              server_thumbprint=tp, server_error=error, differences=tuple(differences))


def _changes(current: RegisteredPlugin, version: str, url: str, thumbprint: str, certificate: str = "") -> list[str]:
    changes = []
    if certificate and current.server_certificate.strip() != certificate.strip():
        changes.append("serverCertificate " + ("replaced" if current.server_certificate else "added"))
    if current.version != version:
        changes.append(f"version {current.version} → {version}")
    if current.url != url:
        changes.append(f"URL {current.url} → {url}")
    if current.server_thumbprint.upper() != thumbprint:
        changes.append(f"thumbprint {current.server_thumbprint or '(none)'} → {thumbprint}")
    if current.client_type != CLIENT_TYPE:
        changes.append(f"client type {current.client_type or '(none)'} → {CLIENT_TYPE}")
    return changes


def _same_certificate(registered: str, sha256: str, host: str, port: int, timeout: float) -> bool:
    registered = registered.upper()
    if registered == sha256:
        return True
    if len(registered) != 59:
        return False
    # Older registrations carry SHA-1; compare it with the same certificate's SHA-1.
    try:
        return registered == thumbprints(fetch_certificate(host, port, timeout))[0]
    except TargetError:
        return False


def _server_version(host: str, port: int, timeout: float) -> str:
    """The version the server reports at ``/container/version`` (``v0.1.0`` → ``0.1.0``)."""
    address = f"[{host}]" if ":" in host else host
    context = ssl._create_unverified_context()  # noqa: S323 - the certificate is compared by thumbprint instead
    try:
        with urllib.request.urlopen(f"https://{address}:{port}/container/version",
                                    context=context, timeout=timeout) as response:
            text = response.read(200).decode("utf-8", "replace").strip()
    except (OSError, urllib.error.URLError) as exc:
        raise TargetError(f"The plug-in server at {host}:{port} did not answer GET /container/version ({exc})",
                          remedy="Check that vic-plugin serve runs there") from None
    return text[1:] if text.startswith("v") else text
