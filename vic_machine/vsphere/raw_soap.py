"""Bulk reads parsed straight from the SOAP response, for answers too large for pyvmomi's object parser.

pyvmomi parses an answer with a Python callback per XML element and builds an object per value: reading the
name, pool and guest name of 5,000 VMs costs about half a second of parsing alone, several times what vCenter
takes to answer. These reads send the same RetrievePropertiesEx (paged as :mod:`vic_machine.vsphere.collector`
pages, tokens followed, the same fallback), parse the answer with ElementTree's C parser and keep only plain
values: strings, numbers, booleans, enumerations, managed object references (as pyvmomi objects on the session's
stub, equal to the ones pyvmomi makes), and lists of those; extraConfig as (key, value) pairs. A host's firewall
configuration (some forty rulesets) is reduced to each ruleset's key and state.

Faults are decoded by pyvmomi and raised as it raises them, so :func:`vsphere_call` translates them alike.
"""

from __future__ import annotations

import gzip
import io
import xml.etree.ElementTree as ET
from typing import Any, Iterable
from xml.sax.saxutils import escape

from pyVmomi import SoapAdapter, VmomiSupport, vim

from vic_machine.errors import VSphereError
from vic_machine.vsphere.collector import PAGE_SIZE, Page, paged
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


def _post(session: Session, body: str) -> ET.Element:
    """Send one SOAP request on the session's stub (counted as one round trip); the answer's Body child.

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
        data = gzip.decompress(data)
    root = ET.fromstring(data)
    if root.find("s:Body/s:Fault", _NS) is not None:
        _raise_fault(stub, data)
    return root.find("s:Body", _NS)[0]


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


def _retrieve_raw(session: Session, specs: str, max_objects: int = PAGE_SIZE) -> list[ET.Element]:
    """Every ``objects`` element of a paged retrieval of the filter ``specs`` (its propSet and objectSet)."""

    def page(result: ET.Element) -> Page:
        return result.findall("v:returnval/v:objects", _NS), result.findtext("v:returnval/v:token", "", _NS)

    def first(pc) -> Page:
        return page(_post(session, f'<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">'
                                   f'{escape(pc._moId)}</_this><specSet>{specs}</specSet><options><maxObjects>'
                                   f'{max_objects}</maxObjects></options></RetrievePropertiesEx>'))

    def more(pc, token: str) -> Page:
        return page(_post(session, f'<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">'
                                   f'{escape(pc._moId)}</_this><token>{escape(token)}</token>'
                                   '</ContinueRetrievePropertiesEx>'))

    def cancel(pc, token: str) -> None:
        _post(session, f'<CancelRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">'
                       f'{escape(pc._moId)}</_this><token>{escape(token)}</token></CancelRetrievePropertiesEx>')

    return paged(session.content, first, more, cancel)


class _Values:
    """Turns ``val`` elements into plain values; managed object references become pyvmomi objects."""

    def __init__(self, stub) -> None:
        self._stub = stub
        self._types: dict[str, type] = {}

    def ref(self, element: ET.Element) -> vim.ManagedObject:
        kind = element.get("type", "")
        cls = self._types.get(kind)
        if cls is None:
            cls = self._types[kind] = VmomiSupport.GetWsdlType("urn:vim25", kind)
        return cls(element.text or "", self._stub)

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
            objects = _retrieve_raw(session, _prop_specs({_wsdl(t): p for t, p in props.items()})
                                    + _view_spec(view._moId))
        finally:
            view.DestroyView()
    return _decode(session, objects)


def retrieve_objects_plain(session: Session, objects: list[vim.ManagedObject],
                           paths: list[str]) -> dict[vim.ManagedObject, dict[str, Any]]:
    """As :func:`vic_machine.vsphere.collector.retrieve_objects`, for properties of plain values only."""
    if not objects:
        return {}
    kinds = {_wsdl(type(o)) for o in objects}
    with vsphere_call("read the inventory"):
        found = _retrieve_raw(session, _prop_specs({k: paths for k in kinds})
                              + _obj_specs((_wsdl(type(o)), o._moId) for o in objects))
    return _decode(session, found)


def _decode(session: Session, objects: list[ET.Element]) -> dict[vim.ManagedObject, dict[str, Any]]:
    values = _Values(session.stub)
    out: dict[vim.ManagedObject, dict[str, Any]] = {}
    for obj in objects:
        props: dict[str, Any] = {}
        for prop in obj.iterfind("v:propSet", _NS):
            val = prop.find("v:val", _NS)
            if val is not None:
                props[prop.findtext("v:name", "", _NS)] = values.value(val)
        out[values.ref(obj.find("v:obj", _NS))] = props
    return out


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
