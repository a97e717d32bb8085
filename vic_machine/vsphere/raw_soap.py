"""Bulk reads parsed straight from the SOAP response, for answers too large for pyvmomi's object parser.

pyvmomi parses an answer with a Python callback per XML element and builds an object per value: reading the
name, pool and guest name of 5,000 VMs costs about half a second of parsing alone, several times what vCenter
takes to answer. These reads send the same RetrievePropertiesEx (paged as :mod:`vic_machine.vsphere.collector`
pages, tokens followed, the same fallback), read the answer with regular expressions (ElementTree when it has
another shape, and for the firewalls) and keep only plain values: strings, numbers, booleans, enumerations,
managed object references (as pyvmomi objects on the session's stub, equal to the ones pyvmomi makes), and lists
of those; extraConfig as (key, value) pairs, custom field values as pyvmomi's CustomFieldStringValue. A host's
firewall configuration (some forty rulesets) is reduced to each ruleset's key and state.

Faults are decoded by pyvmomi and raised as it raises them, so :func:`vsphere_call` translates them alike.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any, Iterable

from pyVmomi import SoapAdapter, VmomiSupport, vim

from vic_machine.errors import VSphereError
from vic_machine.vsphere.collector import PAGE_SIZE, Page, paged, retrieve_spec, view_spec
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

_NS = {"s": "http://schemas.xmlsoap.org/soap/envelope/", "v": "urn:vim25"}
_V = "{urn:vim25}"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
# Some forty rulesets a host: pages of fewer firewalls keep an answer of a large vCenter to a few megabytes.
FIREWALL_PAGE_SIZE = 1000
_ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
             'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi='
             '"http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>')


def _send(session: Session, body: str) -> bytes:
    """Send one SOAP request on the session's stub (counted as one round trip); the answer as vCenter sent it.

    :raise vmodl.MethodFault: the fault vCenter answered with, as pyvmomi raises it.
    """
    stub = session.stub
    headers = {"Cookie": stub.cookie, "SOAPAction": stub.versionId, "Content-Type": "text/xml; charset=UTF-8",
               "Accept-Encoding": "gzip"}
    stub._counted()
    conn = stub.GetConnection()
    try:
        conn.request("POST", stub.path, _ENVELOPE.format(body=body).encode(), headers)
        response = conn.getresponse()
        data = response.read()
    except Exception:
        conn.close()
        stub.DropConnections()
        raise
    stub.ReturnConnection(conn)
    if response.getheader("Content-Encoding", "").lower() == "gzip":
        import gzip  # vCenter compresses large answers; the simulator and small ones come plain

        data = gzip.decompress(data)
    if response.status != 200:  # vCenter answers a fault with 500, as pyvmomi expects
        _raise_fault(stub, data)
    return data


def _post(session: Session, body: str) -> ET.Element:
    """:func:`_send`, the answer parsed: the Body's child."""
    return ET.fromstring(_send(session, body)).find("s:Body", _NS)[0]


def escape(text: str) -> str:
    """``text`` as XML character data or an attribute value (xml.sax.saxutils's escape, which loads urllib and
    more: a fifth of the command's own start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _raise_fault(stub, data: bytes) -> None:
    try:
        fault = SoapAdapter.SoapResponseDeserializer(stub).Deserialize(io.BytesIO(data), object)
    except Exception as exc:  # noqa: BLE001 - an answer pyvmomi cannot read either
        raise VSphereError(f"vCenter refused the request: {exc}") from None
    if isinstance(fault, BaseException):
        raise fault
    raise VSphereError(f"vCenter refused the request: {fault}")


def _obj_specs(objects: Iterable[tuple[str, str]]) -> str:
    return "".join(f'<objectSet><obj type="{kind}">{escape(moid)}</obj><skip>false</skip></objectSet>'
                   for kind, moid in objects)


def _view_spec(view_id: str) -> str:
    return (f'<objectSet><obj type="ContainerView">{escape(view_id)}</obj><skip>true</skip>'
            '<selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path>'
            '<skip>false</skip></selectSet></objectSet>')


def _prop_specs(props: dict[str, list[str]]) -> str:
    return "".join(f'<propSet><type>{kind}</type><all>false</all>'
                   + "".join(f"<pathSet>{escape(p)}</pathSet>" for p in paths) + "</propSet>"
                   for kind, paths in props.items())


def _bodies(pc, session: Session, specs: str, max_objects: int):
    """The three requests of a paged retrieval on collector ``pc``: start, continue, cancel (their raw answers)."""
    this = f'<_this type="PropertyCollector">{escape(pc._moId)}</_this>'
    return (lambda: _send(session, f'<RetrievePropertiesEx xmlns="urn:vim25">{this}<specSet>{specs}</specSet>'
                                   f'<options><maxObjects>{max_objects}</maxObjects></options></RetrievePropertiesEx>'),
            lambda token: _send(session, f'<ContinueRetrievePropertiesEx xmlns="urn:vim25">{this}<token>'
                                         f'{escape(token)}</token></ContinueRetrievePropertiesEx>'),
            lambda token: _send(session, f'<CancelRetrievePropertiesEx xmlns="urn:vim25">{this}<token>'
                                         f'{escape(token)}</token></CancelRetrievePropertiesEx>'))


def _retrieve_raw(session: Session, specs: str, max_objects: int = PAGE_SIZE) -> list[ET.Element]:
    """Every ``objects`` element (ElementTree) of a paged retrieval of the filter ``specs``."""

    def page(data: bytes) -> Page:
        result = ET.fromstring(data).find("s:Body", _NS)[0]
        return result.findall("v:returnval/v:objects", _NS), result.findtext("v:returnval/v:token", "", _NS)

    return paged(session.content,
                 lambda pc: page(_bodies(pc, session, specs, max_objects)[0]()),
                 lambda pc, token: page(_bodies(pc, session, specs, max_objects)[1](token)),
                 lambda pc, token: _bodies(pc, session, specs, max_objects)[2](token))


def _retrieve_values(session: Session, specs: str) -> dict[vim.ManagedObject, dict[str, Any]]:
    """A paged retrieval of plain values, each page read by :class:`_FastPage` (ElementTree when it cannot)."""
    values = _Values(session.stub)

    def page(data: bytes) -> Page:
        return _FastPage.read(data, values)

    pages = paged(session.content,
                  lambda pc: page(_bodies(pc, session, specs, PAGE_SIZE)[0]()),
                  lambda pc, token: page(_bodies(pc, session, specs, PAGE_SIZE)[1](token)),
                  lambda pc, token: _bodies(pc, session, specs, PAGE_SIZE)[2](token))
    return dict(pages)


class _FastPage:
    """One RetrievePropertiesEx answer read with regular expressions, ten times faster than building a tree.

    vCenter writes a RetrieveResult in one shape: ``<objects><obj type="T">id</obj>`` then, per property,
    ``<propSet><name>path</name><val xsi:type="…">text</val></propSet>``, in the default namespace, with no
    whitespace between elements. Anything else (a prefix, a value holding other elements than the plain lists
    below, a count that does not add up) is read with ElementTree instead.
    """

    _compiled = False

    @classmethod
    def _compile(cls) -> None:
        """The patterns, compiled on first use (not at import: ``--help`` and ``version`` never need them)."""
        cls.OBJECTS = re.compile(rb"<objects>(.*?)</objects>", re.S)
        cls.OBJ = re.compile(rb'<obj type="([^"]*)">([^<]*)</obj>')
        cls.PROP = re.compile(rb"<propSet><name>([^<]*)</name><val\b([^>]*)>(.*?)</val></propSet>", re.S)
        cls.ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
        cls.TOKEN = re.compile(rb"<token>([^<]*)</token>")
        cls.ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos);")
        cls.REF = re.compile(rb"<ManagedObjectReference\b")
        cls.REFS = re.compile(rb"<ManagedObjectReference\b([^>/]*)>([^<]*)</ManagedObjectReference>")
        cls.REF_TYPE = re.compile(rb'(?<![\w:])type="([^"]*)"')
        cls.STRINGS = re.compile(rb"<string\b[^>/]*>([^<]*)</string>")
        cls.OPTION = re.compile(rb"<OptionValue\b")
        cls.CUSTOM = re.compile(rb"<CustomFieldValue\b")
        cls.CUSTOMS = re.compile(rb"<CustomFieldValue\b([^>/]*)><key>([^<]*)</key><value\b[^>/]*>([^<]*)</value>"
                                 rb"</CustomFieldValue>")
        cls.OPTIONS = re.compile(rb"<OptionValue\b[^>/]*><key>([^<]*)</key><value\b[^>/]*>([^<]*)</value>"
                                 rb"</OptionValue>")
        cls._compiled = True

    @classmethod
    def read(cls, data: bytes, values: "_Values") -> Page:
        if not cls._compiled:
            cls._compile()
        try:
            return cls._read(data, values)
        except _Unexpected:
            result = ET.fromstring(data).find("s:Body", _NS)[0]
            objects = result.findall("v:returnval/v:objects", _NS)
            return list(_decode_with(values, objects).items()), result.findtext("v:returnval/v:token", "", _NS)

    @classmethod
    def _read(cls, data: bytes, values: "_Values") -> Page:
        out = []
        first = data.find(b"<objects>")
        chunks = cls.OBJECTS.findall(data)
        if len(chunks) != data.count(b"<objects>") or (first < 0 and b"objects>" in data):
            raise _Unexpected()
        for chunk in chunks:
            head = cls.OBJ.match(chunk)
            if head is None:
                raise _Unexpected()
            props = {}
            count = 0
            for name, attrs, inner in cls.PROP.findall(chunk, head.end()):
                count += 1
                props[name.decode()] = cls._value(attrs, inner, values)
            if count != chunk.count(b"<propSet>"):
                raise _Unexpected()
            out.append((values.ref_of(head.group(1).decode(), _text(head.group(2))), props))
        # The token is the result's own element, before the objects (or after, in no vCenter we know).
        token = cls.TOKEN.search(data, 0, first if first >= 0 else len(data))
        if token is None and first >= 0:
            token = cls.TOKEN.search(data, data.rfind(b"</objects>"))
        return out, _text(token.group(1)) if token else ""

    @classmethod
    def _ref_type(cls, attrs: bytes) -> str:
        found = cls.REF_TYPE.search(attrs)
        if found is None:
            raise _Unexpected()
        return found.group(1).decode()

    @classmethod
    def _value(cls, raw_attrs: bytes, inner: bytes, values: "_Values") -> Any:
        if raw_attrs.endswith(b"/"):
            raise _Unexpected()
        # xsi:type under whatever prefix the server declared for it (vCenter: xsi, govmomi: XMLSchema-instance);
        # the unprefixed ``type`` is a reference's type.
        kind, ref_type = "", b""
        for name, value in cls.ATTR.findall(raw_attrs):
            if name == b"type":
                ref_type = value
            elif name.endswith(b":type"):
                kind = value.rpartition(b":")[2].decode()
        if b"<" not in inner:
            if kind == "ManagedObjectReference":
                return values.ref_of(ref_type.decode(), _text(inner))
            if kind == "string":
                return _text(inner)
            if kind == "boolean":
                return inner == b"true"
            if kind in ("int", "long", "short", "byte"):
                return int(inner or 0)
            if kind.startswith("ArrayOf"):
                return []
            if values.is_enum(kind):
                return _text(inner)
        elif kind == "ArrayOfManagedObjectReference":
            refs = cls.REFS.findall(inner)
            if len(refs) == len(cls.REF.findall(inner)):
                return [values.ref_of(cls._ref_type(attrs), _text(moid)) for attrs, moid in refs]
        elif kind == "ArrayOfString":
            return [_text(v) for v in cls.STRINGS.findall(inner)]
        elif kind == "ArrayOfOptionValue":
            pairs = cls.OPTIONS.findall(inner)
            if len(pairs) == len(cls.OPTION.findall(inner)):
                return [(_text(k), _text(v)) for k, v in pairs]
        elif kind == "ArrayOfCustomFieldValue":
            fields = cls.CUSTOMS.findall(inner)
            if len(fields) == len(cls.CUSTOM.findall(inner)) and all(b"CustomFieldStringValue" in a
                                                                   for a, _, _ in fields):
                return [vim.CustomFieldStringValue(key=int(k), value=_text(v)) for _, k, v in fields]
        raise _Unexpected()


class _Unexpected(Exception):
    """An answer :class:`_FastPage` does not read; ElementTree does."""


_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _text(raw: bytes) -> str:
    """Character data as XML defines it: the five named entities and character references (html.unescape would
    load HTML's two thousand names for nothing)."""
    text = raw.decode()
    if "&" not in text:
        return text
    return _FastPage.ENTITY.sub(_entity, text)


def _entity(found: re.Match) -> str:
    name = found.group(1)
    if not name.startswith("#"):
        return _ENTITIES[name]
    try:
        return chr(int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:]))
    except (ValueError, OverflowError):  # no such character: not XML, ElementTree says why
        raise _Unexpected() from None


class _Values:
    """Turns ``val`` elements into plain values; managed object references become pyvmomi objects."""

    def __init__(self, stub) -> None:
        self._stub = stub
        self._types: dict[str, type] = {}
        self._refs: dict[tuple[str, str], vim.ManagedObject] = {}  # one object per reference (pools recur)

    def ref(self, element: ET.Element) -> vim.ManagedObject:
        return self.ref_of(element.get("type", ""), element.text or "")

    def ref_of(self, kind: str, moid: str) -> vim.ManagedObject:
        obj = self._refs.get((kind, moid))
        if obj is None:
            cls = self._types.get(kind)
            if cls is None:
                cls = self._types[kind] = VmomiSupport.GetWsdlType("urn:vim25", kind)
            obj = self._refs[(kind, moid)] = cls(moid, self._stub)
        return obj

    def is_enum(self, kind: str) -> bool:
        try:
            cls = self._types.get(kind) or VmomiSupport.GetWsdlType("urn:vim25", kind)
        except KeyError:
            return False
        return isinstance(cls, type) and issubclass(cls, VmomiSupport.Enum)

    def value(self, val: ET.Element) -> Any:
        kind = val.get(_XSI_TYPE, "").rpartition(":")[2]
        if kind == "string":
            return val.text or ""
        if kind == "ManagedObjectReference":
            return self.ref(val)
        if kind == "boolean":
            return val.text == "true"
        if kind in ("int", "long", "short", "byte"):
            return int(val.text or 0)
        if kind == "ArrayOfManagedObjectReference":
            return [self.ref(e) for e in val]
        if kind == "ArrayOfString":
            return [e.text or "" for e in val]
        if kind == "ArrayOfOptionValue":
            return [(e.findtext("v:key", "", _NS), e.findtext("v:value", "", _NS)) for e in val]
        if kind == "ArrayOfCustomFieldValue" and all(e.get(_XSI_TYPE, "").endswith("CustomFieldStringValue")
                                                     for e in val):
            return [vim.CustomFieldStringValue(key=int(e.findtext("v:key", "0", _NS)),
                                               value=e.findtext("v:value", "", _NS)) for e in val]
        cls = self._types.get(kind) or VmomiSupport.GetWsdlType("urn:vim25", kind)
        if issubclass(cls, VmomiSupport.Enum):
            return val.text or ""
        raise TypeError(f"a raw read keeps plain values only; {kind} is not one")


def _wsdl(kind: type) -> str:
    return VmomiSupport.GetWsdlName(kind)


def retrieve_plain(session: Session, root: vim.ManagedEntity, props: dict[type, Iterable[str]],
                   recursive: bool = True) -> dict[vim.ManagedObject, dict[str, Any]]:
    """As :func:`vic_machine.vsphere.collector.retrieve`, for properties of plain values only (see the module).

    :raise TypeError: a property holds a data object; read it with ``collector.retrieve``.
    """
    props = {t: list(p) for t, p in props.items()}
    content = session.content
    with vsphere_call("read the inventory"):
        view = content.viewManager.CreateContainerView(container=root, type=list(props), recursive=recursive)
        try:
            return _retrieve_values(session, _prop_specs({_wsdl(t): p for t, p in props.items()})
                                    + _view_spec(view._moId))
        finally:
            view.DestroyView()


def retrieve_mixed(session: Session, root: vim.ManagedEntity, plain: dict[type, Iterable[str]],
                   rich: dict[type, Iterable[str]]) -> dict[vim.ManagedObject, dict[str, Any]]:
    """``plain`` read as :func:`retrieve_plain` reads (the many objects: VMs), ``rich`` through pyvmomi (the few
    whose properties are data objects), over one container view: one request more than a single read."""
    plain = {t: list(p) for t, p in plain.items()}
    rich = {t: list(p) for t, p in rich.items()}
    content = session.content
    with vsphere_call("read the inventory"):
        view = content.viewManager.CreateContainerView(container=root, type=[*plain, *rich], recursive=True)
        try:
            found = _retrieve_values(session, _prop_specs({_wsdl(t): p for t, p in plain.items()})
                                     + _view_spec(view._moId))
            out = {o.obj: {p.name: p.val for p in o.propSet or []}
                   for o in retrieve_spec(content, view_spec(view, rich))} if rich else {}
        finally:
            view.DestroyView()
    out.update(found)
    return out


def retrieve_objects_plain(session: Session, objects: list[vim.ManagedObject],
                           paths: list[str]) -> dict[vim.ManagedObject, dict[str, Any]]:
    """As :func:`vic_machine.vsphere.collector.retrieve_objects`, for properties of plain values only."""
    if not objects:
        return {}
    kinds = {_wsdl(type(o)) for o in objects}
    with vsphere_call("read the inventory"):
        return _retrieve_values(session, _prop_specs({k: paths for k in kinds})
                                + _obj_specs((_wsdl(type(o)), o._moId) for o in objects))


def _decode(session: Session, objects: list[ET.Element]) -> dict[vim.ManagedObject, dict[str, Any]]:
    return _decode_with(_Values(session.stub), objects)


def _decode_with(values: _Values, objects: list[ET.Element]) -> dict[vim.ManagedObject, dict[str, Any]]:
    out: dict[vim.ManagedObject, dict[str, Any]] = {}
    for obj in objects:
        props: dict[str, Any] = {}
        for prop in obj.iterfind("v:propSet", _NS):
            val = prop.find("v:val", _NS)
            if val is not None:
                props[prop.findtext("v:name", "", _NS)] = values.value(val)
        out[values.ref(obj.find("v:obj", _NS))] = props
    return out


def role_names(session: Session) -> dict[int, str]:
    """Each role's name by id (the authorization manager's ``roleList``), the privileges each role lists (hundreds
    on vCenter) not read."""
    manager = session.content.authorizationManager
    with vsphere_call("read the roles"):
        objects = _retrieve_raw(session, _prop_specs({"AuthorizationManager": ["roleList"]})
                                + _obj_specs([("AuthorizationManager", manager._moId)]))
    return {int(role.findtext("v:roleId", "0", _NS)): role.findtext("v:name", "", _NS)
            for obj in objects for role in obj.iterfind("v:propSet/v:val/v:AuthorizationRole", _NS)}


def host_firewalls(session: Session, systems: dict[str, str]) -> dict[str, tuple[dict[str, bool], bool]]:
    """For each host id: (ruleset key → enabled, whether the default policy lets all outgoing traffic out).

    ``systems`` maps host ids to their firewall system ids (``configManager.firewallSystem``). The firewall
    system's ``firewallInfo`` is read, not the host's ``config.firewall``: Enable/DisableRuleset change the
    former, and vCenter's cached host configuration need not follow (as VIC 1.5.8, which reads the same).
    """
    if not systems:
        return {}
    hosts_of = {fs: host for host, fs in systems.items()}
    out: dict[str, tuple[dict[str, bool], bool]] = {}
    with vsphere_call("read the hosts' firewall state"):
        objects = _retrieve_raw(session, _prop_specs({"HostFirewallSystem": ["firewallInfo"]})
                                + _obj_specs(("HostFirewallSystem", fs) for fs in hosts_of),
                                max_objects=FIREWALL_PAGE_SIZE)
    for obj in objects:
        host = hosts_of.get(obj.findtext("v:obj", "", _NS))
        val = obj.find("v:propSet/v:val", _NS)
        if host is None or val is None:
            continue
        rulesets = {r.findtext("v:key", "", _NS): r.findtext("v:enabled", "", _NS) == "true"
                    for r in val.iterfind("v:ruleset", _NS)}
        blocked = val.findtext("v:defaultPolicy/v:outgoingBlocked", "true", _NS)
        out[host] = (rulesets, blocked == "false")
    return out
