"""``make screenshots``: every view and dialog state, light and dark, at 1280×720 and 1440×900, into ``screenshots/``
(ignored by git), named ``<state>-<theme>-<width>x<height>.png``.

The stand-in hosts the views as the vSphere Client does; the simulator holds 24 VCHs planted as VIC 1.5.8 leaves
them (more than a page), one with a running container, one older VCH per pass (v1.5.7, for Configure and Upgrade),
one VCH per pass to delete, and a host whose firewall is closed (the finding's Fix button).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import FrameLocator, Page, sync_playwright

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, allow_vic_engine, plant_container, plant_vchs, row_action
from e2e.test_lifecycle import api
from sim.client.stack import Stack, start_stack
from sim.isos import ensure_isos
from sim.runner import Simulator
from tests.support import session_for
from tests.vch_support import vch_spec
from vic_machine.iso import check_isos
from vic_machine.operations.create import create

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZES = ((1280, 720), (1440, 900))
THEMES = ("light", "dark")
PENDING: dict = {}  # request → [when it was sent, its URL], until it is answered
LIST = [f"team-{letter}-vch" for letter in "abcdefghijklmnopqrstuvwx"]  # 24 VCHs: three pages


class Pass:
    """One theme at one size: a page, and where its shots go."""

    def __init__(self, page: Page, stack: Stack, theme: str, size: tuple[int, int], index: int):
        self.page, self.stack, self.theme, self.size, self.index = page, stack, theme, size, index
        self.taken: list[str] = []

    def shot(self, name: str) -> None:
        self.page.wait_for_timeout(350)
        path = OUT / f"{name}-{self.theme}-{self.size[0]}x{self.size[1]}.png"
        self.page.screenshot(path=str(path))
        self.taken.append(path.name)

    @property
    def home(self) -> FrameLocator:
        return self.page.frame_locator("#global-view")

    @property
    def modal(self) -> FrameLocator:
        return self.page.frame_locator("iframe.modal-view")

    def open_home(self, tab: str = "summary") -> FrameLocator:
        self.page.click("#nav-plugin")
        self.home.locator("body[data-ready=true]").wait_for()
        if tab != "summary":
            self.home.locator(f"#tab-{tab}").click()
        return self.home

    def close_modal(self) -> None:
        self.modal.locator("body").press("Escape")
        self.page.locator("iframe.modal-view").wait_for(state="detached")

    def row(self, name: str):
        home = self.open_home("vchs")
        home.get_by_label("Filter VCHs").fill(name)
        return home.locator(f"tr[data-row]:has-text('{name}')")


def home_views(p: Pass) -> None:
    home = p.open_home()
    home.locator("#vch-count").wait_for()
    p.shot("home-summary")
    home.locator("#tab-vchs").click()
    home.locator("tr[data-row]").first.wait_for()
    p.shot("home-vchs")
    home.locator("tr[data-row] button.vic-row-menu").nth(3).click()
    p.shot("home-vchs-menu")
    p.page.keyboard.press("Escape")
    home.locator(".vic-pager").get_by_role("button", name="Next page").click()
    p.shot("home-vchs-page-2")
    home.get_by_label("Filter VCHs").fill("no-such-vch")
    p.shot("home-vchs-no-match")
    home.get_by_label("Filter VCHs").fill(LIST[0])
    row_action(home.locator("tr[data-row]").first, "log")
    home.locator("tr.vic-detail td:not(:has-text('Loading'))").wait_for()
    p.shot("home-vchs-log")
    home.locator("#tab-containers").click()
    home.locator("table.vic-grid").wait_for()
    p.shot("home-containers")
    home.locator("#tab-about").click()
    home.locator("table.vic-about").wait_for()
    p.shot("home-about")


def next_page(wizard: FrameLocator, step: str, p: Pass | None = None, warned: str = "") -> None:
    """Next; when the page stays to show new warnings, (a shot named ``warned``, and) Next again."""
    wizard.locator("#wizard-next").click()
    arrived = wizard.locator(f"form.vic-page[data-step={step}]")
    warning = wizard.locator(".vic-step-alert .alert-warning")
    arrived.or_(warning).first.wait_for()
    if not arrived.count():
        if p and warned:
            p.shot(warned)
        wizard.locator("#wizard-next").click()
        arrived.wait_for()


def field(wizard: FrameLocator, path: str):
    return wizard.locator(f".vic-field[data-path='{path}']")


def wizard_views(p: Pass) -> None:
    home = p.open_home("vchs")
    home.locator("#new-vch").click()
    wizard = p.modal
    wizard.locator("form.vic-page[data-step=general]").wait_for()
    p.shot("wizard-general")
    field(wizard, "name").locator("input").fill("bad/name")
    wizard.locator("#wizard-next").click()
    wizard.locator(".vic-error:not(:empty)").first.wait_for()
    p.shot("wizard-general-error")
    field(wizard, "name").locator("input").fill(f"shot-{p.theme}-{p.size[0]}")
    wizard.locator("#wizard-next").click()
    wizard.locator("form.vic-page[data-step=compute]").wait_for()
    p.shot("wizard-compute")
    wizard.get_by_label("DC0_C0").check()
    memory = field(wizard, "compute.memory.limit")
    memory.locator("input.vic-unlimited").uncheck()
    memory.locator("input.vic-amount").fill("100")
    memory.locator("select.vic-unit-select").select_option("GiB")
    wizard.locator("#wizard-next").click()
    wizard.locator(".vic-warning:not(:empty)").first.wait_for()
    p.shot("wizard-compute-warning")
    wizard.locator("details.vic-advanced > summary").click()
    p.shot("wizard-compute-advanced")
    next_page(wizard, "storage")
    p.shot("wizard-storage")
    field(wizard, "storage.image_stores").locator("select").select_option("LocalDS_0")
    wizard.locator("#anonymous-volumes").check()
    wizard.locator("#add-volume-store").click()
    wizard.locator(".vic-volume-row").last.locator("input.vic-volume-label").fill("team")
    p.shot("wizard-storage-volumes")
    next_page(wizard, "networks")
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    p.shot("wizard-networks")
    wizard.locator("details.vic-advanced > summary").click()
    wizard.locator("details.vic-advanced").scroll_into_view_if_needed()
    p.shot("wizard-networks-advanced")
    next_page(wizard, "security")
    p.shot("wizard-security")
    wizard.locator("#server-cert-existing").check()
    p.shot("wizard-security-existing")
    wizard.locator("#server-cert-generate").check()
    field(wizard, "auth.client.no_tls_verify").locator("input").check()
    p.shot("wizard-security-no-verify")
    next_page(wizard, "registry")
    p.shot("wizard-registry")
    wizard.locator("#whitelist-mode").check()
    wizard.locator("#add-registry").click()
    wizard.locator(".vic-registry-address").last.fill("registry.example.com")
    wizard.locator("#add-registry").click()
    wizard.locator(".vic-registry-address").last.fill("10.0.0.5:5000")
    wizard.locator(".vic-registry-access").last.select_option("insecure")
    p.shot("wizard-registry-whitelist")
    next_page(wizard, "operations", p, "wizard-registry-warning")
    p.shot("wizard-operations")
    field(wizard, "endpoint.operations_credentials.user").locator("input").fill("ops@vsphere.local")
    wizard.locator("#wizard-next").click()
    wizard.locator(".vic-error:not(:empty)").first.wait_for()
    p.shot("wizard-operations-error")
    field(wizard, "endpoint.operations_credentials.user").locator("input").fill("")
    next_page(wizard, "summary")
    wizard.locator(".vic-summary-checks[data-done]").wait_for()
    p.shot("wizard-summary")
    wizard.locator(".vic-cli").scroll_into_view_if_needed()
    wizard.locator("#cli-os").select_option("windows")
    p.shot("wizard-summary-command")
    wizard.locator("#confirm-all-warnings").click()
    wizard.locator("#summary-warnings").scroll_into_view_if_needed()
    p.shot("wizard-summary-confirmed")
    wizard.locator("#wizard-next").click()
    wizard.locator(".vic-steps li").first.wait_for(timeout=60000)
    p.shot("wizard-creating")
    wizard.locator(".alert-success").wait_for(timeout=180000)
    p.shot("wizard-created")
    p.close_modal()


def failed_create_view(p: Pass) -> None:
    home = p.open_home("vchs")
    home.locator("#new-vch").click()
    wizard = p.modal
    field(wizard, "name").locator("input").fill(f"fail-{p.theme}-{p.size[0]}")
    next_page(wizard, "compute")
    wizard.get_by_label("DC0_C0").check()
    next_page(wizard, "storage")
    field(wizard, "storage.image_stores").locator("select").select_option("LocalDS_0")
    next_page(wizard, "networks")
    field(wizard, "network.bridge.port_group").locator("select").select_option(label="DC0_DVPG0 (distributed, DVS0)")
    for step in ("security", "registry", "operations", "summary"):
        next_page(wizard, step)
    wizard.locator(".vic-summary-checks[data-done]").wait_for()
    p.stack.sim.faults.inject("CreateVM_Task", "InvalidArgument", message="injected: the datastore is full", count=1)
    try:
        wizard.locator("#wizard-next").click()
        wizard.locator(".vic-progress .alert-danger").wait_for(timeout=120000)
    finally:
        p.stack.sim.faults.reset()
    p.shot("wizard-create-failed")
    p.close_modal()


def firewall_view(p: Pass) -> None:
    home = p.open_home("vchs")
    home.locator("#new-vch").click()
    wizard = p.modal
    field(wizard, "name").locator("input").fill("firewall-shot")
    next_page(wizard, "compute")
    wizard.locator("input[data-path='/DC0/host/DC0_H0']").check()
    wizard.locator("#wizard-next").click()
    wizard.locator("#fix-firewall").wait_for()
    p.shot("wizard-firewall-fix")
    p.close_modal()


def manage_views(p: Pass, older: str, doomed: str) -> None:
    row_action(p.row(older), "configure")
    wizard = p.modal
    wizard.locator("form.vic-page[data-step=general]").wait_for()
    p.shot("configure-general")
    field(wizard, "debug").locator("input").fill("1")
    for _ in range(10):
        if wizard.locator("form.vic-page").get_attribute("data-step") == "summary":
            break
        step = wizard.locator("form.vic-page").get_attribute("data-step")
        wizard.locator("#wizard-next").click()
        wizard.locator(f"form.vic-page:not([data-step={step}])").wait_for()
    wizard.locator(".vic-preview .alert").first.wait_for()
    p.shot("configure-review")
    p.close_modal()

    row_action(p.row(older), "upgrade")
    dialog = p.modal
    dialog.locator("#confirm-upgrade").wait_for()
    p.shot("upgrade-question")
    dialog.locator("#confirm-upgrade").click()
    dialog.locator(".vic-progress").wait_for()
    p.shot("upgrade-running")
    dialog.locator(".vic-result .alert-success").wait_for(timeout=120000)
    p.shot("upgrade-done")
    p.close_modal()

    row_action(p.row(doomed), "delete")
    dialog = p.modal
    dialog.locator("#confirm-delete").wait_for()
    p.shot("delete-question")
    dialog.locator("#delete-volumes").check()
    dialog.locator("#confirm-delete").click()
    dialog.locator(".alert-success").wait_for(timeout=120000)
    p.shot("delete-done")
    p.close_modal()

    p.row(LIST[0]).locator(".vic-vm-link").click()
    card = p.page.frame_locator("iframe.card-view")
    card.locator("#enable-ssh").wait_for()
    p.shot("vm-card-vch")
    card.locator("#enable-ssh").click()
    p.modal.locator("#apply-debug").wait_for()
    p.shot("enable-ssh")
    p.close_modal()
    p.page.click("a.obj-VirtualMachine >> text=/^web-1-/")
    p.page.frame_locator("iframe.card-view").locator(".vic-portlet[data-kind=container]").wait_for()
    p.shot("vm-card-container")


def older_vchs(stack: Stack, names: list[str]) -> None:
    """VCHs of v1.5.7 (the stack serves v1.5.8), for the Configure and Upgrade views."""
    session = session_for(stack.sim)
    with tempfile.TemporaryDirectory() as folder:
        isos = check_isos(*ensure_isos(folder, version="v1.5.7"))
        for name in names:
            create(session, vch_spec(name), isos=isos, timeout=30)
    session.logout()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    started = time.monotonic()
    passes = [(size, theme) for size in SIZES for theme in THEMES]
    stack = start_stack(Simulator.start(pg=3))
    try:
        allow_vic_engine(stack)
        ids = plant_vchs(stack, LIST)
        plant_container(stack, ids[0], "web-1")
        doomed = [f"delete-me-{i}" for i in range(len(passes))]
        plant_vchs(stack, doomed)
        older = [f"older-vch-{i}" for i in range(len(passes))]
        older_vchs(stack, older)
        api(stack, "POST", "?action=firewall:deny&compute-resource=/DC0/host/DC0_H0")
        taken = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for index, (size, theme) in enumerate(passes):
                context = browser.new_context(viewport={"width": size[0], "height": size[1]})
                context.set_default_timeout(20000)
                page = context.new_page()
                page.on("request", lambda r: PENDING.__setitem__(str(id(r)), [time.monotonic(), r.url]))
                page.on("requestfinished", lambda r: PENDING.pop(str(id(r)), None))
                page.on("requestfailed", lambda r: PENDING.pop(str(id(r)), None))
                page.goto(stack.client_url + "/login")
                page.evaluate(f"localStorage.setItem('standin-theme', '{theme}')")
                page.fill("#password", stack.sim.password)
                page.click("button[type=submit]")
                page.wait_for_url("**/")
                p = Pass(page, stack, theme, size, index)
                try:
                    for step in (home_views, wizard_views, failed_create_view, firewall_view):
                        step(p)
                    manage_views(p, older[index], doomed[index])
                except Exception:
                    # What the page showed and what it still waited for, to tell a slow answer from a stuck view.
                    now = time.monotonic()
                    print("failed; requests without an answer:", [[round(now - t, 1), u] for t, u in PENDING.values()],
                          file=sys.stderr)
                    page.screenshot(path=str(OUT / "FAILED.png"))
                    raise
                taken += p.taken
                context.close()
            browser.close()
    finally:
        stack.stop()
    print(f"{len(taken)} screenshots in {OUT} ({time.monotonic() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
