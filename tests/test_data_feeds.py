"""Open data (plan.json, plan.csv, the whole dataset, its schema and the /data/ page) and the Atom feeds,
read back with the parsers their users have: json, csv, jsonschema, lxml."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jsonschema
import lxml.etree
import lxml.html
import pytest

from generator import urls
from generator.build import build
from generator.data import CSV_COLUMNS, SCHEMA_VERSION, safe_cell, size_text
from generator.loader import load
from generator.problems import ContentError
from generator.project import Project

from conftest import AS_OF, REPO, plan_data

BASE = "https://example.org/plans/"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def fixture_plans() -> list[dict]:
    """Three plans at two prisons: progress updates, a moved target, text a spreadsheet would run."""
    moved = plan_data()
    review = moved["concerns"][0]["actions"][0]
    review["updates"] = [
        {"date": "2023-09-01", "status": "delayed", "text": "Waiting for *funding*.\n", "new_target": "March 2024"},
        {"date": "2024-04-02", "status": "complete", "text": "Strategy reviewed.\n"},
    ]
    refurbish = moved["concerns"][1]["actions"][0]
    refurbish["text"] = '=HYPERLINK("https://example.com","click")\n'
    refurbish["owner"] = "@Head of Residence, \"Estates\""
    later = plan_data(start="2025-03-03")
    later["concerns"][0]["actions"][0]["target"] = "December 2026"
    later["concerns"][0]["actions"][0]["updates"] = [
        {"date": "2026-01-10", "status": "in-progress", "text": "Started.\n", "new_target": "June 2027"}]
    later["concerns"][0]["actions"][1]["target"] = "+ termly review"
    other = plan_data(establishment="HMP Peterborough (Men)", start="2024-06-10")
    other["concerns"][1]["text"] = "- Many cells were dirty.\n- Café prices were high.\n"
    return [moved, later, other]


@pytest.fixture
def built(make_project):
    project = make_project(plans=fixture_plans())
    build(project, project.root / "site", AS_OF, search=False)
    return project, project.root / "site"


def read_csv(raw: bytes) -> list[dict[str, str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark, so spreadsheets read UTF-8"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline=""), strict=True))


def file_of(site: Path, path: str) -> Path:
    return site / urls.output_file(path)


# --- per plan ------------------------------------------------------------------------------------
def test_plan_json_gives_back_the_plan_loaded_from_yaml(built):
    project, site = built
    for plan in load(project).content.plans:
        data = json.loads(file_of(site, urls.plan_json(plan.slug, plan.month_key)).read_text(encoding="utf-8"))
        assert data["schema_version"] == SCHEMA_VERSION and data["as_of"] == AS_OF.isoformat()
        assert data["licence"]["name"] == "Open Government Licence v3.0"
        record = data["plan"]
        assert (record["establishment"], record["establishment_slug"]) == (plan.establishment, plan.slug)
        assert record["inspection"] == {"start": plan.inspection.start.isoformat(), "end": plan.inspection.end.isoformat()}
        assert record["url"] == BASE + plan.url
        assert [(c["number"], c["kind"], c["theme"], c["text"]) for c in record["concerns"]] == \
            [(c.number, c.kind, c.theme, c.text.strip()) for c in plan.concerns]
        published = [(a["number"], a["text"], a["owner"], a["target"]["text"], a["target"]["kind"], a["target"]["month"])
                     for c in record["concerns"] for a in c["actions"]]
        assert published == [(a.index, a.text.strip(), a.owner, a.target.text.strip(), a.target.kind.value,
                              a.target.month.strftime("%Y-%m") if a.target.month else None) for a in plan.actions]
        updates = [[(u["date"], u["status"], u["text"], u["new_target"] and u["new_target"]["text"]) for u in a["updates"]]
                   for c in record["concerns"] for a in c["actions"]]
        assert updates == [[(u.date.isoformat(), u.status, u.text.strip(), u.new_target and u.new_target.text)
                            for u in a.updates] for a in plan.actions]


def test_a_moved_target_shows_as_the_target_in_force(built):
    _, site = built
    data = json.loads(file_of(site, urls.plan_json("hmp-testshire", "2025-03")).read_text(encoding="utf-8"))
    action = data["plan"]["concerns"][0]["actions"][0]
    assert action["target"] == {"text": "December 2026", "kind": "month", "month": "2026-12"}
    assert action["current_target"] == {"text": "June 2027", "kind": "month", "month": "2027-06"}
    assert action["status"] == {"key": "in-progress", "label": "In progress (update of 10 January 2026)"}
    row = read_csv(file_of(site, urls.plan_csv("hmp-testshire", "2025-03")).read_bytes())[0]
    assert (row["target_month"], row["current_target"], row["current_target_month"]) == ("2026-12", "June 2027", "2027-06")
    assert (row["updates"], row["latest_update_date"], row["latest_update_status"]) == ("1", "2026-01-10", "in-progress")


def test_plan_csv_has_a_row_per_action_with_every_column(built):
    project, site = built
    for plan in load(project).content.plans:
        raw = file_of(site, urls.plan_csv(plan.slug, plan.month_key)).read_bytes()
        assert raw.endswith(b"\r\n") and raw.split(b"\n", 1)[0].endswith(b"\r"), "RFC 4180 line ends"
        rows = read_csv(raw)
        assert list(rows[0]) == [c.name for c in CSV_COLUMNS]
        assert len(rows) == len(plan.actions)
        pairs = [(c, a) for c in plan.concerns for a in c.actions]
        for row, (concern, action) in zip(rows, pairs):
            assert row["establishment"] == plan.establishment
            assert row["inspection_start"] == plan.inspection.start.isoformat()
            assert row["plan_submitted"] == plan.plan_submitted.isoformat()
            assert (row["concern_number"], row["action_number"]) == (str(concern.number), str(action.index))
            assert row["concern_kind"] == concern.kind and row["theme"] == (concern.theme or "")
            assert row["url"] == BASE + urls.action(plan.slug, plan.month_key, concern.number, action.index)
            assert row["status_as_of"] == AS_OF.isoformat()
    first = read_csv(file_of(site, urls.plan_csv("hmp-testshire", "2023-02")).read_bytes())
    assert [(r["target"], r["target_kind"], r["target_month"], r["status"], r["status_label"]) for r in first] == [
        ("August 2023", "month", "2023-08", "complete", "Complete (2 April 2024)"),
        ("Complete", "complete", "", "complete", "Complete (as published)"),
        ("Ongoing", "ongoing", "", "ongoing", "Ongoing"),
    ]


def test_cells_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe(built):
    _, site = built
    rows = read_csv(file_of(site, urls.data_actions_csv()).read_bytes())
    cells = [value for row in rows for value in row.values()]
    assert not [value for value in cells if value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=HYPERLINK(\"https://example.com\",\"click\")" in cells
    assert "'@Head of Residence, \"Estates\"" in cells
    assert "'+ termly review" in cells
    assert "'- Many cells were dirty.\n- Café prices were high." in cells
    # the JSON keeps the text exactly as published
    data = json.loads(file_of(site, urls.data_plans_json()).read_text(encoding="utf-8"))
    texts = [a["text"] for p in data["plans"] for c in p["concerns"] for a in c["actions"]]
    assert '=HYPERLINK("https://example.com","click")' in texts


def test_safe_cell_and_size_text():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("-5") == "'-5" and safe_cell("@x") == "'@x"
    assert safe_cell("\tx") == "'\tx" and safe_cell("\r=1") == "'\r=1" and safe_cell("+44") == "'+44"
    assert safe_cell("Governor") == "Governor" and safe_cell("") == "" and safe_cell("a=b") == "a=b"
    assert [size_text(n) for n in (0, 1, 812, 1024, 4300, 3 * 1024 * 1024)] == \
        ["0 bytes", "1 byte", "812 bytes", "1.0 KB", "4.2 KB", "3.0 MB"]


# --- the whole dataset ---------------------------------------------------------------------------
def test_the_whole_dataset_is_every_plan_file_together(built):
    project, site = built
    plans = load(project).content.plans
    whole = json.loads(file_of(site, urls.data_plans_json()).read_text(encoding="utf-8"))
    assert whole["plans"] == [json.loads(file_of(site, urls.plan_json(p.slug, p.month_key)).read_text(encoding="utf-8"))["plan"]
                              for p in plans]
    rows = read_csv(file_of(site, urls.data_actions_csv()).read_bytes())
    assert rows == [row for p in plans for row in read_csv(file_of(site, urls.plan_csv(p.slug, p.month_key)).read_bytes())]
    assert len(rows) == sum(len(p.actions) for p in plans)


def test_every_json_file_validates_against_the_published_schema(built):
    project, site = built
    schema = json.loads(file_of(site, urls.data_schema()).read_text(encoding="utf-8"))
    assert schema["$id"] == BASE + urls.data_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    documents = [file_of(site, urls.data_plans_json())] + \
        [file_of(site, urls.plan_json(p.slug, p.month_key)) for p in load(project).content.plans]
    for path in documents:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["schema"] == schema["$id"]
        assert not list(validator.iter_errors(document)), path
    # and the schema does say no to a file that breaks it
    broken = json.loads(documents[1].read_text(encoding="utf-8"))
    broken["plan"]["concerns"][0]["actions"][0]["target"]["month"] = "August 2023"
    assert list(validator.iter_errors(broken))


def test_data_page_describes_every_column_and_links_to_files_that_exist(built):
    project, site = built
    page = lxml.html.parse(str(file_of(site, urls.data_page()))).getroot()
    assert page.xpath("string(//h1)") == "Open data"
    described = [c.text_content() for c in page.xpath("//h3[@id='columns']/following-sibling::table[1]//tbody//th/code")]
    assert described == [c.name for c in CSV_COLUMNS]
    text = page.text_content()
    assert f"schema version {SCHEMA_VERSION}" in " ".join(text.split())
    assert "Open Government Licence v3.0" in text and "apostrophe" in text
    internal = checked_links(site, urls.data_page(), page.xpath("//main")[0])
    for path in (urls.data_actions_csv(), urls.data_plans_json(), urls.data_schema(), urls.feed()):
        assert path in internal
    # Each plan's own files are on its page (a table of every plan's would grow with the estate); the
    # page shows where they are with one plan's.
    first = load(project).content.plans[0]
    assert {urls.plan_csv(first.slug, first.month_key), urls.plan_json(first.slug, first.month_key)} <= internal
    sizes = [td.text_content() for td in page.xpath("//h2[@id='files']/following-sibling::table[1]//tbody//td[last()]")]
    assert sizes[0] == size_text(file_of(site, urls.data_actions_csv()).stat().st_size)


def test_plan_page_links_its_data_files_with_their_sizes(built):
    _, site = built
    path = urls.plan("hmp-testshire", "2023-02")
    page = lxml.html.parse(str(file_of(site, path))).getroot()
    section = page.xpath("//section[@aria-labelledby='downloads-heading']")[0]
    links = {target: a for a in section.xpath(".//a") for target in [site_path(path, a.get("href"))]}
    assert set(links) == {urls.plan_csv("hmp-testshire", "2023-02"), urls.plan_json("hmp-testshire", "2023-02"),
                          urls.data_page()}
    checked_links(site, path, section)
    for target in (urls.plan_csv("hmp-testshire", "2023-02"), urls.plan_json("hmp-testshire", "2023-02")):
        item = links[target].getparent().text_content()
        assert size_text(file_of(site, target).stat().st_size) in item, item


# --- feeds ---------------------------------------------------------------------------------------
def test_feeds_are_valid_atom(built):
    project, site = built
    content = load(project).content
    feeds = {urls.feed(): content.plans} | {urls.establishment_feed(e.slug): e.plans for e in content.establishments}
    for path, plans in feeds.items():
        feed = lxml.etree.parse(str(file_of(site, path)))
        check_atom(feed)
        root = feed.getroot()
        assert root.findtext("a:id", namespaces=NS) == BASE + path
        assert root.find("a:link[@rel='self']", NS).get("href") == BASE + path
        entries = root.findall("a:entry", NS)
        assert len(entries) == len(plans) + sum(len(a.updates) for p in plans for a in p.actions)
        ids = [e.findtext("a:id", namespaces=NS) for e in entries]
        assert {BASE + p.url for p in plans} <= set(ids)
        updated = [e.findtext("a:updated", namespaces=NS) for e in entries]
        assert updated == sorted(updated, reverse=True), "newest first"
        assert root.findtext("a:updated", namespaces=NS) == updated[0]


def test_feed_entries_come_from_the_content_not_from_the_build(built, tmp_path):
    project, site = built
    feed = lxml.etree.parse(str(file_of(site, urls.establishment_feed("hmp-testshire")))).getroot()
    by_id = {e.findtext("a:id", namespaces=NS): e for e in feed.findall("a:entry", NS)}
    plan_entry = by_id[BASE + "hmp-testshire/2023-02/"]
    assert plan_entry.findtext("a:updated", namespaces=NS) == "2023-06-03T00:00:00Z"  # plan_submitted
    update = by_id[BASE + "hmp-testshire/2023-02/#concern-1-action-1-update-2023-09-01"]
    assert update.findtext("a:updated", namespaces=NS) == "2023-09-01T00:00:00Z"
    assert update.find("a:link[@rel='alternate']", NS).get("href") == BASE + urls.action("hmp-testshire", "2023-02", 1, 1)
    assert update.findtext("a:summary", namespaces=NS) == "Waiting for funding. Target moved from August 2023 to March 2024."
    # a build on another day writes the same feeds
    later = build(project, tmp_path / "later", AS_OF + dt.timedelta(days=40), search=False).output_dir
    for path in (urls.feed(), urls.establishment_feed("hmp-testshire")):
        assert file_of(later, path).read_bytes() == file_of(site, path).read_bytes()


def test_same_content_gives_the_same_bytes(built, tmp_path):
    project, site = built
    again = build(project, tmp_path / "again", AS_OF, search=False).output_dir
    written = sorted(p.relative_to(site) for p in site.rglob("*") if p.suffix in {".json", ".csv", ".xml"})
    assert len(written) >= 13
    for name in written + [Path(urls.output_file(urls.data_page()))]:
        assert (again / name).read_bytes() == (site / name).read_bytes(), name


def test_the_real_content_publishes_valid_data_and_feeds(tmp_path):
    """Whatever plans content/ holds today: the files agree with it and validate."""
    project = Project(REPO)
    if not any(project.plans_dir.glob("*/*.yaml")):  # before the import: nothing to publish yet
        with pytest.raises(ContentError, match="no plans found"):
            load(project)
        return
    content = load(project).content
    site = build(project, tmp_path / "site", AS_OF, search=False).output_dir
    schema = json.loads(file_of(site, urls.data_schema()).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    whole = json.loads(file_of(site, urls.data_plans_json()).read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(whole))
    assert [p["url"] for p in whole["plans"]] == [content.settings.base_url + p.url for p in content.plans]
    assert len(read_csv(file_of(site, urls.data_actions_csv()).read_bytes())) == sum(len(p.actions) for p in content.plans)
    check_atom(lxml.etree.parse(str(file_of(site, urls.feed()))))
    for establishment in content.establishments:
        check_atom(lxml.etree.parse(str(file_of(site, urls.establishment_feed(establishment.slug)))))


# --- helpers ---------------------------------------------------------------------------------------
def site_path(page_path: str, href: str) -> str:
    """The site path a relative link on `page_path` points to (without its fragment)."""
    root = "https://site.invalid/"
    absolute = urljoin(root + page_path, href)
    assert absolute.startswith(root), f"{href} leaves the site"
    return urlsplit(absolute).path[1:]


def checked_links(site: Path, page_path: str, element) -> set[str]:
    """Every site-internal link of `element`, each checked to be a written file."""
    found = set()
    for a in element.xpath(".//a[@href]"):
        href = a.get("href")
        if urlsplit(href).scheme:
            continue
        target = site_path(page_path, href)
        assert file_of(site, target).is_file(), f"{page_path}: {href} -> {target} is not in the site"
        found.add(target)
    return found


# A RELAX NG grammar for the Atom elements this site writes, following RFC 4287 section 4 (extension
# elements and atom:source, which the site never writes, are left out so they would fail).
ATOM_RNG = """\
<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="http://www.w3.org/2005/Atom"
         datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start><ref name="feed"/></start>
  <define name="common"><optional><attribute name="xml:lang"><data type="language"/></attribute></optional>
    <optional><attribute name="xml:base"><data type="anyURI"/></attribute></optional></define>
  <define name="text"><ref name="common"/>
    <optional><attribute name="type"><choice><value>text</value><value>html</value></choice></attribute></optional>
    <text/></define>
  <define name="date"><ref name="common"/>
    <data type="dateTime"><param name="pattern">.+T.+(Z|[+\\-]\\d{2}:\\d{2})</param></data></define>
  <define name="uri"><ref name="common"/><data type="anyURI"/></define>
  <define name="person"><ref name="common"/><interleave>
    <element name="name"><text/></element>
    <optional><element name="uri"><data type="anyURI"/></element></optional>
    <optional><element name="email"><text/></element></optional></interleave></define>
  <define name="link"><element name="link"><ref name="common"/>
    <attribute name="href"><data type="anyURI"/></attribute>
    <optional><attribute name="rel"><text/></attribute></optional>
    <optional><attribute name="type"><text/></attribute></optional>
    <optional><attribute name="hreflang"><data type="language"/></attribute></optional>
    <optional><attribute name="title"><text/></attribute></optional>
    <optional><attribute name="length"><data type="nonNegativeInteger"/></attribute></optional>
    <empty/></element></define>
  <define name="category"><element name="category"><ref name="common"/><attribute name="term"><text/></attribute>
    <optional><attribute name="scheme"><data type="anyURI"/></attribute></optional>
    <optional><attribute name="label"><text/></attribute></optional><empty/></element></define>
  <define name="feed"><element name="feed"><ref name="common"/>
    <interleave>
      <zeroOrMore><element name="author"><ref name="person"/></element></zeroOrMore>
      <zeroOrMore><ref name="category"/></zeroOrMore>
      <zeroOrMore><element name="contributor"><ref name="person"/></element></zeroOrMore>
      <optional><element name="generator"><ref name="common"/>
        <optional><attribute name="uri"><data type="anyURI"/></attribute></optional>
        <optional><attribute name="version"><text/></attribute></optional><text/></element></optional>
      <optional><element name="icon"><ref name="uri"/></element></optional>
      <element name="id"><ref name="uri"/></element>
      <zeroOrMore><ref name="link"/></zeroOrMore>
      <optional><element name="logo"><ref name="uri"/></element></optional>
      <optional><element name="rights"><ref name="text"/></element></optional>
      <optional><element name="subtitle"><ref name="text"/></element></optional>
      <element name="title"><ref name="text"/></element>
      <element name="updated"><ref name="date"/></element>
    </interleave>
    <zeroOrMore><ref name="entry"/></zeroOrMore></element></define>
  <define name="entry"><element name="entry"><ref name="common"/>
    <interleave>
      <zeroOrMore><element name="author"><ref name="person"/></element></zeroOrMore>
      <zeroOrMore><ref name="category"/></zeroOrMore>
      <optional><element name="content"><ref name="text"/></element></optional>
      <zeroOrMore><element name="contributor"><ref name="person"/></element></zeroOrMore>
      <element name="id"><ref name="uri"/></element>
      <zeroOrMore><ref name="link"/></zeroOrMore>
      <optional><element name="published"><ref name="date"/></element></optional>
      <optional><element name="rights"><ref name="text"/></element></optional>
      <optional><element name="summary"><ref name="text"/></element></optional>
      <element name="title"><ref name="text"/></element>
      <element name="updated"><ref name="date"/></element>
    </interleave></element></define>
</grammar>
"""


def check_atom(feed: lxml.etree._ElementTree) -> None:
    """The grammar above, then the RFC 4287 rules a grammar cannot say."""
    grammar = lxml.etree.RelaxNG(lxml.etree.fromstring(ATOM_RNG.encode()))
    assert grammar.validate(feed), grammar.error_log
    root = feed.getroot()
    entries = root.findall("a:entry", NS)
    # 4.1.1: an author on the feed, or on every entry
    assert root.find("a:author", NS) is not None or all(e.find("a:author", NS) is not None for e in entries)
    ids = [root.findtext("a:id", namespaces=NS)] + [e.findtext("a:id", namespaces=NS) for e in entries]
    assert len(ids) == len(set(ids)), "ids are unique"
    assert all(urlsplit(i).scheme in {"http", "https"} and urlsplit(i).netloc for i in ids), "ids are absolute IRIs"
    dates = root.xpath("//a:updated/text() | //a:published/text()", namespaces=NS)
    assert all(RFC3339.match(d) for d in dates), dates
    for element in [root] + entries:
        alternates = [(link.get("type"), link.get("hreflang")) for link in element.findall("a:link[@rel='alternate']", NS)]
        assert len(alternates) == len(set(alternates)), "one alternate link per type and language"
    for entry in entries:
        # 4.1.2: an entry without content has an alternate link (and then a summary)
        if entry.find("a:content", NS) is None:
            assert entry.find("a:link[@rel='alternate']", NS) is not None
            assert (entry.findtext("a:summary", namespaces=NS) or "").strip()
    if entries:
        assert root.findtext("a:updated", namespaces=NS) == max(e.findtext("a:updated", namespaces=NS) for e in entries)


def test_csv_files_are_the_bytes_pythons_csv_module_writes_for_any_cells():
    """The CSV writer joins cells itself (quicker); it must give exactly what csv.writer would."""
    import csv
    import io
    import random
    from generator.data import csv_bytes
    rng = random.Random(7)
    alphabet = ["a", ",", '"', "\n", "\r", " ", "=", "-", "é", "'", "\t", ""]
    for _ in range(2000):
        rows = [["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 6))) for _ in CSV_COLUMNS]
                for _ in range(rng.randrange(0, 4))]
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([c.name for c in CSV_COLUMNS])
        writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
        assert csv_bytes(rows) == ("\ufeff" + buffer.getvalue()).encode("utf-8"), rows
