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
from generator.build import build, prepare, write_outputs
from generator.project import Project
from generator.search import UNUSED_UI, bodies, concerns_index_outputs, filter_choices

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
                                 "theme": ["Safety"], "status": ["Target date passed, no update"]}
    assert record["meta"]["establishment"] == "HMP Leicester"
    assert record["meta"]["inspection"] == "6 May 2019"
    assert record["meta"]["date"] == "2019-05-06"  # the sort key
    assert record["meta"]["kind"] == "Priority concern"
    assert record["meta"]["statuses"] == "1 target date passed, no update"
    assert record["meta"]["title"].startswith("Priority concern 1")
    assert "segregation unit" in record["content"] and "Buy new mattresses" in record["content"]
    assert "Many cells" not in record["content"]  # concern 2 is its own result
    assert "Skip to main content" not in record["content"]  # no header, navigation or footer
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
    choices = {c.key: c.values for c in filter_choices(prepare(project, AS_OF, search=False))}
    assert choices["year"] == ("2023", "2019")  # newest first


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
                   "(1 target date passed, no update)"
    assert doc.xpath("//main//h3/a//time/@datetime")[:1] == ["2019-05-06"]
    assert not doc.xpath("//nav[contains(@class, 'concerns-pages')]")  # one page: no pager


def test_concerns_index_splits_into_linked_pages_below_the_size_limit(make_project, tmp_path):
    plans = [plan_data(f"HMP Number {n}", f"20{10 + n}-01-10") for n in range(1, 9)]
    project = make_project(plans=plans)
    site = prepare(project, AS_OF, search=False)
    limit = 5_500
    outputs = list(concerns_index_outputs(site, page_bytes=limit))
    folder = tmp_path / "out"
    write_outputs(site, outputs, folder)

    assert len(outputs) >= 3 and [o.path for o in outputs][:2] == ["concerns/", "concerns/2/"]
    listed = []
    for number, output in enumerate(outputs, 1):
        file = folder / output.file
        assert file.stat().st_size <= limit
        doc = lxml.html.fromstring(file.read_bytes())
        assert doc.xpath("//h1")[0].text_content().endswith(f"Page {number} of {len(outputs)}")
        pages = doc.xpath("//nav[contains(@class, 'concerns-pages')]//a")
        assert len(pages) == len(outputs) and pages[number - 1].get("aria-current") == "page"
        assert all(resolves(folder, output.path, a.get("href")) for a in pages)
        if number > 1:
            assert doc.xpath("//a[@rel='prev']/@href") == [urls.relative(outputs[number - 2].path, output.path)]
        listed += [site_path(output.path, a.get("href")) for a in doc.xpath("//ul[@class='concern-list']/li/a")]
    expected = [urls.concern(urls.slugify(p["establishment"]), p["inspection"]["start"][:7], c["number"])
                for p in plans for c in p["concerns"]]
    assert sorted(listed) == sorted(expected)  # every concern exactly once


def test_the_split_is_kept_between_builds_and_measured_again_after_a_change(make_project, tmp_path, monkeypatch):
    from generator import search
    from generator.cache import ParseCache
    plans = [plan_data(f"HMP Number {n}", f"20{10 + n}-01-10") for n in range(1, 9)]
    project = make_project(plans=plans)
    lasting = ParseCache(tmp_path / "cache").derived()
    measured = []
    original = search._measure_and_split
    monkeypatch.setattr(search, "_measure_and_split", lambda *a: measured.append(1) or original(*a))

    def split():
        site = prepare(project, AS_OF, search=False, lasting=lasting)
        return [page.groups for page in search.split_pages(site, 5_500, site.indexes.totals())]

    first = split()
    assert len(first) >= 3 and measured == [1]
    assert split() == first and measured == [1]  # read back, not measured
    plan_file = project.plans_dir / "hmp-number-3" / "2013-01.yaml"
    plan_file.write_text(plan_file.read_text().replace("Violence was too high.", "Violence " + "was high " * 60))
    changed = split()
    assert measured == [1, 1] and changed != first


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
    content = prepare(project, AS_OF, search=False).content

    expected = {urls.concern(p.slug, p.month_key, c.number) for p in content.plans for c in p.concerns}
    assert set(fragments(site)) == expected
    listed = set()
    for file in sorted((site / "concerns").rglob("index.html")):
        path = file.parent.relative_to(site).as_posix() + "/"
        for a in lxml.html.fromstring(file.read_bytes()).xpath("//ul[@class='concern-list']/li/a"):
            assert resolves(site, path, a.get("href")), a.get("href")
            listed.add(site_path(path, a.get("href")))
    assert listed == expected


def test_index_page_sizes_come_from_one_render_or_none_when_the_headings_do_not_match(make_project):
    from generator.search import _section_sizes

    plans = [plan_data(f"HMP Number {n}", f"20{10 + n}-01-10") for n in range(1, 4)]
    site = prepare(make_project(plans=plans), AS_OF, search=False)
    ordered = [p for e in site.content.establishments for p in e.plans]
    prison_a, prison_b = b'<h2><a href="a/">A</a></h2>', b'<h2><a href="b/">B</a></h2>'
    first, second, third = b'<h3><a href="a/1/">1</a></h3>xx', b'<h3><a href="b/1/">1</a></h3>y', \
        b'<h3><a href="b/2/">2</a></h3>zz'
    page = b"<main>" + prison_a + first + prison_b + second + third + b"</main>"
    sizes = _section_sizes(page, ordered)
    # each inspection: its own bytes, its prison's heading, and 3 bytes per link for a deeper page
    assert sizes == {ordered[0].key: len(first) + len(prison_a) + 6, ordered[1].key: len(second) + len(prison_b) + 6,
                     ordered[2].key: len(third) + len(prison_b) + 6}
    assert _section_sizes(page.replace(b"<h3>", b"<h4>"), ordered) is None


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


def test_a_split_from_kept_sizes_is_the_split_measured_afresh(make_project, tmp_path, monkeypatch):
    """After a change only the changed plans are measured (in a render of their prisons), and the
    pages are exactly those a build with nothing kept makes."""
    from generator import search
    from generator.cache import ParseCache
    plans = [plan_data(f"HMP Number {n}", f"20{10 + n}-01-10") for n in range(1, 13)]
    plans += [plan_data(f"HMP Number {n}", f"20{12 + n}-06-10") for n in (1, 4, 12)]
    project = make_project(plans=plans)
    lasting = ParseCache(tmp_path / "cache").derived()
    rendered = []
    original = search._section_sizes
    monkeypatch.setattr(search, "_section_sizes", lambda html, chosen: rendered.append(len(chosen)) or original(html, chosen))

    def split(store):
        site = prepare(project, AS_OF, search=False, lasting=store)
        return [[plan.key for _, group in page.groups for plan in group]
                for page in search.split_pages(site, 5_500, site.indexes.totals())]

    assert split(lasting) == split(None) and len(split(None)) >= 4
    for slug, month in (("hmp-number-3", "2013-01"), ("hmp-number-12", "2024-06"), ("hmp-number-1", "2011-01")):
        plan_file = project.plans_dir / slug / f"{month}.yaml"
        plan_file.write_text(plan_file.read_text().replace("Violence was too high.", "Violence " + "was high " * 40))
        rendered.clear()
        kept = split(lasting)
        assert rendered and max(rendered) <= 3  # the changed prison's inspections and the next prison's first
        assert kept == split(None)
