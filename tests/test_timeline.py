"""The timeline: events derived once, in a fixed order, split at the as-of date. A plan page lists its
own events with the actions each counts; the estate page, the year pages and each prison's timeline
show a line per event, by month, linking to the event on its plan's page."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from generator import timeline, urls
from generator.build import build
from generator.loader import load
from generator.project import Project
from generator.views.plan import plan_statuses

from conftest import AS_OF, REPO, plan_data
from sitecheck import BuiltSite, text_of


def fixture_plans() -> list[dict]:
    """A prison inspected twice (a moved target, a progress update, targets after the as-of date)
    and a second prison: enough for every kind of event, past and upcoming."""
    first = plan_data("HMP Testshire", "2023-02-13")
    first["concerns"][0]["actions"][0]["updates"] = [
        {"date": "2023-09-01", "status": "delayed", "text": "Delayed by staffing.", "new_target": "March 2024"}]
    second = plan_data("HMP Testshire", "2025-10-06")
    second["concerns"][0]["actions"][0]["target"] = "November 2026"  # the as-of month: still due
    second["concerns"][0]["actions"][1]["target"] = "March 2027"
    second["concerns"][1]["actions"][0]["target"] = "March 2027"
    second["concerns"][1]["actions"][0]["updates"] = [
        {"date": "2026-01-10", "status": "in-progress", "text": "Work has started on A wing."}]
    other = plan_data("HMP Otherton (Men)", "2024-05-20")
    other["concerns"][0]["actions"][0]["target"] = "December 2024"
    return [first, second, other]


@pytest.fixture
def plans(make_project):
    return load(make_project(plans=fixture_plans())).content.plans


def events_of(plans) -> list:
    return timeline.in_order(e for p in plans for e in timeline.plan_events(p, plan_statuses(p, AS_OF)))


def content_pages() -> dict[str, str]:
    """The about and accessibility pages the footer links to, so the whole built site has no broken link."""
    return {f"content/pages/{p.name}": p.read_text(encoding="utf-8") for p in (REPO / "content" / "pages").glob("*.md")}


@pytest.fixture
def built(make_project) -> BuiltSite:
    project = make_project(plans=fixture_plans(), files=content_pages())
    return BuiltSite(build(project, project.root / "site", AS_OF, search=False).output_dir)


def timeline_items(page):
    """(phase, heading or line, [datetime values]) of each event of the page's timeline, in page order:
    the plan page's own (items with headings) and the others (lines grouped by month)."""
    found = []
    for element in page.xpath("//*[contains(@class, 'timeline ') or @class='timeline']/*"):
        if element.get("class") == "timeline__phase":
            phase = text_of(element)  # Past or Upcoming
        elif element.get("class") == "timeline__month":
            month = element.xpath("string(@id)")[-7:]
        elif element.get("class") == "timeline__today":
            heading = element.xpath("./*[starts-with(local-name(), 'h')]")[0]
            found.append(("today", text_of(heading), heading.xpath(".//time/@datetime")))
        elif element.tag == "ol":
            for item in element.xpath("./li"):
                found.append((phase, text_of(item.xpath("./*[1]")[0]), item.xpath("./p[@class='timeline__date']/time/@datetime")))
        elif element.tag == "ul":
            for item in element.xpath("./li"):
                found.append((phase, text_of(item.xpath("./a")[0]), item.xpath("./time/@datetime") or [month]))
    return found


def as_day(value: str) -> dt.date:
    """A <time datetime> value as a date; a month ("2026-11") is read as its last day."""
    if len(value) == 7:
        year, month = map(int, value.split("-"))
        return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
    return dt.date.fromisoformat(value)


# --- events, derived in one place --------------------------------------------------------------
def test_events_are_sorted_by_date_then_kind_then_plan_and_action(plans):
    events = events_of(plans)
    assert events == sorted(events, key=lambda e: e.order) == events_of(reversed(plans))
    kinds = {e.kind for e in events}
    assert kinds == {"inspection", "report", "plan", "update", "target-moved", "targets"}
    assert [(e.kind, e.date) for e in events[:3]] == [
        ("inspection", dt.date(2023, 2, 13)), ("report", dt.date(2023, 5, 24)), ("plan", dt.date(2023, 6, 3))]


def test_target_months_are_grouped_per_plan_and_month_with_the_actions_they_count(plans):
    march = [e for e in events_of(plans) if e.kind == "targets" and e.date == dt.date(2027, 3, 1)]
    assert len(march) == 1
    assert march[0].heading() == "HMP Testshire, October 2025 plan: 2 actions due March 2027"
    assert march[0].heading("establishment") == "October 2025 plan: 2 actions due March 2027"
    assert march[0].heading("plan") == "2 actions due March 2027"
    assert march[0].actions == (("Action 1.2", "concern-1-action-2"), ("Action 2.1", "concern-2-action-1"))
    assert march[0].target == "hmp-testshire/2025-10/#due-2027-03"  # where other pages link to


def test_a_moved_target_is_an_event_and_the_action_is_due_in_its_new_month(plans):
    events = events_of(plans)
    moved = next(e for e in events if e.kind == "target-moved")
    assert moved.date == dt.date(2023, 9, 1)
    assert moved.title == "Target for action 1.1 moved to March 2024"
    assert moved.text.startswith("Moved from August 2023 to March 2024. Status: Delayed.")
    due = next(e for e in events if e.kind == "targets" and e.month_key == "2023-02")
    assert due.date == dt.date(2024, 3, 1) and due.actions[0][0] == "Action 1.1 (target moved from August 2023)"
    assert not [e for e in events if e.kind == "targets" and e.date == dt.date(2023, 8, 1)]


def test_today_splits_past_from_upcoming_and_the_as_of_month_is_still_upcoming(plans):
    events = events_of(plans)
    view = timeline.arrange(events, AS_OF, "estate")
    assert view.today.date == AS_OF and view.today.title == "Today: 23 November 2026"
    assert all(e.sort_date <= AS_OF for e in view.past)
    assert [e.date for e in view.upcoming] == [dt.date(2026, 11, 1), dt.date(2027, 3, 1)]
    assert len(view) == len(events) and view.events[len(view.past)] is view.today


def test_a_short_view_keeps_the_latest_past_and_next_upcoming_and_counts_the_rest(plans):
    events = events_of(plans)
    view = timeline.arrange(events, AS_OF, "estate", recent=2, upcoming=1)
    assert view.past == tuple(e for e in events if e.sort_date <= AS_OF)[-2:]
    assert len(view.upcoming) == 1 and view.later == 1
    assert view.earlier == len(events) - 2 - 2
    assert timeline.arrange(events, AS_OF, "estate", recent=0).past == ()


def test_a_plans_targets_span_from_its_inspection_to_its_last_target_month(plans):
    first, second = [p for p in plans if p.slug == "hmp-testshire"]
    spans = [timeline.target_span(p, plan_statuses(p, AS_OF)) for p in (first, second)]
    assert (spans[0].first, spans[0].last, spans[0].months) == (dt.date(2024, 3, 1), dt.date(2024, 3, 1), 13)
    assert (spans[1].first, spans[1].last, spans[1].without_month) == (dt.date(2026, 11, 1), dt.date(2027, 3, 1), 0)


# --- the pages ---------------------------------------------------------------------------------
def test_the_timeline_page_lists_events_past_then_today_then_upcoming(built):
    page = built.page(urls.timeline())
    assert text_of(page.xpath("//h1")[0]) == "Timeline"
    items = timeline_items(page)
    phases = [phase for phase, _, _ in items]
    today = phases.index("today")
    assert set(phases[:today]) == {"Past"} and set(phases[today + 1:]) == {"Upcoming"}
    assert items[today][1:] == ("Today: 23 November 2026", ["2026-11-23"])
    days = [as_day(times[0]) for _, _, times in items]
    assert days == sorted(days)
    assert ("Upcoming", "HMP Testshire, October 2025 plan: 1 action due November 2026", ["2026-11"]) in items
    assert ("Past", "HMP Testshire: inspected by HM Inspectorate of Prisons", ["2023-02-13", "2023-02-23"]) in items
    assert all(times for _, _, times in items), "every event has a <time datetime> or its month's"
    # Each line links to the event on its plan's page, where the actions it counts are listed.
    due = page.xpath("//ul[@class='timeline__rows']/li[contains(., '1 action due November 2026')]/a/@href")
    assert due == ["../hmp-testshire/2025-10/#due-2026-11"]


def test_events_sit_one_level_below_past_and_upcoming(built):
    for path, phase_level in ((urls.timeline(), 2), (urls.establishment_timeline("hmp-testshire"), 2),
                              (urls.establishment("hmp-testshire"), 3), (urls.plan("hmp-testshire", "2025-10"), 3)):
        page = built.page(path)
        assert page.xpath(f"//h{phase_level}[normalize-space()='Past']"), path
        assert page.xpath(f"//h{phase_level}[starts-with(normalize-space(), 'Today:')]/time[@datetime='2026-11-23']"), path
        below = page.xpath("//li[contains(@class, 'timeline__item')]/*[1] | //h{0}[@class='timeline__month']".format(
            phase_level + 1))
        assert below and {t.tag for t in below} == {f"h{phase_level + 1}"}, path


def test_year_pages_are_linked_from_the_timeline_and_hold_only_their_year(built):
    page = built.page(urls.timeline())
    year_links = page.xpath("//nav[@aria-labelledby='timeline-years']//a/@href")
    assert year_links == ["2023/", "2024/", "2025/", "2026/", "2027/"]
    for year in (2023, 2024, 2025, 2026, 2027):
        year_page = built.page(urls.timeline_year(year))
        assert text_of(year_page.xpath("//h1")[0]) == f"Timeline: {year}"
        assert year_page.xpath("//a[@aria-current='page']/text()")[0] == str(year)
        items = timeline_items(year_page)
        assert items and all(times[0].startswith(str(year)) for phase, _, times in items if phase != "today")
        has_today = any(phase == "today" for phase, _, _ in items)
        assert has_today == (year == AS_OF.year)
    assert "Every event on this page is before today" in text_of(built.page(urls.timeline_year(2023)))
    assert "Every event on this page is after today" in text_of(built.page(urls.timeline_year(2027)))


def test_each_prison_has_a_timeline_page_linked_from_its_page_and_from_the_timeline(built):
    for slug in ("hmp-testshire", "hmp-otherton-men"):
        assert built.page(urls.establishment(slug)).xpath("//a[@href='timeline/']"), slug
        assert built.page(urls.timeline()).xpath(f"//a[@href='../{slug}/timeline/']"), slug
    page = built.page(urls.establishment_timeline("hmp-testshire"))
    assert text_of(page.xpath("//h1")[0]) == "HMP Testshire: timeline"
    headings = [heading for _, heading, _ in timeline_items(page)]
    assert headings.count("Inspected by HM Inspectorate of Prisons") == 2
    assert "February 2023 plan: target for action 1.1 moved to March 2024" in headings
    rows = [[text_of(cell) for cell in row.xpath("./*")] for row in page.xpath("//table//tbody/tr")]
    assert rows == [["February 2023", "March 2024", "13", "2"],
                    ["October 2025", "November 2026 to March 2027", "17", "0"]]
    assert not [h for _, h, _ in timeline_items(page) if "Otherton" in h]


def test_the_establishment_page_shows_a_short_timeline(built):
    page = built.page(urls.establishment("hmp-testshire"))
    past = [item for item in timeline_items(page) if item[0] == "Past"]
    assert len(past) == 3
    assert "earlier events not shown here" in text_of(page)


def test_the_plan_page_has_a_compact_timeline_from_inspection_to_last_target(built):
    page = built.page(urls.plan("hmp-testshire", "2025-10"))
    assert text_of(page.xpath("//h2[@id='plan-timeline-heading']")[0]) == "Timeline"
    headings = [heading for _, heading, _ in timeline_items(page)]
    assert headings == ["Inspected by HM Inspectorate of Prisons", "Progress update on action 2.1 (in progress)",
                        "Inspection report published", "Action plan submitted", "Today: 23 November 2026",
                        "1 action due November 2026", "2 actions due March 2027"]
    march = page.xpath("//li[contains(@class, 'timeline__item--targets')][.//time[@datetime='2027-03']]")[0]
    assert march.get("id") == "due-2027-03"
    assert march.xpath(".//a/@href") == ["#concern-1-action-2", "#concern-2-action-1"]


def test_every_timeline_link_names_an_existing_id_on_its_page(built):
    checked = 0
    for file in built.html_files:
        doc = built.page(str(file.relative_to(built.root)))
        for href in doc.xpath("//div[contains(@class, 'timeline')]//a/@href"):
            checked += 1
            assert not href.startswith("/"), href
    assert checked > 20
    assert built.broken_links() == []


def test_the_timeline_is_the_same_bytes_on_every_build(make_project, tmp_path):
    project = make_project(plans=fixture_plans())
    one = build(project, tmp_path / "one", AS_OF, search=False).output_dir
    two = build(project, tmp_path / "two", AS_OF, search=False).output_dir
    for path in (urls.timeline(), urls.timeline_year(2026), urls.establishment_timeline("hmp-testshire")):
        assert (one / urls.output_file(path)).read_bytes() == (two / urls.output_file(path)).read_bytes()


# --- the real content --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> BuiltSite:
    out = tmp_path_factory.mktemp("real-timeline") / "site"
    build(Project(REPO), out, AS_OF, search=False)
    return BuiltSite(out)


def test_the_real_content_has_a_timeline_page_per_year_and_per_prison(real_site):
    content = load(Project(REPO)).content
    page = real_site.page(urls.timeline())
    events = events_of(content.plans)
    years = sorted({e.date.year for e in events})
    assert page.xpath("//nav[@aria-labelledby='timeline-years']//a/@href") == [f"{y}/" for y in years]
    for year in years:
        assert (real_site.root / urls.output_file(urls.timeline_year(year))).is_file()
    for establishment in content.establishments:
        prison = real_site.page(urls.establishment_timeline(establishment.slug))
        inspections = [h for _, h, _ in timeline_items(prison) if h == "Inspected by HM Inspectorate of Prisons"]
        assert len(inspections) == len(establishment.plans)
    items = timeline_items(page)
    assert [phase for phase, _, _ in items].count("today") == 1
    days = [as_day(times[0]) for _, _, times in items]
    assert days == sorted(days)
    assert len([i for i in items if i[0] != "today"]) <= timeline.RECENT + timeline.UPCOMING


def test_real_timeline_links_resolve_to_concerns_and_actions(real_site):
    pattern = re.compile(r"#(concern-\d+(-action-\d+)?|due-\d{4}-\d{2}|timeline-(inspection|report|plan)|"
                         r"update-\d+-\d+-\d{4}-\d{2}-\d{2})$")
    for file in real_site.html_files:
        doc = real_site.page(str(file.relative_to(real_site.root)))
        for href in doc.xpath("//div[contains(@class, 'timeline')]//a/@href"):
            assert href.endswith("/") or href == "#timeline-years" or pattern.search(href), f"{file}: {href}"
    assert [b for b in real_site.broken_links() if "timeline" in b] == []
