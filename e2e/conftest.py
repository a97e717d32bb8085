"""Browser tests: the whole stack (simulator, plug-in server, stand-in) and Debian's Chromium via Playwright.

A failed test leaves a screenshot of the page in ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FrameLocator, Locator, Page, sync_playwright

from sim.client.stack import Stack, start_stack
from sim.runner import Simulator

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def sim() -> Iterator[Simulator]:
    # Three port groups (DC0_DVPG0..2), as the reference vectors' VCHs use, so VCHs can be planted.
    simulator = Simulator.start(pg=3)
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def stack(sim: Simulator) -> Iterator[Stack]:
    running = start_stack(sim)
    allow_vic_engine(running)
    yield running
    running.stop()


def allow_vic_engine(stack: Stack) -> None:
    """Open the hosts' vic-engine firewall ruleset, as an administrator would before creating VCHs."""
    import base64
    import ssl
    import urllib.request

    sim = stack.sim
    token = base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()
    for compute in ("/DC0/host/DC0_C0", "/DC0/host/DC0_H0"):
        url = stack.plugin_url.replace(
            "plugin.json", f"container/target/{sim.host}:{sim.port}?action=firewall:allow&compute-resource={compute}")
        request = urllib.request.Request(url, method="POST", headers={"Authorization": f"Basic {token}"})
        with urllib.request.urlopen(request, context=ssl._create_unverified_context()) as response:
            assert response.status == 204  # vic-machine-server 1.5.8's answer to a firewall change


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser: Browser, stack: Stack, request) -> Iterator[Page]:
    """A logged-in stand-in page (its own browser context)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    context.set_default_timeout(15000)
    tab = context.new_page()
    tab.goto(stack.client_url + "/login")
    tab.fill("#password", stack.sim.password)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/")
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def open_home(page: Page) -> FrameLocator:
    """Navigate to the plug-in's global view and wait until it has rendered."""
    page.click("#nav-plugin")
    frame = page.frame_locator("#global-view")
    frame.locator("body[data-ready=true]").wait_for()
    return frame


def open_wizard(page: Page) -> FrameLocator:
    """From the VCH tab, open New Virtual Container Host; the wizard's frame, first page drawn."""
    home = open_home(page)
    home.locator("#tab-vchs").click()
    home.locator("#new-vch").click()
    wizard = page.frame_locator("iframe.modal-view")
    wizard.locator("form.vic-page[data-step=general]").wait_for()
    return wizard


def row_action(row: Locator, action: str) -> None:
    """Run one action of a VCH list row: open its actions menu, then choose the item."""
    row.locator("button.vic-row-menu").click()
    row.locator(f"[role=menu] [data-action={action}]").click()


def plant_vchs(stack: Stack, names: list[str], version: str = "") -> list[str]:
    """VCHs as VIC 1.5.8 leaves them (the reference vector ``min``, powered off), quicker than creating them;
    their endpoint VMs' ids. ``version`` (``v1.5.7``): what they say they run, to be upgradeable."""
    from tests.support import session_for
    from tests.vic158_vectors import plant

    session = session_for(stack.sim)
    try:
        overrides = {"guestinfo.vice./init/version/Version": version} if version else None
        return [plant(session, "min", as_name=name, overrides=overrides)._moId for name in names]
    finally:
        session.logout()


def plant_container(stack: Stack, vch_vm: str, name: str, image: str = "nginx:1.25", ports: str = "8080:80/tcp") -> str:
    """A running container VM in VCH ``vch_vm``'s pool and folder, as the appliance makes one; its VM's id."""
    import secrets

    from pyVmomi import vim

    from tests.support import session_for
    from vic_machine.vsphere.collector import retrieve_objects
    from vic_machine.vsphere.tasks import run_task
    from vic_machine.vsphere.vm_spec import option_values

    session = session_for(stack.sim)
    try:
        endpoint = vim.VirtualMachine(vch_vm, session.stub)
        props = retrieve_objects(session.content, [endpoint], ["resourcePool", "parent"])[endpoint]
        container_id = secrets.token_hex(32)
        extra = {"guestinfo.vice./common/id": container_id, "common/name": name, "guestinfo.vice./repo": image,
                 "guestinfo.vice./networks|bridge/ports~": ports}
        spec = vim.vm.ConfigSpec(name=f"{name}-{container_id[:12]}", guestId="otherGuest", numCPUs=1, memoryMB=64,
                                 files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"), extraConfig=option_values(extra))
        vm = run_task(lambda: props["parent"].CreateVM_Task(config=spec, pool=props["resourcePool"]),
                      "plant a container VM", name)
        run_task(lambda: vm.PowerOnVM_Task(), "power on the container VM", name)
        return vm._moId
    finally:
        session.logout()


@pytest.fixture
def fresh_name():
    """``fresh_name("vch")`` → a name unique in this run."""
    import itertools
    import uuid

    run, counter = uuid.uuid4().hex[:5], itertools.count(1)
    return lambda prefix: f"{prefix}-{run}-{next(counter)}"
