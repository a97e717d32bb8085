"""``inspect``: what VIC 1.5's ``vic-machine inspect`` shows of a VCH, and how ``inspect config`` prints its options
(rebuilt from the configuration by ``inspect_config``)."""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vic_machine import __version__
from vic_machine.certs import CertBundle
from vic_machine.iso import IsoInfo
from vic_machine.operations.ls import ADMIN_PORT, VchSummary
from vic_machine.spec.network_model import Bridge


@dataclass
class InspectResult:
    id: str
    name: str
    path: str
    installer_version: str
    vch_version: str
    upgrade_status: str
    power_state: str
    tls_mode: str
    admin_portal: str
    published_ports: str
    management: str
    docker_host: str
    docker_env: dict[str, str] = field(default_factory=dict)
    connect_command: str = ""
    components: dict[str, str] = field(default_factory=dict)
    bridge_range: str = Bridge().ip_range
    bridge_width: int = Bridge().network_width

    def to_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """The text VIC 1.5 prints, section by section."""
        out = [f"VCH ID: {self.id}", "", f"Installer version: {self.installer_version}",
               f"VCH version: {self.vch_version}", f"VCH upgrade status: {self.upgrade_status}", "",
               f"Power state: {self.power_state}"]
        env = {**self.docker_env, "COMPOSE_TLS_VERSION": "TLSv1_2"}  # 1.5.8 prints it in every mode, no-tls too
        bridge = ["", f"VCH Default Bridge Network Range: {self.bridge_range}",
                  f"VCH Default Bridge Network Width: {self.bridge_width}"]
        if not self.docker_host:
            return out + bridge + ["", "The VCH has no client address yet (powered off, or still booting)."]
        out += ["", "VCH Admin Portal:", self.admin_portal, *bridge, "", "Published ports can be reached at:",
                self.published_ports, "", "Management traffic will use:", self.management, "",
                "Docker environment variables:", " ".join(f"{k}={v}" for k, v in env.items()), "",
                "Connect to docker:", self.connect_command]
        return out


def tls_mode(summary: VchSummary) -> str:
    config = summary.config
    if not config.has_server_certificate:
        return "no-tls"
    return "tlsverify" if config.client_verification else "no-tlsverify"


def connect_command(docker_host: str, mode: str, cert_path: str | None) -> str:
    """``docker -H …`` with the TLS flags the VCH's mode needs."""
    if mode == "no-tls":
        return f"docker -H {docker_host} info"
    if mode == "no-tlsverify":
        return f"docker -H {docker_host} --tls info"
    where = Path(cert_path) if cert_path else Path("<cert path>")
    files = " ".join(f"--{flag}={shlex.quote(str(where / name))}"
                     for flag, name in (("tlscacert", "ca.pem"), ("tlscert", "cert.pem"), ("tlskey", "key.pem")))
    return f"docker -H {docker_host} --tlsverify {files} info"


def inspect_vch(summary: VchSummary, iso: IsoInfo | None = None, cert_path: str | None = None) -> InspectResult:
    """Describe one VCH (from ``find_vch``/``list_vchs``); ``cert_path`` is where its client certificates are."""
    config = summary.config
    mode = tls_mode(summary)
    client = config.client_ip
    public = config.public_ip or client
    management = config.management_ip or client
    docker_host = f"{client}:{config.docker_port}" if client else ""
    env = CertBundle(mode=mode).docker_env(cert_path, str(client) if client else None) if client else {}
    bridge_range = config.network.bridge_ip_range
    width = config.network.bridge_network_width.prefix_length if config.network.bridge_network_width else None
    return InspectResult(
        id=summary.id, name=summary.name, path=summary.path,
        installer_version=iso.tag if iso is not None else f"v{__version__}", vch_version=summary.version,
        upgrade_status=summary.upgrade_status, power_state=summary.power_state, tls_mode=mode,
        admin_portal=f"https://{client}:{ADMIN_PORT}" if client else "",
        published_ports=str(public or ""), management=str(management or ""), docker_host=docker_host,
        docker_env=env, connect_command=connect_command(docker_host, mode, cert_path) if client else "",
        components=config.component_states,
        bridge_range=str(bridge_range) if bridge_range and not bridge_range.ip.is_unspecified else Bridge().ip_range,
        bridge_width=width or Bridge().network_width)


CONFIGURED_WITH = "The target VCH is configured with the following options:"


def configured_options_lines(options: list[str]) -> list[str]:
    """``inspect config``'s verbose text, as 1.5.8 prints it: the heading, a blank line, one option per line
    after a tab."""
    return [CONFIGURED_WITH, "", *(f"\t{option}" for option in options)]


def create_flags(summary: VchSummary) -> list[str]:
    """The ``vic_machine_create_options`` key as stored (1.5.8's CLI create writes it, its API does not). Not what
    ``inspect config`` prints: that is rebuilt from the configuration (``inspect_config.inspect_config``)."""
    return list(summary.config.create_options)
