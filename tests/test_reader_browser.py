"""The site as a reader meets it, in Chromium at a phone's width and a desktop's: tables keep their
labels and header semantics, nothing scrolls sideways, a plan's first concern comes early, links
can be copied, a link to a part a plan does not have says so, and printing keeps what matters."""
from __future__ import annotations

import pytest

from browser import DESKTOP, NARROW, PHONE, chromium, serving, watched_page
from conftest import AS_OF, REPO
from generator.build import build
from generator.project import Project

pytestmark = pytest.mark.browser

PAGES_WITH_TABLES = ["", "establishments/", "hmp-leicester/", "hmp-leicester/2023-02/", "hmp-leicester/timeline/",
                     "themes/", "owners/", "data/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = build(Project(REPO), tmp_path_factory.mktemp("reader") / "site", AS_OF, search=False).output_dir
    with serving(folder) as address:
        yield folder, address


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def open_page(browser):
    """open_page(address, viewport) -> a page; fails the test on any script error or failed request."""
    contexts, problems = [], []

    def open_(address: str, viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = watched_page(context, problems)
        page.goto(address)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == []


@pytest.mark.parametrize("path", PAGES_WITH_TABLES)
def test_tables_keep_their_headers_and_every_number_its_label_on_a_phone(site, open_page, path):
    _, address = site
    headers = {}
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(address + path, viewport)
        headers[name] = [page.locator("table").nth(n).aria_snapshot().count("columnheader")
                         for n in range(page.locator("table").count())]
        if name == "phone":
            # A table too wide for a phone shows each row as a card: each cell's label is then beside it.
            unlabelled = page.evaluate("""() => [...document.querySelectorAll('main td')]
                .filter(td => td.textContent.trim() && getComputedStyle(td).display !== 'table-cell')
                .filter(td => !td.dataset.label || getComputedStyle(td, '::before').content === 'none')
                .map(td => td.textContent.trim())""")
            assert unlabelled == [], f"{path}: cells shown without their label on a phone"
    assert headers["phone"] == headers["desktop"] and all(headers["phone"]), path


def test_nothing_scrolls_sideways_at_320_pixels(site, open_page):
    folder, address = site
    paths = sorted(str(p.parent.relative_to(folder)) + "/" for p in folder.rglob("index.html"))
    page = open_page(address, NARROW)
    wide = []
    for path in ["", *[p for p in paths if p != "./"]]:
        page.goto(address + path)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            wide.append((path, width))
    assert wide == []


def test_on_a_phone_the_first_concern_starts_within_two_screens(site, open_page):
    _, address = site
    for path in ("hmp-leicester/2023-02/", "hmp-leicester/2025-08/", "hmp-long-lartin/2022-12/"):
        page = open_page(address + path, PHONE)
        top = page.evaluate("document.getElementById('concern-1').getBoundingClientRect().top + scrollY")
        assert top < 2 * PHONE["height"], f"{path}: concern 1 starts at {top:.0f} px"


def test_each_link_can_be_copied_and_says_so(site, open_page):
    from playwright.sync_api import expect
    _, address = site
    page = open_page(address + "hmp-leicester/2023-02/", DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    button = page.get_by_role("button", name="Copy link to action 5.1")
    button.focus()
    page.keyboard.press("Enter")  # with the keyboard alone
    expect(page.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == address + "hmp-leicester/2023-02/#concern-5-action-1"
    expect(button).to_have_text("Link copied")


def test_without_javascript_the_plain_links_stay(browser, site):
    _, address = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(address + "hmp-leicester/2023-02/")
    assert page.locator("#concern-5 .permalink a").first.get_attribute("href") == "#concern-5"
    assert page.get_by_role("button", name="Copy link").count() == 0
    context.close()


@pytest.mark.parametrize("fragment, said", [
    ("concern-5-action-9", "This plan has no action 5.9."), ("concern-99", "This plan has no concern 99."),
    ("concern-99-action-1", "This plan has no action 99.1.")])
def test_a_link_to_a_part_the_plan_does_not_have_says_so(site, open_page, fragment, said):
    from playwright.sync_api import expect
    _, address = site
    page = open_page(address + f"hmp-leicester/2023-02/#{fragment}", PHONE)
    notice = page.locator("#fragment-notice")
    expect(notice).to_contain_text(said)
    expect(notice).to_be_focused()
    expect(notice).to_be_in_viewport()
    links = notice.get_by_role("link")
    if fragment == "concern-5-action-9":
        expect(links.first).to_have_attribute("href", "#concern-5")
    expect(links.last).to_have_attribute("href", "#contents-heading")
    page.goto(address + "hmp-leicester/2023-02/#concern-5-action-1")  # a part it has: no notice
    expect(notice).to_have_count(0)


def test_printing_keeps_the_corrections_and_where_cross_links_lead(site, open_page):
    _, address = site
    page = open_page(address + "hmp-leicester/2023-02/", DESKTOP)
    page.emulate_media(media="print")
    correction = page.locator("#concern-1 .corrections li").first
    assert correction.is_visible() and correction.bounding_box()["height"] > 0
    after = page.evaluate("""() => getComputedStyle(document.querySelector('#concern-1 .related a'), '::after').content""")
    assert "https://actionplans.example.org/hmp-leicester/2025-08/#concern-2" in after
    assert page.locator(".copy-link").first.is_hidden() and page.locator(".site-nav").is_hidden()


def test_a_passed_target_is_told_in_a_neutral_style(site, open_page):
    _, address = site
    page = open_page(address + "hmp-leicester/2023-02/", DESKTOP)
    tag = page.locator(".status--passed").first
    colour = tag.evaluate("element => getComputedStyle(element).color")
    alarm = page.evaluate("""() => { const probe = document.createElement('span');
        probe.style.color = getComputedStyle(document.documentElement).getPropertyValue('--red'); document.body.append(probe);
        const colour = getComputedStyle(probe).color; probe.remove(); return colour; }""")
    assert colour != alarm
    assert tag.evaluate("element => getComputedStyle(element, '::before').content") in ("none", "normal")
