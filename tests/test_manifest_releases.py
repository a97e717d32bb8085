"""One manifest per vSphere Client release, chosen as VMware's multi-manifest rules say (issue 19): the stand-in,
playing vSphere Client 7.0 U2 or 8.0, downloads what the extension names from the plug-in server, picks the
manifest its rules accept and refuses one that breaks them."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest

from plugin_server.manifest import load_releases, render_manifest
from plugin_server.manifest_package import multi_manifest_zip
from plugin_server.registration import register, unregister
from sim.client.app import ClientConfig, create_client_app
from sim.client.manifest_rules import RELEASES, ManifestRefused, environment_problems, load, schema_problems
from sim.client.stack import start_plugin_server
from tests.support import session_for

RULES = {"plugin-80.json": RELEASES["8.0"], "plugin-70u2.json": RELEASES["7.0u2"]}


@pytest.fixture(scope="module")
def server(sim, tmp_path_factory):
    url, thumbprint, stop = start_plugin_server(sim, tmp_path_factory.mktemp("plugin-server"))
    yield url, thumbprint
    stop()


@pytest.fixture
def registered(sim, server):
    """register(name) registers the server's file ``name`` under a fresh key; returns the key."""
    admin = session_for(sim)
    keys = []

    def do(name: str) -> str:
        key = f"com.example.vic-{uuid.uuid4().hex[:8]}"
        register(admin, server[0].replace("plugin.json", name), server[1], key=key, force=True)
        keys.append(key)
        return key

    yield do
    for key in keys:
        unregister(admin, key)
    admin.logout()


def stand_in(sim, key: str, release: str):
    config = ClientConfig(host=sim.host, port=sim.port, thumbprint=sim.thumbprint_sha256, extension_key=key,
                          release=release)
    client = create_client_app(config).test_client()
    r = client.post("/login", data={"username": sim.username, "password": sim.password})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return client


def plain_vm(sim) -> str:
    session = session_for(sim)
    try:
        view = session.content.viewManager.CreateContainerView(session.content.rootFolder, [], True)
        return next(o._moId for o in view.view if type(o).__name__.endswith("VirtualMachine"))
    finally:
        session.logout()


def test_each_manifest_fits_the_release_it_is_for_and_declares_what_it_uses():
    for release in load_releases():
        doc = render_manifest(release=release)
        assert schema_problems(doc, RULES[release.file]) == [], release.file
        assert environment_problems(doc, RULES[release.file]) == [], release.file
        assert doc["requirements"]["icon.sprite.sheet.theming"] == "1.0.0"  # the dark sprite overrides
        assert doc["requirements"]["plugin.dynamic.extensions"] == "1.0.0"
    # The 7.0 U2 one claims no release before it, and has no dynamic Summary card (the view decides instead).
    old = render_manifest(release=load_releases()[-1])
    assert old["requirements"]["vsphere.client"]["version"] == "[7.0.2,)"
    assert "dynamicUri" not in old["objects"]["VirtualMachine"]["summary"]
    assert old["objects"]["VirtualMachine"]["menu"]["dynamicUri"]


def test_the_multi_manifest_lists_newest_first_with_every_file_at_the_zip_root():
    archive = zipfile.ZipFile(io.BytesIO(multi_manifest_zip()))
    listing = json.loads(archive.read("plugin-multi-manifest.json"))
    assert listing == {"manifestVersion": "1.0.0", "manifests": ["plugin-80.json", "plugin-70u2.json"]}
    assert sorted(archive.namelist()) == sorted(["plugin-multi-manifest.json", *listing["manifests"]])
    assert multi_manifest_zip() == multi_manifest_zip()  # the same bytes each time: vCenter's cache holds


@pytest.mark.parametrize("release,chosen", [("8.0", "plugin-80.json"), ("7.0u2", "plugin-70u2.json")])
def test_the_stand_in_loads_our_multi_manifest(sim, registered, release, chosen):
    key = registered("plugin-multi-manifest.zip")
    client = stand_in(sim, key, release)
    page = client.get("/").get_data(as_text=True)
    assert 'role="alert"' not in page, page[page.find('role="alert"'):][:400]
    assert "vSphere Integrated Containers" in page
    assert f"/ui/plugin/{key}" in page
    # A VM that is no VCH: 8.0 asks the server (dynamic card, hidden); 7.0 U2 shows the static card to the view.
    vm_page = client.get(f"/ui/object/VirtualMachine/{plain_vm(sim)}").get_data(as_text=True)
    assert ('id="card-card"' in vm_page) is (chosen == "plugin-70u2.json")


def test_the_stand_in_refuses_a_manifest_its_release_does_not_accept(sim, registered):
    key = registered("plugin-80.json")  # an 8.0 manifest given to 7.0 U2 alone
    page = stand_in(sim, key, "7.0u2").get("/").get_data(as_text=True)
    assert "Cannot load the plug-in&#39;s manifest" in page
    assert "requirements.open.modal.api is not in the vSphere Client 7.0 U2 manifest schema" in page
    assert f"/ui/plugin/{key}" not in page
    # plugin.json (the 7.0 U2 manifest) loads in both.
    key = registered("plugin.json")
    for release in RELEASES:
        assert f"/ui/plugin/{key}" in stand_in(sim, key, release).get("/").get_data(as_text=True)


def broken(change) -> dict:
    doc = render_manifest(release=load_releases()[0])
    change(doc)
    return doc


@pytest.mark.parametrize("change,rule", [
    (lambda d: d["requirements"].pop("icon.sprite.sheet.theming"), "icon.sprite.sheet.theming capability"),
    (lambda d: d["requirements"].pop("plugin.dynamic.extensions"), "plugin.dynamic.extensions capability"),
    (lambda d: d.update(extra=1), "top-level key 'extra'"),
    (lambda d: d.update(manifestVersion="2.0.0"), "manifestVersion '2.0.0'"),
    (lambda d: d["requirements"]["vsphere.client"].update(version="7.0.2+"), "vsphere.client.version"),
    (lambda d: d["configuration"].pop("nameKey"), "configuration.nameKey"),
], ids=["theming", "dynamic", "top-level", "version", "range", "name"])
def test_the_stand_in_names_the_rule_a_broken_manifest_breaks(change, rule):
    with pytest.raises(ManifestRefused, match=rule.replace(".", r"\.").replace("(", r"\(")):
        load("plugin.json", json.dumps(broken(change)).encode(), RELEASES["8.0"])


def test_requirements_choose_among_manifests_from_8_0_u3_but_only_fail_before_it():
    too_new = broken(lambda d: d["requirements"]["vsphere.client"].update(version="[9.0,)"))
    fallback = render_manifest(release=load_releases()[-1])
    files = {"plugin-multi-manifest.json": {"manifests": ["new.json", "old.json"]}, "new.json": too_new,
             "old.json": fallback}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, doc in files.items():
            archive.writestr(name, json.dumps(doc))
    assert load("p.zip", buffer.getvalue(), RELEASES["8.0"])["_file"] == "old.json"
    too_new.pop("objects")  # parses in 7.0 U2, then is deployed and found incompatible (KB 313514)
    too_new["requirements"].pop("open.modal.api")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, doc in {**files, "new.json": too_new}.items():
            archive.writestr(name, json.dumps(doc))
    with pytest.raises(ManifestRefused, match="new.json was chosen but is incompatible"):
        load("p.zip", buffer.getvalue(), RELEASES["7.0u2"])
