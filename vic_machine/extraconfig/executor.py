"""The appliance's executor configuration (VIC's lib/config/executor), the ``init`` part of a VCH's config.

It describes the endpoint VM the way the in-guest init process sees it: identity, the networks to bring up, the
components (sessions) to run and their guest-written state, and the version of the build.
"""

from __future__ import annotations

import enum

from vic_machine.extraconfig.fields import vic
from vic_machine.extraconfig.fields import vic_struct
from vic_machine.extraconfig.gotypes import IPNet
from vic_machine.extraconfig.gotypes import IPRange
from vic_machine.extraconfig.keys import HIDDEN
from vic_machine.extraconfig.keys import READ_WRITE
from vic_machine.extraconfig.scalars import IP


class TrustLevel(enum.IntEnum):
    """A container network's firewall setting, stored as its number."""

    UNSPECIFIED = 0
    PUBLISHED = 1
    OPEN = 2
    CLOSED = 3
    OUTBOUND = 4
    PEERS = 5


@vic_struct
class Common:
    """Identity shared by VIC's entities (a network endpoint's id is its NIC's PCI slot)."""

    execution_environment: str = vic("ExecutionEnvironment", None)
    id: str = vic("id")
    name: str = vic("name")
    notes: str = vic("notes", HIDDEN)


@vic_struct
class ExecutorCommon:
    """The executor's identity; for a VCH ``id`` is ``VirtualMachine:<moref>`` (``CreatingVCH`` while created)."""

    execution_environment: str = vic("ExecutionEnvironment", None)
    id: str = vic("id")
    name: str = vic("name", HIDDEN)
    notes: str = vic("notes", HIDDEN)


@vic_struct
class SysLogConfig:
    network: str = vic("Network", None)
    raddr: str = vic("RAddr", None)


@vic_struct
class ExitLog:
    """One abnormal exit, written by the guest. ``time`` is kept as the Go-formatted text."""

    time: str = vic("Time", None)
    exit_status: int = vic("ExitStatus", None)
    message: str = vic("Message", None)


@vic_struct
class Diagnostics:
    debug_level: int = vic("debug")
    resurrection_count: int = vic("resurrections", READ_WRITE)
    exit_logs: list[ExitLog] = vic("exitlogs", READ_WRITE)
    syslog: SysLogConfig | None = vic("syslog")


@vic_struct
class Cmd:
    path: str = vic("Path")
    args: list[str] = vic("Args")
    env: list[str] = vic("Env")
    dir: str = vic("Dir")


@vic_struct
class Detail:
    create_time: int = vic("createtime", READ_WRITE)
    start_time: int = vic("starttime", READ_WRITE)
    stop_time: int = vic("stoptime", READ_WRITE)


@vic_struct
class SessionConfig:
    """A process the appliance runs (vicadmin, docker-personality, port-layer) and its guest-written state."""

    common: Common = vic("common")
    cmd: Cmd = vic("cmd")
    attach: bool = vic("attach")
    open_stdin: bool = vic("openstdin")
    run_block: bool = vic("runblock", READ_WRITE)
    active: bool = vic("active")
    tty: bool = vic("tty")
    exit_status: int = vic("status", READ_WRITE)
    # "true" once running; an error text if it failed to start; empty before.
    started: str = vic("started", READ_WRITE)
    restart: bool = vic("restart")
    stop_signal: str = vic("stopSignal")
    diagnostics: Diagnostics = vic("diagnostics")
    user: str = vic("User")
    group: str = vic("Group")
    detail: Detail = vic("detail", READ_WRITE)


@vic_struct
class AssignedNetwork:
    """What the guest's DHCP gave a network."""

    gateway: IPNet = vic("gateway", READ_WRITE)
    nameservers: list[IP] = vic("dns", READ_WRITE)


@vic_struct
class ContainerNetwork:
    """A network as seen from inside: vSphere port group (``common.id``), gateway, DNS, pools, firewall."""

    common: Common = vic("Common", None)
    type: str = vic("type", READ_WRITE)
    destinations: list[IPNet] = vic("destinations")
    gateway: IPNet = vic("gateway")
    default: bool = vic("default")
    nameservers: list[IP] = vic("dns")
    pools: list[IPRange] = vic("pools")
    aliases: list[str] = vic("aliases", HIDDEN)
    trust_level: int = vic("TrustLevel", None)
    assigned: AssignedNetwork = vic("assigned", READ_WRITE)


@vic_struct
class NetworkEndpoint:
    """A vNIC of the endpoint VM in one role (client, public, management, bridge)."""

    common: Common = vic("Common", None)
    static: bool = vic("static")
    ip: IPNet | None = vic("ip")
    # Written by the guest once the interface has an address.
    assigned: IPNet = vic("assigned", READ_WRITE)
    network: ContainerNetwork = vic("network")
    ports: list[str] = vic("ports")
    internal: bool = vic("internal")


@vic_struct
class Build:
    """Version of the VIC build that made the VCH (VIC's version.Build)."""

    version: str = vic("Version", None)
    git_commit: str = vic("GitCommit", None)
    build_date: str = vic("BuildDate", None)
    build_number: str = vic("BuildNumber", None)
    state: str = vic("State", None)
    plugin_version: int = vic("PluginVersion", None)

    def short_version(self) -> str:
        """``<version>-<build>-<commit>`` as vic-machine ls prints it (``v1.5.8-21221-c1d1e1f``)."""
        return f"{self.version}-{self.build_number}-{self.git_commit}"


@vic_struct
class ExecutorConfig:
    common: ExecutorCommon = vic("common")
    create_time: int = vic("createtime", READ_WRITE)
    diagnostics: Diagnostics = vic("diagnostics")
    sessions: dict[str, SessionConfig] = vic("sessions")
    networks: dict[str, NetworkEndpoint] = vic("networks")
    key: bytes = vic("key")
    layer_id: str = vic("layerid")
    image_id: str = vic("imageid")
    repo_name: str = vic("repo")
    version: Build | None = vic("version")
    asymmetric_routing: bool = vic("asymrouting")
    hostname: str = vic("hostname")
    domainname: str = vic("domainname")
