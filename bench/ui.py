"""Time to first render of the VIC home view and of the wizard's first page, and the bytes transferred.

Loads through the stand-in from our own server (cold cache per run, then warm); printed, not asserted.
"""

from __future__ import annotations

import statistics
import time

from common import print_table, seconds  # noqa: F401 - also puts the project root on sys.path

from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from sim.client.stack import start_stack  # noqa: E402

RUNS = 3


def _measure(page, open_view) -> tuple[float, int]:
    received = []
    page.on("response", lambda r: received.append(r))
    start = time.perf_counter()
    open_view()
    elapsed = time.perf_counter() - start
    total = 0
    for response in received:
        try:
            # What crossed the wire: compressed bodies count compressed.
            sizes = response.request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # noqa: BLE001 - streamed or redirected responses have no size to count
            pass
    return elapsed, total


def main() -> None:
    stack = start_stack()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results: dict[str, list[tuple[float, int]]] = {"home": [], "wizard": []}
            for _ in range(RUNS):
                context = browser.new_context()  # cold cache each run
                page = context.new_page()
                page.goto(stack.client_url + "/login")
                page.fill("#password", stack.sim.password)
                page.click("button[type=submit]")
                page.wait_for_url("**/")
                home = page.frame_locator("#global-view")

                def open_home() -> None:
                    page.click("#nav-plugin")
                    home.locator(".vic-card").first.wait_for()

                def open_wizard() -> None:
                    home.locator("#tab-vchs").click()
                    home.locator("#new-vch").click()
                    page.frame_locator("iframe.modal-view").locator("form.vic-page[data-step=general]").wait_for()

                results["home"].append(_measure(page, open_home))
                results["wizard"].append(_measure(page, open_wizard))
                context.close()
            browser.close()
        for name, runs in results.items():
            times = [t for t, _ in runs]
            rows.append([name, seconds(statistics.median(times)), seconds(min(times)), f"{runs[0][1] / 1024:.0f} KiB"])
    finally:
        stack.stop()
    print_table(["view", "median to first render", "best", "bytes (cold)"], rows,
                title=f"UI first render through the stand-in, {RUNS} cold runs")


if __name__ == "__main__":
    main()
