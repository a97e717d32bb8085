"""Managing an existing VCH in the browser: the Configure VCH wizard, Upgrade and Roll back, Enable SSH, and the
firewall finding's Fix button in the Create wizard. Each change is checked through the REST API afterwards.

The VCH is made through the core from v1.5.7 simulator ISOs (quicker than the Create wizard, which the journey
test covers); the stack serves v1.5.8 ISOs, so the views offer the upgrade.
"""

from __future__ import annotations

import base64
import json
import ssl
import time
import urllib.request
import uuid

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from e2e.conftest import open_home, open_wizard, row_action
from sim.isos import ensure_isos
from tests.support import session_for
from tests.vch_support import vch_spec
from vic_machine.iso import check_isos
from vic_machine.operations.create import create
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch

OLD, NEW = "v1.5.7-0-sim", "v1.5.8-0-sim"


def api(stack, method: str, path: str, body: dict | None = None, under_target: bool = True):
    """Call the plug-in server as the simulator's user (``path`` under the target's); the JSON answer."""
    sim = stack.sim
    token = base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
    where = f"container/target/{sim.host}:{sim.port}{path}" if under_target else path
    url = stack.plugin_url.replace("plugin.json", where)
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, context=ssl._create_unverified_context()) as response:
        text = response.read()
        return json.loads(text) if text else None  # a firewall change answers 204, as 1.5.8


@pytest.fixture(scope="module")
def old_vch(stack, tmp_path_factory):
    """(name, id) of a running VCH of v1.5.7; deleted afterwards."""
    session = session_for(stack.sim)
    isos = check_isos(*ensure_isos(tmp_path_factory.mktemp("isos"), version="v1.5.7"))
    name = f"life-{uuid.uuid4().hex[:5]}"
    create(session, vch_spec(name), isos=isos, timeout=30)
    vch = find_vch(session, name=name)
    yield name, vch.id
    delete_vch(session, find_vch(session, name=name), force=True, delete_volumes=True)
    session.logout()


def vch_row(page: Page, name: str):
    home = open_home(page)
    home.locator("#tab-vchs").click()
    return home, home.locator(f"tr[data-row]:has-text('{name}')")


def walk_to_review(wizard: FrameLocator) -> None:
    """Next until the review page, each page drawn before the next click."""
    for _ in range(10):
        step = wizard.locator("form.vic-page").get_attribute("data-step")
        if step == "summary":
            return
        wizard.locator("#wizard-next").click()
        wizard.locator(f"form.vic-page:not([data-step={step}])").wait_for()
    raise AssertionError("the review page never came")


def wait_for_operation(stack, op: dict) -> dict:
    for _ in range(300):
        state = api(stack, "GET", f"container/operations/{op['id']}", under_target=False)
        if state["state"] not in ("queued", "running"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"operation {op['id']} did not end")


def test_configure_debug_level_through_the_wizard(page: Page, stack, old_vch):
    name, vch_id = old_vch
    _home, row = vch_row(page, name)
    row_action(row, "configure")
    wizard = page.frame_locator("iframe.modal-view")
    debug = wizard.locator(".vic-field[data-path='debug'] input")
    expect(debug).to_have_value("0")  # pre-filled from the stored configuration
    expect(wizard.locator(".vic-field[data-path='name']")).to_have_count(0)  # fixed once the VCH exists
    debug.fill("2")
    walk_to_review(wizard)
    expect(wizard.locator(".vic-changes tbody tr")).to_have_count(1)
    expect(wizard.locator(".vic-changes")).to_contain_text("Debug level")
    expect(wizard.locator(".vic-preview")).to_contain_text("This change restarts the VCH")
    apply = wizard.locator("#wizard-next")
    expect(apply).to_be_disabled()
    wizard.locator("#confirm-restart").check()
    apply.click()
    expect(wizard.locator(".alert-success")).to_contain_text(f"{name} was configured: debug changed", timeout=60000)
    stored = api(stack, "GET", f"/vch/{vch_id}/spec")["vch"]
    assert stored["debug"] == 2
    assert "password" not in json.dumps(stored) and "PRIVATE KEY" not in json.dumps(stored)  # no secrets shown
    wizard.locator("#wizard-next").click()  # Close
    expect(page.locator("iframe.modal-view")).to_have_count(0)


def test_configure_refused_change_is_shown_before_anything_runs(page: Page, stack, old_vch):
    name, vch_id = old_vch
    _home, row = vch_row(page, name)
    row_action(row, "configure")
    wizard = page.frame_locator("iframe.modal-view")
    wizard.locator("form.vic-page[data-step=general]").wait_for()
    wizard.locator("#wizard-next").click()
    wizard.locator(".vic-field[data-path='compute.cpu.reservation'] input").fill("999999999")
    walk_to_review(wizard)
    expect(wizard.locator(".vic-preview .alert-danger")).to_contain_text("CPU reservation")
    expect(wizard.locator("#wizard-next")).to_be_disabled()
    assert "reservation" not in json.dumps(api(stack, "GET", f"/vch/{vch_id}/spec")["vch"]["compute"]["cpu"])


def test_upgrade_then_roll_back(page: Page, stack, old_vch):
    name, vch_id = old_vch
    home, row = vch_row(page, name)
    expect(row).to_contain_text(f"Upgradeable to {NEW}")
    row_action(row, "upgrade")
    dialog = page.frame_locator("iframe.modal-view")
    expect(dialog.locator("#vch-version")).to_have_text(OLD)
    dialog.locator("#confirm-upgrade").click()
    expect(dialog.locator(".alert-success")).to_contain_text(f"upgraded from {OLD} to {NEW}", timeout=60000)
    # Done: the dialog shows what the VCH runs now, asks nothing more and offers only Close (and, from the result,
    # a way back).
    expect(dialog.locator("#vch-version")).to_have_text(NEW)
    expect(dialog.locator("#vch-upgrade-status")).to_have_text("Up to date")
    expect(dialog.locator(".vic-question")).to_have_count(0)
    expect(dialog.locator(".vic-buttons button")).to_have_text(["Close"])
    after = api(stack, "GET", f"/vch/{vch_id}")
    assert (after["version"], after["runtime"]["upgrade_status"]) == (NEW, "Up to date")
    dialog.locator("#rollback").click()
    dialog.locator("#rollback").click()  # the second click confirms
    expect(dialog.locator(".alert-success")).to_contain_text(f"rolled back to {OLD}", timeout=60000)
    dialog.get_by_role("button", name="Close").click()
    expect(row).to_contain_text(f"Upgradeable to {NEW}")
    assert api(stack, "GET", f"/vch/{vch_id}")["version"] == OLD


def test_up_to_date_vch_offers_no_upgrade(page: Page, stack, old_vch):
    # The upgrade action follows the status: after an upgrade the row says "Up to date" and offers none.
    name, vch_id = old_vch
    assert wait_for_operation(stack, api(stack, "POST", f"/vch/{vch_id}?action=upgrade", {}))["state"] == "success"
    _home, row = vch_row(page, name)
    expect(row).to_contain_text("Up to date")
    expect(row.locator("[data-action=upgrade]")).to_have_count(0)
    row.locator("button.vic-row-menu").click()
    expect(row.locator("[role=menu] [data-action=configure]")).to_be_visible()


def test_enable_ssh_from_the_summary_card(page: Page, old_vch):
    name, _vch_id = old_vch
    _home, row = vch_row(page, name)
    row.locator(".vic-vm-link").click()
    page.frame_locator("iframe.card-view").locator("#enable-ssh").click()
    dialog = page.frame_locator("iframe.modal-view")
    dialog.get_by_label("Authorized public key for root").fill("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e2e2e2e test@e2e")
    password = dialog.get_by_label("New root password")
    expect(password).to_have_attribute("type", "password")
    password.fill("s3cret-Root-pw")
    dialog.locator("#apply-debug").click()
    expect(dialog.locator(".vic-debug .alert-success")).to_contain_text("SSH is enabled", timeout=45000)
    expect(dialog.locator(".vic-debug .alert-success")).to_contain_text("root's password is changed")
    expect(password).to_have_value("")
    assert "s3cret-Root-pw" not in dialog.locator("body").inner_text()


def test_firewall_fix_button_turns_the_finding_off(page: Page, stack, fresh_name):
    api(stack, "POST", "?action=firewall:deny&compute-resource=/DC0/host/DC0_H0")
    try:
        wizard = open_wizard(page)
        wizard.locator(".vic-field[data-path='name'] input").fill(fresh_name("fw"))
        wizard.locator("#wizard-next").click()
        wizard.locator("input[data-path='/DC0/host/DC0_H0']").check()
        wizard.locator("#wizard-next").click()
        finding = wizard.locator(".vic-step-alert .alert-danger")
        expect(finding).to_contain_text("Firewall must permit")
        wizard.locator("#fix-firewall").click()
        expect(wizard.locator("#fix-firewall")).to_have_count(0)
        expect(finding).to_have_count(0)
        hosts = api(stack, "GET", "?compute-resource=/DC0/host/DC0_H0")["vic_plugin"]["hosts"]
        assert hosts and all(h["enabled"] for h in hosts)
        wizard.locator("#wizard-next").click()
        expect(wizard.locator("form.vic-page[data-step=storage]")).to_be_visible()
    finally:
        api(stack, "POST", "?action=firewall:allow&compute-resource=/DC0/host/DC0_H0")
