"""The content model: frozen dataclasses built once by the loader and read by everything after it.

Nothing here reads files or knows about HTML; values are exactly as published, plus the few
structured values derived from them once (a parsed target, a plan's month key).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from enum import Enum

from . import urls

THEMES: dict[str, str] = {
    "safety": "Safety",
    "respect": "Respect",
    "purposeful-activity": "Purposeful activity",
    "rehabilitation-and-release-planning": "Rehabilitation and release planning",
}
KINDS: dict[str, str] = {"priority": "Priority concern", "key": "Key concern"}
UPDATE_STATUSES: dict[str, str] = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "complete": "Complete",
    "delayed": "Delayed",
}

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
# Targets are written many ways; each form below names one month. "by", "end of" and "and ongoing"
# do not change the month; a day date names its month; a quarter ends with its third month.
_MONTH_NAME = "|".join(MONTHS) + "|" + "|".join(m[:3] for m in MONTHS) + "|sept"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_LEAD = r"(?:(?:by\s+)?(?:the\s+)?end\s+of\s+|by\s+|before\s+)?"
_TAIL = r"(?:\s*(?:and|&)\s+on-?going)?\.?"
_NAMED_RE = re.compile(rf"^{_LEAD}(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+)?(?P<name>{_MONTH_NAME})"
                       rf"\.?,?[\s'\u2019-]*{_YEAR}{_TAIL}$", re.IGNORECASE)
_NUMERIC_RE = re.compile(rf"^{_LEAD}(?:(?P<day>\d{{1,2}})[/.-])?(?P<month>\d{{1,2}})[/.-]{_YEAR}{_TAIL}$", re.IGNORECASE)
_QUARTER_RE = re.compile(rf"^{_LEAD}q(?P<quarter>[1-4])\s*{_YEAR}{_TAIL}$", re.IGNORECASE)
_COMPLETE_RE = re.compile(r"^(complete|completed)\.?$", re.IGNORECASE)
_ONGOING_RE = re.compile(r"^on-?going\b", re.IGNORECASE)


def _month_named(written: str) -> dt.date | None:
    """The month a target names, as its first day: 'Sept 23', '31/03/2024', '30 June 2023', 'Q2 2024',
    'end of March 2024', 'March 2024 and ongoing'. None when it names no one month (or no real date):
    two-digit years are 20YY, numeric dates are UK day/month, a quarter is its last month."""
    text = " ".join(written.split())
    if found := _NAMED_RE.match(text):
        name = found.group("name").lower()
        month = next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name[:3]))
    elif found := _NUMERIC_RE.match(text):
        month = int(found.group("month"))
        if found.group("day") is None and len(found.group("year")) == 2:
            return None  # '3/24' could be a day and a month as well as a month and a year
    elif found := _QUARTER_RE.match(text):
        month = 3 * int(found.group("quarter"))
    else:
        return None
    year = int(found.group("year"))
    year += 2000 if year < 100 else 0
    try:
        dt.date(year, month, int(found.groupdict().get("day") or 1))  # a real date, or none
    except ValueError:
        return None
    return dt.date(year, month, 1)


def _restore(cls, values: tuple):
    item = object.__new__(cls)
    for name, value in zip(cls.__pickled_fields__, values):
        object.__setattr__(item, name, value)
    return item


PICKLED = {"_restore", "TargetKind"}  # what a cache entry may name (generator.cache)


def quick_pickle(cls):
    """Pickle a frozen slots dataclass as a plain tuple of its field values. The parse cache holds
    about 100,000 of these objects per 1,000 plans, and dataclasses' own unpickling looks up the
    class's fields again for every object, which made reading the cache slower than it need be."""
    cls.__pickled_fields__ = tuple(f.name for f in fields(cls))
    PICKLED.add(cls.__name__)
    cls.__reduce__ = lambda self: (_restore, (cls, tuple(getattr(self, n) for n in cls.__pickled_fields__)))
    return cls


class TargetKind(str, Enum):
    MONTH = "month"
    COMPLETE = "complete"
    ONGOING = "ongoing"
    UNPARSED = "unparsed"
    NONE = "none"


@quick_pickle
@dataclass(frozen=True, slots=True)
class Target:
    """A target date as published, parsed once: a month, Complete, Ongoing, or text kept as is."""
    text: str
    kind: TargetKind
    month: dt.date | None = None  # first day of the month when kind is MONTH

    @classmethod
    def parse(cls, text: str) -> "Target":
        written = text.strip()
        if not written:
            return cls(text, TargetKind.NONE)
        if _COMPLETE_RE.match(written):
            return cls(text, TargetKind.COMPLETE)
        if _ONGOING_RE.match(written):
            return cls(text, TargetKind.ONGOING)
        month = _month_named(written)
        if month is not None:
            return cls(text, TargetKind.MONTH, month)
        return cls(text, TargetKind.UNPARSED)

    def as_data(self) -> dict:
        """The parsed value as plain data (open data, search metadata)."""
        data: dict = {"kind": self.kind.value}
        if self.month:
            data["month"] = self.month.strftime("%Y-%m")
        return data


@quick_pickle
@dataclass(frozen=True, slots=True)
class Update:
    """A dated progress note on an action; none are published in the source plans."""
    date: dt.date
    status: str
    text: str
    new_target: Target | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Action:
    index: int  # 1-based, in published order: part of the permanent link
    text: str
    owner: str
    target: Target
    updates: tuple[Update, ...] = ()

    @property
    def latest_update(self) -> Update | None:
        return max(self.updates, key=lambda u: u.date) if self.updates else None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Correction:
    published: str
    shown: str
    reason: str


@quick_pickle
@dataclass(frozen=True, slots=True, order=True)
class ConcernRef:
    """A pointer to a concern of any plan, written `<slug>/<YYYY-MM>#concern-<n>` in YAML."""
    slug: str
    month_key: str
    number: int

    @classmethod
    def parse(cls, text: str) -> "ConcernRef":
        path, _, fragment = text.partition("#")
        slug, _, month_key = path.partition("/")
        return cls(slug, month_key, int(fragment.removeprefix("concern-")))

    def __str__(self) -> str:
        return f"{self.slug}/{self.month_key}#{urls.concern_id(self.number)}"

    @property
    def plan_key(self) -> tuple[str, str]:
        return (self.slug, self.month_key)


@quick_pickle
@dataclass(frozen=True, slots=True)
class Concern:
    number: int
    kind: str  # "priority" | "key"
    text: str
    actions: tuple[Action, ...]
    theme: str | None = None
    corrections: tuple[Correction, ...] = ()
    related: tuple[ConcernRef, ...] = ()
    not_related: tuple[ConcernRef, ...] = ()
    # The words that find repeat concerns (generator.links.terms), worked out when the file is read,
    # where it runs in parallel and the parse cache keeps it.
    terms: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def theme_label(self) -> str | None:
        return THEMES[self.theme] if self.theme else None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Inspection:
    start: dt.date
    end: dt.date


@quick_pickle
@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Plan:
    establishment: str
    inspection: Inspection
    report_published: dt.date
    plan_submitted: dt.date
    source: Source
    concerns: tuple[Concern, ...]
    path: str  # the content file, relative to the project root, for messages
    # Derived once (pages read them thousands of times): the establishment's slug, and the
    # plan's identity within it, the month the inspection started.
    slug: str = field(init=False)
    month_key: str = field(init=False)
    key: tuple[str, str] = field(init=False, compare=False, repr=False)  # (slug, month_key)

    def __post_init__(self) -> None:
        object.__setattr__(self, "slug", urls.slugify(self.establishment))
        object.__setattr__(self, "month_key", self.inspection.start.strftime("%Y-%m"))
        object.__setattr__(self, "key", (self.slug, self.month_key))

    @property
    def url(self) -> str:
        return urls.plan(self.slug, self.month_key)

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a for c in self.concerns for a in c.actions)

    def concern(self, number: int) -> Concern | None:
        return next((c for c in self.concerns if c.number == number), None)


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Establishment:
    """A prison or YOI with its plans, newest inspection first."""
    slug: str
    name: str
    plans: tuple[Plan, ...]
    type: str | None = None
    region: str | None = None
    operator: str | None = None
    links: tuple[Link, ...] = ()

    @property
    def url(self) -> str:
        return urls.establishment(self.slug)


@dataclass(frozen=True, slots=True)
class ContentPage:
    """A Markdown page from content/pages/ (about, accessibility statement)."""
    slug: str
    title: str
    body: str
    path: str
    body_line: int = 2  # the line of the file the body starts on (for messages)

    @property
    def url(self) -> str:
        return urls.content_page(self.slug)


@dataclass(frozen=True, slots=True)
class Settings:
    title: str
    base_url: str  # absolute, ends with "/"
    description: str = ""
    language: str = "en-GB"
    contact: str = ""  # where readers report a problem: an email address or a web address

    @property
    def links(self) -> dict[str, str]:
        """The links content pages may name as [text][name]: the contact, as a mailto: link for an email."""
        if not self.contact:
            return {}
        href = self.contact if "://" in self.contact or self.contact.startswith("mailto:") else f"mailto:{self.contact}"
        return {"contact": href}


@dataclass(frozen=True)
class Content:
    """Everything the site is built from, checked and cross-checked."""
    settings: Settings
    plans: tuple[Plan, ...]  # sorted by establishment slug, then inspection start
    establishments: tuple[Establishment, ...]  # sorted by slug
    pages: tuple[ContentPage, ...] = ()
    owner_aliases: dict[str, str] = field(default_factory=dict)  # variant as published -> name shown

    def plan(self, slug: str, month_key: str) -> Plan | None:
        return next((p for p in self.plans if p.key == (slug, month_key)), None)

    def establishment(self, slug: str) -> Establishment | None:
        return next((e for e in self.establishments if e.slug == slug), None)
