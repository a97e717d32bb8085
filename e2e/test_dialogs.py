"""Every dialog behaves the same way: Escape closes it (keys typed in its frame never reach the client's page), Enter
runs its default button, and once it is done it offers only Close and shows the result."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import open_home, open_wizard, plant_vchs, row_action

NAMES = ["dialog-a", "dialog-b"]


@pytest.fixture(scope="module")
def planted(stack):
    # The first one older than the server's appliance (upgradeable: every action offered), the second current.
    return plant_vchs(stack, NAMES[:1], version="v1.5.7") + plant_vchs(stack, NAMES[1:])


def vch_row(page: Page, name: str):
    home = open_home(page)
    home.locator("#tab-vchs").click()
    return home.locator(f"tr[data-row]:has-text('{name}')")


def escape_closes(page: Page, ready: str) -> None:
    dialog = page.frame_locator("iframe.modal-view")
    dialog.locator(ready).wait_for()
    dialog.locator("body").press("Escape")  # typed inside the dialog's frame, as a user does
    expect(page.locator("iframe.modal-view")).to_have_count(0)


def test_escape_closes_the_create_wizard(page: Page):
    open_wizard(page)
    escape_closes(page, "form.vic-page[data-step=general]")


@pytest.mark.parametrize("action, ready", [
    ("delete", "#confirm-delete"),
    ("configure", "form.vic-page[data-step=general]"),
    ("upgrade", "#confirm-upgrade"),
])
def test_escape_closes_every_row_dialog(page: Page, planted, action, ready):
    row_action(vch_row(page, NAMES[0]), action)
    escape_closes(page, ready)


def test_escape_closes_enable_ssh(page: Page, planted):
    vch_row(page, NAMES[0]).locator(".vic-vm-link").click()
    page.frame_locator("iframe.card-view").locator("#enable-ssh").click()
    escape_closes(page, "#apply-debug")


def test_escape_closes_delete_opened_from_the_vm(page: Page, planted):
    vch_row(page, NAMES[0]).locator(".vic-vm-link").click()
    page.click("#action-deleteVch")
    escape_closes(page, "#confirm-delete")


def test_finished_delete_offers_only_close_and_enter_closes(page: Page, planted):
    row = vch_row(page, NAMES[1])
    row_action(row, "delete")
    dialog = page.frame_locator("iframe.modal-view")
    dialog.locator("#confirm-delete").wait_for()
    dialog.locator("body").press("Enter")  # Enter runs the default button: Delete
    expect(dialog.locator(".alert-success")).to_contain_text(f"{NAMES[1]} was deleted", timeout=60000)
    expect(dialog.locator(".vic-buttons button")).to_have_text(["Close"])
    expect(dialog.locator("input[type=checkbox]:enabled")).to_have_count(0)  # the question is gone
    dialog.locator("body").press("Enter")
    expect(page.locator("iframe.modal-view")).to_have_count(0)
    home = page.frame_locator("#global-view")
    expect(home.locator("table.vic-grid")).not_to_contain_text(NAMES[1])


def test_delete_of_an_older_vch_says_it_takes_its_containers(page: Page, planted):
    row_action(vch_row(page, NAMES[0]), "delete")
    dialog = page.frame_locator("iframe.modal-view")
    expect(dialog.locator(".vic-note")).to_contain_text("only be deleted together with its containers")
    dialog.locator("#confirm-delete").click()
    expect(dialog.locator(".alert-warning")).to_contain_text("Tick “Also delete its containers”")
    expect(dialog.get_by_label("Also delete its containers, whatever their state")).to_be_visible()
    dialog.locator("body").press("Escape")
    expect(page.locator("iframe.modal-view")).to_have_count(0)


def test_finished_wizard_offers_only_close(page: Page, stack, fresh_name):
    from e2e.test_journey import create_through_wizard

    name = fresh_name("done")
    _home, wizard = create_through_wizard(page, name)
    expect(wizard.locator(".alert-success")).to_contain_text("was created", timeout=180000)
    footer = wizard.locator(".vic-wizard-footer button:visible")
    expect(footer).to_have_text(["Close"])
    wizard.locator("body").press("Enter")
    expect(page.locator("iframe.modal-view")).to_have_count(0)
    from tests.support import session_for
    from vic_machine.operations.delete import delete_vch
    from vic_machine.operations.find import find_vch

    session = session_for(stack.sim)
    try:
        delete_vch(session, find_vch(session, name=name), force=True, delete_volumes=True)
    finally:
        session.logout()
