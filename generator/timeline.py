"""The timeline: what happened when, and what is due next — for the estate, a year, a prison, a plan.

Every event is derived here and nowhere else, so the estate page, the year pages, a prison's
timeline and the timeline on a plan page always agree. Pages other than the plan's own show an
event as a line with a count ("6 actions due July 2023") linking to where the plan page lists
those actions (its own timeline), not the actions' texts again.

Events are sorted by date, then by a fixed order of kinds, then by establishment, plan, concern
and action, so the same content always gives the same pages. A target is a month ("August 2023"),
read as "by the end of August 2023": it sorts after every dated event of that month, and it counts
as upcoming while the as-of date is inside that month, exactly as the status rule says "Due".
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator

from . import urls
from .markdown import first_words
from .model import UPDATE_STATUSES, Plan, Target, TargetKind
from .status import Statuses
from .wording import day_text, month_text, plural

# Kinds in the order events of one date are listed. "today" (the as-of marker) comes after the
# day events of its date and before month targets, so a target month that has not ended is upcoming.
KIND_ORDER: tuple[str, ...] = ("inspection", "report", "plan", "update", "target-moved", "today", "targets")
PLAN_KINDS = frozenset({"inspection", "report", "plan"})  # events about a whole inspection and its plan

RECENT = 20  # past events the estate page shows; earlier ones are on the year pages
UPCOMING = 30  # upcoming events the estate page shows; later ones are on the year pages

@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: dt.date  # the day; the first day of the month for a target month
    kind: str  # one of KIND_ORDER
    title: str  # without establishment or plan: pages add what their scope needs (see heading)
    establishment: str = ""
    slug: str = ""
    month_key: str = ""  # the plan's inspection month: with slug, the plan's key
    end: dt.date | None = None  # the last day of an inspection
    text: str = ""
    # The actions a targets event counts, as (label, fragment id) on the plan page.
    actions: tuple[tuple[str, str], ...] = ()
    concern: int = 0
    action: int = 0
    order: tuple = field(init=False, repr=False, compare=False)  # the sort key, worked out once

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", (self.sort_date, KIND_ORDER.index(self.kind), self.slug, self.month_key,
                                           self.concern, self.action, self.title))

    @property
    def precision(self) -> str:
        """"month" for target months (shown and machine-read as YYYY-MM), else "day"."""
        return "month" if self.kind == "targets" else "day"

    @property
    def sort_date(self) -> dt.date:
        if self.kind == "targets":
            return self.date.replace(day=calendar.monthrange(self.date.year, self.date.month)[1])
        return self.date

    @property
    def anchor(self) -> str:
        """Its id on the plan page's timeline: where pages about more than the plan link to."""
        return urls.event_id(self.kind, self.date, self.concern, self.action)

    @property
    def target(self) -> str:
        """The site path pages outside the plan link to: the event on the plan page."""
        return f"{urls.plan(self.slug, self.month_key)}#{self.anchor}" if self.slug else ""

    @property
    def plan_label(self) -> str:
        """"February 2023 plan": a plan is known by the month its inspection started."""
        return _plan_label(self.month_key)

    def heading(self, scope: str = "estate") -> str:
        """The event's heading on a page about the whole estate, one establishment, or one plan:
        "HMP Leicester, February 2023 plan: 7 actions due August 2023" / "February 2023 plan: …" / "7 actions …"."""
        if self.kind == "today" or scope == "plan":
            return self.title
        if scope == "establishment":
            prefix = "" if self.kind in PLAN_KINDS else self.plan_label
        else:
            prefix = self.establishment if self.kind in PLAN_KINDS else f"{self.establishment}, {self.plan_label}"
        return f"{prefix}: {_lower_first(self.title)}" if prefix else self.title


@dataclass(frozen=True, slots=True)
class TimelineView:
    """Events as a page shows them: past, the as-of marker, upcoming; what was left out, counted."""
    scope: str  # "estate", "establishment" or "plan": how much each heading names
    past: tuple[TimelineEvent, ...]
    today: TimelineEvent | None
    upcoming: tuple[TimelineEvent, ...]
    earlier: int = 0  # past events not shown (they are on the year pages)
    later: int = 0  # upcoming events not shown

    @property
    def events(self) -> tuple[TimelineEvent, ...]:
        """Everything shown, in page order, the marker included."""
        return self.past + ((self.today,) if self.today else ()) + self.upcoming

    def __len__(self) -> int:
        return len(self.past) + len(self.upcoming)


@dataclass(frozen=True, slots=True)
class TargetSpan:
    """How long one plan's targets ran: from the inspection to its first and last target month."""
    start: dt.date  # the inspection's first day
    first: dt.date | None
    last: dt.date | None
    without_month: int  # actions whose target in force is not a month (Complete, Ongoing, as written)

    @property
    def months(self) -> int | None:
        """Calendar months from the inspection's start month to the last target month."""
        if self.last is None:
            return None
        return (self.last.year - self.start.year) * 12 + self.last.month - self.start.month


# --- deriving events ------------------------------------------------------------------------------
def plan_events(plan: Plan, statuses: Statuses) -> list[TimelineEvent]:
    """All events of one plan, unsorted."""
    base = dict(establishment=plan.establishment, slug=plan.slug, month_key=plan.month_key)
    span = target_span(plan, statuses)
    plan_text = (f"HMPPS submitted its response: {plural(len(plan.actions), 'action')} answering "
                 f"{plural(len(plan.concerns), 'concern')}.")
    if span.first is not None:
        plan_text += (f" Target months run from {month_text(span.first)} to {month_text(span.last)}."
                      if span.first != span.last else f" Target month: {month_text(span.first)}.")
    events = [
        TimelineEvent(plan.inspection.start, "inspection", "Inspected by HM Inspectorate of Prisons",
                      end=plan.inspection.end, **base),
        TimelineEvent(plan.report_published, "report", "Inspection report published",
                      text="HM Inspectorate of Prisons published its report on the inspection.", **base),
        TimelineEvent(plan.plan_submitted, "plan", "Action plan submitted", text=plan_text, **base),
    ]
    by_month: dict[dt.date, list[tuple[str, str]]] = {}
    for concern in plan.concerns:
        for action in concern.actions:
            events += _update_events(concern.number, action, base)
            status = statuses[(concern.number, action.index)]
            if status.target.kind is TargetKind.MONTH:
                label = f"Action {concern.number}.{action.index}"
                if status.moved_from:
                    label += f" (target moved from {status.moved_from.text.strip()})"
                by_month.setdefault(status.target.month, []).append(
                    (label, urls.action_id(concern.number, action.index)))
    for month, actions in by_month.items():
        events.append(TimelineEvent(month, "targets", f"{plural(len(actions), 'action')} due {month_text(month)}",
                                    actions=tuple(actions), **base))
    return events


def _update_events(concern_number: int, action, base: dict) -> Iterator[TimelineEvent]:
    """One event per published progress update; an update with a new target is a moved target."""
    in_force: Target = action.target
    for update in sorted(action.updates, key=lambda u: u.date):
        said = UPDATE_STATUSES[update.status]
        text = first_words(update.text, 200)
        where = dict(concern=concern_number, action=action.index, **base)
        if update.new_target is not None:
            title = f"Target for action {concern_number}.{action.index} moved to {update.new_target.text.strip()}"
            moved = (f"Moved from {in_force.text.strip() or 'no target'} to {update.new_target.text.strip()}. "
                     f"Status: {said}.")
            yield TimelineEvent(update.date, "target-moved", title, text=f"{moved} {text}".strip(), **where)
            in_force = update.new_target
        else:
            title = f"Progress update on action {concern_number}.{action.index} ({said.lower()})"
            yield TimelineEvent(update.date, "update", title, text=text, **where)


def target_span(plan: Plan, statuses: Statuses) -> TargetSpan:
    """Uses the target in force (a moved target counts at its new month), as statuses do."""
    months, without = [], 0
    for concern in plan.concerns:
        for action in concern.actions:
            target = statuses[(concern.number, action.index)].target
            if target.kind is TargetKind.MONTH:
                months.append(target.month)
            else:
                without += 1
    return TargetSpan(plan.inspection.start, min(months, default=None), max(months, default=None), without)


def in_order(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: e.order)


def today_event(as_of: dt.date) -> TimelineEvent:
    return TimelineEvent(as_of, "today", f"Today: {day_text(as_of)}",
                         text="Statuses on this site are worked out as of this date.")


def arrange(events: Iterable[TimelineEvent], as_of: dt.date, scope: str, with_today: bool = True,
            recent: int | None = None, upcoming: int | None = None) -> TimelineView:
    """Split sorted events at the as-of marker; keep the `recent` latest past and `upcoming` next ones."""
    marker = today_event(as_of)
    past = tuple(e for e in events if e.order < marker.order)
    later = tuple(e for e in events if e.order > marker.order)
    shown_past = past[max(0, len(past) - recent):] if recent is not None else past
    shown_later = later[:upcoming] if upcoming is not None else later
    return TimelineView(scope, shown_past, marker if with_today else None, shown_later,
                        earlier=len(past) - len(shown_past), later=len(later) - len(shown_later))


@lru_cache(maxsize=4096)
def _plan_label(month_key: str) -> str:
    return f"{month_text(dt.date.fromisoformat(month_key + '-01'))} plan" if month_key else ""


def _lower_first(title: str) -> str:
    """"Action plan submitted" -> "action plan submitted", but "HMPPS …" and "7 actions" stay."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title
