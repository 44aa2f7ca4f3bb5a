"""A prison's own pages (its page, its timeline) and the summary of each of its plans that the
estate-wide pages are made from.

A prison is the unit a build works on: everything these pages need lives inside it (its plans,
their statuses, neighbouring inspections, repeat concerns), so one worker makes all of a prison's
files and hands back only `PrisonSummary`, a few kilobytes a plan.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from .. import urls
from ..feeds import Entry, plan_entries
from ..links import RelatedConcern
from ..markdown import first_words
from ..model import Establishment, Plan
from ..site import SiteInfo
from ..timeline import Statuses, TimelineEvent, arrange, in_order, plan_events, target_span
from ..wording import Span, When, day, month, month_text, plural, span
from .common import Count, Frame, Link, Linker, counts, frame, ordered, status_columns
from .plan import concern_tally, short_title, tally
from .timeline import Timeline, timeline

ENTRY_WORDS = 140  # characters of a concern's text listings show


# --- the summary the estate-wide pages are made from -------------------------------------------------
# Tuples (NamedTuple): a build's worker processes send a thousand plans' summaries back, and tuples
# travel several times quicker than dataclasses.
class ConcernEntry(NamedTuple):
    number: int
    kind_label: str
    theme: str | None
    title: str  # the concern's first words
    target: str  # site path of the concern
    counts: tuple[tuple[str, int], ...]  # its actions by status, STATUS_KEYS order


class OwnerEntry(NamedTuple):
    spelling: str  # the owner as published
    counts: tuple[tuple[str, int], ...]


class Event(NamedTuple):
    """A plan's event as pages about more than the plan show it (generator.timeline.TimelineEvent)."""
    date: dt.date
    kind: str
    title: str
    end: dt.date | None
    concern: int
    action: int


class PlanSummary(NamedTuple):
    slug: str
    month_key: str
    establishment: str
    start: dt.date
    end: dt.date
    report_published: dt.date
    plan_submitted: dt.date
    concerns: tuple[ConcernEntry, ...]
    counts: tuple[tuple[str, int], ...]
    owners: tuple[OwnerEntry, ...]
    events: tuple[Event, ...]
    entries: tuple[Entry, ...]

    def timeline_events(self) -> list[TimelineEvent]:
        return [TimelineEvent(e.date, e.kind, e.title, self.establishment, self.slug, self.month_key, e.end,
                              concern=e.concern, action=e.action) for e in self.events]

    @property
    def key(self) -> tuple[str, str]:
        return (self.slug, self.month_key)

    @property
    def url(self) -> str:
        return urls.plan(self.slug, self.month_key)

    @property
    def actions(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class PrisonSummary:
    slug: str
    name: str
    plans: tuple[PlanSummary, ...]  # newest inspection first
    files: dict[str, int]  # every file its pages and data wrote -> bytes
    pages: tuple[str, ...]  # the site paths of its HTML pages
    used: object = None  # what its pages took from other prisons (generator.pages.Estate)

    @property
    def url(self) -> str:
        return urls.establishment(self.slug)

    @property
    def latest(self) -> PlanSummary:
        return self.plans[0]


def plan_summary(plan: Plan, statuses: Statuses, events: list[TimelineEvent], base_url: str) -> PlanSummary:
    concerns = []
    for concern in plan.concerns:
        concerns.append(ConcernEntry(concern.number, concern.kind_label, concern.theme,
                                     _first_words(concern.text), urls.concern(plan.slug, plan.month_key, concern.number),
                                     ordered(concern_tally(concern, statuses))))
    owners: dict[str, dict[str, int]] = {}
    for concern in plan.concerns:
        for action in concern.actions:
            if action.owner:
                found = owners.setdefault(action.owner, {})
                key = statuses[(concern.number, action.index)].key
                found[key] = found.get(key, 0) + 1
    return PlanSummary(plan.slug, plan.month_key, plan.establishment, plan.inspection.start, plan.inspection.end,
                       plan.report_published, plan.plan_submitted, tuple(concerns), ordered(tally(statuses)),
                       tuple(OwnerEntry(name, ordered(found)) for name, found in sorted(owners.items())),
                       tuple(Event(e.date, e.kind, e.title, e.end, e.concern, e.action) for e in events),
                       plan_entries(plan, base_url))


def _first_words(text: str) -> str:
    return first_words(text, ENTRY_WORDS)



# --- the prison's page -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PlanRow:
    inspection: Span
    href: str
    report_published: When
    plan_submitted: When
    concerns: int
    actions: int
    cells: tuple[Count | None, ...]  # a status column each, linking to the plan's list of those actions


@dataclass(frozen=True, slots=True)
class Pair:
    """A concern raised at one inspection and again at a later one."""
    earlier: Link
    earlier_title: str
    later: Link
    later_title: str
    how: str


@dataclass(frozen=True, slots=True)
class Repeats:
    """Concerns of one inspection raised again at a later one."""
    id: str
    sentence: str
    earlier: str  # "February 2023 inspection"
    later: str
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class EstablishmentPage:
    frame: Frame
    name: str
    facts: tuple[tuple[str, str], ...]
    plans: tuple[PlanRow, ...]
    columns: tuple[str, ...]  # the status columns' headings: the statuses some plan has, STATUS_KEYS order
    caveat: str
    repeats: tuple[Repeats, ...]
    timeline: Timeline
    full_timeline: Link
    feed: Link
    links: tuple[Link, ...]
    matching: Link  # how repeats are found (/about/)


def establishment_page(site: SiteInfo, establishment: Establishment, statuses: dict[str, Statuses],
                       events: list[TimelineEvent],
                       related: dict[tuple[str, str, int], tuple[RelatedConcern, ...]]) -> EstablishmentPage:
    path = establishment.url
    link = Linker(path)
    columns, cells, caveat = status_columns([
        counts(tally(statuses[plan.month_key]), lambda key, plan=plan: link(plan.url) + "#" + urls.status_id(key))
        for plan in establishment.plans])
    rows = [PlanRow(span(plan.inspection.start, plan.inspection.end), link(plan.url), day(plan.report_published),
                    day(plan.plan_submitted), len(plan.concerns), len(plan.actions), row)
            for plan, row in zip(establishment.plans, cells)]
    full = urls.establishment_timeline(establishment.slug)
    return EstablishmentPage(
        frame=frame(site, path, establishment.name, crumbs=[("Prisons", urls.establishments_index())],
                    description=f"Action plans published by {establishment.name} in answer to HM Inspectorate "
                                "of Prisons reports, the status of their actions, and which concerns came back.",
                    feeds=[(f"New plans and updates for {establishment.name}",
                            urls.establishment_feed(establishment.slug))]),
        name=establishment.name,
        facts=tuple((label, value) for label, value in (("Type", establishment.type), ("Region", establishment.region),
                                                       ("Operator", establishment.operator)) if value),
        plans=tuple(rows), columns=columns, caveat=caveat,
        repeats=repeats(establishment, related, link),
        timeline=timeline(arrange(events, site.as_of, "establishment", recent=3, upcoming=3), link,
                          Link("see the full timeline", link(full))),
        full_timeline=Link(f"Full timeline of {establishment.name}", link(full)),
        feed=Link(f"Atom feed of new plans and updates for {establishment.name}",
                  link(urls.establishment_feed(establishment.slug))),
        links=tuple(Link(x.title, x.url) for x in establishment.links),
        matching=Link("how repeated concerns are found", link(urls.about()) + "#how-repeated-concerns-are-found"),
    )


def repeats(establishment: Establishment, related: dict[tuple[str, str, int], tuple[RelatedConcern, ...]],
            link: Linker) -> tuple[Repeats, ...]:
    """For each later inspection, newest first, and each earlier one it repeats concerns of: the pairs."""
    by_key = {p.month_key: p for p in establishment.plans}
    found = []
    for later in establishment.plans:
        pairs: dict[str, list[tuple[int, int, Pair]]] = {}
        for concern in later.concerns:
            for r in related.get((later.slug, later.month_key, concern.number), ()):
                earlier = by_key.get(r.ref.month_key) if r.ref.slug == later.slug else None
                if not r.earlier or earlier is None:
                    continue
                before = earlier.concern(r.ref.number)
                pairs.setdefault(earlier.month_key, []).append((before.number, concern.number, Pair(
                    Link(f"Concern {before.number}", link(urls.concern(earlier.slug, earlier.month_key, before.number))),
                    short_title(before),
                    Link(f"Concern {concern.number}", link(urls.concern(later.slug, later.month_key, concern.number))),
                    short_title(concern),
                    "Found by matching wording" if r.reason == "similar" else "Linked by the site’s editors")))
        for month_key in sorted(pairs, reverse=True):
            earlier = by_key[month_key]
            ordered = sorted(pairs[month_key], key=lambda item: item[:2])
            items = [pair for _, _, pair in ordered]
            raised = len({number for number, _, _ in ordered})
            when, again = month_text(earlier.inspection.start), month_text(later.inspection.start)
            found.append(Repeats(
                f"repeats-{later.month_key}-{earlier.month_key}",
                f"{raised} of {plural(len(earlier.concerns), 'concern')} from the {when} inspection "
                f"{'was' if raised == 1 else 'were'} raised again in {again}.",
                f"{when} inspection", f"{again} inspection", tuple(items)))
    return tuple(found)


# --- the prison's timeline page ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SpanRow:
    inspection: When
    href: str
    first: When | None
    last: When | None
    months: int | None
    without_month: int


@dataclass(frozen=True)
class PrisonTimelinePage:
    frame: Frame
    name: str
    back: Link
    spans: tuple[SpanRow, ...]
    timeline: Timeline


def prison_timeline_page(site: SiteInfo, establishment: Establishment, statuses: dict[str, Statuses],
                         events: list[TimelineEvent]) -> PrisonTimelinePage:
    path = urls.establishment_timeline(establishment.slug)
    link = Linker(path)
    spans = []
    for plan in reversed(establishment.plans):
        found = target_span(plan, statuses[plan.month_key])
        spans.append(SpanRow(month(plan.inspection.start), link(plan.url),
                             month(found.first) if found.first else None, month(found.last) if found.last else None,
                             found.months, found.without_month))
    return PrisonTimelinePage(
        frame=frame(site, path, f"{establishment.name}: timeline",
                    crumbs=[("Prisons", urls.establishments_index()), (establishment.name, establishment.url)],
                    current="Timeline",
                    description=f"Inspections, reports, action plans, target months and progress updates of "
                                f"{establishment.name}, in date order."),
        name=establishment.name, back=Link(f"Back to {establishment.name}", link(establishment.url)),
        spans=tuple(spans), timeline=timeline(arrange(events, site.as_of, "establishment"), link))


def prison_events(establishment: Establishment, statuses: dict[str, Statuses]) -> list[TimelineEvent]:
    """Every event of the prison's plans, in date order (the pages that show them keep it)."""
    return in_order(e for plan in establishment.plans for e in plan_events(plan, statuses[plan.month_key]))


__all__ = ["ConcernEntry", "OwnerEntry", "PlanSummary", "PrisonSummary", "plan_summary", "EstablishmentPage",
           "establishment_page", "PrisonTimelinePage", "prison_timeline_page", "prison_events", "repeats"]
