"""The whole journey through the VCH API (create, list, card, certificate bundle, delete) and a failed create.

Needs the VCH endpoints (…/vch POST/GET/DELETE, certificate-bundle, containers).
"""

import io
import zipfile

from playwright.sync_api import Page, expect

from e2e.conftest import open_home
from e2e.test_wizard import field, next_page, to_networks


def create_through_wizard(page: Page, name: str):
    home = open_home(page)
    home.locator("#tab-vchs").click()
    home.locator("#new-vch").click()
    wizard = page.frame_locator("iframe.modal-view")
    to_networks(wizard, name)
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    for step in ("security", "registry", "operations", "summary"):
        next_page(wizard, step)
    wizard.locator("#wizard-next").click()
    return home, wizard


def test_create_list_card_bundle_delete(page: Page, fresh_name):
    name = fresh_name("vch")
    home, wizard = create_through_wizard(page, name)
    expect(wizard.locator(".vic-steps li").first).to_be_visible(timeout=30000)
    expect(wizard.locator(".alert-success")).to_contain_text("was created", timeout=180000)
    expect(wizard.locator(".vic-endpoint")).to_contain_text("DOCKER_HOST=")
    with page.expect_download() as download:
        wizard.locator("#download-bundle").click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as bundle:
        assert any(n.endswith("cert.pem") for n in bundle.namelist())
    wizard.locator("#wizard-next").click()
    row = home.locator(f"tr[data-row]:has-text('{name}')")
    expect(row.locator("td.vic-power")).to_have_text("Powered on")
    row.locator(".vic-vm-link").click()
    card = page.frame_locator("iframe.card-view")
    expect(card.locator(".vic-endpoint")).to_contain_text("DOCKER_HOST=tcp://")
    page.click("#action-deleteVch")
    dialog = page.frame_locator("iframe.modal-view")
    dialog.locator("#delete-volumes").check()
    dialog.locator("#confirm-delete").click()
    expect(dialog.locator(".alert-success")).to_contain_text("deleted", timeout=120000)
    expect(dialog.locator(".vic-steps li.failed")).to_have_count(0)
    dialog.get_by_role("button", name="Close").click()
    page.click("#nav-plugin")
    home = page.frame_locator("#global-view")
    home.locator("#tab-vchs").click()
    expect(home.locator("table.vic-grid")).not_to_contain_text(name)


def test_failed_create_shows_the_message_and_leaves_nothing(page: Page, stack, fresh_name):
    name = fresh_name("vch")
    stack.sim.faults.inject("CreateVM_Task", "InvalidArgument", message="injected: no room", count=1)
    try:
        home, wizard = create_through_wizard(page, name)
        expect(wizard.locator(".vic-progress .alert-danger")).to_contain_text("no room", timeout=120000)
    finally:
        stack.sim.faults.reset()
    page.reload()
    expect(page.locator(".navigator")).not_to_contain_text(name)


def test_about_lists_versions(page: Page):
    home = open_home(page)
    home.locator("#tab-about").click()
    expect(home.locator("table.vic-about")).to_contain_text("0.")
