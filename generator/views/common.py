"""What every page shares: the site's settings for one build, the page's frame (title, navigation,
breadcrumbs, links relative to the page), and small values many pages show (status counts).

Views are worked out here, in Python, once; templates only lay out the values they are given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .. import urls
from ..site import SiteInfo
from ..status import PASSED, STATUS_KEYS
from ..wording import When, day, plural


@dataclass(frozen=True)
class Linker:
    """Links from one page: relative to it, so the site works under any sub-path (the 404 page,
    served at any depth, links from the site's root path instead)."""
    page: str
    root: str | None = None

    def __call__(self, target: str) -> str:
        return self.root + target if self.root is not None else urls.relative(target, self.page)


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str
    current: bool = False


@dataclass(frozen=True)
class Frame:
    """What base.html shows around a page."""
    path: str
    title: str  # the page's own part of <title>
    description: str
    canonical: str
    language: str
    site_title: str
    home: str
    stylesheet: str
    scripts: tuple[str, ...]
    feeds: tuple[Link, ...]  # <link rel="alternate"> Atom feeds
    nav: tuple[Link, ...]
    footer: tuple[tuple[Link, ...], ...]
    breadcrumbs: tuple[Link, ...]  # from Home; empty on the home page
    current: str  # the last crumb: this page
    as_of: When


NAV = (("Prisons", urls.establishments_index), ("Themes", urls.themes_index), ("Owners", urls.owners_index),
       ("Timeline", urls.timeline), ("Search", urls.search))
FOOTER = ((("All prisons", urls.establishments_index), ("All themes", urls.themes_index),
           ("All owners", urls.owners_index), ("All concerns", urls.concerns_index), ("Timeline", urls.timeline),
           ("Search", urls.search)),
          (("About this site", urls.about), ("Accessibility statement", urls.accessibility),
           ("Open data", urls.data_page), ("Atom feed", urls.feed)))


def frame(site: SiteInfo, path: str, title: str, *, description: str = "",
          crumbs: Iterable[tuple[str, str]] = (), current: str = "", scripts: Iterable[str] = (),
          feeds: Iterable[tuple[str, str]] = (), link: Linker | None = None) -> Frame:
    """The frame of the page at `path`; `crumbs` are (text, site path) between Home and this page."""
    link = link or Linker(path)
    settings = site.settings
    return Frame(
        path=path, title=title, description=description or settings.description,
        canonical=site.absolute(path), language=settings.language, site_title=settings.title,
        home=link(urls.home()), stylesheet=link(urls.stylesheet()),
        scripts=tuple(link(s) for s in scripts),
        feeds=(Link(f"New plans and updates – {settings.title}", link(urls.feed())),
               *(Link(text, link(target)) for text, target in feeds)),
        nav=tuple(Link(text, link(target()), path == target()) for text, target in NAV),
        footer=tuple(tuple(Link(text, link(target())) for text, target in group) for group in FOOTER),
        breadcrumbs=(Link("Home", link(urls.home())), *(Link(t, link(p)) for t, p in crumbs)) if path else (),
        current=current or title, as_of=day(site.as_of))


# --- statuses as pages show them ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Count:
    """How many actions have one status: `label` in the site's one wording for it."""
    key: str
    label: str
    count: int
    href: str = ""  # where those actions are listed, when a page links to them

    @property
    def shown(self) -> str:
        return f"{self.count:,}"

    @property
    def noun(self) -> str:
        return "action" if self.count == 1 else "actions"

    @property
    def phrase(self) -> str:
        """"24 with the target date passed — no update published", "4 complete": for a sentence."""
        return f"{self.count:,} {self.label[0].lower()}{self.label[1:]}"


def counts(tally: dict[str, int] | Iterable[tuple[str, int]], href=None) -> tuple[Count, ...]:
    """Counts in STATUS_KEYS order, zeros left out; `href(key)` links each to its actions."""
    tally = dict(tally)
    return tuple(Count(key, label, tally[key], href(key) if href else "")
                 for key, label in STATUS_KEYS.items() if tally.get(key))


def add(tallies: Iterable[dict[str, int] | Iterable[tuple[str, int]]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for tally in tallies:
        for key, n in dict(tally).items():
            total[key] = total.get(key, 0) + n
    return total


# Beside every count of "target date passed": what it means and what it does not.
PASSED_CAVEAT = ("“Target date passed” means only that the target month has ended and no progress update "
                 "has been published: it does not say whether the action was done.")


@dataclass(frozen=True, slots=True)
class Summary:
    """A sentence of counts: "28 actions: 4 complete (as published), 24 …", with the caveat when it counts PASSED."""
    total: int
    counts: tuple[Count, ...]
    caveat: str = field(default="")

    @property
    def lead(self) -> str:
        return plural(self.total, "action")


def summary(tally: dict[str, int], href=None) -> Summary:
    found = counts(tally, href)
    return Summary(sum(tally.values()), found, PASSED_CAVEAT if tally.get("passed") else "")


__all__ = ["PASSED", "SiteInfo", "Linker", "Link", "Frame", "frame", "Count", "counts", "add", "Summary",
           "summary", "PASSED_CAVEAT"]
