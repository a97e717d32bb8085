"""Read-only accessors on a VCH configuration, for ls, inspect and the plug-in's portlets.

A mixin of ``VchConfig``: it holds no data and reads only fields of the configuration.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vic_machine.extraconfig.executor import NetworkEndpoint
    from vic_machine.extraconfig.executor import SessionConfig
    from vic_machine.extraconfig.gotypes import URL
    from vic_machine.extraconfig.vch_config import VchConfig

DOCKER_TLS_PORT = 2376
DOCKER_PLAIN_PORT = 2375
_PERSONA = "docker-personality"
_VM_PREFIX = "VirtualMachine:"


class VchView:
    """Derived views of a ``VchConfig``."""

    @property
    def vch_id(self: VchConfig) -> str:
        """``VirtualMachine:vm-42`` once created, ``CreatingVCH`` while being created."""
        return self.executor.common.id

    @property
    def vm_moref(self: VchConfig) -> str:
        """The endpoint VM's managed object id (``vm-42``), "" while the VCH is being created."""
        return self.vch_id[len(_VM_PREFIX) :] if self.vch_id.startswith(_VM_PREFIX) else ""

    @property
    def is_creating(self: VchConfig) -> bool:
        from vic_machine.extraconfig.vch_config import CREATING_VCH

        return self.vch_id == CREATING_VCH

    @property
    def name(self: VchConfig) -> str:
        return self.executor.common.name

    @property
    def version(self: VchConfig) -> str:
        """``<version>-<build>-<commit>`` of the build that wrote the VCH; "unknown" if not recorded."""
        build = self.executor.version
        return build.short_version() if build is not None else "unknown"

    @property
    def debug_level(self: VchConfig) -> int:
        return self.executor.diagnostics.debug_level

    @property
    def update_in_progress(self: VchConfig) -> bool:
        """True while a vic-machine upgrade or configure holds the VCH."""
        return bool(self.update_status)

    def endpoint(self: VchConfig, role: str) -> NetworkEndpoint | None:
        """The endpoint VM's network in ``role``: ``client``, ``public``, ``management`` or ``bridge``."""
        return self.executor.networks.get(role)

    def assigned_ip(self: VchConfig, role: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The address the guest reports for ``role``; None until it has a real one (not 0.0.0.0)."""
        endpoint = self.endpoint(role)
        if endpoint is None or endpoint.assigned.ip.is_unspecified:
            return None
        return endpoint.assigned.ip.address

    @property
    def client_ip(self: VchConfig) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        return self.assigned_ip("client")

    @property
    def public_ip(self: VchConfig) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        return self.assigned_ip("public")

    @property
    def management_ip(self: VchConfig) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        return self.assigned_ip("management")

    def port_group(self: VchConfig, role: str) -> str:
        """The port group reference of ``role`` (``Network:network-7``), "" when the role is absent."""
        endpoint = self.endpoint(role)
        return endpoint.network.common.id if endpoint is not None else ""

    def session(self: VchConfig, name: str) -> SessionConfig | None:
        return self.executor.sessions.get(name)

    @property
    def docker_args(self: VchConfig) -> list[str]:
        persona = self.session(_PERSONA)
        return list(persona.cmd.args) if persona is not None else []

    @property
    def docker_port(self: VchConfig) -> int:
        """The Docker API port: from the personality's ``-port=`` argument, else by whether TLS is on."""
        for arg in self.docker_args:
            if arg.startswith("-port="):
                try:
                    return int(arg[len("-port=") :])
                except ValueError:
                    break
        return DOCKER_TLS_PORT if self.has_server_certificate else DOCKER_PLAIN_PORT

    @property
    def docker_tls(self: VchConfig) -> bool:
        """True when the Docker API is served over TLS (port 2376)."""
        return self.docker_port == DOCKER_TLS_PORT

    @property
    def has_server_certificate(self: VchConfig) -> bool:
        host = self.certificate.host_certificate
        return host is not None and bool(host.cert or host.key)

    @property
    def client_verification(self: VchConfig) -> bool:
        """True under --tlsverify: client certificates are checked against stored CAs."""
        return bool(self.certificate.certificate_authorities)

    @property
    def component_states(self: VchConfig) -> dict[str, str]:
        """Each component's guest-written ``started`` value: "true", an error text, or "" before start."""
        return {name: session.started for name, session in sorted(self.executor.sessions.items())}

    @property
    def components_started(self: VchConfig) -> bool:
        states = self.component_states
        return bool(states) and all(value == "true" for value in states.values())

    @property
    def image_stores(self: VchConfig) -> list[URL]:
        return list(self.storage.image_stores)

    @property
    def image_datastore(self: VchConfig) -> str:
        """Datastore name of the first image store (``LocalDS_0``), "" when none."""
        return self.storage.image_stores[0].host if self.storage.image_stores else ""

    @property
    def volume_stores(self: VchConfig) -> dict[str, URL]:
        """Volume store URL by label."""
        return dict(self.storage.volume_locations)

    @property
    def compute_resources(self: VchConfig) -> list[str]:
        """Managed object ids of the resource pools containers go into (``resgroup-68``)."""
        return [ref.value for ref in self.container.compute_resources]
