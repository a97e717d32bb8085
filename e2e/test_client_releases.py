"""The plug-in in the stand-in playing vSphere Client 7.0 U2 (issue 19): the multi-manifest's 7.0 U2 manifest is
the one loaded, its static VM card asks the server what the VM is with the session token and the vsphere-ui
endpoint the SDK names, and says it; the server trades the token at that endpoint with the vCenter's uuid."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from e2e.conftest import ARTIFACTS
from sim.client import start_client
from sim.client.stack import Stack


@pytest.fixture(scope="module")
def client70(stack: Stack) -> Iterator[str]:
    sim = stack.sim
    client = start_client(sim.host, sim.port, sim.thumbprint_sha256, default_user=sim.username, release="7.0u2")
    yield client.url
    client.stop()


def test_a_7_0_u2_client_shows_the_static_card_filled_in_by_the_view(browser: Browser, stack: Stack, client70: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15000)
    tab = context.new_page()
    sent = []
    tab.on("request", lambda r: sent.append(r.headers) if "dynamic-items" in r.url else None)
    try:
        tab.goto(client70 + "/login")
        tab.fill("#password", stack.sim.password)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/")
        expect(tab.locator("[role=alert]")).to_have_count(0)
        expect(tab.locator("#nav-plugin")).to_have_text("vSphere Integrated Containers")
        tab.locator("a.obj-VirtualMachine").first.click()
        card = tab.frame_locator("iframe.card-view")
        expect(card.get_by_text("This VM is neither a virtual container host nor a container VM.")).to_be_visible()
        tab.screenshot(path=str(ARTIFACTS / "client-7.0u2-vm-card.png"))
        assert sent, "the card asked the server about the VM"
        assert all(h.get("vmware-api-session-id") and h.get("vmware-api-gateway-url", "").endswith("/api/ui")
                   for h in sent), sent
    finally:
        context.close()
