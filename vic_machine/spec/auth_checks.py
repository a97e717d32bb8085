"""Input checks of TLS, registries, proxies and the operations user."""

from __future__ import annotations

import re

from vic_machine.errors import FieldError
from vic_machine.errors import InputError
from vic_machine.spec import syntax
from vic_machine.spec.model import NAME_PATTERN
from vic_machine.spec.model import VchSpec


def check_tls(spec: VchSpec) -> list[FieldError]:
    """TLS mode consistency, the server certificate's name, and supplied PEM material."""
    errors: list[FieldError] = []
    auth = spec.auth
    server = auth.server
    supplied = bool(server.certificate or server.private_key)
    if auth.no_tls:
        if auth.client.certificate_authorities:
            errors.append(FieldError("auth.client.certificate_authorities", "must be empty when TLS is off (no_tls)"))
        if supplied:
            errors.append(FieldError("auth.server.certificate", "must be empty when TLS is off (no_tls)"))
        return errors
    if auth.client.no_tls_verify and auth.client.certificate_authorities:
        errors.append(FieldError(
            "auth.client.certificate_authorities",
            "must be empty when client certificates are off (no_tls_verify); keep one or the other",
        ))
    if server.certificate and not server.private_key:
        errors.append(FieldError("auth.server.private_key", "is required with a supplied server certificate"))
    if server.private_key and not server.certificate:
        errors.append(FieldError("auth.server.certificate", "is required with a supplied private key"))
    if supplied and server.generate is not None:
        errors.append(FieldError(
            "auth.server.generate", "must be empty with a supplied certificate: either generate one or supply one"
        ))
    if not supplied:
        errors.extend(_check_cname(spec))
    errors.extend(_check_pems(spec))
    return errors


def _check_cname(spec: VchSpec) -> list[FieldError]:
    generate = spec.auth.server.generate
    path = "auth.server.generate.cname"
    if generate is not None and generate.cname:
        # A wildcard name (*.example.com) is allowed, as in vic-machine 1.5, for VCHs with DHCP addresses.
        if not syntax.is_hostname(generate.cname.removeprefix("*.")):
            return [FieldError(path, f"{generate.cname!r} must be a DNS name or IPv4 address Docker clients use "
                                     "(or *.domain for DHCP addresses)")]
        return []
    cname = spec.effective_cname()
    if cname == spec.name and not re.search(NAME_PATTERN, spec.name or ""):
        return []  # the name's own check reports it; one complaint is enough
    if not syntax.is_hostname(cname):
        return [FieldError(
            path,
            f"is required: the VCH name {cname!r} is not a DNS name; give the FQDN or IP Docker clients connect to",
        )]
    return []


def _collect(errors: list[FieldError], call, *args):  # type: ignore[no-untyped-def]
    try:
        return call(*args)
    except InputError as exc:
        errors.extend(exc.errors)
        return None


def _check_pems(spec: VchSpec) -> list[FieldError]:
    # Imported here: certificate parsing needs cryptography, which the rest of the spec does not.
    from vic_machine.certs import check_pair
    from vic_machine.certs.pem import check_server_usage
    from vic_machine.certs import load_certificates
    from vic_machine.certs import load_private_key

    errors: list[FieldError] = []
    for index, pem in enumerate(spec.auth.client.certificate_authorities):
        _collect(errors, load_certificates, pem, f"auth.client.certificate_authorities[{index}]")
    server = spec.auth.server
    certs = key = None
    if server.certificate:
        certs = _collect(errors, load_certificates, server.certificate, "auth.server.certificate")
    if server.private_key:
        key = _collect(errors, load_private_key, server.private_key, "auth.server.private_key")
    if certs and spec.tls_mode() == "tlsverify":  # clients verify the server then: it must be a server's
        _collect(errors, check_server_usage, certs[0], "auth.server.certificate")
    if certs and key is not None:
        _collect(errors, check_pair, certs[0], key, "auth.server.private_key")
    return errors


def check_registry(spec: VchSpec) -> list[FieldError]:
    """Registry entries, registry CA certificates and the image fetch proxy."""
    errors: list[FieldError] = []
    registry = spec.registry
    for name in ("insecure", "whitelist"):
        for index, entry in enumerate(getattr(registry, name)):
            try:
                syntax.registry_entry(entry)
            except ValueError as exc:
                errors.append(FieldError(f"registry.{name}[{index}]", str(exc)))
    if registry.certificate_authorities:
        from vic_machine.certs import load_certificates

        for index, pem in enumerate(registry.certificate_authorities):
            _collect(errors, load_certificates, pem, f"registry.certificate_authorities[{index}]")
    proxy = registry.image_fetch_proxy
    for name in ("http", "https"):
        url = getattr(proxy, name)
        if url:
            try:
                syntax.proxy_url(url)
            except ValueError as exc:
                errors.append(FieldError(f"registry.image_fetch_proxy.{name}", str(exc)))
    for index, entry in enumerate(proxy.no_proxy):
        try:
            syntax.no_proxy_entry(entry)
        except ValueError as exc:
            errors.append(FieldError(f"registry.image_fetch_proxy.no_proxy[{index}]", str(exc)))
    return errors


def check_operations(spec: VchSpec) -> list[FieldError]:
    """The operations user and its password go together."""
    creds = spec.endpoint.operations_credentials
    base = "endpoint.operations_credentials"
    if creds.user and not creds.password:
        return [FieldError(f"{base}.password", f"is required for the operations user {creds.user!r}")]
    if creds.password and not creds.user:
        return [FieldError(f"{base}.user", "is required with an operations password")]
    if creds.grant_permissions and not creds.user:
        return [FieldError(f"{base}.user", "is required to grant permissions to")]
    return []
