"""Search in a real browser: a fixture site built with search, served over HTTP under /plans/ with
the Content-Security-Policy the site documents, driven through Debian's Chromium.

Outside CI these tests skip when Chromium is missing; with CI=true they fail instead.
"""
from __future__ import annotations

import pytest

from browser import PHONE, chromium, serving, watched_page
from conftest import AS_OF, SITE_YAML, plan_data, write_plan
from generator.build import build
from generator.project import Project

pytestmark = pytest.mark.browser

PLANS = [
    plan_data(),  # HMP Testshire, February 2023: violence (priority 1), cells (key 2)
    plan_data("HMP Leicester", "2019-05-06", concerns=[
        {"number": 1, "kind": "priority", "theme": "safety",
         "text": "Mattresses were missing in the segregation unit.\n",
         "actions": [{"text": "Buy new mattresses.\n", "owner": "Governor", "target": "June 2019"}]},
        {"number": 2, "kind": "key", "theme": "respect", "text": "Many cells needed refurbishment.\n",
         "actions": [{"text": "Refurbish cells.\n", "owner": "Governor", "target": "Ongoing"}]},
    ]),
    plan_data("HMP Bedford", "2021-09-13", concerns=[
        {"number": 1, "kind": "key", "theme": "respect", "text": "Cells were cold and mattresses worn.\n",
         "actions": [{"text": "Fix the heating.\n", "owner": "Head of Residence", "target": "Complete"}]},
    ]),
    plan_data("HMP Wormwood", "2020-01-06", concerns=[  # the match is in an action, far below the concern
        {"number": 1, "kind": "priority", "theme": "safety", "text": "Use of force was not always justified.\n",
         "actions": [{"text": f"Review paperwork for incident {n}.\n", "owner": "Governor", "target": "Ongoing"}
                     for n in range(1, 12)] + [
                    {"text": "Every officer will wear body worn video on duty.\n", "owner": "Governor",
                     "target": "Ongoing"}]},
    ]),
    plan_data("HMP Numerous", "2017-03-06", concerns=[  # more results than one screenful
        {"number": n, "kind": "key", "theme": "purposeful-activity", "text": f"Too few staff ran workshop {n}.\n",
         "actions": [{"text": "Recruit instructors.\n", "owner": "Governor", "target": "Ongoing"}]}
        for n in range(1, 13)]),
]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The fixture site, built with search into www/plans/ and served at http://127.0.0.1:<port>/plans/."""
    root = tmp_path_factory.mktemp("search-browser")
    project = root / "project"
    (project / "content").mkdir(parents=True)
    (project / "content" / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for data in PLANS:
        write_plan(project, data)
    build(Project(project), root / "www" / "plans", AS_OF)
    with serving(root / "www") as address:
        yield address + "plans/"


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    """A fresh page that fails the test on any script error, CSP violation or failed request."""
    context = browser.new_context()
    problems: list[str] = []
    page = watched_page(context, problems)
    yield page
    context.close()
    assert problems == []


def search_for(page, words: str):
    from playwright.sync_api import expect
    field = page.get_by_label("Words to search for")
    field.fill(words)
    field.press("Enter")
    expect(page.locator("#search-status")).to_contain_text("found")


def test_typing_a_query_shows_the_best_matching_concern_first(page, site_url):
    from playwright.sync_api import expect
    page.goto(site_url + "search/")
    search_for(page, "mattresses")

    results = page.locator("#search-results > li")
    expect(results).to_have_count(2)
    expect(page.locator("#search-status")).to_have_text("2 concerns found matching “mattresses”.")
    first = results.first
    expect(first.get_by_role("link")).to_have_text(
        "Priority concern 1: Mattresses were missing in the segregation unit., HMP Leicester, May 2019 inspection")
    expect(first).to_contain_text("HMP Leicester · inspection began 6 May 2019 · Priority concern · Safety")
    expect(first).to_contain_text("Actions: 1 target date passed — no update published.")
    expect(first.locator("mark").first).to_have_text("Mattresses")
    expect(first.get_by_role("link")).to_have_attribute("href", "/plans/hmp-leicester/2019-05/#concern-1")


def test_a_filter_narrows_the_results_and_the_address_keeps_them(page, site_url):
    from playwright.sync_api import expect
    page.goto(site_url + "search/")
    search_for(page, "cells")
    expect(page.locator("#search-results > li")).to_have_count(3)

    page.get_by_label("Prison").select_option("HMP Leicester")
    expect(page.locator("#search-status")).to_have_text("1 concern found matching “cells” with prison: HMP Leicester.")
    expect(page.locator("#search-results > li")).to_have_count(1)
    expect(page.locator("#search-results a")).to_have_text(
        "Key concern 2: Many cells needed refurbishment., HMP Leicester, May 2019 inspection")
    assert page.url.endswith("/plans/search/?q=cells&establishment=HMP+Leicester")

    page.reload()  # a shared or bookmarked address shows the same results
    expect(page.get_by_label("Prison")).to_have_value("HMP Leicester")
    expect(page.locator("#search-results > li")).to_have_count(1)


def test_results_can_be_sorted_by_inspection_date(page, site_url):
    from playwright.sync_api import expect
    page.goto(site_url + "search/")
    search_for(page, "cells")
    page.get_by_label("Order").select_option("desc")
    links = page.locator("#search-results > li h2 a")
    expect(links).to_have_text([
        "Key concern 2: Many cells needed refurbishment., HMP Testshire, February 2023 inspection",
        "Key concern 1: Cells were cold and mattresses worn., HMP Bedford, September 2021 inspection",
        "Key concern 2: Many cells needed refurbishment., HMP Leicester, May 2019 inspection"])


def test_following_a_result_lands_on_the_concern(page, site_url):
    from playwright.sync_api import expect
    page.goto(site_url + "search/")
    search_for(page, "segregation")
    page.locator("#search-results a").first.click()

    expect(page).to_have_url(site_url + "hmp-leicester/2019-05/#concern-1")
    expect(page.locator("#concern-1")).to_be_in_viewport()
    expect(page.locator("#concern-1 h3")).to_contain_text("Priority concern 1")


def test_more_results_are_shown_on_request_with_focus_on_the_first_new_one(page, site_url):
    from playwright.sync_api import expect
    page.goto(site_url + "search/")
    search_for(page, "workshop")
    expect(page.locator("#search-status")).to_have_text("12 concerns found matching “workshop”. Showing the first 10.")
    expect(page.locator("#search-results > li")).to_have_count(10)

    page.get_by_role("button", name="Show more results").press("Enter")
    expect(page.locator("#search-results > li")).to_have_count(12)
    expect(page.locator("#search-results > li").nth(10).get_by_role("link")).to_be_focused()
    expect(page.locator("#search-status")).to_have_text("Showing 12 of 12 concerns.")
    expect(page.get_by_role("button", name="Show more results")).to_be_hidden()


def test_search_works_with_the_keyboard_alone(page, site_url):
    from playwright.sync_api import expect
    page.goto(site_url + "search/")
    field = page.get_by_label("Words to search for")
    for _ in range(30):  # from the top of the page to the search field
        page.keyboard.press("Tab")
        if field.evaluate("element => element === document.activeElement"):
            break
    expect(field).to_be_focused()
    page.keyboard.type("cells")
    page.keyboard.press("Enter")
    expect(page.locator("#search-results > li")).to_have_count(3)

    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the filters' disclosure, open on a wide screen
    page.keyboard.press("Tab")  # the first filter: Prison
    expect(page.get_by_label("Prison")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first prison, HMP Bedford
    expect(page.locator("#search-results > li")).to_have_count(1)
    expect(page.locator("#search-status")).to_contain_text("HMP Bedford")

    link = page.locator("#search-results a").first
    for _ in range(10):  # past the other filters to the result
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site_url + "hmp-bedford/2021-09/#concern-1")


def test_a_match_in_an_action_leads_to_that_action_with_its_words(page, site_url):
    from playwright.sync_api import expect
    page.goto(site_url + "search/")
    search_for(page, "body worn video")
    link = page.locator("#search-results > li").first.get_by_role("link")
    expect(link).to_have_attribute("href", "/plans/hmp-wormwood/2020-01/#concern-1-action-12")
    expect(link).to_contain_text("Priority concern 1: Use of force was not always justified. — action 1.12")
    expect(page.locator("#search-results .search-result__excerpt mark").first).to_have_text("body")
    excerpt = page.locator("#search-results .search-result__excerpt").first.inner_text()
    assert "Owner" not in excerpt and "Status" not in excerpt and "Link to" not in excerpt
    link.click()
    expect(page.locator("#concern-1-action-12")).to_be_in_viewport()


def test_on_a_phone_the_first_result_shows_without_scrolling(browser, site_url):
    from playwright.sync_api import expect
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site_url + "search/")
    box = page.locator("#search-filters-box")
    expect(box).not_to_have_attribute("open", "")  # filters behind their disclosure on a narrow screen
    search_for(page, "cells")
    first = page.locator("#search-results > li").first
    expect(first).to_be_visible()
    top = first.bounding_box()["y"] + page.evaluate("scrollY")
    assert top + 40 < PHONE["height"], f"the first result starts at {top:.0f} px"
    page.get_by_text("Filters and order").click()
    page.get_by_label("Prison").select_option("HMP Leicester")
    expect(page.locator("#search-filters-chosen")).to_have_text(" (1 chosen)")
    expect(page.locator("#search-results > li")).to_have_count(1)
    context.close()


def test_without_javascript_the_page_links_to_the_index_of_all_concerns(browser, site_url):
    from playwright.sync_api import expect
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "search/")

    expect(page.get_by_role("search")).to_be_hidden()
    notice = page.locator("#search-unavailable")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Search needs JavaScript")
    notice.get_by_role("link", name="index of all concerns").click()
    expect(page).to_have_url(site_url + "concerns/")
    expect(page.locator("main .concern-list > li")).to_have_count(18)
    context.close()
