"""The Virtual Container Hosts tab at 1280×720 with more VCHs than a page holds: every action of every row reachable
from its row menu, nothing cut off or wrapped, power state as an icon and words, and a filter matching nothing
saying so (not "no VCHs yet")."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import open_home, plant_vchs

NAMES = [f"team-{letter}-vch" for letter in "abcdefghijkl"]  # 12: more than a page of 10


@pytest.fixture(scope="module")
def planted(stack):
    return plant_vchs(stack, NAMES)


@pytest.fixture
def small(browser: Browser, stack) -> Page:
    """A logged-in stand-in page at 1280×720, the smallest screen the views are laid out for."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(15000)
    tab = context.new_page()
    tab.goto(stack.client_url + "/login")
    tab.fill("#password", stack.sim.password)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/")
    yield tab
    context.close()


def vch_tab(page: Page):
    home = open_home(page)
    home.locator("#tab-vchs").click()
    home.locator("table.vic-grid tbody tr[data-row]").first.wait_for()
    return home


def test_every_row_action_is_reachable_at_1280(small: Page, planted):
    home = vch_tab(small)
    grid = home.locator(".vic-grid-scroll")
    # Nothing is cut off: the table fits its box, no column hidden behind a scroll bar.
    width, client = grid.evaluate("g => [g.scrollWidth, g.clientWidth]")
    assert width <= client, f"the list is {width}px wide in a {client}px box"
    rows = home.locator("tr[data-row]")
    expect(rows).to_have_count(10)
    for index in range(rows.count()):
        row = rows.nth(index)
        name_cell = row.locator("td.vic-name")
        # One line per row: names do not wrap.
        height = name_cell.evaluate("c => c.querySelector('a').getClientRects().length")
        assert height == 1, f"{name_cell.inner_text()} wraps"
        menu_button = row.locator("button.vic-row-menu")
        expect(menu_button).to_be_visible()
        menu_button.click()
        menu = row.locator("[role=menu]")
        expect(menu).to_be_visible()
        items = menu.locator("[role=menuitem]")
        labels = items.all_inner_texts()
        assert {"Configure…", "Delete…"} <= set(labels), labels
        for item in range(items.count()):
            inside = items.nth(item).evaluate("""e => { const r = e.getBoundingClientRect();
                return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; }""")
            assert inside, f"{labels[item]} is outside the view"
        expect(items.first).to_be_focused()  # the menu is keyboard-driven: arrows, Enter, Escape
        small.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        expect(menu_button).to_be_focused()


def test_row_menu_runs_the_action(small: Page, planted):
    home = vch_tab(small)
    row = home.locator(f"tr[data-row]:has-text('{NAMES[0]}')")
    row.locator("button.vic-row-menu").click()
    small.keyboard.press("ArrowDown")
    expect(row.locator("[role=menuitem][data-action=delete]")).to_be_focused()
    small.keyboard.press("Enter")
    dialog = small.frame_locator("iframe.modal-view")
    expect(dialog.locator("#confirm-delete")).to_be_visible()
    small.keyboard.press("Escape")
    expect(small.locator("iframe.modal-view")).to_have_count(0)


def test_power_state_reads_as_the_vsphere_client_shows_it(small: Page, planted):
    home = vch_tab(small)
    row = home.locator(f"tr[data-row]:has-text('{NAMES[1]}')")
    status = row.locator("td.vic-power")
    expect(status).to_have_text("Powered off")
    expect(status.locator(".vic-power-icon")).to_have_attribute("data-state", "poweredOff")
    expect(row).not_to_contain_text("poweredOff")


def test_filter_with_no_match_says_so(small: Page, planted):
    home = vch_tab(small)
    home.get_by_label("Filter VCHs").fill("no-such-vch")
    empty = home.locator("td.vic-empty")
    expect(empty).to_contain_text("No virtual container host matches “no-such-vch”")
    expect(empty).not_to_contain_text("yet")
    expect(home.locator(".vic-pager")).to_contain_text("0 of")
    home.get_by_label("Filter VCHs").fill("team-b")
    expect(home.locator("tr[data-row]")).to_have_count(1)


def test_count_and_pages(small: Page, planted):
    home = vch_tab(small)
    pager = home.locator(".vic-pager")
    expect(pager).to_contain_text("1–10 of")
    pager.get_by_role("button", name="Next page").click()
    expect(pager).to_contain_text("11–")
