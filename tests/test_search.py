"""Search: the Pagefind index written by `build`, the /search/ page, and the index of all concerns.

Pagefind's fragment files are gzip'd JSON ("pagefind_dcd" + JSON): reading them shows exactly what a
search result will say, without a browser. What the browser does is in test_search_browser.py.
"""
from __future__ import annotations

import gzip
import json
import posixpath
from pathlib import Path

import lxml.html

from conftest import AS_OF, REPO, plan_data
from generator import urls
from generator.build import build
from generator.loader import load
from generator.project import Project
from generator.search import UNUSED_UI, bodies

LEICESTER = plan_data(
    "HMP Leicester", "2019-05-06",
    concerns=[
        {"number": 1, "kind": "priority", "theme": "safety", "text": "Mattresses were missing in the segregation unit.\n",
         "actions": [{"text": "Buy new mattresses.\n", "owner": "Governor", "target": "June 2019"}]},
        {"number": 2, "kind": "key", "text": "Many cells needed refurbishment.\n",
         "actions": [{"text": "Refurbish cells.\n", "owner": "Governor", "target": "Ongoing"}]},
    ])


def fragments(site: Path) -> dict[str, dict]:
    """Every Pagefind record of a built site, by its address on the site (its `link` metadata):
    {"hmp-leicester/2019-05/#concern-1": {"content": "…", "meta": {…}, "filters": {…}}, …}."""
    records = {}
    for file in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(file.read_bytes()).removeprefix(b"pagefind_dcd"))
        records[data["meta"]["link"]] = data
    return records


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / urls.output_file(path)).read_bytes())


def site_path(from_page: str, href: str) -> str:
    """The site path (as generator.urls makes them) a relative link from `from_page` points to."""
    path, _, fragment = href.partition("#")
    from_dir = from_page if from_page.endswith("/") or not from_page else posixpath.dirname(from_page) + "/"
    target = posixpath.normpath(posixpath.join(from_dir, path or "."))
    target = "" if target == "." else target + "/" if path.endswith("/") or not path else target
    return target + (f"#{fragment}" if fragment else "")


def resolves(site: Path, from_page: str, href: str) -> bool:
    """Does a relative link from `from_page` name a file, and its #fragment an id in that file?"""
    target, _, fragment = site_path(from_page, href).partition("#")
    file = site / urls.output_file(target)
    if not file.is_file():
        return False
    return not fragment or bool(lxml.html.fromstring(file.read_bytes()).xpath("//*[@id=$id]", id=fragment))


def test_build_indexes_each_concern_as_one_result(make_project):
    project = make_project(plans=[plan_data(), LEICESTER])
    result = build(project, project.root / "site", AS_OF)

    site = result.output_dir
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en-gb.pagefind"):
        assert (site / "pagefind" / name).is_file()
    # Pagefind's ready-made interfaces are left out: /search/ uses its JavaScript API only.
    assert not [name for name in UNUSED_UI if (site / "pagefind" / name).exists()]
    records = fragments(site)
    assert sorted(records) == ["hmp-leicester/2019-05/#concern-1", "hmp-leicester/2019-05/#concern-2",
                               "hmp-testshire/2023-02/#concern-1", "hmp-testshire/2023-02/#concern-2"]
    assert all(resolves(site, "", link) for link in records)  # each lands on its concern's id
    assert result.files == sum(1 for path in site.rglob("*") if path.is_file())


def test_the_records_and_word_index_are_the_same_bytes_for_the_same_content(make_project, tmp_path):
    project = make_project(plans=[plan_data(), LEICESTER])
    first = build(project, tmp_path / "one", AS_OF).output_dir
    second = build(project, tmp_path / "two", AS_OF).output_dir

    def files(site, folder):
        return {p.name: p.read_bytes() for p in (site / "pagefind" / folder).iterdir()}
    assert files(first, "fragment") == files(second, "fragment")
    assert files(first, "index") == files(second, "index")
    # Not compared: Pagefind 1.5.2 writes the values inside its filter files in a varying order
    # (known upstream: github.com/Pagefind/pagefind/issues/638), and the hashes that name them.


def test_a_result_carries_its_concerns_filters_metadata_and_text_only(make_project):
    project = make_project(plans=[plan_data(), LEICESTER])
    site = build(project, project.root / "site", AS_OF).output_dir

    record = fragments(site)["hmp-leicester/2019-05/#concern-1"]
    assert record["filters"] == {"establishment": ["HMP Leicester"], "year": ["2019"], "kind": ["Priority concern"],
                                 "theme": ["Safety"], "status": ["Target date passed — no update published"]}
    assert record["meta"]["establishment"] == "HMP Leicester"
    assert record["meta"]["inspection"] == "6 May 2019"
    assert record["meta"]["date"] == "2019-05-06"  # the sort key
    assert record["meta"]["kind"] == "Priority concern"
    assert record["meta"]["statuses"] == "1 target date passed — no update published"
    assert record["meta"]["title"] == "Priority concern 1: Mattresses were missing in the segregation unit."
    assert "segregation unit" in record["content"] and "Buy new mattresses" in record["content"]
    assert "Many cells" not in record["content"]  # concern 2 is its own result
    assert "Skip to main content" not in record["content"]  # no header, navigation or footer
    # Excerpts come from the concern's and its actions' own words, never from labels or notes.
    assert not any(label in record["content"] for label in ("Owner", "Target", "Status", "Link to", "Theme"))
    # A match in an action leads to that action: its heading is an anchor, a sub-result in search.
    assert [(a["id"], a["text"]) for a in record["anchors"] if a["element"] == "h4"] == [
        ("concern-1-action-1-heading", "Action 1.1")]
    assert record["content"].startswith("Mattresses were missing")  # the heading is the title, not repeated
    assert "theme" not in fragments(site)["hmp-leicester/2019-05/#concern-2"]["filters"]  # no theme assigned


def test_every_filter_value_in_the_index_is_offered_by_the_search_form(make_project):
    project = make_project(plans=[plan_data(), LEICESTER])
    site = build(project, project.root / "site", AS_OF).output_dir

    indexed: dict[str, set[str]] = {}
    for record in fragments(site).values():
        for key, values in record["filters"].items():
            indexed.setdefault(key, set()).update(values)
    form = page(site, urls.search())
    offered = {select.get("data-filter"): {o.get("value") for o in select.xpath("option") if o.get("value")}
               for select in form.xpath("//select[@data-filter]")}
    assert offered == indexed
    years = form.xpath("//select[@data-filter='year']/option/@value")
    assert years == ["", "2023", "2019"]  # any, then newest first


def test_search_page_is_an_accessible_form_that_loads_pagefind_relative_to_itself(make_project):
    project = make_project(plans=[plan_data()])
    site = build(project, project.root / "site", AS_OF).output_dir
    doc = page(site, urls.search())

    assert len(doc.xpath("//h1")) == 1
    form = doc.get_element_by_id("search-form")
    assert form.get("role") == "search" and form.get("hidden") is not None  # shown by the script
    query = doc.get_element_by_id("search-query")
    assert doc.xpath("//label[@for='search-query']")[0].text_content().strip() == "Words to search for"
    assert query.get("type") == "search"
    for select in doc.xpath("//select"):
        assert doc.xpath("//label[@for=$id]", id=select.get("id")), select.get("id")
    status = doc.get_element_by_id("search-status")
    assert status.get("role") == "status" and status.get("aria-live") == "polite"
    # Without JavaScript the form stays hidden; this paragraph says why and where to go instead.
    fallback = doc.get_element_by_id("search-unavailable")
    assert fallback.get("hidden") is None and "needs JavaScript" in fallback.text_content()
    assert [a.get("href") for a in fallback.xpath(".//a")] == ["../concerns/"]
    # Pagefind and the script are loaded by relative links, so the site works under any sub-path.
    assert form.get("data-pagefind") == "../pagefind/pagefind.js" and resolves(site, "search/", form.get("data-pagefind"))
    assert form.get("data-site-root") == "../"
    (script,) = doc.xpath("//script")
    assert script.get("type") == "module" and script.get("src") == "../assets/search.js"
    assert resolves(site, "search/", script.get("src")) and not script.text  # no inline script (CSP)


def test_no_search_skips_indexing_and_the_page_says_search_is_unavailable(make_project):
    project = make_project(plans=[plan_data()])
    site = build(project, project.root / "site", AS_OF, search=False).output_dir

    assert not (site / "pagefind").exists()
    doc = page(site, urls.search())
    assert not doc.xpath("//script") and not doc.xpath("//form")
    assert "not available" in doc.text_content()
    assert (site / "concerns" / "index.html").is_file()  # the index of all concerns is always there


def test_concerns_index_lists_every_concern_with_a_link_to_its_id(make_project):
    project = make_project(plans=[plan_data(), plan_data(start="2025-03-03"), LEICESTER])
    site = build(project, project.root / "site", AS_OF, search=False).output_dir
    doc = page(site, urls.concerns_index())

    links = [a.get("href") for a in doc.xpath("//main//ul[@class='concern-list']/li/a")]
    assert links == [  # by establishment, newest inspection first
        "../hmp-leicester/2019-05/#concern-1", "../hmp-leicester/2019-05/#concern-2",
        "../hmp-testshire/2025-03/#concern-1", "../hmp-testshire/2025-03/#concern-2",
        "../hmp-testshire/2023-02/#concern-1", "../hmp-testshire/2023-02/#concern-2"]
    assert all(resolves(site, "concerns/", href) for href in links)
    assert [h.text_content() for h in doc.xpath("//main//h2")] == ["HMP Leicester", "HMP Testshire"]
    first = doc.xpath("//main//ul[@class='concern-list']/li")[0]
    text = " ".join(first.text_content().split())
    assert text == "Priority concern 1 (Safety): Mattresses were missing in the segregation unit. " \
                   "(1 target date passed — no update published)"
    assert doc.xpath("//main//h3/a//time/@datetime")[:1] == ["2019-05-06"]
    assert not doc.xpath("//nav[contains(@class, 'listing-pages')]")  # one page: no pager


def test_concerns_index_splits_into_linked_pages_below_the_size_limit(make_project, monkeypatch):
    from generator.views import estate
    plans = [plan_data(f"HMP Number {n}", f"20{10 + n}-01-10") for n in range(1, 9)]
    project = make_project(plans=plans)
    monkeypatch.setattr(estate, "PAGE_BUDGET", 3_000)  # estimated bytes: two or three prisons a page
    site = build(project, project.root / "site", AS_OF, search=False).output_dir

    paths = ["concerns/"] + sorted((p.parent.relative_to(site).as_posix() + "/" for p in
                                    (site / "concerns").glob("*/index.html")), key=lambda p: int(p.split("/")[1]))
    assert len(paths) >= 3 and paths[:2] == ["concerns/", "concerns/2/"]
    listed = []
    for number, path in enumerate(paths, 1):
        doc = page(site, path)
        assert doc.xpath("//h1")[0].text_content().endswith(f"Page {number} of {len(paths)}")
        pages = doc.xpath("//nav[contains(@class, 'listing-pages')]//a")
        assert len(pages) == len(paths) and pages[number - 1].get("aria-current") == "page"
        assert all(resolves(site, path, a.get("href")) for a in pages)
        if number > 1:
            assert doc.xpath("//a[@rel='prev']/@href") == [urls.relative(paths[number - 2], path)]
        listed += [site_path(path, a.get("href")) for a in doc.xpath("//ul[@class='concern-list']/li/a")]
    expected = [urls.concern(urls.slugify(p["establishment"]), p["inspection"]["start"][:7], c["number"])
                for p in plans for c in p["concerns"]]
    assert sorted(listed) == sorted(expected)  # every concern exactly once


def test_records_are_cut_out_exactly_as_an_html_parser_sees_them(make_project):
    project = make_project(plans=[LEICESTER])
    site = build(project, project.root / "site", AS_OF, search=False).output_dir
    text = (site / "hmp-leicester" / "2019-05" / "index.html").read_text(encoding="utf-8")

    cut = list(bodies(text))
    parsed = lxml.html.fromstring(text).xpath("//*[@data-pagefind-body]")
    assert [fragment for fragment, _ in cut] == [e.get("id") for e in parsed] == ["concern-1", "concern-2"]
    for (_, html), element in zip(cut, parsed):
        assert lxml.html.fragment_fromstring(html).text_content() == element.text_content()


def test_the_real_content_builds_with_every_concern_searchable_and_listed(tmp_path):
    project = Project(REPO)
    site = build(project, tmp_path / "site", AS_OF).output_dir
    content = load(project).content

    expected = {urls.concern(p.slug, p.month_key, c.number) for p in content.plans for c in p.concerns}
    assert set(fragments(site)) == expected
    listed = set()
    for file in sorted((site / "concerns").rglob("index.html")):
        path = file.parent.relative_to(site).as_posix() + "/"
        for a in lxml.html.fromstring(file.read_bytes()).xpath("//ul[@class='concern-list']/li/a"):
            assert resolves(site, path, a.get("href")), a.get("href")
            listed.add(site_path(path, a.get("href")))
    assert listed == expected


def test_the_search_index_is_byte_identical_between_builds(make_project, tmp_path):
    """Pagefind writes filters in hash-map order; the build rewrites them sorted (values unchanged)."""
    project = make_project(plans=[plan_data(), plan_data("HMP Other", "2024-01-08"),
                                  plan_data("HMP Third", "2022-05-09")])
    sites = [build(project, tmp_path / name, AS_OF, cache=False).output_dir / "pagefind" for name in ("a", "b", "c")]
    trees = [{p.relative_to(s).as_posix(): p.read_bytes() for p in sorted(s.rglob("*")) if p.is_file()} for s in sites]
    assert trees[0] == trees[1] == trees[2]
    entry = json.loads(trees[0]["pagefind-entry.json"])
    (language,) = entry["languages"].values()
    meta = gzip.decompress(trees[0][f"pagefind.{language['hash']}.pf_meta"])
    assert meta.startswith(b"pagefind_dcd")
    filters = [f for f in trees[0] if f.startswith("filter/")]
    assert len(filters) == 5  # establishment, year, kind, theme, status
    for name in filters:
        assert name.removeprefix("filter/").removesuffix(".pf_filter").encode() in meta
