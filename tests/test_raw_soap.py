"""Raw SOAP answers read as pyvmomi would read them, in vCenter's spelling and govmomi's (no simulator needed)."""

from __future__ import annotations

from pyVmomi import vim

from vic_machine.vsphere.raw_soap import _FastPage, _Values

ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/'
            'envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
            'instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>{token}{objects}'
            '</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>')
VCENTER = ('<objects><obj type="VirtualMachine">vm-1</obj>'
           '<propSet><name>name</name><val xsi:type="xsd:string">a &amp; b &#233;</val></propSet>'
           '<propSet><name>resourcePool</name><val xsi:type="ManagedObjectReference" type="ResourcePool">resgroup-2'
           '</val></propSet>'
           '<propSet><name>runtime.powerState</name><val xsi:type="VirtualMachinePowerState">poweredOn</val></propSet>'
           '<propSet><name>config.template</name><val xsi:type="xsd:boolean">false</val></propSet>'
           '<propSet><name>config.hardware.numCPU</name><val xsi:type="xsd:int">2</val></propSet>'
           '<propSet><name>datastore</name><val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference '
           'xsi:type="ManagedObjectReference" type="Datastore">datastore-1</ManagedObjectReference>'
           '<ManagedObjectReference type="Datastore" xsi:type="ManagedObjectReference">datastore-2'
           '</ManagedObjectReference></val></propSet>'
           '<propSet><name>config.extraConfig</name><val xsi:type="ArrayOfOptionValue"><OptionValue xsi:type='
           '"OptionValue"><key>guestinfo.vice./init/common/name</key><value xsi:type="xsd:string">vch &lt;1&gt;'
           '</value></OptionValue><OptionValue><key>empty</key><value xsi:type="xsd:string"></value></OptionValue>'
           '</val></propSet></objects>')
GOVMOMI = ('<objects><obj type="VirtualMachine">vm-3</obj><propSet><name>name</name><val xmlns:XMLSchema-instance='
           '"http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="xsd:string">c</val></propSet>'
           '</objects>')


def _read(objects: str, token: str = ""):
    data = ENVELOPE.format(token=f"<token>{token}</token>" if token else "", objects=objects).encode()
    return _FastPage.read(data, _Values(None))


def test_vcenter_spelling():
    [(vm, props), (other, _)], token = _read(VCENTER + GOVMOMI.replace("vm-3", "vm-4"), token="t-1")
    assert token == "t-1" and vm == vim.VirtualMachine("vm-1") and other == vim.VirtualMachine("vm-4")
    assert props["name"] == "a & b é" and props["resourcePool"] == vim.ResourcePool("resgroup-2")
    assert props["runtime.powerState"] == "poweredOn" and props["config.template"] is False
    assert props["config.hardware.numCPU"] == 2
    assert props["datastore"] == [vim.Datastore("datastore-1"), vim.Datastore("datastore-2")]
    assert props["config.extraConfig"] == [("guestinfo.vice./init/common/name", "vch <1>"), ("empty", "")]


def test_govmomi_spelling_and_no_token():
    [(vm, props)], token = _read(GOVMOMI)
    assert vm == vim.VirtualMachine("vm-3") and props == {"name": "c"} and token == ""


def test_what_the_fast_reader_does_not_know_is_read_by_elementtree():
    # a self-closing value, a data object: the same answer ElementTree reads
    odd = ('<objects><obj type="VirtualMachine">vm-5</obj><propSet><name>name</name><val xsi:type="xsd:string"/>'
           '</propSet><propSet><name>config.uuid</name><val xsi:type="xsd:string">u</val></propSet></objects>')
    [(vm, props)], _ = _read(odd)
    assert vm == vim.VirtualMachine("vm-5") and props == {"name": "", "config.uuid": "u"}
