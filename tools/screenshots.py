"""``make screenshots``: every view in light and dark theme, into ``screenshots/`` (ignored by git)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, allow_vic_engine
from e2e.test_lifecycle import api
from sim.client.stack import Stack, start_stack
from sim.isos import ensure_isos
from tests.support import session_for
from tests.vch_support import vch_spec
from vic_machine.iso import check_isos
from vic_machine.operations.create import create

OUT = Path(__file__).resolve().parent.parent / "screenshots"


def shoot(page: Page, name: str, theme: str) -> None:
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / f"{name}-{theme}.png"))


def views(page: Page, base: str, theme: str) -> None:
    page.goto(base + "/")
    page.evaluate(f"localStorage.setItem('standin-theme', '{theme}')")
    page.click("#nav-plugin")
    home = page.frame_locator("#global-view")
    home.locator("body[data-ready=true]").wait_for()
    shoot(page, "home-summary", theme)
    for tab in ("vchs", "containers", "about"):
        home.locator(f"#tab-{tab}").click()
        shoot(page, f"home-{tab}", theme)
    home.locator("#tab-vchs").click()
    home.locator("#new-vch").click()
    wizard = page.frame_locator("iframe.modal-view")
    wizard.locator("form.vic-page[data-step=general]").wait_for()
    shoot(page, "wizard-general", theme)
    wizard.locator("#wizard-next").click()
    wizard.locator("form.vic-page[data-step=compute]").wait_for()
    shoot(page, "wizard-compute", theme)
    page.keyboard.press("Escape")
    page.click("a.obj-VirtualMachine >> nth=0")
    shoot(page, "vm-summary", theme)
    manage_views(page, theme)


def manage_views(page: Page, theme: str) -> None:
    """Configure, Upgrade, the SSH section of the VCH card, and the firewall finding's Fix button."""
    page.click("#nav-plugin")
    home = page.frame_locator("#global-view")
    home.locator("#tab-vchs").click()
    row = home.locator(f"tr[data-row]:has-text('{VCH}')")
    row.locator("[data-action=configure]").click()
    wizard = page.frame_locator("iframe.modal-view")
    wizard.locator("form.vic-page[data-step=general]").wait_for()
    shoot(page, "configure-general", theme)
    wizard.locator(".vic-field[data-path='debug'] input").fill("1")
    for step in ("compute", "storage", "networks", "security", "registry", "operations", "summary"):
        wizard.locator("#wizard-next").click()
        wizard.locator(f"form.vic-page[data-step={step}]").wait_for()
    wizard.locator(".vic-preview .alert").first.wait_for()
    shoot(page, "configure-review", theme)
    page.keyboard.press("Escape")
    row.locator("[data-action=upgrade]").click()
    page.frame_locator("iframe.modal-view").locator("#confirm-upgrade").wait_for()
    shoot(page, "upgrade", theme)
    page.keyboard.press("Escape")
    row.locator(".vic-vm-link").click()
    page.frame_locator("iframe.card-view").locator("#enable-ssh").wait_for()
    shoot(page, "vm-summary-vch", theme)
    page.frame_locator("iframe.card-view").locator("#enable-ssh").click()
    page.frame_locator("iframe.modal-view").locator("#apply-debug").wait_for()
    shoot(page, "enable-ssh", theme)
    page.keyboard.press("Escape")
    page.click("#nav-plugin")
    home.locator("#tab-vchs").click()
    home.locator("#new-vch").click()
    wizard.locator(".vic-field[data-path='name'] input").fill("firewall-shot")
    wizard.locator("#wizard-next").click()
    wizard.locator("input[data-path='/DC0/host/DC0_H0']").check()
    wizard.locator("#wizard-next").click()
    wizard.locator("#fix-firewall").wait_for()
    shoot(page, "wizard-firewall-fix", theme)
    page.keyboard.press("Escape")


VCH = "older-vch"


def deny_firewall(stack: Stack, compute: str) -> None:
    api(stack, "POST", f"?action=firewall:deny&compute-resource={compute}")


def older_vch(stack: Stack) -> None:
    """A VCH of v1.5.7 (the stack serves v1.5.8), for the configure and upgrade views; the firewall of DC0_H0 closed."""
    import tempfile

    session = session_for(stack.sim)
    with tempfile.TemporaryDirectory() as folder:
        create(session, vch_spec(VCH), isos=check_isos(*ensure_isos(folder, version="v1.5.7")), timeout=30)
    session.logout()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    stack = start_stack()
    try:
        allow_vic_engine(stack)
        older_vch(stack)
        deny_firewall(stack, "/DC0/host/DC0_H0")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(stack.client_url + "/login")
            page.fill("#password", stack.sim.password)
            page.click("button[type=submit]")
            for theme in ("light", "dark"):
                views(page, stack.client_url, theme)
            browser.close()
    finally:
        stack.stop()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
