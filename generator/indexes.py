"""Derived views of the content, computed once per build: what pages list and count.

Everything is sorted explicitly so the same content always gives the same pages.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Callable, NamedTuple

from . import urls
from .model import THEMES, Action, Concern, Content, Establishment, Plan
from .status import STATUS_KEYS, Status, status_of


def kept_for_plan(kept: dict | None, name: str, plan: Plan, as_of: dt.date, make: Callable[[], Any]) -> Any:
    """make(); under serve (`kept`), kept for this version of the plan (its digest) and as-of date,
    so a rebuild after one plan changed redoes only that plan's share of an index or listing."""
    if kept is None or not plan.digest:
        return make()
    memo = (name, plan.key, plan.digest, as_of)
    found = kept.get(memo)
    if found is None:
        found = kept[memo] = make()
    return found


class ActionEntry(NamedTuple):
    """An action with where it sits: what owner pages list (a tuple: there are one per action)."""
    plan: Plan
    concern: Concern
    action: Action
    status: Status

    @property
    def url(self) -> str:
        return urls.action(self.plan.slug, self.plan.month_key, self.concern.number, self.action.index)


@dataclass(frozen=True, slots=True)
class OwnerIndex:
    name: str  # as shown (an alias from owners.yaml merges spellings)
    slug: str
    spellings: tuple[str, ...]  # as published
    by_plan: tuple[tuple[Plan, tuple[ActionEntry, ...]], ...]  # plans in (slug, month) order
    counts: dict[str, int] = field(default_factory=dict, compare=False)  # by status: STATUS_KEYS order, no zeros
    # by_plan in runs of one prison, each with a key naming what it shows (owner, prison, each plan's
    # digest): under serve a run's HTML is kept whole (templates: keep()). Worked out here, once.
    by_establishment: tuple = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        runs: list[tuple[str, list]] = []
        for plan, entries in self.by_plan:
            if not runs or runs[-1][0] != plan.slug:
                runs.append((plan.slug, []))
            runs[-1][1].append((plan, entries))
        object.__setattr__(self, "by_establishment", tuple(
            ((self.name, slug, tuple((p.key, p.digest) for p, _ in items)), tuple(items)) for slug, items in runs))

    @property
    def actions(self) -> int:
        return sum(len(entries) for _, entries in self.by_plan)

    @property
    def prisons(self) -> int:
        return len({plan.slug for plan, _ in self.by_plan})

    @property
    def url(self) -> str:
        return urls.owner(self.slug)


@dataclass(frozen=True, slots=True)
class ThemeIndex:
    slug: str
    name: str
    by_establishment: tuple[tuple[Establishment, tuple[tuple[Plan, Concern], ...]], ...]

    @property
    def url(self) -> str:
        return urls.theme(self.slug)

    @property
    def concerns(self) -> tuple[tuple[Plan, Concern], ...]:
        return tuple(item for _, items in self.by_establishment for item in items)


@dataclass(frozen=True)
class Indexes:
    as_of: dt.date
    plans_by_key: dict[tuple[str, str], Plan]
    establishment_of: dict[str, Establishment]
    recent_plans: tuple[Plan, ...]
    statuses: dict[tuple[str, str, int, int], Status]
    neighbours: dict[tuple[str, str], tuple[Plan | None, Plan | None]]  # (previous, next) inspection
    concern_counts: dict[tuple[str, str, int], dict[str, int]]  # status counts of each concern's actions
    related: dict[tuple[str, str, int], tuple] = field(default_factory=dict)  # filled by generator.links
    # What the theme and owner lists are made from, when first asked for (a plan's own pages, which
    # serve writes first after a change, need neither).
    content: Content | None = field(default=None, compare=False, repr=False)
    kept: dict | None = field(default=None, compare=False, repr=False)

    @cached_property
    def themes(self) -> tuple[ThemeIndex, ...]:
        return _themes(self.content)

    @cached_property
    def _owners_and_slugs(self) -> tuple[tuple[OwnerIndex, ...], dict[str, str]]:
        return _owners(self.content, self.statuses, self.kept, self.as_of)

    @property
    def owners(self) -> tuple[OwnerIndex, ...]:
        return self._owners_and_slugs[0]

    @property
    def owner_slug_of(self) -> dict[str, str]:
        """Owner as published -> owner page slug."""
        return self._owners_and_slugs[1]

    @classmethod
    def build(cls, content: Content, as_of: dt.date, kept: dict | None = None, lasting=None) -> "Indexes":
        """`kept` (serve): work of earlier builds in memory (statuses, owner lists per plan digest and
        date, repeat-concern scores per prison); `lasting`: the scores kept on disk by a build."""
        statuses = {}
        for p in content.plans:
            statuses.update(kept_for_plan(kept, "statuses", p, as_of, partial(_plan_statuses, p, as_of)))
        neighbours = {}
        for establishment in content.establishments:
            oldest_first = establishment.plans[::-1]
            for i, plan in enumerate(oldest_first):
                neighbours[plan.key] = (oldest_first[i - 1] if i else None,
                                        oldest_first[i + 1] if i + 1 < len(oldest_first) else None)
        concern_counts: dict[tuple[str, str, int], dict[str, int]] = {}
        for p in content.plans:
            concern_counts.update(kept_for_plan(kept, "concern-counts", p, as_of,
                                                partial(_concern_counts, p, statuses)))
        indexes = cls(
            as_of=as_of,
            plans_by_key={p.key: p for p in content.plans},
            establishment_of={e.slug: e for e in content.establishments},
            recent_plans=tuple(sorted(content.plans, key=lambda p: (p.plan_submitted, p.slug), reverse=True)),
            statuses=statuses,
            neighbours=neighbours,
            concern_counts=concern_counts,
            content=content,
            kept=kept,
        )
        from .links import related_concerns
        indexes.related.update(related_concerns(content, kept if kept is not None else lasting))
        return indexes

    def status(self, plan: Plan, concern: Concern, action: Action) -> Status:
        return self.statuses[(plan.slug, plan.month_key, concern.number, action.index)]

    def counts(self, plans=None, concerns=None) -> dict[str, int]:
        """Status counts (STATUS_KEYS order, zeros left out) over some plans or concerns."""
        counts = dict.fromkeys(STATUS_KEYS, 0)
        if concerns is not None:
            keys = [(plan.slug, plan.month_key, concern.number) for plan, concern in concerns]
        else:
            keys = [(p.slug, p.month_key, c.number)
                    for p in (plans if plans is not None else self.plans_by_key.values()) for c in p.concerns]
        for key in keys:
            for status_key, n in self.concern_counts[key].items():
                counts[status_key] += n
        return {key: n for key, n in counts.items() if n}

    def totals(self) -> dict[str, int]:
        plans = list(self.plans_by_key.values())
        counts = self.counts(plans)
        return {"plans": len(plans), "establishments": len(self.establishment_of),
                "concerns": sum(len(p.concerns) for p in plans),
                "actions": sum(len(p.actions) for p in plans), "passed": counts.get("passed", 0)}


def _plan_statuses(plan: Plan, as_of: dt.date) -> dict[tuple[str, str, int, int], Status]:
    return {(plan.slug, plan.month_key, c.number, a.index): status_of(a, as_of)
            for c in plan.concerns for a in c.actions}


def _concern_counts(plan: Plan, statuses) -> dict[tuple[str, str, int], dict[str, int]]:
    counts = {}
    for c in plan.concerns:
        tally: dict[str, int] = {}
        for a in c.actions:
            key = statuses[(plan.slug, plan.month_key, c.number, a.index)].key
            tally[key] = tally.get(key, 0) + 1
        counts[(plan.slug, plan.month_key, c.number)] = tally
    return counts


def _themes(content: Content) -> tuple[ThemeIndex, ...]:
    """Each theme's concerns by establishment, in one pass over the concerns."""
    groups: dict[str, list] = {slug: [] for slug in THEMES}
    for establishment in content.establishments:
        found: dict[str, list] = {}
        for plan in establishment.plans:
            for concern in plan.concerns:
                if concern.theme in groups:
                    found.setdefault(concern.theme, []).append((plan, concern))
        for slug, items in found.items():
            groups[slug].append((establishment, tuple(items)))
    return tuple(ThemeIndex(slug, name, tuple(groups[slug])) for slug, name in THEMES.items())


def _owners(content: Content, statuses, kept: dict | None = None, as_of: dt.date | None = None
            ) -> tuple[tuple[OwnerIndex, ...], dict[str, str]]:
    """Owner pages' lists: each plan's actions by owner shown (kept per plan digest under serve),
    gathered in plan order, so no list of every action is sorted again."""
    grouped: dict[str, list[tuple[Plan, tuple[ActionEntry, ...]]]] = {}
    spellings: dict[str, set[str]] = {}
    tallies: dict[str, dict[str, int]] = {}
    for plan in sorted(content.plans, key=lambda p: p.key):
        found = kept_for_plan(kept, "owner-entries", plan, as_of,
                              partial(_plan_owner_entries, plan, content.owner_aliases, statuses))
        for shown, published, entries, tally in found:
            grouped.setdefault(shown, []).append((plan, entries))
            spellings.setdefault(shown, set()).update(published)
            counts = tallies.setdefault(shown, dict.fromkeys(STATUS_KEYS, 0))
            for key, n in tally:
                counts[key] += n
    owners = []
    slug_of: dict[str, str] = {}
    used: set[str] = set()
    for shown in sorted(grouped, key=lambda s: (urls.slugify(s), s)):
        slug = urls.slugify(shown) or "owner"
        base, n = slug, 2
        while slug in used:  # two names with one slug ("MOJ / Amey", "MOJ Amey") stay two pages
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        owners.append(OwnerIndex(shown, slug, tuple(sorted(spellings[shown])), tuple(grouped[shown]),
                                 {key: n for key, n in tallies[shown].items() if n}))
        for spelling in spellings[shown]:
            slug_of[spelling] = slug
    return tuple(owners), slug_of


def _plan_owner_entries(plan: Plan, aliases: dict[str, str], statuses
                        ) -> tuple[tuple[str, frozenset[str], tuple[ActionEntry, ...], tuple], ...]:
    """(owner shown, spellings published, its actions in concern and action order, (status key,
    count) pairs) for one plan."""
    grouped: dict[str, list[ActionEntry]] = {}
    published: dict[str, set[str]] = {}
    for concern in sorted(plan.concerns, key=lambda c: c.number):
        for action in concern.actions:  # in index order, as the loader numbers them
            if not action.owner:
                continue
            shown = aliases.get(action.owner, action.owner)
            status = statuses[(plan.slug, plan.month_key, concern.number, action.index)]
            grouped.setdefault(shown, []).append(ActionEntry(plan, concern, action, status))
            published.setdefault(shown, set()).add(action.owner)
    return tuple((shown, frozenset(published[shown]), tuple(entries),
                  tuple(Counter(entry.status.key for entry in entries).items()))
                 for shown, entries in grouped.items())
