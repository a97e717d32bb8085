"""The VCH specification: one dataclass tree whose JSON is vic-machine-server's (VIC 1.5) VCH model.

Quantities are whole numbers in one unit per field (see each field's ``unit``): MHz for CPU, MiB for
memory, bytes for the base image size, bits for key sizes. ``None`` means "not set": unlimited for
limits, DHCP for static addresses, "inherit" for the client and management networks.
Defaults are VIC 1.5's.
"""

from __future__ import annotations

from dataclasses import dataclass

from vic_machine.spec.meta import attr
from vic_machine.spec.network_model import Bridge  # noqa: F401  (re-exported for callers)
from vic_machine.spec.network_model import ContainerNetwork  # noqa: F401
from vic_machine.spec.network_model import Gateway  # noqa: F401
from vic_machine.spec.network_model import ManagedObject
from vic_machine.spec.network_model import Network  # noqa: F401
from vic_machine.spec.network_model import NetworkSpec
from vic_machine.spec.units import BINARY_BYTES
from vic_machine.spec.units import HERTZ_UNITS
from vic_machine.spec.units import METRIC_BYTES

DEFAULT_NAME = "virtual-container-host"
DEFAULT_TIMEOUT_SECONDS = 180  # vic-machine --timeout 3m; not part of the JSON model
SHARE_LEVELS = ("low", "normal", "high")
KEY_SIZES = (2048, 3072, 4096)
MAX_ENDPOINT_CPUS = 128  # vSphere's limit of vCPUs per VM
GIB = 1024**3
GB = 1000**3

# VIC refuses these in a VCH name (vic-machine's "Allowed characters are ..." check).
NAME_FORBIDDEN = "%&*$#@!\\/:?\"<>;'|"
NAME_PATTERN = r"^[^%&*$#@!\\/:?\"<>;'|]+$"
NAME_HELP = "letters, digits, space and other symbols such as - _ ( ), but none of % & * $ # @ ! \\ / : ? \" < > ; ' |"
LABEL_PATTERN = r"^[A-Za-z0-9_-]+$"
LABEL_HELP = "letters, digits, - and _"


@dataclass
class ContainerSettings:
    name_convention: str | None = attr(
        "Container VM name convention",
        "Names of container VMs: a prefix and/or suffix around {id} or {name}, like web-{name}.",
        step="general",
        flags="--container-name-convention",
        pattern=r"^.*(\{id\}|\{name\}).*$",
        pattern_help="text containing {id} or {name}",
    )
    container_count: int | None = attr(
        "Container limit", "Most containers the VCH may hold at once; unlimited when empty or 0.",
        step="general", type="integer", flags="--containers", min=0,
    )


def _shares(res: str) -> object:
    return attr(
        f"{res} shares",
        f"{res} priority against sibling pools: low, normal, high, or a number of shares.",
        default="normal",
        step="compute",
        type="shares",
        flags=f"--{res.lower()}-shares",
        choices=SHARE_LEVELS,
        min=1,
    )


@dataclass
class CpuResources:
    limit: int | None = attr(
        "CPU limit", "Most CPU the VCH and its containers may use; unlimited when empty or 0.",
        step="compute", type="quantity", unit="MHz", json_units=HERTZ_UNITS, flags="--cpu", min=1,
        zero_unset=True,
    )
    reservation: int | None = attr(
        "CPU reservation", "CPU guaranteed to the VCH's resource pool.",
        step="compute", type="quantity", unit="MHz", json_units=HERTZ_UNITS, flags="--cpu-reservation", min=0,
    )
    shares: str | int | None = _shares("CPU")


@dataclass
class MemoryResources:
    limit: int | None = attr(
        "Memory limit", "Most memory the VCH and its containers may use; unlimited when empty or 0.",
        step="compute", type="quantity", unit="MiB", json_units=BINARY_BYTES, flags="--memory", min=1,
        zero_unset=True,
    )
    reservation: int | None = attr(
        "Memory reservation", "Memory guaranteed to the VCH's resource pool.",
        step="compute", type="quantity", unit="MiB", json_units=BINARY_BYTES, flags="--memory-reservation",
        min=0,
    )
    shares: str | int | None = _shares("Memory")


@dataclass
class Affinity:
    use_vm_group: bool = attr(
        "Create a DRS VM group", "Put the VCH and its containers in a DRS VM group named after the VCH.",
        default=False, step="compute", type="boolean", flags="--affinity-vm-group",
    )


@dataclass
class Compute:
    resource: ManagedObject | None = attr(
        "Compute resource", "Cluster, standalone host or resource pool the VCH is created in.",
        step="compute", type="managed_object", flags=("--compute-resource", "-r"), required=True,
    )
    cpu: CpuResources = attr("CPU", factory=CpuResources, step="compute", type="object")
    memory: MemoryResources = attr("Memory", factory=MemoryResources, step="compute", type="object")
    affinity: Affinity = attr("Affinity", factory=Affinity, step="compute", type="object")


@dataclass
class VolumeStore:
    datastore: str = attr(
        "Volume store location",
        "datastore/path, ds://datastore/path or nfs://host/path?uid=&gid=&proto=",
        default="", step="storage", type="url", flags=("--volume-store", "-vs"), required=True,
    )
    label: str = attr(
        "Volume store name", "Name docker users give as VolumeStore; 'default' holds anonymous volumes.",
        default="", step="storage", flags=("--volume-store", "-vs"), required=True,
        pattern=LABEL_PATTERN, pattern_help=LABEL_HELP, max_length=63,
    )


@dataclass
class Storage:
    image_stores: list[str] = attr(
        "Image datastore", "Datastore (and optional folder: datastore/path) for container images and VM files.",
        factory=list, step="storage", type="url", flags=("--image-store", "-i"), required=True,
    )
    volume_stores: list[VolumeStore] = attr(
        "Volume stores", "Where docker volumes are created.", factory=list, step="storage", type="object",
    )
    # 1.5.8's default is "8GB" in decimal units, which it stores as 8000000 KB.
    base_image_size: int = attr(
        "Maximum container image size", "Size of the disk each container image layer gets.",
        default=8 * GB, step="storage", type="quantity", unit="B", json_units=METRIC_BYTES,
        flags="--base-image-size", min=1024**2,
    )
    storage_quota: int | None = attr(
        "Storage quota", "Most space images and containers may use on the image datastore; unlimited when empty "
        "or 0.", step="storage", type="quantity", unit="GiB", json_units=("TiB", "GiB"),
        flags=("--storage-quota", "--sq"), min=0,
    )


@dataclass
class AuthClient:
    no_tls_verify: bool = attr(
        "Disable client certificates",
        "Docker clients connect without a client certificate (only for POC or lab environments).",
        default=False, step="security", type="boolean", flags=("--no-tlsverify", "-kv"),
    )
    certificate_authorities: list[str] = attr(
        "Client certificate authorities", "PEM certificates of the CAs that sign Docker clients' certificates.",
        factory=list, step="security", type="pem", flags=("--tls-ca", "-ca"),
    )


@dataclass
class Generate:
    size: int = attr(
        "Key size", "RSA key size of generated certificates.", default=2048, step="security",
        type="quantity", unit="bit", json_units=("bit",), choices=KEY_SIZES, flags="--certificate-key-size",
    )
    organization: list[str] = attr(
        "Organization", "Organization of generated certificates; the VCH name when empty.",
        factory=list, step="security", flags="--organization",
    )
    cname: str | None = attr(
        "Common name", "Server certificate's name (FQDN or IP Docker clients use); the VCH name when empty.",
        step="security", flags="--tls-cname", max_length=64,
    )


@dataclass
class AuthServer:
    certificate: str | None = attr(
        "Server certificate", "PEM certificate the VCH presents, with its private key.",
        step="security", type="pem", flags="--tls-server-cert",
    )
    private_key: str | None = attr(
        "Server private key", "PEM private key (PKCS#1 or PKCS#8) of the server certificate.",
        step="security", type="pem", flags="--tls-server-key", secret=True,
    )
    generate: Generate | None = attr("Generate a server certificate", step="security", type="object")


@dataclass
class Auth:
    no_tls: bool = attr(
        "Disable TLS", "Docker API over plain HTTP on port 2375 (no certificates at all).",
        default=False, step="security", type="boolean", flags=("--no-tls", "-k"),
    )
    client: AuthClient = attr("Client authentication", factory=AuthClient, step="security", type="object")
    server: AuthServer = attr(
        "Server certificate", factory=lambda: AuthServer(generate=Generate()), step="security", type="object"
    )


@dataclass
class EndpointCpu:
    sockets: int = attr(
        "Endpoint VM CPUs", "Virtual CPUs of the VCH endpoint VM.", default=1, step="compute",
        type="integer", flags="--endpoint-cpu", min=1, max=MAX_ENDPOINT_CPUS,
    )


@dataclass
class OperationsCredentials:
    user: str | None = attr(
        "Operations user", "vSphere user the VCH acts as; the user creating it when empty.",
        step="operations", flags="--ops-user",
    )
    password: str | None = attr(
        "Operations password", "Password of the operations user.",
        step="operations", flags="--ops-password", secret=True,
    )
    grant_permissions: bool = attr(
        "Grant permissions", "Give the operations user the roles it needs.",
        default=False, step="operations", type="boolean", flags="--ops-grant-perms",
    )


@dataclass
class Endpoint:
    cpu: EndpointCpu = attr("Endpoint CPU", factory=EndpointCpu, step="compute", type="object")
    memory: int = attr(
        "Endpoint VM memory", "Memory of the VCH endpoint VM.", default=2048, step="compute",
        type="quantity", unit="MiB", json_units=BINARY_BYTES, flags="--endpoint-memory", min=512,
    )
    operations_credentials: OperationsCredentials = attr(
        "Operations credentials", factory=OperationsCredentials, step="operations", type="object"
    )


@dataclass
class ImageFetchProxy:
    http: str | None = attr(
        "HTTP proxy", "http(s)://host:port used to pull images over HTTP.",
        step="networks", type="url", flags="--http-proxy",
    )
    https: str | None = attr(
        "HTTPS proxy", "http(s)://host:port used to pull images over HTTPS.",
        step="networks", type="url", flags="--https-proxy",
    )
    no_proxy: list[str] = attr(
        "No proxy for", "Hosts, domains (.example.com), IPs or CIDRs reached without the proxy.",
        factory=list, step="networks", flags="--no-proxy",
    )


@dataclass
class Registry:
    insecure: list[str] = attr(
        "Insecure registries", "Registries (host[:port]) reached over plain HTTP or unverified TLS.",
        factory=list, step="registry", flags=("--insecure-registry", "--dir"),
    )
    whitelist: list[str] = attr(
        "Registry whitelist", "Only these registries: host[:port], IP, CIDR or wildcard domain (*.example.com).",
        factory=list, step="registry", flags=("--whitelist-registry", "--wr"),
    )
    certificate_authorities: list[str] = attr(
        "Registry CA certificates", "PEM certificates of CAs that sign registries' certificates.",
        factory=list, step="registry", type="pem", flags=("--registry-ca", "--rc"),
    )
    image_fetch_proxy: ImageFetchProxy = attr(
        "Image fetch proxy", factory=ImageFetchProxy, step="networks", type="object"
    )


@dataclass
class Runtime:
    """Read-only state reported for an existing VCH."""

    power_state: str | None = attr("Power state", step="summary", readonly=True)
    upgrade_status: str | None = attr("Upgrade status", step="summary", readonly=True)
    admin_portal: str | None = attr("VCH admin portal", step="summary", readonly=True)
    docker_host: str | None = attr("Docker API endpoint", step="summary", readonly=True)


@dataclass
class VchSpec:
    """A virtual container host as vic-machine-server's VCH model describes it."""

    version: str | None = attr("Version", "VIC version of an existing VCH.", step="summary", readonly=True)
    name: str = attr(
        "Name", "Name of the VCH (its resource pool, folder and endpoint VM). Allowed: " + NAME_HELP + ".",
        default=DEFAULT_NAME, step="general", flags=("--name", "-n"), required=True,
        min_length=1, max_length=31, pattern=NAME_PATTERN, pattern_help=NAME_HELP,
    )
    debug: int = attr(
        "Debug level", "0 off, 1 verbose logs, 2 more interfaces and pprof, 3 no recovery and sensitive logs.",
        default=0, step="general", type="integer", flags="--debug", min=0, max=3,
    )
    syslog_addr: str | None = attr(
        "Syslog server", "Where the VCH sends its logs: tcp://host[:port] or udp://host[:port].",
        step="general", type="url", flags="--syslog-address",
    )
    container: ContainerSettings = attr("Containers", factory=ContainerSettings, step="general", type="object")
    compute: Compute = attr("Compute", factory=Compute, step="compute", type="object")
    network: NetworkSpec = attr("Network", factory=NetworkSpec, step="networks", type="object")
    storage: Storage = attr("Storage", factory=Storage, step="storage", type="object")
    auth: Auth = attr("Security", factory=Auth, step="security", type="object")
    endpoint: Endpoint = attr("Endpoint VM", factory=Endpoint, step="compute", type="object")
    registry: Registry = attr("Registry access", factory=Registry, step="registry", type="object")
    runtime: Runtime | None = attr("Runtime", step="summary", type="object", readonly=True)

    def tls_mode(self) -> str:
        """``tlsverify`` (the default), ``no-tlsverify`` or ``no-tls``, as vic-machine names them."""
        if self.auth.no_tls:
            return "no-tls"
        if self.auth.client.no_tls_verify:
            return "no-tlsverify"
        return "tlsverify"

    def effective_cname(self) -> str:
        """The server certificate's common name: as given, else the client's static IP, else the name."""
        generate = self.auth.server.generate
        if generate is not None and generate.cname:
            return generate.cname
        static = self.network.effective("client").static
        if static:
            return static.split("/")[0]
        return self.name
