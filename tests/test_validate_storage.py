"""Storage findings: the image datastore and volume stores exist, are accessible and reached by hosts.

vcsim 0.24.2 always reports datastores accessible, so that state is made by editing the snapshot.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pyVmomi import vim

from tests.test_validate_support import base_spec, clean_vc, codes, find
from vic_machine.spec.model import VolumeStore
from vic_machine.validate import ERROR, WARNING, validate


@pytest.fixture(scope="module")
def vc():
    # One simulator for the module: every test mounts datastores of its own names.
    with clean_vc() as vc:
        yield vc


def _mount(vc, name: str, path, *hosts: str) -> None:
    """A local datastore ``name`` backed by directory ``path``, mounted on ``hosts``."""
    for host in hosts:
        find(vc.si, vim.HostSystem, host).configManager.datastoreSystem.CreateLocalDatastore(name=name,
                                                                                            path=str(path))


def test_image_store_is_required(vc):
    spec = base_spec("vch-noimg")
    spec.storage.image_stores = []
    found = [f for f in vc.validate(spec) if f.code == "storage.image_store_required"]
    assert len(found) == 1 and found[0].path == "storage.image_stores" and "LocalDS_0" in found[0].remedy


def test_image_datastore_not_found_until_mounted(vc, tmp_path):
    spec = base_spec("vch-img")
    spec.storage.image_stores = ["ds://SharedDS/images"]
    found = vc.validate(spec)
    assert [(f.code, f.path) for f in found] == [("storage.datastore_not_found", "storage.image_stores")]
    assert "LocalDS_0" in found[0].remedy
    _mount(vc, "SharedDS", tmp_path, "DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2")
    assert vc.validate(spec) == []


def test_volume_store_datastore_not_found(vc):
    spec = base_spec("vch-vol")
    spec.storage.volume_stores = [VolumeStore(datastore="ds://VolDS/volumes", label="default")]
    assert [(f.code, f.path) for f in vc.validate(spec)] == [
        ("storage.datastore_not_found", "storage.volume_stores[0].datastore")]
    spec.storage.volume_stores[0].datastore = "ds://LocalDS_0/volumes"
    assert vc.validate(spec) == []


def test_nfs_volume_stores_are_not_looked_up_in_vcenter(vc):
    spec = base_spec("vch-nfs")
    spec.storage.volume_stores = [VolumeStore(datastore="nfs://nfs.example.com/export", label="shared")]
    assert vc.validate(spec) == []


def test_inaccessible_datastore(vc):
    spec = base_spec("vch-inacc")
    inventory = vc.inventory()
    offline = replace(inventory, datastores=tuple(replace(d, accessible=False) for d in inventory.datastores))
    found = validate(spec, offline, probes=False)
    assert [(f.level, f.code, f.path) for f in found] == [
        (ERROR, "storage.datastore_inaccessible", "storage.image_stores")]
    assert validate(spec, inventory, probes=False) == []


def test_volume_store_on_one_host_only(vc, tmp_path):
    _mount(vc, "H0Vol", tmp_path, "DC0_C0_H0")
    spec = base_spec("vch-single")
    spec.storage.volume_stores = [VolumeStore(datastore="H0Vol/volumes", label="default")]
    found = vc.validate(spec)
    assert [(f.level, f.code) for f in found] == [(WARNING, "storage.single_host")]
    assert "DC0_C0_H0" in found[0].message
    _mount(vc, "H0Vol", tmp_path, "DC0_C0_H1", "DC0_C0_H2")
    assert vc.validate(spec) == []


def test_no_host_reaches_image_and_volume_datastores_together(vc, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _mount(vc, "H0Only", tmp_path / "a", "DC0_C0_H0")
    _mount(vc, "H1Only", tmp_path / "b", "DC0_C0_H1")
    spec = base_spec("vch-split")
    spec.storage.image_stores = ["H0Only"]
    spec.storage.volume_stores = [VolumeStore(datastore="H1Only/volumes", label="default")]
    found = [f for f in vc.validate(spec) if f.step == "storage"]
    assert [(f.level, f.code) for f in found] == [(ERROR, "storage.unreachable")]
    assert "H0Only, H1Only" in found[0].message
    spec.storage.volume_stores[0].datastore = "H0Only/volumes"
    assert "storage.unreachable" not in codes(vc.validate(spec))
