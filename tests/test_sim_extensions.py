"""The simulator's ExtensionManager, through pyvmomi."""

from __future__ import annotations

import datetime

import pytest
from pyVmomi import vim, vmodl
from pyVim.task import WaitForTask


def make_extension(key: str, version: str = "1.0.0") -> vim.Extension:
    label = vim.Description(label="VIC plug-in", summary="Virtual container hosts")
    return vim.Extension(
        key=key,
        version=version,
        company="Example",
        description=label,
        lastHeartbeatTime=datetime.datetime.now(datetime.timezone.utc),
        client=[
            vim.Extension.ClientInfo(
                type="vsphere-client-remote",
                url="https://127.0.0.1:8443/plugin.json",
                version=version,
                company="Example",
                description=label,
            )
        ],
        server=[
            vim.Extension.ServerInfo(
                type="MANIFEST_SERVER",
                url="https://127.0.0.1:8443/plugin.json",
                serverThumbprint="AA:BB",
                company="Example",
                description=label,
                adminEmail=["admin@example.com"],
            )
        ],
    )


def extension_keys_via_property_collector(si: vim.ServiceInstance) -> list[str]:
    manager = si.content.extensionManager
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=manager)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.ExtensionManager, pathSet=["extensionList"])],
    )
    result = si.content.propertyCollector.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
    (content,) = result.objects
    (prop,) = content.propSet
    return [extension.key for extension in prop.val]


def test_register_find_update_unregister(si, fresh_name):
    manager = si.content.extensionManager
    key = fresh_name("com.example.vic")

    assert manager.FindExtension(key) is None
    manager.RegisterExtension(make_extension(key, "1.0.0"))

    found = manager.FindExtension(key)
    assert found.version == "1.0.0"
    assert found.client[0].type == "vsphere-client-remote"
    assert found.server[0].adminEmail == ["admin@example.com"]

    manager.UpdateExtension(make_extension(key, "1.1.0"))
    assert manager.FindExtension(key).version == "1.1.0"

    manager.UnregisterExtension(key)
    assert manager.FindExtension(key) is None
    assert key not in extension_keys_via_property_collector(si)


def test_registering_a_key_twice_is_invalid_argument(si, fresh_name):
    manager = si.content.extensionManager
    key = fresh_name("com.example.dup")
    manager.RegisterExtension(make_extension(key))
    try:
        with pytest.raises(vmodl.fault.InvalidArgument):
            manager.RegisterExtension(make_extension(key, "2.0.0"))
        assert manager.FindExtension(key).version == "1.0.0"
    finally:
        manager.UnregisterExtension(key)


def test_update_or_unregister_unknown_key_is_not_found(si, fresh_name):
    manager = si.content.extensionManager
    key = fresh_name("com.example.absent")
    with pytest.raises(vim.fault.NotFound):
        manager.UpdateExtension(make_extension(key))
    with pytest.raises(vim.fault.NotFound):
        manager.UnregisterExtension(key)
    with pytest.raises(vim.fault.NotFound):
        manager.SetExtensionCertificate(key, "-----BEGIN CERTIFICATE-----")
    assert manager.FindExtension(key) is None


def test_extension_list_seen_by_the_property_collector(si, fresh_name):
    manager = si.content.extensionManager
    keys = [fresh_name("com.example.a"), fresh_name("com.example.b")]
    for key in keys:
        manager.RegisterExtension(make_extension(key))
    try:
        listed = extension_keys_via_property_collector(si)
        assert all(key in listed for key in keys)
        assert [e.key for e in manager.extensionList if e.key in keys] == keys
    finally:
        for key in keys:
            manager.UnregisterExtension(key)
    assert not set(keys) & set(extension_keys_via_property_collector(si))


def test_query_managed_by_finds_the_marked_vm(si, fresh_name):
    manager = si.content.extensionManager
    key = fresh_name("com.example.managed")
    manager.RegisterExtension(make_extension(key))
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
    vm = view.view[0]
    view.DestroyView()
    try:
        assert manager.QueryManagedBy(key) == []
        spec = vim.vm.ConfigSpec(managedBy=vim.ext.ManagedByInfo(extensionKey=key, type="VicApplianceVM"))
        WaitForTask(vm.ReconfigVM_Task(spec))
        assert [found._moId for found in manager.QueryManagedBy(key)] == [vm._moId]
    finally:
        manager.UnregisterExtension(key)


def test_set_extension_certificate_on_a_registered_extension(si, fresh_name):
    manager = si.content.extensionManager
    key = fresh_name("com.example.cert")
    manager.RegisterExtension(make_extension(key))
    try:
        manager.SetExtensionCertificate(key, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        assert manager.FindExtension(key) is not None
    finally:
        manager.UnregisterExtension(key)
