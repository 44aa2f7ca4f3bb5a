"""The plan page: every value it shows, worked out once — ids and links, statuses, dates, each text's
HTML — so layouts/plan.html is plain loops. Also the status of a plan's actions on another day
(the day inspectors came back), which the page and its prison's page both report.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup

from .. import markdown, urls
from ..data import size_text
from ..links import RelatedConcern
from ..model import KINDS, UPDATE_STATUSES, Concern, Establishment, Plan
from ..site import SiteInfo
from ..status import STATUS_KEYS, status_of
from ..timeline import Statuses, TimelineEvent, arrange, target_span
from ..wording import Span, When, day, month, month_text, plural, span
from . import fragments
from .common import Count, DataFile, Frame, Link, Linker, PASSED_CAVEAT, counts, frame, ordered, statuses_text
from .timeline import PlanTimeline, plan_timeline

TITLE_WORDS = 70  # characters of a concern's text its heading and links carry, cut at a word


def short_title(concern: Concern) -> str:
    """A concern's first words: what tells concerns apart in headings, contents and search results."""
    return markdown.first_words(concern.text, TITLE_WORDS)


def plan_statuses(plan: Plan, as_of: dt.date) -> Statuses:
    return {(c.number, a.index): status_of(a, as_of) for c in plan.concerns for a in c.actions}


def tally(statuses: Statuses) -> dict[str, int]:
    found: dict[str, int] = {}
    for status in statuses.values():
        found[status.key] = found.get(status.key, 0) + 1
    return found


def concern_tally(concern: Concern, statuses: Statuses) -> dict[str, int]:
    """How many of the concern's actions have each status."""
    found: dict[str, int] = {}
    for action in concern.actions:
        key = statuses[(concern.number, action.index)].key
        found[key] = found.get(key, 0) + 1
    return found


@dataclass(slots=True)
class Returned:
    """What a later inspection found of this plan: its actions' statuses on the day inspectors came back."""
    when: When  # the later inspection's first day, as a month
    plan: Link  # the later inspection's plan
    passed: int
    total: int

    @property
    def sentence(self) -> str:
        return (f"When HM Inspectorate of Prisons returned in {self.when.text}, {self.passed} of "
                f"{plural(self.total, 'action')} had passed their target date with no update published.")


def returned(plan: Plan, later: Plan | None, link: Linker) -> Returned | None:
    if later is None:
        return None
    found = tally(plan_statuses(plan, later.inspection.start))
    return Returned(month(later.inspection.start), Link(f"{month_text(later.inspection.start)} inspection",
                                                       link(later.url)),
                    found.get("passed", 0), sum(found.values()))


@dataclass(slots=True)
class UpdateView:
    when: When
    status: str
    moved_to: str
    text: Markup


@dataclass(slots=True)
class ActionView:
    id: str
    head: Markup  # its heading and permanent link (generator.views.fragments)
    text: Markup
    facts: Markup  # owner (a link to the owner's page), target as published (and how an update moved it), status
    updates: tuple[UpdateView, ...]


@dataclass(slots=True)
class RelatedView:
    said: str  # "Raised before" / "Raised again"
    text: str  # "August 2025 inspection, concern 7"
    title: str  # the other concern's first words
    href: str
    url: str  # its absolute address, printed after the link
    how: str  # "found by matching wording" / "linked by the site's editors"


@dataclass(slots=True)
class CorrectionView:
    published: str
    shown: str
    reason: str


SEARCH_FILTERS = "establishment[data-establishment], year[data-year], kind[data-kind]"
SEARCH_META = ("title[data-title], establishment[data-establishment], inspection[data-inspection], "
               "date[data-inspected], kind[data-kind], statuses[data-statuses]")


@dataclass(slots=True)
class ConcernView:
    id: str
    heading_id: str
    number: int
    kind_label: str  # "Priority concern"
    label: str  # "Priority concern 1"
    title: str  # its first words
    theme: Link | None
    text: Markup
    corrections: tuple[CorrectionView, ...]
    related: tuple[RelatedView, ...]
    actions: tuple[ActionView, ...]
    search: Markup  # what search knows of it beyond its words: data-* attributes Pagefind reads


@dataclass(slots=True)
class Group:
    """The priority or the key concerns."""
    id: str
    label: str
    concerns: tuple[ConcernView, ...]


@dataclass(slots=True)
class ActionList:
    """Actions listed by number under a heading: one status (`key`), or one owner."""
    id: str
    key: str
    label: str
    count: int
    href: str  # the owner's page, for owners
    actions: Markup  # the list's items: a link to each action (generator.views.fragments.link_items)


@dataclass
class PlanPage:
    frame: Frame
    establishment: str
    subtitle: str
    inspection: Span
    report_published: When
    plan_submitted: When
    source: Link  # href "" when no web address is recorded
    previous: Link | None
    next: Link | None
    total: int
    counts: tuple[Count, ...]
    caveat: str
    updates: int  # progress updates published for this plan
    returned: Returned | None
    groups: tuple[Group, ...]
    by_status: tuple[ActionList, ...]
    by_owner: tuple[ActionList, ...]
    timeline: PlanTimeline
    without_month: int
    prison_timeline: Link
    downloads: tuple[DataFile, ...]
    data_page: str


@dataclass
class PlanParts:
    """What a plan's page is made from beyond the plan: worked out once per prison."""
    establishment: Establishment
    statuses: Statuses
    related: dict[tuple[str, str, int], tuple[RelatedConcern, ...]]
    owner: Callable[[str], tuple[str, str]]  # owner as published -> (name shown, owner page slug)
    concern_title: Callable[[tuple[str, str, int]], tuple[str, str]]  # a concern anywhere -> (prison, title)
    downloads: tuple[tuple[str, str, str, str, int], ...]  # (path, title, media type, description, bytes)
    absolute: Callable[[str], str]  # a site path -> its absolute address
    events: list[TimelineEvent]  # the plan's own, in date order


def plan_page(site: SiteInfo, plan: Plan, parts: PlanParts) -> PlanPage:
    link = Linker(plan.url)
    statuses = parts.statuses
    establishment = parts.establishment
    inspection = month_text(plan.inspection.start)
    title = f"{plan.establishment}: action plan after the {inspection} inspection"
    oldest_first = establishment.plans[::-1]
    at = oldest_first.index(plan)
    previous = oldest_first[at - 1] if at else None
    later = oldest_first[at + 1] if at + 1 < len(oldest_first) else None
    found = tally(statuses)

    def status_href(key: str) -> str:
        return "#" + urls.status_id(key)

    owners: dict[str, Markup] = {}  # each owner's link once a page: most own many actions

    def owner(name: str) -> Markup:
        found = owners.get(name)
        if found is None:
            found = owners[name] = fragments.owner(name, link(urls.owner(parts.owner(name)[1])) if name else "")
        return found

    inspected = day(plan.inspection.start).text
    groups = []
    for kind, label in KINDS.items():
        concerns = tuple(_concern(plan, c, parts, link, owner, inspected) for c in plan.concerns if c.kind == kind)
        if concerns:
            groups.append(Group(f"{kind}-concerns", f"{label}s", concerns))
    return PlanPage(
        frame=frame(site, plan.url, title, crumbs=[(establishment.name, establishment.url)],
                    current=f"{inspection} inspection", scripts=[urls.asset("plan.js")],
                    description=(f"{plan.establishment}'s action plan answering HM Inspectorate of Prisons' report "
                                 f"on its {inspection} inspection: {plural(len(plan.concerns), 'concern')} and "
                                 f"{plural(len(plan.actions), 'action')}, with the status of each.")),
        establishment=plan.establishment, subtitle=f"Action plan after the {inspection} inspection",
        inspection=span(plan.inspection.start, plan.inspection.end),
        report_published=day(plan.report_published), plan_submitted=day(plan.plan_submitted),
        source=Link(plan.source.title, plan.source.url or ""),
        previous=Link(f"Previous inspection: {month_text(previous.inspection.start)}", link(previous.url))
        if previous else None,
        next=Link(f"Next inspection: {month_text(later.inspection.start)}", link(later.url)) if later else None,
        total=len(statuses), counts=counts(found, status_href), caveat=PASSED_CAVEAT if found.get("passed") else "",
        updates=sum(len(a.updates) for a in plan.actions), returned=returned(plan, later, link),
        groups=tuple(groups),
        by_status=tuple(ActionList(urls.status_id(key), key, label, found[key], "", fragments.action_links(
            number for number, s in statuses.items() if s.key == key))
            for key, label in STATUS_KEYS.items() if found.get(key)),
        by_owner=_owners(plan, parts, link),
        timeline=plan_timeline(arrange(parts.events, site.as_of, "plan")),
        without_month=target_span(plan, statuses).without_month,
        prison_timeline=Link(f"Timeline of every inspection of {establishment.name}",
                             link(urls.establishment_timeline(plan.slug))),
        downloads=tuple(DataFile(link(path), text, media, about, size_text(size))
                        for path, text, media, about, size in parts.downloads),
        data_page=link(urls.data_page()),
    )


def _concern(plan: Plan, concern: Concern, parts: PlanParts, link: Linker, owner: Callable[[str], Markup],
             inspected: str) -> ConcernView:
    concern_id = urls.concern_id(concern.number)
    title = short_title(concern)

    def resolve(kind: str | None, number: int) -> str | None:
        target = plan.concern(number)
        if target is None or (kind is not None and target.kind != kind):
            return None
        return "#" + urls.concern_id(number)

    actions = tuple(_action(concern, a, parts, owner, resolve) for a in concern.actions)
    statuses = statuses_text(ordered(concern_tally(concern, parts.statuses)), "none published")
    theme = concern.theme_label
    return ConcernView(
        id=concern_id, heading_id=f"{concern_id}-heading", number=concern.number, kind_label=concern.kind_label, label=f"{concern.kind_label} {concern.number}",
        title=title, theme=Link(theme, link(urls.theme(concern.theme))) if theme else None,
        text=Markup(markdown.render(concern.text, resolve)),
        corrections=tuple(CorrectionView(c.published, c.shown, c.reason) for c in concern.corrections),
        related=tuple(_related(plan, r, parts, link) for r in
                      parts.related.get((plan.slug, plan.month_key, concern.number), ())),
        actions=actions,
        search=fragments.data_attributes({
            "establishment": plan.establishment, "year": str(plan.inspection.start.year),
            "inspection": inspected, "inspected": plan.inspection.start.isoformat(),
            "kind": concern.kind_label, "theme": theme or "", "statuses": statuses,
            "title": f"{concern.kind_label} {concern.number}: {title}",
            "pagefind-filter": SEARCH_FILTERS + (", theme[data-theme]" if theme else ""),
            "pagefind-meta": SEARCH_META + (", theme[data-theme]" if theme else ""),
            "pagefind-sort": "date[data-inspected]"}),
    )


def _action(concern: Concern, action, parts: PlanParts, owner: Callable[[str], Markup], resolve) -> ActionView:
    status = parts.statuses[(concern.number, action.index)]
    action_id = urls.action_id(concern.number, action.index)
    return ActionView(
        id=action_id, head=fragments.action_head(action_id, f"{concern.number}.{action.index}"),
        text=Markup(markdown.render(action.text, resolve)),
        facts=fragments.action_facts(owner(action.owner), fragments.target(action.target.text, status.moved_label or ""),
                                     fragments.status(status)),
        updates=tuple(UpdateView(day(u.date), UPDATE_STATUSES[u.status],
                                 u.new_target.text if u.new_target else "",
                                 Markup(markdown.render(u.text, resolve)))
                      for u in sorted(action.updates, key=lambda u: u.date)),
    )


def _related(plan: Plan, related: RelatedConcern, parts: PlanParts, link: Linker) -> RelatedView:
    ref = related.ref
    prison, title = parts.concern_title((ref.slug, ref.month_key, ref.number))
    where = "" if ref.slug == plan.slug else f"{prison}, "
    inspection = month_text(dt.date.fromisoformat(ref.month_key + "-01"))
    return RelatedView("Raised before" if related.earlier else "Raised again",
                       f"{where}{inspection} inspection, concern {ref.number}", title,
                       link(urls.concern(ref.slug, ref.month_key, ref.number)),
                       parts.absolute(urls.concern(ref.slug, ref.month_key, ref.number)),
                       "found by matching wording" if related.reason == "similar" else "linked by the site’s editors")


def _owners(plan: Plan, parts: PlanParts, link: Linker) -> tuple[ActionList, ...]:
    """The plan's actions by owner (spellings content/owners.yaml merges are one owner)."""
    grouped: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for concern in plan.concerns:
        for action in concern.actions:
            if action.owner:
                grouped.setdefault(parts.owner(action.owner), []).append((concern.number, action.index))
    return tuple(ActionList(urls.owner_id(slug), "", name, len(actions), link(urls.owner(slug)),
                            fragments.action_links(actions))
                 for (name, slug), actions in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])))


