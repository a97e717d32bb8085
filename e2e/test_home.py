"""The global view, the theme, and the VM card on a VM that is not a VCH."""

from playwright.sync_api import Page, expect

from e2e.conftest import open_home


def test_stand_in_says_what_it_is(page: Page):
    expect(page.locator(".shell-header")).to_contain_text("not the vSphere Client")


def test_home_shows_tabs_and_summary(page: Page, stack):
    home = open_home(page)
    expect(home.get_by_role("tab")).to_have_text(["Summary", "Virtual Container Hosts", "Containers", "About"])
    expect(home.locator("#tab-summary")).to_have_attribute("aria-selected", "true")
    expect(home.locator(".vic-card").first).to_contain_text("Version")
    expect(home.get_by_text("OK: the plug-in server answers")).to_be_visible()
    expect(home.get_by_text(f"{stack.sim.host}:{stack.sim.port}")).to_be_visible()


def test_tabs_follow_arrow_keys(page: Page):
    home = open_home(page)
    home.locator("#tab-summary").focus()
    page.keyboard.press("ArrowRight")
    expect(home.locator("#tab-vchs")).to_have_attribute("aria-selected", "true")
    expect(home.locator("#new-vch")).to_be_visible()


def test_dark_theme_reaches_the_view(page: Page):
    home = open_home(page)
    expect(home.locator("body")).to_have_attribute("cds-theme", "light")
    page.check("#theme-dark")
    expect(home.locator("body")).to_have_attribute("cds-theme", "dark")
    background = home.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    page.uncheck("#theme-dark")
    expect(home.locator("body")).to_have_attribute("cds-theme", "light")


def test_plain_vm_gets_no_vic_card_or_delete_action(page: Page):
    page.click("a.obj-VirtualMachine >> text=DC0_H0_VM0")
    expect(page.locator("h1")).to_contain_text("DC0_H0_VM0")
    expect(page.locator("iframe.card-view")).to_have_count(0)
    expect(page.locator("#action-deleteVch")).to_have_count(0)


def test_portlet_on_plain_vm_says_nothing_misleading(page: Page):
    page.click("a.obj-VirtualMachine >> text=DC0_H0_VM0")
    object_id = page.locator(".facts dd.mono").inner_text()
    # Host the card anyway, as a client that ignored the dynamic answer would.
    page.evaluate("""([id]) => {
        const f = document.createElement('iframe');
        f.className = 'view card-view'; f.id = 'forced-card';
        f.dataset.context = JSON.stringify([{id}]);
        f.src = window.SHELL.proxyBase + 'ui/index.html#/vm-portlet';
        document.querySelector('.summary').append(f);
    }""", [object_id])
    card = page.frame_locator("#forced-card")
    expect(card.locator(".vic-portlet")).to_have_text("This VM is neither a virtual container host nor a container VM.")
    expect(card.locator("body")).not_to_contain_text("DOCKER_HOST")


def test_new_vch_action_on_a_cluster(page: Page):
    page.click("a.obj-ClusterComputeResource >> text=DC0_C0")
    page.click("#action-newVch")
    wizard = page.frame_locator("iframe.modal-view")
    expect(wizard.locator("form.vic-page[data-step=general]")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("iframe.modal-view")).to_have_count(0)
