"""The timeline: what happened when, and what is due next — for the estate, a prison, and a plan.

Every event is derived here and nowhere else (templates only lay events out), so the estate page,
the year pages, a prison's timeline and the compact timeline on a plan page always agree.

Events are sorted by date, then by a fixed order of kinds, then by establishment, plan, concern
and action, so the same content always gives the same pages. A target is a month ("August 2023"),
read as "by the end of August 2023": it sorts after every dated event of that month, and it counts
as upcoming while the as-of date is inside that month, exactly as the status rule says "Due".

Templates reach the page-sized views through the `timeline` Jinja global (this module):
`timeline.for_plan(site, plan)` and `timeline.for_establishment(site, establishment, ...)`.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable, Iterable, Iterator

from . import urls
from .markdown import first_words
from .model import UPDATE_STATUSES, Establishment, Plan, Target, TargetKind
from .status import Status, day_label, month_label

# Kinds in the order events of one date are listed. "today" (the as-of marker) comes after the
# day events of its date and before month targets, so a target month that has not ended is upcoming.
KIND_ORDER: tuple[str, ...] = ("inspection", "report", "plan", "update", "target-moved", "today", "targets")
PLAN_KINDS = frozenset({"inspection", "report", "plan"})  # events about a whole inspection and its plan

RECENT = 20  # past events the estate page shows; earlier ones are on the year pages
UPCOMING = 30  # upcoming events the estate page shows; later ones are on the year pages


@dataclass(frozen=True, slots=True)
class EventLink:
    """A link from an event to the plan, concern or action it is about (a site path from urls)."""
    text: str
    url: str
    detail: str = ""  # the first words of the action, for the full timeline
    note: str = ""  # "target moved from August 2023"
    status: Status | None = None  # the action's status as of the build date


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
    links: tuple[EventLink, ...] = ()
    concern: int = 0
    action: int = 0
    order: tuple = field(init=False, repr=False, compare=False)  # sort_key
    hashed: int = field(init=False, repr=False, compare=False)

    @property
    def precision(self) -> str:
        """"month" for target months (shown and machine-read as YYYY-MM), else "day"."""
        return "month" if self.kind == "targets" else "day"

    @property
    def sort_date(self) -> dt.date:
        if self.precision == "month":
            return self.date.replace(day=calendar.monthrange(self.date.year, self.date.month)[1])
        return self.date

    @property
    def sort_key(self) -> tuple:
        return self.order

    def __post_init__(self) -> None:
        # Worked out once: pages sort tens of thousands of events, and sort again on each rebuild.
        object.__setattr__(self, "order", (self.sort_date, KIND_ORDER.index(self.kind), self.slug, self.month_key,
                                           self.concern, self.action, self.title))

    def __hash__(self) -> int:  # an event is a key of the HTML `serve` keeps (templates: keep())
        try:
            return self.hashed
        except AttributeError:  # worked out once, when first needed
            object.__setattr__(self, "hashed", hash((self.order, self.end, self.text, self.links)))
            return self.hashed

    @property
    def plan_key(self) -> tuple[str, str]:
        return (self.slug, self.month_key)

    @property
    def plan_label(self) -> str:
        """"February 2023 plan": a plan is known by the month its inspection started."""
        return f"{month_label(dt.date.fromisoformat(self.month_key + '-01'))} plan" if self.month_key else ""

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
    plan: Plan
    first: dt.date | None
    last: dt.date | None
    without_month: int  # actions whose target in force is not a month (Complete, Ongoing, as written)

    @property
    def months(self) -> int | None:
        """Calendar months from the inspection's start month to the last target month."""
        if self.last is None:
            return None
        start = self.plan.inspection.start
        return (self.last.year - start.year) * 12 + self.last.month - start.month


# --- deriving events ------------------------------------------------------------------------------
def plan_events(plan: Plan, statuses) -> list[TimelineEvent]:
    """All events of one plan; `statuses` maps (slug, month_key, concern, action) to its Status."""
    base = dict(establishment=plan.establishment, slug=plan.slug, month_key=plan.month_key)
    plan_link = EventLink(f"Action plan after the {month_label(plan.inspection.start)} inspection", plan.url)
    span = target_span(plan, statuses)
    concerns, actions = len(plan.concerns), len(plan.actions)
    plan_text = f"HMPPS submitted its response: {_count(actions, 'action')} answering {_count(concerns, 'concern')}."
    if span.first is not None:
        plan_text += (f" Target months run from {month_label(span.first)} to {month_label(span.last)}."
                      if span.first != span.last else f" Target month: {month_label(span.first)}.")
    events = [
        TimelineEvent(plan.inspection.start, "inspection", "Inspected by HM Inspectorate of Prisons",
                      end=plan.inspection.end, links=(plan_link,), **base),
        TimelineEvent(plan.report_published, "report", "Inspection report published",
                      text="HM Inspectorate of Prisons published its report on the inspection.",
                      links=(plan_link,), **base),
        TimelineEvent(plan.plan_submitted, "plan", "Action plan submitted", text=plan_text,
                      links=(plan_link,), **base),
    ]
    by_month: dict[dt.date, list[EventLink]] = {}
    for concern in plan.concerns:
        for action in concern.actions:
            status = statuses[(plan.slug, plan.month_key, concern.number, action.index)]
            name = f"Action {concern.number}.{action.index}"
            url = urls.action(plan.slug, plan.month_key, concern.number, action.index)
            events += _update_events(concern.number, action, name, url, base)
            if status.target.kind is TargetKind.MONTH:
                note = f"target moved from {status.moved_from.text.strip()}" if status.moved_from else ""
                by_month.setdefault(status.target.month, []).append(
                    EventLink(name, url, first_words(action.text, 90), note, status))
    for month, links in by_month.items():
        title = f"{_count(len(links), 'action')} due {month_label(month)}"
        events.append(TimelineEvent(month, "targets", title, links=tuple(links), **base))
    return events


def _update_events(concern_number, action, name, url, base) -> Iterator[TimelineEvent]:
    """One event per published progress update; an update with a new target is a moved target."""
    in_force: Target = action.target
    for update in sorted(action.updates, key=lambda u: u.date):
        said = UPDATE_STATUSES[update.status]
        text = first_words(update.text, 200)
        link = EventLink(name, url, first_words(action.text, 90))  # no status: the event is history
        where = dict(concern=concern_number, action=action.index, links=(link,), **base)
        if update.new_target is not None:
            title = f"Target for action {concern_number}.{action.index} moved to {update.new_target.text.strip()}"
            moved = f"Moved from {in_force.text.strip() or 'no target'} to {update.new_target.text.strip()}. Status: {said}."
            yield TimelineEvent(update.date, "target-moved", title, text=f"{moved} {text}".strip(), **where)
            in_force = update.new_target
        else:
            title = f"Progress update on action {concern_number}.{action.index} ({said.lower()})"
            yield TimelineEvent(update.date, "update", title, text=text, **where)


def target_span(plan: Plan, statuses) -> TargetSpan:
    """Uses the target in force (a moved target counts at its new month), as statuses do."""
    months, without = [], 0
    for concern in plan.concerns:
        for action in concern.actions:
            target = statuses[(plan.slug, plan.month_key, concern.number, action.index)].target
            if target.kind is TargetKind.MONTH:
                months.append(target.month)
            else:
                without += 1
    return TargetSpan(plan, min(months, default=None), max(months, default=None), without)


def collect(plans: Iterable[Plan], statuses) -> tuple[TimelineEvent, ...]:
    """Every event of these plans, in timeline order."""
    return tuple(sorted((e for p in plans for e in plan_events(p, statuses)), key=lambda e: e.sort_key))


def today_event(as_of: dt.date) -> TimelineEvent:
    return TimelineEvent(as_of, "today", f"Today: {day_label(as_of)}",
                         text="Statuses on this site are worked out as of this date.")


def arrange(events: Iterable[TimelineEvent], as_of: dt.date, scope: str, with_today: bool = True,
            recent: int | None = None, upcoming: int | None = None) -> TimelineView:
    """Split sorted events at the as-of marker; keep the `recent` latest past and `upcoming` next ones."""
    marker = today_event(as_of)
    past = tuple(e for e in events if e.sort_key < marker.sort_key)
    later = tuple(e for e in events if e.sort_key > marker.sort_key)
    shown_past = past[max(0, len(past) - recent):] if recent is not None else past
    shown_later = later[:upcoming] if upcoming is not None else later
    return TimelineView(scope, shown_past, marker if with_today else None, shown_later,
                        earlier=len(past) - len(shown_past), later=len(later) - len(shown_later))


# --- views for pages and partials (called from templates through the `timeline` global) ------------
MEMO_PLANS = 2_000  # plans whose events one build process keeps at a time


def events_of(site, plans: Iterable[Plan]) -> tuple[TimelineEvent, ...]:
    """Every event of these plans, in timeline order; each plan's events are made once per build
    (plan, prison and year pages all show them) or, under serve, once per version of the plan."""
    made = site.memo.setdefault("events", {})  # this build's, by plan
    found = []
    for plan in plans:
        if site.kept is not None:
            found += site.for_plan("events", plan, partial(plan_events, plan, site.indexes.statuses))
            continue
        if plan.key not in made:
            if len(made) >= MEMO_PLANS:
                made.clear()  # a bound on a build's memory: events are quick to make again
            made[plan.key] = plan_events(plan, site.indexes.statuses)
        found += made[plan.key]
    return tuple(sorted(found, key=lambda e: e.sort_key))


def for_plan(site, plan: Plan) -> TimelineView:
    """The compact timeline at the top of a plan page; its own page needs no link to itself."""
    events = [replace(e, links=()) if e.kind in PLAN_KINDS else e for e in events_of(site, [plan])]
    return arrange(events, site.as_of, "plan")


def for_establishment(site, establishment: Establishment, recent: int | None = None,
                      upcoming: int | None = None) -> TimelineView:
    return arrange(events_of(site, establishment.plans), site.as_of, "establishment",
                   recent=recent, upcoming=upcoming)


def spans(site, establishment: Establishment) -> tuple[TargetSpan, ...]:
    """Target spans of a prison's plans, oldest inspection first."""
    return tuple(target_span(p, site.indexes.statuses) for p in reversed(establishment.plans))


def event_years(plan: Plan, statuses) -> set[int]:
    """The years plan_events(plan) has events in, without making the events."""
    found = {plan.inspection.start.year, plan.report_published.year, plan.plan_submitted.year}
    for concern in plan.concerns:
        for action in concern.actions:
            found.update(u.date.year for u in action.updates)
            target = statuses[(plan.slug, plan.month_key, concern.number, action.index)].target
            if target.kind is TargetKind.MONTH:
                found.add(target.month.year)
    return found


def timeline_outputs(site) -> Iterator:
    """/timeline/ (recent past and upcoming), /timeline/<year>/, and /<slug>/timeline/.

    Which pages exist and which plans each shows are worked out from the years plans have events
    in; the events themselves are made only for the pages rendered (once per plan and process)."""
    from .build import Output  # build imports render, which imports this module
    years_of = {p.key: site.for_plan("event-years", p, partial(event_years, p, site.indexes.statuses))
                for p in site.content.plans}
    all_years = tuple(sorted(set().union(*years_of.values()))) if years_of else ()
    common = {"years": all_years, "establishments": site.content.establishments}

    def estate() -> dict:
        return {**common, "view": arrange(events_of(site, site.content.plans), site.as_of, "estate", recent=RECENT,
                                          upcoming=UPCOMING), "year": None, "establishment": None, "spans": ()}

    def in_year(year: int, plans: list[Plan]) -> Callable[[], dict]:
        return lambda: {**common, "view": arrange([e for e in events_of(site, plans) if e.date.year == year], site.as_of,
                                                  "estate", with_today=year == site.as_of.year),
                        "year": year, "establishment": None, "spans": ()}

    def of_prison(establishment: Establishment) -> Callable[[], dict]:
        return lambda: {**common, "view": for_establishment(site, establishment), "year": None,
                        "establishment": establishment, "spans": spans(site, establishment)}

    yield Output(urls.timeline(), "layouts/timeline.html", estate)
    for year in all_years:
        plans = [p for p in site.content.plans if year in years_of[p.key]]
        yield Output(urls.timeline_year(year), "layouts/timeline.html", in_year(year, plans),
                     depends_on=frozenset(p.key for p in plans), also=all_years)
    for establishment in site.content.establishments:
        yield Output(urls.establishment_timeline(establishment.slug), "layouts/timeline.html",
                     of_prison(establishment), depends_on=frozenset(p.key for p in establishment.plans),
                     also=all_years)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _lower_first(title: str) -> str:
    """"Action plan submitted" -> "action plan submitted", but "HMPPS …" and "7 actions" stay."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title
