"""What an administrator noticed walking through the views (issue 15), each checked in the browser: the Summary
tab counts VCHs without listing them and names the appliance and the vCenter; no request answers 404 (favicon,
the card of a container VM); the wizard's pages read well (check boxes, the operations user, sentences, the
datastore list, the compute tree beside many VCHs, limits with their maximum and Unlimited, sizes in units); what
vic-ui 1.5 had (anonymous volumes, registries secure or insecure, syslog as protocol, host and port)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import open_home, open_wizard, plant_container, plant_vchs
from e2e.test_lifecycle import api
from e2e.test_wizard import field, next_page

POOLS = [f"pool-vch-{n}" for n in range(8)]


@pytest.fixture(scope="module")
def planted(stack):
    ids = plant_vchs(stack, POOLS)
    plant_container(stack, ids[0], "web-7")
    return ids


@pytest.fixture
def not_found(page: Page):
    """Every answer of 404 or more the page (and its frames) got."""
    seen = []
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return seen


def test_summary_tab_counts_without_listing_and_names_appliance_and_vcenter(page: Page, stack, planted, not_found):
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    home = open_home(page)
    listed = len(api(stack, "GET", "/vch")["vchs"])  # the list, as the API answers it (other tests' VCHs too)
    assert listed >= len(POOLS)
    expect(home.locator("#vch-count")).to_have_text(str(listed), timeout=20000)
    appliance = home.locator("#card-appliance")
    expect(appliance).to_contain_text("v1.5.8")
    expect(appliance).to_contain_text("OK: the plug-in server answers")
    vcenter = home.locator("#card-vcenter")
    expect(vcenter).to_contain_text(f"{stack.sim.host}:{stack.sim.port}")
    expect(vcenter).to_contain_text(stack.sim.username)
    assert not [u for u in asked if u.split("?")[0].endswith("/vch")], asked  # counted, not listed
    assert not not_found, not_found  # no favicon.ico, nothing else missing


def test_container_vm_card_names_its_vm_and_asks_nothing_that_is_not_there(page: Page, planted, not_found):
    home = open_home(page)
    home.locator("#tab-containers").click()
    row = home.locator("tr[data-row]:has-text('web-7')")
    expect(row.locator("td.vic-power")).to_have_text("Powered on")
    vm_link = row.locator("td:nth-child(6) a")
    expect(vm_link).to_have_text(re.compile(r"^web-7-[0-9a-f]{12}$"))  # the VM's name, not vm-198
    vm_link.click()
    card = page.frame_locator("iframe.card-view")
    expect(card.locator(".vic-portlet[data-kind=container]")).to_contain_text("nginx:1.25")
    expect(card.locator(".vic-portlet")).to_contain_text("Powered on")
    assert not not_found, not_found


def test_pages_read_well(page: Page, planted, fresh_name):
    wizard = open_wizard(page)
    field(wizard, "name").locator("input").fill(fresh_name("read"))
    next_page(wizard, "compute")
    # The tree lists what can hold a VCH; pools that hold one are counted, not listed, and the limits stay in view.
    tree = wizard.locator(".vic-compute")
    for name in POOLS:
        expect(tree).not_to_contain_text(name)
    note = tree.locator(".vic-tree-note")
    expect(note).to_contain_text(re.compile(r"\d+ resource pools holding a virtual container host"))
    assert int(note.inner_text().split()[0]) >= len(POOLS)
    wizard.get_by_label("DC0_C0").check()
    cpu = field(wizard, "compute.cpu.limit")
    expect(cpu.locator("input.vic-unlimited")).to_be_checked()
    expect(cpu.locator(".vic-hint")).to_have_text("Maximum on DC0_C0: 4121 MHz")
    expect(field(wizard, "compute.memory.limit").locator(".vic-hint")).to_have_text("Maximum on DC0_C0: 961 MiB")
    expect(cpu.locator("select.vic-unit-select option")).to_have_text(["MHz", "GHz"])
    memory = field(wizard, "compute.memory.limit")
    expect(memory).to_be_in_viewport()
    # A check box: its label in the label column, what it does beside the box, not run together.
    wizard.locator("details.vic-advanced > summary").click()
    group = field(wizard, "compute.affinity.use_vm_group")
    expect(group.locator("label").first).to_have_text("Create a DRS VM group")
    text = group.locator(".vic-check-text")
    assert text.inner_text() and "Create a DRS VM group" not in text.inner_text()
    assert group.locator("label").first.bounding_box()["x"] + group.locator("label").first.bounding_box()["width"] \
        <= text.bounding_box()["x"], "the label runs into the text beside the box"
    next_page(wizard, "storage")
    datastore = field(wizard, "storage.image_stores").locator("select")
    expect(datastore).to_have_value("")
    expect(datastore.locator("option:checked")).to_have_text("Choose a datastore…")  # not a blank list
    size = field(wizard, "storage.base_image_size")
    expect(size.locator("input.vic-amount")).to_have_value("8")
    expect(size.locator("select.vic-unit-select")).to_have_value("GB")
    expect(size.locator("select.vic-unit-select option")).to_have_text(["GB", "GiB", "MB", "MiB"])
    datastore.select_option("LocalDS_0")
    wizard.locator("#anonymous-volumes").check()
    volume = wizard.locator(".vic-volume-row[data-label=default]")
    expect(volume.locator("select.vic-volume-datastore")).to_have_value("LocalDS_0")  # picked, not typed
    next_page(wizard, "networks")
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    next_page(wizard, "security")
    next_page(wizard, "registry")
    wizard.locator("#whitelist-mode").check()
    for address, access in (("registry.example.com", "secure"), ("10.0.0.5:5000", "insecure")):
        wizard.locator("#add-registry").click()
        wizard.locator(".vic-registry-address").last.fill(address)
        wizard.locator(".vic-registry-access").last.select_option(access)
    wizard.locator("#wizard-next").click()
    # The registries answer nobody here: a warning each, and the page stays once to show them.
    expect(wizard.locator(".vic-step-alert")).to_contain_text("2 warnings")
    # Each beside its own registry.
    rows = wizard.locator(".vic-registry-table tbody tr")
    expect(rows.nth(0).locator(".vic-warning")).to_contain_text("registry.example.com did not answer")
    expect(rows.nth(1).locator(".vic-warning")).to_contain_text("10.0.0.5:5000 did not answer")
    next_page(wizard, "operations")
    # The operations user's fields are on the page, not behind a collapsed toggle.
    user = field(wizard, "endpoint.operations_credentials.user")
    expect(user.locator("input")).to_be_visible()
    expect(wizard.locator("form.vic-page details.vic-advanced")).to_have_count(0)
    user.locator("input").fill("ops@vsphere.local")
    wizard.locator("#wizard-next").click()
    # A sentence, not a fragment: the field's name starts it.
    expect(field(wizard, "endpoint.operations_credentials.password").locator(".vic-error")).to_have_text(
        "Operations password is required for the operations user 'ops@vsphere.local'")
    user.locator("input").fill("")
    next_page(wizard, "summary")
    command = wizard.locator("#cli-command")
    expect(command).to_have_attribute("data-command", re.compile("--whitelist-registry"))
    text = command.get_attribute("data-command")
    assert "--whitelist-registry registry.example.com --whitelist-registry 10.0.0.5:5000" in text
    assert "--insecure-registry 10.0.0.5:5000" in text and "--insecure-registry registry.example.com" not in text


def test_syslog_is_protocol_host_and_port(page: Page, fresh_name):
    wizard = open_wizard(page)
    syslog = field(wizard, "syslog_addr")
    expect(syslog.locator("select option")).to_have_text(["TCP", "UDP"])
    syslog.locator("select").select_option("udp")
    syslog.locator("input.vic-syslog-host").fill("logs.example.com")
    syslog.locator("input.vic-syslog-port").fill("99999")
    wizard.locator("#wizard-next").click()
    expect(syslog.locator(".vic-error")).to_have_text("The port is a number from 1 to 65535")
    syslog.locator("input.vic-syslog-port").fill("1514")
    field(wizard, "name").locator("input").fill(fresh_name("log"))
    next_page(wizard, "compute")
    wizard.locator("#wizard-back").click()
    expect(syslog.locator("select")).to_have_value("udp")
    expect(syslog.locator("input.vic-syslog-host")).to_have_value("logs.example.com")
    expect(syslog.locator("input.vic-syslog-port")).to_have_value("1514")

