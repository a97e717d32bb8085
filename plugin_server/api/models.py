"""The API's models as marshmallow schemas, for the OpenAPI document and for dumping answers.

vic-machine-server 1.5.8's definitions keep their names (``VCH``, ``Managed_Object``, ``Value_Hertz``, …, see its
``swagger.json``); what is ours is marked ``x-vic-plugin: true`` and lives in objects of its own (``vic_plugin``)
or in fields 1.5.8 does not have, which its clients ignore. The VCH model's schema is generated from the core's
dataclasses (:mod:`vic_machine.spec`), so the document cannot drift from the model the server reads: names,
help, choices, patterns and limits all come from there.

Request bodies are read by the core (``vic_machine.spec.load_lenient``), not by these schemas: ``load`` of a
:class:`Passthrough` schema returns the JSON as sent, so the core's per-field messages are the ones a client sees.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, Schema, fields

from vic_machine.spec.fields import hints, is_group, unwrap
from vic_machine.spec.meta import meta_of
from vic_machine.spec.model import (
    Affinity, Auth, AuthClient, AuthServer, Compute, ContainerSettings, CpuResources, Endpoint, EndpointCpu,
    Generate, ImageFetchProxy, MemoryResources, OperationsCredentials, Registry, Runtime, Storage, VchSpec,
    VolumeStore,
)
from vic_machine.spec.network_model import Bridge, ContainerNetwork, Gateway, ManagedObject, Network, NetworkSpec
from vic_machine.spec.units import FACTORS, HERTZ_UNITS

EXTENSION = {"x-vic-plugin": True}
# Fields of the VCH model that vic-machine-server 1.5.8's VCH definition does not have.
EXTENSION_FIELDS = {"storage.storage_quota", "container.container_count", "network.asymmetric_routes"}
# 1.5.8's patterns (its CIDR, IP_Range and PEM definitions).
_OCTET = r"([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])"
_IPV4 = rf"({_OCTET}\.){{3}}{_OCTET}"
CIDR = rf"^{_IPV4}(/([0-9]|[1-2][0-9]|3[0-2]))$"
IP_RANGE = rf"^{_IPV4}(/([0-9]|[1-2][0-9]|3[0-2])|\-{_IPV4})$"
BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
METRIC = ("B", "KB", "MB", "GB", "TB", "PB")


class Passthrough(Schema):
    """A documented body handed to the view as sent: the core reads and checks it."""

    def load(self, data: Any, **kwargs: Any) -> Any:  # noqa: D102 - see the class
        return data


def _value(name: str, units: tuple[str, ...], description: str) -> type[Schema]:
    return type(name, (Schema,), {
        "value": fields.Integer(required=True),
        "units": fields.String(metadata={"enum": list(units)}),
        "Meta": type("Meta", (), {"description": description}),
    })


Value_Hertz = _value("Value_Hertz", tuple(reversed(HERTZ_UNITS)), "A frequency.")
Value_Bytes = _value("Value_Bytes", BINARY, "A size in binary units.")
Value_Bytes_Metric = _value("Value_Bytes_Metric", METRIC + BINARY[1:],
                            "A size; 1.5.8 documents the metric units, vic-ui 1.5.8 sends GiB and MiB (taken too).")
Value_Bits = _value("Value_Bits", ("bit",), "A key size.")


class Shares(Schema):
    """``{"level": "low|normal|high"}`` or ``{"number": N}``."""

    number = fields.Integer()
    level = fields.String(metadata={"enum": ["high", "normal", "low"]})


class Managed_Object(Schema):  # noqa: N801 - 1.5.8's definition name
    """A vSphere object by its managed object id or its name (answers carry one of them, the id)."""

    id = fields.String()
    name = fields.String()


class Managed_Object_Reference(Schema):  # noqa: N801
    """A vSphere object with both its managed object id and its name."""

    id = fields.String(required=True)
    name = fields.String(required=True)


class X509_Data(Schema):  # noqa: N801
    """A PEM document."""

    pem = fields.String(required=True)


def _units_schema(units: tuple[str, ...]) -> type[Schema]:
    if units == ("bit",):
        return Value_Bits
    if set(units) <= set(FACTORS["hertz"]):
        return Value_Hertz
    if set(units) & {"KB", "MB", "GB", "TB", "PB"}:
        return Value_Bytes_Metric
    return Value_Bytes


_STRING_FORMATS = {"cidr": {"pattern": CIDR}, "ip_range": {"pattern": IP_RANGE}, "ip": {"format": "ipv4"}}
# The model's groups under 1.5.8's definition names; the others are inline objects there, named after their path.
_NAMES = {VchSpec: "VCH", Network: "Network", ContainerNetwork: "Container_Network", Gateway: "Gateway",
          Compute: "VCH_Compute", CpuResources: "VCH_Compute_CPU", MemoryResources: "VCH_Compute_Memory",
          Affinity: "VCH_Compute_Affinity", NetworkSpec: "VCH_Network", Bridge: "VCH_Network_Bridge",
          Storage: "VCH_Storage", VolumeStore: "VCH_Storage_Volume_Store", Auth: "VCH_Auth",
          AuthClient: "VCH_Auth_Client", AuthServer: "VCH_Auth_Server", Generate: "VCH_Auth_Server_Generate",
          Endpoint: "VCH_Endpoint", EndpointCpu: "VCH_Endpoint_CPU",
          OperationsCredentials: "VCH_Endpoint_Operations_Credentials", Registry: "VCH_Registry",
          ImageFetchProxy: "VCH_Registry_Image_Fetch_Proxy", Runtime: "VCH_Runtime",
          ContainerSettings: "VCH_Container"}


def _describe(meta, path: str) -> dict:
    text = f"{meta.label}. {meta.help}".strip() if meta.help else meta.label
    out: dict[str, Any] = {"description": text}
    if path in EXTENSION_FIELDS:
        out.update(EXTENSION, description=f"Extension, not in vic-machine-server 1.5.8: {text}")
    if meta.readonly:
        out["readOnly"] = True
    if meta.secret:
        out.update(writeOnly=True, format="password")
    return out


def _leaf(hint: Any, meta, path: str) -> fields.Field:
    doc = _describe(meta, path) if meta else {}
    kind = meta.type if meta else ""
    if kind == "quantity":
        return fields.Nested(_units_schema(meta.json_units), metadata=doc)
    if kind == "shares":
        return fields.Nested(Shares, metadata=doc)
    if kind == "pem":
        return fields.Nested(X509_Data, metadata=doc)
    if hint is ManagedObject:
        return fields.Nested(Managed_Object, metadata=doc)
    if hint is bool:
        return fields.Boolean(metadata=doc)
    if hint is int:
        if meta is not None and meta.min is not None:
            doc["minimum"] = meta.min
        if meta is not None and meta.max is not None:
            doc["maximum"] = meta.max
        return fields.Integer(metadata=doc)
    if meta is not None:
        doc.update(_STRING_FORMATS.get(kind, {}))
        if meta.choices and isinstance(meta.choices[0], str):
            doc["enum"] = list(meta.choices)
    return fields.String(metadata=doc)


_BUILT: dict[type, type[Schema]] = {}


def model_schema(cls: type = VchSpec, prefix: str = "") -> type[Schema]:
    """The document schema of one dataclass of the VCH model (built once per class)."""
    if cls in _BUILT:
        return _BUILT[cls]
    attrs: dict[str, Any] = {}
    for fld in dataclasses.fields(cls):
        meta = meta_of(fld)
        hint, multiple = unwrap(hints(cls)[fld.name])
        path = f"{prefix}{fld.name}"
        if is_group(hint):
            doc = _describe(meta, path) if meta else {}
            inner: fields.Field = fields.Nested(model_schema(hint, f"{path}[]." if multiple else f"{path}."),
                                                metadata={} if multiple else doc)
            attrs[fld.name] = fields.List(inner, metadata=doc) if multiple else inner
            continue
        inner = _leaf(hint, meta, path)
        attrs[fld.name] = fields.List(inner, metadata=_describe(meta, path) if meta else {}) if multiple else inner
    own = (cls.__doc__ or "").strip()
    # A dataclass without a docstring gets its signature as one: name the group by its path instead.
    doc = own.splitlines()[0] if own and not own.startswith(f"{cls.__name__}(") else f"The VCH model's {prefix[:-1]}"
    if cls is VchSpec:
        attrs["vic_plugin"] = fields.Nested(VCH_Extension, metadata={
            **EXTENSION, "readOnly": True,
            "description": "Ours, in answers only: what the plug-in server knows besides the model"})
    attrs["Meta"] = type("Meta", (), {"description": doc, "unknown": INCLUDE if cls is VchSpec else EXCLUDE})
    built = type(_NAMES.get(cls, cls.__name__), (Passthrough,), attrs)
    _BUILT[cls] = built
    return built


class VCH_Extension(Schema):  # noqa: N801
    """Ours (``vic_plugin`` of an answer): what 1.5.8's VCH model does not carry."""

    id = fields.String(metadata={"description": "The endpoint VM's managed object id"})
    path = fields.String(metadata={"description": "Inventory path of the resource pool the VCH's pool is in"})
    compute_resource = fields.Nested(Managed_Object_Reference, metadata={
        "description": "The cluster, host or resource pool the VCH is in"})
    tls = fields.String(metadata={"enum": ["tlsverify", "no-tlsverify", "no-tls"]})
    creating = fields.Boolean(metadata={"description": "Marked as being created (left so by a failed create)"})
    inspect = fields.Dict(metadata={"description": "vic-machine inspect's details"})


class VCH_List_Item_Extension(Schema):  # noqa: N801
    """Ours (``vic_plugin`` of a list item)."""

    path = fields.String(metadata={"description": "Inventory path of the resource pool the VCH's pool is in"})
    tls = fields.String(metadata={"enum": ["tlsverify", "no-tlsverify", "no-tls"]})
    creating = fields.Boolean()
    state = fields.String(metadata={"enum": ["creating", "deleting"], "description": (
        "An operation is at it, or was until it stopped part way: delete finishes what is left")})
    left = fields.List(fields.String(), metadata={"description": (
        "What is left of a VCH whose endpoint VM is gone, each named with where it is; delete removes it")})


class VCH_List_Item(Schema):  # noqa: N801
    """A VCH as 1.5.8 lists it."""

    id = fields.String()
    name = fields.String()
    parent = fields.Nested(Managed_Object_Reference, metadata={"description": "The VCH's resource pool"})
    version = fields.String()
    power_state = fields.String()
    upgrade_status = fields.String()
    admin_portal = fields.String()
    docker_host = fields.String()
    vic_plugin = fields.Nested(VCH_List_Item_Extension, metadata=EXTENSION)


class VCH_List(Schema):  # noqa: N801
    vchs = fields.List(fields.Nested(VCH_List_Item))


class Deletion_Specification(Passthrough):  # noqa: N801
    """What a delete removes besides the VCH (1.5.8): ``containers`` ``off`` (default: refuse while any runs) or
    ``all`` (power them off; also deletes a VCH of another version); ``volume_stores`` ``none`` or ``all``."""

    containers = fields.String(metadata={"enum": ["off", "all"], "default": "off"})
    volume_stores = fields.String(metadata={"enum": ["none", "all"], "default": "none"})


class Operation_State(Schema):  # noqa: N801
    """Ours: a long operation's state; ``result`` once it succeeded, ``error`` (with what was undone) once it
    failed."""

    id = fields.String(required=True)
    kind = fields.String()
    subject = fields.String()
    state = fields.String(metadata={"enum": ["running", "success", "error"]})
    progress = fields.Integer()
    message = fields.String()
    result = fields.Dict(allow_none=True)
    error = fields.Dict(allow_none=True)


class Operation(Operation_State):
    """Ours: a long operation (``Prefer: respond-async``); follow it at ``/container/operations/{id}/events``."""

    configure = fields.Dict(metadata={"description": "configure: what changes and whether the VCH restarts"})
    warnings = fields.List(fields.String(), metadata={"description": "Fields of the body that were ignored"})


class Created_Extension(Schema):  # noqa: N801
    id = fields.String(metadata={"description": "The new VCH's id (its endpoint VM's managed object id)"})
    name = fields.String()
    docker_host = fields.String()
    admin_portal = fields.String()
    docker_env = fields.Dict(keys=fields.String(), values=fields.String())
    warnings = fields.List(fields.String())


class VCH_Created(Schema):  # noqa: N801
    """1.5.8's answer to a synchronous create (a ``task`` it never sets), and ours under ``vic_plugin``."""

    task = fields.String(metadata={"format": "uri"})
    vic_plugin = fields.Nested(Created_Extension, metadata=EXTENSION)


class Deleted_Extension(Schema):  # noqa: N801
    name = fields.String()
    removed = fields.List(fields.String())
    kept = fields.List(fields.String())
    not_found = fields.List(fields.String())
    warnings = fields.List(fields.String())


class VCH_Deleted(Schema):  # noqa: N801
    """1.5.8's answer to a delete (202, sent once the VCH is gone), ours under ``vic_plugin``; with
    ``Prefer: respond-async`` the :class:`Operation` fields instead."""

    task = fields.String(metadata={"format": "uri"})
    vic_plugin = fields.Nested(Deleted_Extension, metadata=EXTENSION)
    id = fields.String()
    kind = fields.String()
    subject = fields.String()
    state = fields.String(metadata={"enum": ["running", "success", "error"]})
    progress = fields.Integer()
    message = fields.String()
    result = fields.Dict(allow_none=True)
    error = fields.Dict(allow_none=True)


class Firewall_Host(Schema):  # noqa: N801
    """1.5.8's per-host firewall state."""

    target = fields.String(metadata={"description": "The host"})
    in_supported_state = fields.Boolean(metadata={"description": "Whether the host lets VCHs reach it"})


class Ruleset_State(Schema):  # noqa: N801
    host = fields.String()
    ruleset = fields.String(metadata={"description": "vic-engine, or vSPC on hosts before vSphere 6.7"})
    enabled = fields.Boolean()
    ok = fields.Boolean()
    message = fields.String()


class Target_Extension(Schema):  # noqa: N801
    hosts = fields.List(fields.Nested(Ruleset_State))


class Target(Schema):
    """The hosts' firewall (1.5.8's Target), with our per-host detail under ``vic_plugin``."""

    firewall = fields.List(fields.Nested(Firewall_Host))
    vic_plugin = fields.Nested(Target_Extension, metadata=EXTENSION)


def register(spec) -> None:
    """Add what marshmallow cannot say to the document: 1.5.8's one-of constraints and the security schemes
    (HTTP Basic and the clone ticket as 1.5.8 has them, and the vSphere Client's session token)."""
    one = {"minProperties": 1, "maxProperties": 1}
    spec.components.schema("Managed_Object", one, schema=Managed_Object)
    spec.components.schema("Shares", one, schema=Shares)
    spec.components.schema("X509_Data", one, schema=X509_Data)
    spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "header", "name": "X-VMWARE-TICKET"})
    spec.components.security_scheme("token", {
        **EXTENSION, "type": "apiKey", "in": "header", "name": "vmware-api-session-id",
        "description": "The vSphere Client's session token, traded for a clone ticket at the vsphere-ui endpoint "
                       "the vmware-api-gateway-url header names (the view's getApiEndpoints().uiApiEndpoint"
                       ".fullUrl; only a configured vCenter's, else 400), or without it at the target's own"})
    spec.options.setdefault("security", [{"basic": []}, {"session": []}, {"token": []}])


class Containers(Schema):
    """Ours: container VMs."""

    containers = fields.List(fields.Dict())


class Action_Body(Passthrough):  # noqa: N801
    """Ours: the body of ``?action=upgrade`` (``rollback``, ``reset_progress``, ``force``) or ``?action=debug``
    (``enable_ssh``, ``authorized_key``, ``root_password`` — never echoed, logged or kept)."""

    rollback = fields.Boolean(metadata={"description": "upgrade: go back to the version before the last upgrade"})
    reset_progress = fields.Boolean(metadata={"description": "upgrade: clear a stale UpdateInProgress mark"})
    force = fields.Boolean(metadata={"description": "upgrade: even to an older or equal version"})
    enable_ssh = fields.Boolean(metadata={"description": "debug: start sshd in the endpoint VM"})
    authorized_key = fields.String(metadata={"description": "debug: an OpenSSH public key for root"})
    root_password = fields.String(metadata={"description": "debug: root's new password", "writeOnly": True,
                                            "format": "password"})


class Debugged(Schema):
    """Ours: what ``?action=debug`` did."""

    id = fields.String()
    name = fields.String()
    ssh_enabled = fields.Boolean()
    authorized_key = fields.Boolean()
    root_password_set = fields.Boolean()
    channel = fields.String()


class Configurable(Schema):
    live = fields.List(fields.String(), metadata={"description": "Field paths changed without a restart"})
    restart = fields.List(fields.String(), metadata={"description": "Field paths changed with a restart"})


class VCH_Spec(Schema):  # noqa: N801
    """Ours: the VCH's configuration as the core holds the model (managed objects by id and name, the base image
    size in the largest exact unit), what a "Configure VCH" wizard is pre-filled with."""

    vch = fields.Dict(metadata={"description": "The VCH model, without secrets"})
    configurable = fields.Nested(Configurable)


class Configure_Preview(Schema):  # noqa: N801
    """Ours: ``?dry_run=true``: what a configure would change, changing nothing."""

    configure = fields.Dict()
    warnings = fields.List(fields.String())


class Finding(Schema):
    """Ours: one problem (``error``) or risk (``warning``) of a VCH model, on a field path and its wizard step."""

    level = fields.String(metadata={"enum": ["error", "warning"]})
    code = fields.String(metadata={"description": "Stable, for scripts"})
    path = fields.String()
    step = fields.String()
    message = fields.String()
    remedy = fields.String()


class Validation(Schema):
    """Ours: whether create would accept the model, and every finding."""

    valid = fields.Boolean()
    findings = fields.List(fields.Nested(Finding))


def _raw(description: str) -> fields.Raw:
    return fields.Raw(metadata={"description": description})


class Inventory(Schema):
    """Ours: what a VCH can use in one datacenter, for the wizard."""

    datacenter = fields.String()
    datacenter_id = fields.String()
    datacenters = fields.List(fields.String())
    vcenter_version = fields.String()
    vcenter_api_type = fields.String()
    compute = fields.List(fields.Dict(), metadata={"description": "Clusters and standalone hosts, pools nested"})
    hosts = fields.List(fields.Dict())
    datastores = fields.List(fields.Dict())
    networks = fields.List(fields.Dict())
    names_in_use = fields.Dict(keys=fields.String(), values=fields.String())


class Wizard(Schema):
    """Ours: the Create VCH wizard's steps, each with its fields (label, help, default, limits)."""

    steps = fields.List(fields.Dict())


class About(Schema):
    """Ours: versions of the plug-in, what it runs on, and with ``?target=`` the vCenter and the registration."""

    plugin = fields.Dict()
    core = fields.Dict()
    python = fields.String()
    libraries = fields.Dict(keys=fields.String(), values=fields.String())
    vcenter = fields.Dict()
    registration = fields.Dict(allow_none=True)
    vcenter_error = fields.String()
    appliance = fields.Dict(metadata={"description": "The VCH appliance this server deploys: version, ISOs"})
    vchs = fields.Dict(metadata={"description": "With ?target=: how many VCHs there are (count)"})


class Targets(Schema):
    """Ours: the vCenters this server serves, as the caller sees them."""

    targets = fields.List(fields.Dict())


class Create_Command(Schema):  # noqa: N801
    """Ours: the ``vic-machine create`` command equivalent to a VCH model (password left out)."""

    command = fields.String(metadata={"description": "The flags after vic-machine-linux create (POSIX quoting)"})
    flags = fields.List(fields.String(), metadata={"description": "One shell-quoted --flag value per entry"})
    argv = fields.List(fields.String(), metadata={
        "description": "The arguments after the program's name, unquoted: create, then --target/--user/--thumbprint "
                       "when ?target= is given, then the flags"})
    commands = fields.Dict(keys=fields.String(metadata={"enum": ["linux", "darwin", "windows"]}),
                           values=fields.String(), metadata={
                               "description": "The whole command line per operating system: VIC 1.5.8's program "
                                              "name and the quoting of its usual shell (POSIX shells, cmd.exe)"})


class Object_Ids(Passthrough):  # noqa: N801
    """The vSphere Client's question: which of these objects an item applies to."""

    objectIds = fields.List(fields.String(), required=True)  # noqa: N815 - the vSphere Client's name


class Dynamic_Items(Schema):  # noqa: N801
    """Ours: which plug-in menu items and cards show for the objects asked about."""

    apiVersion = fields.String()  # noqa: N815
    dynamicItems = fields.List(fields.Dict())  # noqa: N815
