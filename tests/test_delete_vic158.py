"""delete as VIC Engine 1.5.8 deletes: ``--force`` removes the datastore volume stores and skips NFS ones with a
warning; plain delete keeps every volume store and names it; a volume store folder that does not exist is
reported as not found; every step is printed once. The VCHs are planted from 1.5.8's own ``ext`` vector
(volume store ``Path`` in bracket form), and in our older bare form."""

from __future__ import annotations

import json
import re

import pytest
from pyVmomi import vim

from tests.api_support import basic, make_app, respond_async, sse_events, target_path
from tests import vic158_vectors as vectors
from tests.vch_support import datastore_files
from vic_machine.cli.main import main
from vic_machine.errors import NotFound
from vic_machine.extraconfig.gotypes import URL
from vic_machine.extraconfig.volume_store import (DatastorePath, parse_datastore_path, volume_store_location,
                                                  volume_store_removal_path)
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.vm_group import add_vm_group
from vic_machine.vsphere.collector import retrieve

VOLUME_PATH_KEY = "guestinfo.vice./storage/VolumeLocations|default/Path"
NFS_URL = "nfs://nfs.local/export?uid=1000&gid=1000"


# --- the volume store location helper (pure) ---

def test_both_path_forms_are_read():
    bracket = URL(scheme="ds", host="LocalDS_0", path="[LocalDS_0] ev")
    bare = URL(scheme="ds", host="LocalDS_0", path="ev")
    assert volume_store_location(bracket) == volume_store_location(bare) == DatastorePath("LocalDS_0", "ev")
    assert str(volume_store_location(bracket)) == "[LocalDS_0] ev"
    assert volume_store_location(URL(scheme="ds", host="LocalDS_0", path="/a//b/")) == DatastorePath("LocalDS_0",
                                                                                                     "a/b")
    assert parse_datastore_path("[my ds (1)] vols/x") == DatastorePath("my ds (1)", "vols/x")
    assert parse_datastore_path("[LocalDS_0]") == DatastorePath("LocalDS_0", "")
    assert volume_store_location(URL.parse(NFS_URL)) is None


def test_unreadable_locations_say_why():
    for text, why in (("[LocalDS_0 ev", "closing"), ("ev", "no datastore"), ("[LocalDS_0] ../x", "leaves")):
        with pytest.raises(ValueError, match=why):
            parse_datastore_path(text)


def test_the_shared_vic_folder_loses_only_its_volumes():
    assert volume_store_removal_path(DatastorePath("LocalDS_0", "VIC")) == DatastorePath("LocalDS_0", "VIC/volumes")
    assert volume_store_removal_path(DatastorePath("LocalDS_0", "ev")) == DatastorePath("LocalDS_0", "ev")


# --- on the simulator ---

def plant(session, name: str, *, volume_path: str, make_folder: bool) -> vim.VirtualMachine:
    """What 1.5.8's ``create`` of the ``ext`` vector made, renamed ``name``: pool, VM folder, DRS VM group and an
    endpoint VM carrying the vector's configuration, its default volume store at ``volume_path`` (created, with
    a file in it, when ``make_folder``), its NFS one as it is."""
    vm = vectors.plant(session, "ext", as_name=name, overrides={VOLUME_PATH_KEY: volume_path})
    found = retrieve(session.content, session.content.rootFolder, {vim.Datacenter: ["name"],
                                                                   vim.ClusterComputeResource: ["name"]})
    datacenter = next(o for o in found if isinstance(o, vim.Datacenter))
    cluster = next(o for o in found if isinstance(o, vim.ClusterComputeResource))
    add_vm_group(cluster, name, [vm])
    if make_folder:
        where = parse_datastore_path(volume_path, "LocalDS_0")
        session.content.fileManager.MakeDirectory(name=str(where), datacenter=datacenter,
                                                  createParentDirectories=True)
        session.content.fileManager.MakeDirectory(name=f"{where}/volumes", datacenter=datacenter)
    return vm


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(appliance=False, pg=3)  # the model the 1.5.8 vectors were written on


@pytest.fixture
def no_iso(tmp_path, monkeypatch):
    """No appliance ISO at hand: the planted 1.5.8 VCH is not refused for its version."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VIC_ISO_DIR", str(tmp_path))


def on_datastore(session, folder: str) -> bool:
    return f"[LocalDS_0]/{folder}" in datastore_files(session)


def gone(session, name: str) -> bool:
    try:
        find_vch(session, name=name)
    except NotFound:
        return True
    return False


def lines_of(text: str) -> list[str]:
    """Output lines, stripped: one message is one line, never wrapped (no terminal here)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def reference_messages(name: str) -> list[str]:
    """The msg of every line of a 1.5.8 delete output."""
    out = []
    for line in (vectors.VECTORS / name).read_text().splitlines():
        found = re.search(r'msg=("(?:[^"\\]|\\.)*"|\S+)', line)
        if found:
            msg = found.group(1)
            out.append(msg[1:-1].replace('\\"', '"') if msg.startswith('"') else msg)
    return out


def delete_cli(world, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["delete", *world.target_args, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_force_removes_the_datastore_store_and_skips_nfs_each_step_once(world, capsys, no_iso):
    plant(world.session, "f158", volume_path="[LocalDS_0] f158-ev", make_folder=True)
    assert on_datastore(world.session, "f158-ev")

    code, out, err = delete_cli(world, capsys, "--name", "f158", "--force")
    assert code == 0, err
    assert not on_datastore(world.session, "f158-ev")
    assert gone(world.session, "f158")
    lines = lines_of(err + out)
    text = "\n".join(lines)
    assert "[LocalDS_0] [LocalDS_0]" not in text
    # 1.5.8's steps for this VCH, in its order: the datastore store, the NFS warning, the firewall note, done.
    reference = reference_messages("ext.delete-force.txt")
    assert [m for m in reference if "volume store" in m.lower() or "VolumeStore" in m][-2:] == [
        'Deleting volume store "default" on Datastore "LocalDS_0" at path "ev_r"',
        f"Cannot delete VolumeStore ({NFS_URL}). It may not be reachable by vic-machine and has been skipped by "
        "the delete process."]
    ours = [next(i for i, line in enumerate(lines) if pattern in line) for pattern in (
        "Removed volume store default ([LocalDS_0] f158-ev)", f"Skipped NFS volume store nfsvol ({NFS_URL})",
        "firewall", "Completed successfully")]
    assert ours == sorted(ours)
    assert "may not be reachable" in lines[ours[1]] and "Warning" in lines[ours[1]]
    # Each thing said once, whatever the stream.
    assert len(lines) == len(set(lines)), text
    for what in ("endpoint VM f158", "folder [LocalDS_0] f158", "DRS VM group f158", "VM folder f158",
                 "resource pool f158"):
        assert sum(what in line for line in lines) == 1, (what, text)


def test_plain_delete_keeps_every_volume_store_and_names_them(world, capsys, no_iso):
    plant(world.session, "k158", volume_path="[LocalDS_0] k158-ev", make_folder=True)

    code, out, err = delete_cli(world, capsys, "--name", "k158")
    assert code == 0, err
    assert on_datastore(world.session, "k158-ev") and on_datastore(world.session, "k158-ev/volumes")
    assert gone(world.session, "k158")
    lines = lines_of(err + out)
    kept_ds = [line for line in lines if "Kept volume store default ([LocalDS_0] k158-ev)" in line]
    kept_nfs = [line for line in lines if f"Kept NFS volume store nfsvol ({NFS_URL})" in line]
    assert len(kept_ds) == 1 and len(kept_nfs) == 1, lines
    assert any("--force" in line and "--delete-volumes" in line for line in lines)
    assert not any("Removed volume store" in line for line in lines)
    assert len(lines) == len(set(lines))


def test_a_store_whose_folder_is_missing_is_not_found_not_removed(world, capsys, no_iso):
    plant(world.session, "n158", volume_path="[LocalDS_0] n158-ev", make_folder=False)

    code, out, err = delete_cli(world, capsys, "--name", "n158", "--force", "--output", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["not_found"] == ["volume store default ([LocalDS_0] n158-ev)"]
    assert not any("volume store default" in what for what in result["removed"])
    assert result["kept"] == [f"NFS volume store nfsvol ({NFS_URL})"]
    assert any("NFS" in w and "skipped" in w.lower() for w in result["warnings"])
    assert gone(world.session, "n158")


def test_our_older_bare_path_form_is_removed_by_delete_volumes(world):
    """Our VCHs before the encoder wrote 1.5.8's bracket form: ``Path = b158-ev`` with the datastore in Host."""
    plant(world.session, "b158", volume_path="b158-ev", make_folder=True)
    result = delete_vch(world.session, find_vch(world.session, name="b158"), delete_volumes=True)
    assert "volume store default ([LocalDS_0] b158-ev)" in result.removed
    assert not on_datastore(world.session, "b158-ev")


def test_api_volume_stores_all_removes_them_containers_all_alone_does_not(world, tmp_path):
    """vic-machine-server 1.5.8's delete body: ``volume_stores`` decides, ``containers`` does not."""
    client = make_app(world.sim, ISO_DIR=str(tmp_path)).test_client()
    auth = basic(world.sim.username, world.sim.password)
    for name, body, kept in (("a158", {"containers": "all"}, True),
                             ("v158", {"containers": "all", "volume_stores": "all"}, False)):
        vm = plant(world.session, name, volume_path=f"[LocalDS_0] {name}-ev", make_folder=True)
        started = client.delete(f"{target_path(world.sim)}/vch/{vm._moId}", json=body, headers=respond_async(auth))
        assert started.status_code == 202, started.json
        _, final = sse_events(client, started.json["id"], auth)[-1]
        assert final["state"] == "success", final
        assert on_datastore(world.session, f"{name}-ev") is kept, (name, final)
        assert gone(world.session, name)
        # The API's result says what the CLI's does: NFS stores are never removed, and why.
        assert {"not_found", "warnings"} <= set(final["result"]), final
        assert any("nfsvol" in w for w in final["result"]["warnings"] + final["result"]["kept"])


def test_delete_volumes_on_a_158_vch_removes_its_folder(world, capsys, no_iso):
    """Our alias, on 1.5.8's bracket form: ``--volume-store LocalDS_0:default`` is ``[LocalDS_0] VIC``, the folder
    shared with the image stores, of which only ``VIC/volumes`` is the store's."""
    plant(world.session, "s158", volume_path="[LocalDS_0] VIC", make_folder=True)
    code, out, err = delete_cli(world, capsys, "--name", "s158", "--delete-volumes")
    assert code == 0, err
    assert on_datastore(world.session, "VIC") and not on_datastore(world.session, "VIC/volumes")
    lines = lines_of(err + out)
    assert sum("Removed volume store default ([LocalDS_0] VIC)" in line for line in lines) == 1, lines
    assert "[LocalDS_0] [LocalDS_0]" not in err + out


def test_a_vm_group_already_gone_does_not_stop_the_delete(world):
    """``UseVMGroup`` says there is a DRS VM group, but it was removed by hand: delete removes the rest."""
    vectors.plant(world.session, "ext")  # 1.5.8's ext VCH, its DRS VM group not made
    result = delete_vch(world.session, find_vch(world.session, name="ext"))
    assert gone(world.session, "ext") and "resource pool ext" in result.removed
    assert not any("DRS VM group" in r for r in result.removed)
