"""The URL contract (DESIGN.md): these paths and ids are public and must never change."""
from __future__ import annotations

import pytest

from generator import urls


@pytest.mark.parametrize("name, slug", [
    ("HMP Leicester", "hmp-leicester"),
    ("HMP Peterborough (Men)", "hmp-peterborough-men"),
    ("HMP/YOI Feltham", "hmp-yoi-feltham"),
    ("HMP Long Lartin", "hmp-long-lartin"),
    ("HMYOI Wetherby & Keppel", "hmyoi-wetherby-and-keppel"),
    ("HMP Prescoed’s Unit", "hmp-prescoeds-unit"),
    ("  HMP  Ford  ", "hmp-ford"),
])
def test_slugs_are_lower_case_ascii_words_joined_by_hyphens(name, slug):
    assert urls.slugify(name) == slug


def test_page_paths():
    assert urls.home() == ""
    assert urls.establishment("hmp-leicester") == "hmp-leicester/"
    assert urls.plan("hmp-leicester", "2023-02") == "hmp-leicester/2023-02/"
    assert urls.concern("hmp-leicester", "2023-02", 5) == "hmp-leicester/2023-02/#concern-5"
    assert urls.action("hmp-leicester", "2023-02", 5, 2) == "hmp-leicester/2023-02/#concern-5-action-2"
    assert (urls.concern_id(5), urls.action_id(5, 2)) == ("concern-5", "concern-5-action-2")
    assert urls.theme("safety") == "themes/safety/" and urls.owner("governor") == "owners/governor/"
    assert urls.concerns_index() == "concerns/" and urls.concerns_index(2) == "concerns/2/"
    assert (urls.search(), urls.timeline(), urls.timeline_year(2023)) == ("search/", "timeline/", "timeline/2023/")
    assert urls.data_plans_json() == "data/plans.json" and urls.data_actions_csv() == "data/actions.csv"
    assert urls.plan_json("hmp-leicester", "2023-02") == "hmp-leicester/2023-02/plan.json"
    assert urls.plan_csv("hmp-leicester", "2023-02") == "hmp-leicester/2023-02/plan.csv"
    assert (urls.feed(), urls.establishment_feed("hmp-leicester")) == ("feed.xml", "hmp-leicester/feed.xml")
    assert (urls.about(), urls.accessibility(), urls.not_found()) == ("about/", "accessibility/", "404.html")
    assert (urls.sitemap(), urls.robots()) == ("sitemap.xml", "robots.txt")


@pytest.mark.parametrize("path, file", [
    ("", "index.html"), ("hmp-leicester/2023-02/", "hmp-leicester/2023-02/index.html"),
    ("feed.xml", "feed.xml"), ("hmp-leicester/2023-02/#concern-5", "hmp-leicester/2023-02/index.html"),
])
def test_directory_pages_are_written_as_index_html(path, file):
    assert urls.output_file(path) == file


@pytest.mark.parametrize("target, page, link", [
    ("", "", "./"),
    ("hmp-leicester/", "", "hmp-leicester/"),
    ("", "hmp-leicester/2023-02/", "../../"),
    ("hmp-leicester/2025-08/", "hmp-leicester/2023-02/", "../2025-08/"),
    ("hmp-leicester/2023-02/#concern-5", "hmp-leicester/2023-02/", "#concern-5"),
    ("hmp-leicester/2023-02/#concern-5", "themes/safety/", "../../hmp-leicester/2023-02/#concern-5"),
    ("assets/site.css", "hmp-leicester/2023-02/", "../../assets/site.css"),
    ("hmp-leicester/2023-02/plan.json", "hmp-leicester/2023-02/", "plan.json"),
    ("about/", "404.html", "about/"),
])
def test_links_are_relative_to_the_page(target, page, link):
    assert urls.relative(target, page) == link
