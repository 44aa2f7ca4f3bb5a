"""The estate-wide pages — home, prisons, themes, owners, all concerns, the timeline, search, open
data — made from the prisons' summaries alone, never from the plans themselves.

Each answers a reader's question with one short line per plan or concern that links to the plan
page, which holds the text. Long listings are split into pages (`paged`), so no page grows with the
estate past what a phone can load.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Generic, Iterable, Sequence, TypeVar
from urllib.parse import urlsplit

from markupsafe import Markup

from .. import urls
from ..data import CSV_COLUMNS, LICENCE, SCHEMA_VERSION
from ..markdown import render_page
from ..model import KINDS, THEMES, ContentPage
from ..site import SiteInfo
from ..status import STATUS_KEYS
from ..timeline import RECENT, UPCOMING, arrange, in_order, today_event
from ..wording import When, day, month, span
from .common import Count, DataFile, Frame, Link, Linker, PASSED_CAVEAT, add, counts, frame, ordered, status_columns, statuses_text
from .prison import ConcernEntry, PlanSummary, PrisonSummary
from .timeline import Timeline, timeline

PAGE_BUDGET = 240_000  # estimated bytes of HTML a page of a long listing holds (pages stay well under 400 KB)
Group = TypeVar("Group")


# --- splitting long listings ------------------------------------------------------------------------
@dataclass(slots=True)
class Pager:
    """Where a page of a long listing is among its pages."""
    number: int
    count: int
    previous: Link | None
    next: Link | None
    pages: tuple[tuple[Link, str], ...]  # (link, current when it is this page; what it holds)


def place_in(pager: Pager | None, parents: list[tuple[str, str]], name: str, first: str) -> tuple[list, str]:
    """A listing page's breadcrumbs and its name in them: a later page adds the listing's first page
    (`name` at `first`) to the trail and is "Page N"."""
    if pager is None or pager.number == 1:
        return parents, name
    return [*parents, (name, first)], f"Page {pager.number}"


def of_pages(pager: Pager | None) -> str:
    """What a listing page's title adds when the listing has several pages: ", page 2 of 5"."""
    return f", page {pager.number} of {pager.count}" if pager else ""


@dataclass
class Paged(Generic[Group]):
    path: str
    groups: tuple[Group, ...]
    pager: Pager | None  # None when the listing fits one page


def paged(groups: Sequence[Group], size: Callable[[Group], int], path: Callable[[int], str],
          name: Callable[[Group], str]) -> list[Paged[Group]]:
    """Groups (a prison's part, a month) in order, packed into pages of at most PAGE_BUDGET estimated
    bytes; a page holds at least one group, and a group is never split."""
    budget = PAGE_BUDGET
    chunks: list[list[Group]] = []
    used = 0
    for group in groups:
        cost = size(group)
        if not chunks or (used + cost > budget and chunks[-1]):
            chunks.append([])
            used = 0
        chunks[-1].append(group)
        used += cost
    if len(chunks) <= 1:
        return [Paged(path(1), tuple(groups), None)]
    result = []
    for number, chunk in enumerate(chunks, 1):
        link = Linker(path(number))
        pages = tuple((Link(f"Page {n}", link(path(n)), n == number),
                       name(c[0]) if name(c[0]) == name(c[-1]) else f"{name(c[0])} to {name(c[-1])}")
                      for n, c in enumerate(chunks, 1))
        result.append(Paged(path(number), tuple(chunk), Pager(
            number, len(chunks),
            Link("Previous page", link(path(number - 1))) if number > 1 else None,
            Link("Next page", link(path(number + 1))) if number < len(chunks) else None, pages)))
    return result


def _entry_size(entry: ConcernEntry) -> int:
    return 330 + len(entry.title) + len(entry.target)


# --- what many pages show ---------------------------------------------------------------------------
@dataclass(slots=True)
class PrisonRow:
    """A prison with its latest inspection and the statuses of that plan's actions."""
    name: str
    href: str
    latest: Link
    cells: tuple[Count | None, ...]  # one a column of the table: None for none of that status


@dataclass(slots=True)
class PrisonTable:
    columns: tuple[str, ...]  # the status columns' headings, STATUS_KEYS order: the statuses some prison has
    rows: tuple[PrisonRow, ...]
    caveat: str


def prison_table(prisons: Sequence[PrisonSummary], link: Linker) -> PrisonTable:
    columns, cells, caveat = status_columns([
        counts(prison.latest.counts, lambda key, t=prison.latest.url: link(t) + "#" + urls.status_id(key))
        for prison in prisons])
    rows = tuple(PrisonRow(prison.name, link(prison.url), Link(month(prison.latest.start).text, link(prison.latest.url)),
                           row) for prison, row in zip(prisons, cells))
    return PrisonTable(columns, rows, caveat)


def _everything(prisons: Sequence[PrisonSummary]) -> list[PlanSummary]:
    return [plan for prison in prisons for plan in prison.plans]


@dataclass(slots=True)
class Totals:
    plans: int
    prisons: int
    concerns: int
    actions: int
    counts: tuple[Count, ...]

    @property
    def passed(self) -> int:
        return next((c.count for c in self.counts if c.key == "passed"), 0)


def totals(prisons: Sequence[PrisonSummary]) -> Totals:
    plans = _everything(prisons)
    return Totals(len(plans), len(prisons), sum(len(p.concerns) for p in plans), sum(p.actions for p in plans),
                  counts(add(p.counts for p in plans)))


# --- home and prisons ----------------------------------------------------------------------------
@dataclass
class HomePage:
    frame: Frame
    totals: Totals
    caveat: str
    prisons: PrisonTable
    recent: tuple[tuple[Link, When], ...]
    links: dict[str, str]


def home_page(site: SiteInfo, prisons: Sequence[PrisonSummary]) -> HomePage:
    link = Linker(urls.home())
    found = totals(prisons)
    recent = sorted(_everything(prisons), key=lambda p: (p.plan_submitted, p.slug), reverse=True)[:10]
    return HomePage(
        frame=frame(site, urls.home(), "Home"), totals=found, caveat=PASSED_CAVEAT if found.passed else "",
        prisons=prison_table(prisons, link),
        recent=tuple((Link(f"{p.establishment}, {month(p.start).text} inspection", link(p.url)), day(p.plan_submitted))
                     for p in recent),
        links={name: link(target()) for name, target in (
            ("search", urls.search), ("concerns", urls.concerns_index), ("themes", urls.themes_index),
            ("owners", urls.owners_index), ("timeline", urls.timeline), ("about", urls.about),
            ("prisons", urls.establishments_index))})


@dataclass
class PrisonsPage:
    frame: Frame
    prisons: PrisonTable
    inspections: tuple[tuple[Link, ...], ...]  # each prison's inspections, newest first


def prisons_page(site: SiteInfo, prisons: Sequence[PrisonSummary]) -> PrisonsPage:
    path = urls.establishments_index()
    link = Linker(path)
    return PrisonsPage(
        frame=frame(site, path, "Prisons", description="Every prison with a published action plan, its latest "
                                                       "inspection and the status of that plan's actions."),
        prisons=prison_table(prisons, link),
        inspections=tuple(tuple(Link(month(p.start).text, link(p.url)) for p in prison.plans) for prison in prisons))


# --- themes ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class Entry:
    """A concern in a listing: where it is, its first words, its actions by status."""
    label: str
    href: str
    title: str
    statuses: str


@dataclass(slots=True)
class PrisonGroup:
    id: str
    name: str
    href: str
    entries: tuple[Entry, ...]


@lru_cache(maxsize=4096)  # listings show the same few tallies thousands of times
def _statuses_text(found: tuple[tuple[str, int], ...]) -> str:
    return statuses_text(found, "no actions")


@dataclass
class ThemesPage:
    frame: Frame
    rows: tuple[tuple[Link, int, int, int], ...]  # theme, concerns, prisons, actions passed


@dataclass
class ThemePage:
    frame: Frame
    name: str
    concerns: int
    prisons: int
    counts: tuple[Count, ...]
    caveat: str
    page: Paged[PrisonGroup]


def theme_groups(prisons: Sequence[PrisonSummary]) -> dict[str, list[tuple[PrisonSummary, list]]]:
    """Each theme's concerns by prison: (prison, [(plan, concern entry)…])."""
    found: dict[str, list[tuple[PrisonSummary, list]]] = {slug: [] for slug in THEMES}
    for prison in prisons:
        mine: dict[str, list] = {}
        for plan in prison.plans:
            for concern in plan.concerns:
                if concern.theme in found:
                    mine.setdefault(concern.theme, []).append((plan, concern))
        for slug, items in mine.items():
            found[slug].append((prison, items))
    return found


def themes_page(site: SiteInfo, groups: dict[str, list]) -> ThemesPage:
    path = urls.themes_index()
    link = Linker(path)
    rows = []
    for slug, name in THEMES.items():
        items = [c for _, cs in groups[slug] for _, c in cs]
        rows.append((Link(name, link(urls.theme(slug))), len(items), len(groups[slug]),
                     sum(n for c in items for key, n in c.counts if key == "passed")))
    return ThemesPage(frame(site, path, "Themes"), tuple(rows))


def theme_pages(site: SiteInfo, slug: str, groups: list[tuple[PrisonSummary, list]]) -> list[ThemePage]:
    name = THEMES[slug]
    items = [(prison, plan, c) for prison, cs in groups for plan, c in cs]
    found = add(c.counts for _, _, c in items)
    pages = paged(groups, lambda g: sum(_entry_size(c) for _, c in g[1]) + 200,
                  lambda n: urls.theme(slug, n), lambda g: g[0].name)
    result = []
    for page in pages:
        link = Linker(page.path)
        shown = tuple(PrisonGroup(prison.slug, prison.name, link(prison.url), tuple(
            Entry(f"{month(plan.start).text} inspection, {c.kind_label.lower()} {c.number}", link(c.target), c.title,
                  _statuses_text(c.counts)) for plan, c in cs)) for prison, cs in page.groups)
        crumbs, current = place_in(page.pager, [("Themes", urls.themes_index())], name, urls.theme(slug))
        result.append(ThemePage(
            frame(site, page.path, f"Theme: {name}" + of_pages(page.pager), crumbs=crumbs, current=current),
            name, len(items), len(groups), counts(found), PASSED_CAVEAT if found.get("passed") else "",
            Paged(page.path, shown, page.pager)))
    return result


# --- owners -----------------------------------------------------------------------------------------
@dataclass(slots=True)
class OwnerRow:
    """One plan's actions of one owner: how many, and their statuses."""
    inspection: Link
    actions: int
    statuses: str
    spellings: str  # "published as “Head of Safety”" when it differs from the name shown


@dataclass(slots=True)
class OwnerGroup:
    id: str
    name: str
    href: str
    rows: tuple[OwnerRow, ...]


@dataclass(slots=True)
class Owner:
    name: str
    slug: str
    spellings: tuple[str, ...]
    plans: tuple[tuple[PrisonSummary, tuple[tuple[PlanSummary, tuple[str, ...], dict[str, int]], ...]], ...]
    counts: dict[str, int]

    @property
    def actions(self) -> int:
        return sum(self.counts.values())

    @property
    def prisons(self) -> int:
        return len(self.plans)


def owner_slugs(spellings: Iterable[str], aliases: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Owner as published -> (name shown, page slug). Spellings content/owners.yaml merges share a
    page; two names with one slug ("MOJ / Amey", "MOJ Amey") stay two pages ("-2" for the second)."""
    shown = {spelling: aliases.get(spelling, spelling) for spelling in spellings}
    slug_of: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(shown.values()), key=lambda s: (urls.slugify(s), s)):
        slug_of[name] = urls.unique(urls.slugify(name) or "owner", used)
    return {spelling: (name, slug_of[name]) for spelling, name in shown.items()}


def owners(prisons: Sequence[PrisonSummary], slugs: dict[str, tuple[str, str]]) -> list[Owner]:
    grouped: dict[tuple[str, str], dict[str, list]] = {}
    spellings: dict[tuple[str, str], set[str]] = {}
    for prison in prisons:
        for plan in sorted(prison.plans, key=lambda p: p.month_key):
            mine: dict[tuple[str, str], tuple[list[str], dict[str, int]]] = {}
            for entry in plan.owners:
                owner = slugs[entry.spelling]
                names, found = mine.setdefault(owner, ([], {}))
                names.append(entry.spelling)
                for key, n in entry.counts:
                    found[key] = found.get(key, 0) + n
            for owner, (names, found) in mine.items():
                grouped.setdefault(owner, {}).setdefault(prison.slug, []).append((plan, tuple(names), found))
                spellings.setdefault(owner, set()).update(names)
    by_slug = {prison.slug: prison for prison in prisons}
    result = []
    for (name, slug), plans in sorted(grouped.items(), key=lambda item: item[0][1]):
        result.append(Owner(name, slug, tuple(sorted(spellings[(name, slug)])),
                            tuple((by_slug[p], tuple(items)) for p, items in plans.items()),
                            add(found for items in plans.values() for _, _, found in items)))
    return result


@dataclass
class OwnersPage:
    frame: Frame
    rows: tuple[tuple[Link, int, int], ...]


def owners_page(site: SiteInfo, found: list[Owner]) -> OwnersPage:
    path = urls.owners_index()
    link = Linker(path)
    return OwnersPage(frame(site, path, "Responsible owners", current="Owners"),
                      tuple((Link(o.name, link(urls.owner(o.slug))), o.actions, o.prisons) for o in found))


@dataclass
class OwnerPage:
    frame: Frame
    name: str
    actions: int
    prisons: int
    spellings: tuple[str, ...]
    counts: tuple[Count, ...]
    caveat: str
    page: Paged[OwnerGroup]


def owner_pages(site: SiteInfo, owner: Owner) -> list[OwnerPage]:
    pages = paged(owner.plans, lambda g: 200 + 260 * len(g[1]), lambda n: urls.owner(owner.slug, n),
                  lambda g: g[0].name)
    result = []
    for page in pages:
        link = Linker(page.path)
        groups = tuple(OwnerGroup(prison.slug, prison.name, link(prison.url), tuple(
            OwnerRow(Link(f"{month(plan.start).text} inspection",
                          link(plan.url) + "#" + urls.owner_id(owner.slug)), sum(found.values()),
                     _statuses_text(ordered(found)),
                     "" if names == (owner.name,) else "published as " + ", ".join(f"“{n}”" for n in names))
            for plan, names, found in items)) for prison, items in page.groups)
        crumbs, current = place_in(page.pager, [("Owners", urls.owners_index())], owner.name, urls.owner(owner.slug))
        later = page.pager is not None and page.pager.number > 1
        result.append(OwnerPage(
            frame(site, page.path, f"Owner: {owner.name}" + (f", page {page.pager.number}" if later else ""),
                  crumbs=crumbs, current=current),
            owner.name, owner.actions, owner.prisons, owner.spellings, counts(owner.counts),
            PASSED_CAVEAT if owner.counts.get("passed") else "", Paged(page.path, groups, page.pager)))
    return result


# --- all concerns (for readers without JavaScript, and crawlers) -------------------------------------
@dataclass(slots=True)
class InspectionGroup:
    heading: Link  # "Inspection of 13 to 23 February 2023"
    when: object
    entries: tuple[Entry, ...]


@dataclass
class ConcernsPage:
    frame: Frame
    totals: Totals
    page: Paged[tuple[Link, tuple[InspectionGroup, ...]]]
    search: str


def concerns_pages(site: SiteInfo, prisons: Sequence[PrisonSummary]) -> list[ConcernsPage]:
    found = totals(prisons)
    pages = paged(prisons, lambda p: 200 + sum(150 + sum(_entry_size(c) for c in plan.concerns) for plan in p.plans),
                  urls.concerns_index, lambda p: p.name)
    result = []
    for page in pages:
        link = Linker(page.path)
        groups = tuple((Link(prison.name, link(prison.url)), tuple(
            InspectionGroup(Link("Inspection of", link(plan.url)), span(plan.start, plan.end), tuple(
                Entry(f"{c.kind_label} {c.number}" + (f" ({THEMES[c.theme]})" if c.theme else ""), link(c.target),
                      c.title, _statuses_text(c.counts))
                for c in plan.concerns)) for plan in prison.plans)) for prison in page.groups)
        crumbs, current = place_in(page.pager, [], "All concerns", urls.concerns_index())
        result.append(ConcernsPage(
            frame(site, page.path, "All concerns" + of_pages(page.pager), crumbs=crumbs, current=current,
                  description="Every concern of every action plan, grouped by prison and inspection, with the "
                              "status of its actions."),
            found, Paged(page.path, groups, page.pager), link(urls.search())))
    return result


# --- the timeline -----------------------------------------------------------------------------------
@dataclass
class TimelinePage:
    frame: Frame
    year: int | None
    years: tuple[Link, ...]
    prisons: tuple[Link, ...]
    timeline: Timeline
    pager: Pager | None
    before_or_after: str  # on a year page without today: "before" / "after"
    as_of: When
    latest: Link


def timeline_pages(site: SiteInfo, prisons: Sequence[PrisonSummary]) -> list[TimelinePage]:
    events = in_order(e for plan in _everything(prisons) for e in plan.timeline_events())
    years = sorted({e.date.year for e in events})
    pages = [_timeline_page(site, urls.timeline(), None, years, prisons,
                            arrange(events, site.as_of, "estate", recent=RECENT, upcoming=UPCOMING), None)]
    marker = today_event(site.as_of)
    by_year: dict[int, list] = {}
    for event in events:
        by_year.setdefault(event.date.year, []).append(event)
    for year in years:
        shown = by_year[year]
        this_year = year == site.as_of.year  # its pages show the as-of marker
        months: dict[dt.date, list] = {}
        for event in shown:
            months.setdefault(event.date.replace(day=1), []).append(event)
        chunks = paged(list(months.items()), lambda item: 150 + 230 * len(item[1]),
                       lambda n, y=year: urls.timeline_year(y, n), lambda item: month(item[0]).text)
        for chunk in chunks:
            mine = [e for _, group in chunk.groups for e in group]
            today_here = this_year and mine and mine[0].order < marker.order <= mine[-1].order
            part = arrange(mine, site.as_of, "estate", with_today=bool(today_here) or (
                this_year and chunk.pager is None))
            pages.append(_timeline_page(site, chunk.path, year, years, prisons, part, chunk.pager))
    return pages


def _timeline_page(site: SiteInfo, path: str, year: int | None, years: list[int],
                   prisons: Sequence[PrisonSummary], view, pager: Pager | None) -> TimelinePage:
    link = Linker(path)
    if year is None:
        title, crumbs, current = "Timeline", [], "Timeline"
    else:
        title = f"Timeline: {year}" + of_pages(pager)
        crumbs, current = place_in(pager, [("Timeline", urls.timeline())], str(year), urls.timeline_year(year))
    more = None if year else Link("see the pages by year", "#timeline-years")
    return TimelinePage(
        frame=frame(site, path, title, crumbs=crumbs, current=current,
                    description="Inspections, reports, action plans, target months and progress updates"
                                + (f" in {year}" if year else "") + ", in date order."),
        year=year, years=tuple(Link(str(y), link(urls.timeline_year(y)), y == year) for y in years),
        prisons=tuple(Link(p.name, link(urls.establishment_timeline(p.slug))) for p in prisons),
        timeline=timeline(view, link, more), pager=pager,
        before_or_after="" if view.today or year is None else ("before" if year < site.as_of.year else "after"),
        as_of=day(site.as_of), latest=Link("Latest and upcoming", link(urls.timeline())))


# --- search, data, and the small pages ---------------------------------------------------------------
@dataclass(slots=True)
class Choice:
    """One filter of the search form: the Pagefind filter key, its label, the values in the index."""
    key: str
    label: str
    any_label: str
    values: tuple[str, ...]


@dataclass
class SearchPage:
    frame: Frame
    search: bool
    choices: tuple[Choice, ...]
    pagefind: str
    root: str
    concerns: str
    themes: str


def search_page(site: SiteInfo, prisons: Sequence[PrisonSummary]) -> SearchPage:
    path = urls.search()
    link = Linker(path)
    plans = _everything(prisons)
    concerns = [c for p in plans for c in p.concerns]
    present_statuses = add(p.counts for p in plans)
    return SearchPage(
        frame=frame(site, path, "Search", description="Search the concerns of every action plan and the actions "
                                                      "that answer them.",
                    scripts=[urls.asset("search.js")] if site.search else []),
        search=site.search,
        choices=(
            Choice("establishment", "Prison", "Any prison", tuple(sorted({p.establishment for p in plans}))),
            Choice("year", "Year of inspection", "Any year",
                   tuple(str(y) for y in sorted({p.start.year for p in plans}, reverse=True))),
            Choice("kind", "Kind of concern", "Any kind",
                   tuple(label for label in KINDS.values() if any(c.kind_label == label for c in concerns))),
            Choice("theme", "Theme", "Any theme",
                   tuple(label for theme, label in THEMES.items() if any(c.theme == theme for c in concerns))),
            Choice("status", "Status of an action", "Any status",
                   tuple(label for key, label in STATUS_KEYS.items() if key in present_statuses))),
        pagefind=link(urls.search_bundle() + "pagefind.js"), root=link(urls.home()),
        concerns=link(urls.concerns_index()), themes=link(urls.themes_index()))


@dataclass
class DataPage:
    frame: Frame
    files: tuple[DataFile, ...]
    example: tuple[Link, Link] | None  # one plan's CSV and JSON, to show where each plan's files are
    columns: tuple
    schema_version: str
    licence: dict
    schema: str
    feed: str
    as_of: When


def data_page(site: SiteInfo, prisons: Sequence[PrisonSummary], sizes: dict[str, str]) -> DataPage:
    path = urls.data_page()
    link = Linker(path)
    files = (
        (urls.data_actions_csv(), "All actions (CSV)", "text/csv; charset=utf-8",
         "Every action of every plan, one row each, with the columns below."),
        (urls.data_plans_json(), "All plans (JSON)", "application/json",
         "Every plan with its concerns, actions and updates, nested."),
        (urls.data_schema(), "JSON Schema of the JSON files", "application/schema+json",
         "The structure of plans.json and every plan.json, machine-readable."),
    )
    plans = _everything(prisons)
    example = None
    if plans:
        first = plans[0]
        example = (Link(f"{first.establishment}, {month(first.start).text}: plan.csv",
                        link(urls.plan_csv(first.slug, first.month_key))),
                   Link(f"{first.establishment}, {month(first.start).text}: plan.json",
                        link(urls.plan_json(first.slug, first.month_key))))
    return DataPage(
        frame=frame(site, path, "Open data", description="Every action plan on this site as CSV and JSON, with the "
                    "status of each action, under the Open Government Licence v3.0: what each file holds, each "
                    "column, and the schema."),
        files=tuple(DataFile(link(p), t, m, d, sizes[p]) for p, t, m, d in files),
        example=example, columns=CSV_COLUMNS, schema_version=SCHEMA_VERSION, licence=LICENCE,
        schema=link(urls.data_schema()), feed=link(urls.feed()), as_of=day(site.as_of))


@dataclass
class ContentPageView:
    frame: Frame
    title: str
    body: object  # Markup


def content_page(site: SiteInfo, page: ContentPage) -> ContentPageView:
    return ContentPageView(frame(site, page.url, page.title), page.title, Markup(render_page(page.body, site.settings.links)))


@dataclass
class NotFoundPage:
    frame: Frame
    prisons: str
    search: str


def not_found_page(site: SiteInfo) -> NotFoundPage:
    link = Linker(urls.not_found(), root=urlsplit(site.base_url).path)
    return NotFoundPage(frame(site, urls.not_found(), "Page not found", link=link),
                        link(urls.establishments_index()), link(urls.search()))
