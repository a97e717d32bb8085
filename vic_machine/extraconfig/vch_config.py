"""A VCH's configuration as VIC 1.5 stores it (VIC's config.VirtualContainerHostConfigSpec).

Only the parts a VCH made by vic-machine 1.5 holds are modelled; keys of other parts are ignored on decode.
Accessors for list/inspect views live on ``VchConfig`` itself (see ``vch_view.py`` for their implementation).
"""

from __future__ import annotations

from datetime import timedelta

from vic_machine.extraconfig.executor import ContainerNetwork
from vic_machine.extraconfig.executor import ExecutorConfig
from vic_machine.extraconfig.fields import vic
from vic_machine.extraconfig.fields import vic_struct
from vic_machine.extraconfig.gotypes import URL
from vic_machine.extraconfig.gotypes import IPNet
from vic_machine.extraconfig.gotypes import MoRef
from vic_machine.extraconfig.keys import SECRET
from vic_machine.extraconfig.keys import UPDATE_STATUS_KEY
from vic_machine.extraconfig.scalars import IPMask
from vic_machine.extraconfig.vch_view import VchView

# The id a VCH's VM carries until create has its managed object reference.
CREATING_VCH = "CreatingVCH"
PUBLIC_NETWORK = "public"
CLIENT_NETWORK = "client"
MANAGEMENT_NETWORK = "management"
BRIDGE_NETWORK = "bridge"
PERSONA_SERVICE = "docker-personality"
PORT_LAYER_SERVICE = "port-layer"
VICADMIN_SERVICE = "vicadmin"
# grant_permissions holds this when the ops user was granted permissions at create.
ADD_PERMS = "ADD"


@vic_struct
class Connection:
    """How the appliance logs in to vSphere."""

    target: str = vic("target")
    username: str = vic("username")
    token: str = vic("token", SECRET)
    target_thumbprint: str = vic("target_thumbprint")
    keepalive: timedelta = vic("keepalive")


@vic_struct
class RawCertificate:
    """A PEM certificate and its PEM private key (the key sealed in extraConfig)."""

    key: bytes = vic("Key", SECRET)
    cert: bytes = vic("Cert", None)


@vic_struct
class Certificate:
    host_certificate: RawCertificate | None = vic("HostCertificate")
    # PEM bundle of the CAs that sign client certificates (set under --tlsverify).
    certificate_authorities: bytes = vic("CertificateAuthorities")
    registry_certificate_authorities: bytes = vic("RegistryCertificateAuthorities")


@vic_struct
class Storage:
    image_stores: list[URL] = vic("image_stores")
    storage_quota: int = vic("storage_quota")
    # Volume stores by label (``default``) → ``ds://datastore/path`` or ``nfs://…``.
    volume_locations: dict[str, URL] = vic("VolumeLocations", None)
    # Base image size in KB.
    scratch_size: int = vic("scratch_size")


@vic_struct
class Network:
    bridge_network: str = vic("bridge_network")
    container_networks: dict[str, ContainerNetwork] = vic("container_networks")
    bridge_ip_range: IPNet | None = vic("bridge-ip-range")
    bridge_network_width: IPMask | None = vic("bridge-net-width")


@vic_struct
class Container:
    compute_resources: list[MoRef] = vic("ComputeResources")
    bootstrap_image_path: str = vic("bootstrap_image_path")
    container_name_convention: str = vic("ContainerNameConvention", None)
    use_vm_group: bool = vic("UseVMGroup", None)
    vm_group_name: str = vic("VMGroupName", None)
    container_count: int = vic("container_count")


@vic_struct
class Registry:
    whitelist: list[str] = vic("whitelist_registries")
    insecure: list[str] = vic("insecure_registries")


@vic_struct
class VchConfig(VchView):
    """The whole configuration of one VCH; ``repr`` leaves out the token and the private key."""

    executor: ExecutorConfig = vic("init")
    connection: Connection = vic("connect")
    certificate: Certificate = vic("cert")
    storage: Storage = vic("storage")
    network: Network = vic("network")
    container: Container = vic("container")
    registry: Registry = vic("registry")
    create_bridge_network: bool = vic("create_bridge_network")
    grant_permissions: str = vic("grant_permissions")
    # The vic-machine create flags as ``--name=value`` (``inspect config`` prints them back).
    create_options: list[str] = vic("vic_machine_create_options")
    # Not part of VIC's struct: its own key, "true" while an upgrade or configure runs; None when absent.
    update_status: bool | None = vic(UPDATE_STATUS_KEY, absolute=True)
