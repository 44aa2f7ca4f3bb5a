"""Timelines as pages show them.

A plan's own page lists each event with the actions it counts. Every other timeline (the estate,
a year, a prison) shows one line per event, grouped by month, each linking to the event on its
plan's page: a count such as "6 actions due July 2023" leads to where those six are listed, so no
action's text is repeated across the site.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..timeline import TimelineEvent, TimelineView
from ..wording import Span, When, day, month, month_text, plural, span
from markupsafe import Markup

from . import fragments
from .common import Link, Linker


@dataclass(slots=True)
class PlanEvent:
    """An event on the plan page's own timeline: on `when`, or over `span` (an inspection)."""
    id: str
    kind: str
    title: str
    when: When | None
    span: Span | None
    text: str
    actions: Markup  # a link to each action it counts (generator.views.fragments.link_items)


@dataclass(slots=True)
class PlanTimeline:
    past: tuple[PlanEvent, ...]
    today: When | None
    upcoming: tuple[PlanEvent, ...]


def plan_timeline(view: TimelineView) -> PlanTimeline:
    def shown(event: TimelineEvent) -> PlanEvent:
        return PlanEvent(event.anchor, event.kind, event.title, *_when(event), event.text,
                         fragments.link_items(Link(text, "#" + fragment) for text, fragment in event.actions))
    return PlanTimeline(tuple(map(shown, view.past)), day(view.today.date) if view.today else None,
                        tuple(map(shown, view.upcoming)))


@dataclass(slots=True)
class Row:
    """One event on a timeline beyond its plan: when, what (naming prison and plan as the page needs), where.
    A target month has neither `when` nor `span`: the month's heading says it."""
    kind: str
    when: When | None
    span: Span | None
    text: str
    href: str


@dataclass(slots=True)
class Month:
    id: str
    label: str
    rows: tuple[Row, ...]


@dataclass(slots=True)
class Timeline:
    """Past, today, upcoming, each by month; what a short timeline leaves out, counted."""
    past: tuple[Month, ...]
    today: When | None
    upcoming: tuple[Month, ...]
    earlier: int
    later: int
    more: Link | None  # where the events left out are

    @property
    def empty(self) -> bool:
        return not self.past and not self.upcoming

    @property
    def earlier_text(self) -> str:
        return f"{plural(self.earlier, 'earlier event')} not shown here"

    @property
    def later_text(self) -> str:
        return f"{plural(self.later, 'later event')} not shown here"


def timeline(view: TimelineView, link: Linker, more: Link | None = None, prefix: str = "") -> Timeline:
    """`prefix` keeps month ids apart when a page shows more than one timeline."""
    return Timeline(_months(view.past, view.scope, link, prefix + "past"),
                    day(view.today.date) if view.today else None,
                    _months(view.upcoming, view.scope, link, prefix + "upcoming"),
                    view.earlier, view.later, more)


def _months(events: tuple[TimelineEvent, ...], scope: str, link: Linker, phase: str) -> tuple[Month, ...]:
    grouped: dict[dt.date, list[Row]] = {}
    for event in events:
        when, over = (None, None) if event.kind == "targets" else _when(event)
        grouped.setdefault(event.date.replace(day=1), []).append(
            Row(event.kind, when, over, event.heading(scope), link(event.target)))
    return tuple(Month(f"{phase}-{key:%Y-%m}", month_text(key), tuple(rows)) for key, rows in grouped.items())


def _when(event: TimelineEvent) -> tuple[When | None, Span | None]:
    if event.end is not None:
        return None, span(event.date, event.end)
    return (month(event.date) if event.precision == "month" else day(event.date)), None

