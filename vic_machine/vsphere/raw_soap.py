"""Bulk reads parsed straight from the SOAP response, for properties too large for pyvmomi's object parser.

A host's firewall configuration holds some forty rulesets; for hundreds of hosts pyvmomi spends seconds building
objects for them, while all a VCH needs is each ruleset's key and state. This reads the same RetrievePropertiesEx
answer with ElementTree's C parser and keeps only those.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from vic_machine.errors import VSphereError
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

_NS = {"s": "http://schemas.xmlsoap.org/soap/envelope/", "v": "urn:vim25"}
_ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
             'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi='
             '"http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>')
PAGE_SIZE = 1000


def _post(session: Session, body: str) -> ET.Element:
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
    fault = root.find("s:Body/s:Fault", _NS)
    if fault is not None:
        raise VSphereError(f"vCenter refused the request: {fault.findtext('faultstring', '')}")
    return root.find("s:Body", _NS)[0]


def _retrieve_body(collector: str, kind: str, objects: list[str], path: str) -> str:
    specs = "".join(f'<objectSet><obj type="{kind}">{escape(o)}</obj><skip>false</skip></objectSet>'
                    for o in objects)
    return (f'<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">{escape(collector)}</_this>'
            f'<specSet><propSet><type>{kind}</type><all>false</all><pathSet>{path}</pathSet></propSet>'
            f'{specs}</specSet><options><maxObjects>{PAGE_SIZE}</maxObjects></options></RetrievePropertiesEx>')


def _continue_body(collector: str, token: str) -> str:
    return (f'<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">'
            f'{escape(collector)}</_this><token>{escape(token)}</token></ContinueRetrievePropertiesEx>')


def host_firewalls(session: Session, systems: dict[str, str]) -> dict[str, tuple[dict[str, bool], bool]]:
    """For each host id: (ruleset key → enabled, whether the default policy lets all outgoing traffic out).

    ``systems`` maps host ids to their firewall system ids (``configManager.firewallSystem``). The firewall
    system's ``firewallInfo`` is read, not the host's ``config.firewall``: Enable/DisableRuleset change the
    former, and vCenter's cached host configuration need not follow (as VIC 1.5.8, which reads the same).
    """
    if not systems:
        return {}
    hosts_of = {fs: host for host, fs in systems.items()}
    collector = session.content.propertyCollector._moId
    out: dict[str, tuple[dict[str, bool], bool]] = {}
    with vsphere_call("read the hosts' firewall state"):
        result = _post(session, _retrieve_body(collector, "HostFirewallSystem", list(hosts_of), "firewallInfo"))
        while result is not None:
            for obj in result.iterfind("v:returnval/v:objects", _NS):
                host = hosts_of.get(obj.findtext("v:obj", "", _NS))
                val = obj.find("v:propSet/v:val", _NS)
                if host is None or val is None:
                    continue
                rulesets = {r.findtext("v:key", "", _NS): r.findtext("v:enabled", "", _NS) == "true"
                            for r in val.iterfind("v:ruleset", _NS)}
                blocked = val.findtext("v:defaultPolicy/v:outgoingBlocked", "true", _NS)
                out[host] = (rulesets, blocked == "false")
            token = result.findtext("v:returnval/v:token", "", _NS)
            result = _post(session, _continue_body(collector, token)) if token else None
    return out
