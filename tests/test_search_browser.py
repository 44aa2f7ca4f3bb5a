"""Search in a real browser: a fixture site built with search, served over HTTP under /plans/ with
the Content-Security-Policy the site documents, driven through Debian's Chromium.

Outside CI these tests skip when Chromium is missing; with CI=true they fail instead.
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from conftest import AS_OF, RECOMMENDED_CSP, SITE_YAML, plan_data, write_plan
from generator.build import build
from generator.project import Project

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--proxy-server=http://127.0.0.1:9"]
# The policy the README documents: WebAssembly needs 'wasm-unsafe-eval', nothing needs more
# (img-src data: is for base.html's empty icon, <link rel="icon" href="data:,">).
CSP = RECOMMENDED_CSP

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
    plan_data("HMP Numerous", "2017-03-06", concerns=[  # more results than one screenful
        {"number": n, "kind": "key", "theme": "purposeful-activity", "text": f"Too few staff ran workshop {n}.\n",
         "actions": [{"text": "Recruit instructors.\n", "owner": "Governor", "target": "Ongoing"}]}
        for n in range(1, 13)]),
]


def require_chromium():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright is not installed"
    else:
        missing = None if CHROMIUM.exists() else f"{CHROMIUM} is missing"
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"{missing}: browser tests must run in CI (install Debian's chromium package)")
    if missing:
        pytest.skip(f"{missing}; install Debian's chromium to run browser tests")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the site's CSP; no favicon (the site has none), no log lines."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def do_GET(self):
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


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
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root / "www")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/plans/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that fails the test on any script error, CSP violation or failed request."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("response", lambda response: response.status >= 400 and problems.append(f"{response.status} {response.url}"))
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
    expect(page.locator("main .concern-list > li")).to_have_count(17)
    context.close()
