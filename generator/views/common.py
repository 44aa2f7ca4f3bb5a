"""What every page shares: the page's frame (title, navigation, breadcrumbs, links relative to the
page) and small values many pages show (status counts).

Views are worked out here, in Python, once; templates only lay out the values they are given. View
classes are plain slots dataclasses, made for one page and dropped: not frozen, which would make
building a plan page's hundreds of them a third slower.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Iterable, Sequence

from markupsafe import Markup

from .. import urls
from ..site import SiteInfo
from ..status import STATUS_KEYS
from ..wording import When, day


@dataclass
class Linker:
    """Links from one page: relative to it, so the site works under any sub-path (the 404 page,
    served at any depth, links from the site's root path instead)."""
    page: str
    root: str | None = None

    def __call__(self, target: str) -> str:
        return self.root + target if self.root is not None else urls.relative(target, self.page)


@dataclass(slots=True)
class Link:
    text: str
    href: str
    current: bool = False


@dataclass(slots=True)
class DataFile:
    """A data file offered for download: on the plan page and the data page."""
    href: str
    title: str
    media_type: str
    description: str
    size: str


@dataclass
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
    nav: Markup  # the main navigation's items, the current page marked
    footer: Markup  # the footer's lists of links
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


_NAV_PATHS = frozenset(target() for _, target in NAV)


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
        nav=_nav(link(urls.home()), path if path in _NAV_PATHS else ""), footer=_footer(link(urls.home())),
        breadcrumbs=(Link("Home", link(urls.home())), *(Link(t, link(p)) for t, p in crumbs)) if path else (),
        current=current or title, as_of=day(site.as_of))


def _top(home: str, target: str) -> str:
    """A link to a top-level page from a page whose link to the home page is `home` ("../../", "./")."""
    return target or home if home == "./" else home + target


@lru_cache(maxsize=256)  # by depth and by which navigation page is shown (`path`, or "" for none)
def _nav(home: str, path: str) -> Markup:
    current = ' aria-current="page"'
    return Markup("".join(f'<li><a href="{escape(_top(home, target()))}"{current if path == target() else ""}>'
                          f"{escape(text)}</a></li>" for text, target in NAV))


@lru_cache(maxsize=256)
def _footer(home: str) -> Markup:
    return Markup("".join(
        '<ul class="inline-list">' + "".join(f'<li><a href="{escape(_top(home, target()))}">{escape(text)}</a></li>'
                                             for text, target in group) + "</ul>" for group in FOOTER))


# --- statuses as pages show them ------------------------------------------------------------------
@dataclass(slots=True)
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



def counts(tally: dict[str, int] | Iterable[tuple[str, int]], href=None) -> tuple[Count, ...]:
    """Counts in STATUS_KEYS order, zeros left out; `href(key)` links each to its actions."""
    tally = dict(tally)
    return tuple(Count(key, label, tally[key], href(key) if href else "")
                 for key, label in STATUS_KEYS.items() if tally.get(key))


def ordered(tally: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """(status key, count) in STATUS_KEYS order, zeros left out: how summaries keep a tally."""
    return tuple((key, tally[key]) for key in STATUS_KEYS if tally.get(key))


def statuses_text(found: Iterable[tuple[str, int]], empty: str) -> str:
    """"3 complete (as published), 1 ongoing" from ordered counts; `empty` when there are none."""
    return ", ".join(f"{n} {STATUS_KEYS[key].lower()}" for key, n in found) or empty


def add(tallies: Iterable[dict[str, int] | Iterable[tuple[str, int]]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for tally in tallies:
        for key, n in dict(tally).items():
            total[key] = total.get(key, 0) + n
    return total


def status_columns(rows: Sequence[tuple[Count, ...]]) -> tuple[tuple[str, ...], list[tuple[Count | None, ...]], str]:
    """A table with a column per status some row has (STATUS_KEYS order): the columns' headings, each
    row's cells (None where it has none of that status), and the caveat when a column counts PASSED."""
    keys = [key for key in STATUS_KEYS if any(c.key == key for row in rows for c in row)]
    cells = [tuple({c.key: c for c in row}.get(key) for key in keys) for row in rows]
    return tuple(STATUS_KEYS[key] for key in keys), cells, PASSED_CAVEAT if "passed" in keys else ""


# Beside every count of "target date passed": what it means and what it does not.
PASSED_CAVEAT = ("“Target date passed” means only that the target month has ended and no progress update "
                 "has been published: it does not say whether the action was done.")


__all__ = ["Linker", "Link", "DataFile", "Frame", "frame", "Count", "counts", "ordered", "statuses_text", "add", "status_columns", "PASSED_CAVEAT"]
