"""The Create VCH wizard: every page from GET /container/wizard, checks beside fields, per-step server checks."""

import json
import ssl
import urllib.request

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from e2e.conftest import open_wizard
from vic_machine.certs.issue import make_self_signed


def field(wizard: FrameLocator, path: str):
    return wizard.locator(f".vic-field[data-path='{path}']")


def message(wizard: FrameLocator, path: str):
    return field(wizard, path).locator(".vic-error")


def next_page(wizard: FrameLocator, step: str) -> None:
    wizard.locator("#wizard-next").click()
    expect(wizard.locator(f"form.vic-page[data-step={step}]")).to_be_visible()


def to_storage(wizard: FrameLocator, name: str) -> None:
    field(wizard, "name").locator("input").fill(name)
    next_page(wizard, "compute")
    wizard.get_by_label("DC0_C0").check()
    next_page(wizard, "storage")


def to_networks(wizard: FrameLocator, name: str) -> None:
    to_storage(wizard, name)
    field(wizard, "storage.image_stores").locator("select").select_option("LocalDS_0")
    next_page(wizard, "networks")


@pytest.fixture(scope="module")
def description(stack):
    context = ssl._create_unverified_context()
    url = stack.plugin_url.replace("plugin.json", "container/wizard")
    with urllib.request.urlopen(url, context=context) as response:
        return json.load(response)


def test_every_step_renders_its_fields(page: Page, description, fresh_name):
    wizard = open_wizard(page)
    titles = [s["title"] for s in description["steps"]]
    expect(wizard.locator(".vic-wizard-steps li")).to_have_text(titles)
    to_networks(wizard, fresh_name("wiz"))
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    for step in description["steps"][3:]:
        if step["id"] != "networks":
            next_page(wizard, step["id"])
        expect(wizard.locator(".vic-step-title")).to_have_text(step["title"])
        for item in step["fields"]:
            if item["type"] == "object":
                expect(wizard.locator(f".vic-object-list[data-path='{item['path']}']")).to_have_count(1)
            elif item["path"] in ("registry.whitelist", "registry.insecure"):
                # One editor for both lists, as vic-ui had it: whitelist mode, registries each secure or insecure.
                expect(wizard.locator(".vic-registries[data-path='registry.whitelist']")).to_have_count(1)
            elif not item["path"].startswith(("auth.server.certificate", "auth.server.private_key")):
                expect(field(wizard, item["path"]).locator("label").first).to_have_text(item["label"])
    expect(wizard.locator("#cli-command")).to_contain_text("create")
    expect(wizard.locator("#cli-command")).not_to_contain_text("password")
    expect(wizard.locator("#wizard-next")).to_have_text("Finish")


def test_bad_name_is_shown_beside_the_field_and_blocks_next(page: Page):
    wizard = open_wizard(page)
    field(wizard, "name").locator("input").fill("bad/name")
    wizard.locator("#wizard-next").click()
    expect(message(wizard, "name")).to_contain_text("Use letters")
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "general")
    field(wizard, "name").locator("input").fill("a" * 40)
    wizard.locator("#wizard-next").click()
    expect(message(wizard, "name")).to_contain_text("At most 31 characters")


def test_name_in_use_comes_back_from_the_server(page: Page):
    wizard = open_wizard(page)
    field(wizard, "name").locator("input").fill("DC0_H0_VM0")
    wizard.locator("#wizard-next").click()
    expect(message(wizard, "name")).not_to_be_empty()
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "general")


def test_compute_resource_is_required(page: Page, fresh_name):
    wizard = open_wizard(page)
    field(wizard, "name").locator("input").fill(fresh_name("wiz"))
    next_page(wizard, "compute")
    wizard.locator("#wizard-next").click()
    expect(wizard.locator(".vic-compute .vic-error")).to_contain_text("Choose a cluster")
    expect(wizard.get_by_label("DC0_H0")).to_be_enabled()


def test_no_datastore_blocks_next(page: Page, fresh_name):
    wizard = open_wizard(page)
    to_storage(wizard, fresh_name("wiz"))
    wizard.locator("#wizard-next").click()
    expect(message(wizard, "storage.image_stores")).to_contain_text("required")
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "storage")


def test_bad_cidr_and_static_ip_without_gateway(page: Page, fresh_name):
    wizard = open_wizard(page)
    to_networks(wizard, fresh_name("wiz"))
    field(wizard, "network.bridge.ip_range").locator("input").fill("300.1.1.1/8")
    field(wizard, "network.public.static").locator("input").fill("192.0.2.10/24")
    wizard.locator("#wizard-next").click()
    expect(message(wizard, "network.bridge.ip_range")).to_contain_text("CIDR")
    expect(message(wizard, "network.public.gateway.address")).to_contain_text("gateway is required")
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "networks")


def test_missing_bridge_network_blocks_next(page: Page, fresh_name):
    wizard = open_wizard(page)
    to_networks(wizard, fresh_name("wiz"))
    expect(field(wizard, "network.bridge.port_group").locator("option")).to_contain_text(["None", "DC0_DVPG0"])
    wizard.locator("#wizard-next").click()
    expect(message(wizard, "network.bridge.port_group")).to_contain_text("required")
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "networks")


def test_mismatched_certificate_and_key(page: Page, fresh_name):
    cert, _ = make_self_signed("one.example.com")
    _, other_key = make_self_signed("two.example.com")
    wizard = open_wizard(page)
    to_networks(wizard, fresh_name("wiz"))
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    next_page(wizard, "security")
    wizard.locator("#server-cert-existing").check()
    field(wizard, "auth.server.certificate").locator("textarea").fill(cert.decode())
    field(wizard, "auth.server.private_key").locator("textarea").fill(other_key.decode())
    wizard.locator("#wizard-next").click()
    expect(wizard.locator(".vic-error:not(:empty), .vic-step-alert .alert")).not_to_have_count(0)
    expect(wizard.locator("form.vic-page")).to_have_attribute("data-step", "security")
