"""``make screenshots``: every view in light and dark theme, into ``screenshots/`` (ignored by git)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, allow_vic_engine
from sim.client.stack import start_stack

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


def main() -> None:
    OUT.mkdir(exist_ok=True)
    stack = start_stack()
    try:
        allow_vic_engine(stack)
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
