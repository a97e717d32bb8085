"""``…/vch/{id}/log``: the newest create log vic-machine wrote beside the VCH's VM files."""

from __future__ import annotations

import re

from pyVmomi import vim

from vic_machine.errors import AuthenticationError, NotFound, PermissionDenied, TargetError
from vic_machine.operations.ls import VchSummary
from vic_machine.operations.upload import _connection, folder_url_path
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import wait_for_task

_VMX = re.compile(r"^\[(?P<ds>[^\]]+)\]\s*(?P<dir>.*)/[^/]+$")
MAX_BYTES = 4 * 1024 * 1024


def _vm_dir(vch: VchSummary) -> tuple[str, str]:
    match = _VMX.match(str(vch.props.get("config.files.vmPathName", "")))
    if not match:
        raise NotFound(f"The files of VCH {vch.name} are not known to vCenter")
    return match["ds"], match["dir"]


def _datastore_and_dc(session: Session, vch: VchSummary, name: str) -> tuple[vim.Datastore, str]:
    props = retrieve_objects(session.content, [vch.vm], ["datastore"]).get(vch.vm, {})
    stores = props.get("datastore") or []
    names = retrieve_objects(session.content, stores, ["name"]) if stores else {}
    store = next((d for d, p in names.items() if p.get("name") == name), None)
    if store is None:
        raise NotFound(f"Datastore {name} of VCH {vch.name} not found")
    obj = vch.vm
    while obj is not None and not isinstance(obj, vim.Datacenter):
        obj = retrieve_objects(session.content, [obj], ["parent"]).get(obj, {}).get("parent")
    dc = retrieve_objects(session.content, [obj], ["name"])[obj]["name"] if obj is not None else ""
    return store, dc


def read_create_log(session: Session, vch: VchSummary) -> str:
    """The newest ``vic-machine_*_create_*.log`` in the VCH's folder.

    :raise NotFound: the VCH has no create log (VIC 1.5 writes one too; a VCH whose create crashed may not).
    """
    ds_name, vm_dir = _vm_dir(vch)
    store, dc = _datastore_and_dc(session, vch, ds_name)
    browser = retrieve_objects(session.content, [store], ["browser"])[store]["browser"]
    spec = vim.host.DatastoreBrowser.SearchSpec(matchPattern=["vic-machine_*.log"])
    with vsphere_call("look for the create log", f"[{ds_name}] {vm_dir}"):  # Datastore.Browse
        task = browser.SearchDatastore_Task(datastorePath=f"[{ds_name}] {vm_dir}", searchSpec=spec)
    result = wait_for_task(task, "look for the create log", vch.name)
    files = sorted(f.path for f in (getattr(result, "file", None) or []) if "_create_" in f.path)
    if not files:
        raise NotFound(f"VCH {vch.name} has no create log in [{ds_name}] {vm_dir}")
    conn = _connection(session)
    try:
        conn.request("GET", folder_url_path(dc, ds_name, f"{vm_dir}/{files[-1]}"),
                     headers={"Cookie": session.stub.cookie})
        response = conn.getresponse()
        body = response.read(MAX_BYTES)
    finally:
        conn.close()
    if response.status == 401:
        raise AuthenticationError(f"vCenter refused to read the create log of {vch.name}: not logged in",
                                  remedy="Log in again")
    if response.status == 403:
        raise PermissionDenied(f"Cannot read the create log of {vch.name}: missing privilege Datastore.Browse on "
                               f"datastore {ds_name}", remedy="Ask your vSphere administrator for Datastore.Browse")
    if response.status != 200:
        raise TargetError(f"vCenter answered {response.status} reading the create log of {vch.name}")
    return body.decode("utf-8", "replace")
