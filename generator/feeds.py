"""Atom feeds (RFC 4287): the site-wide /feed.xml and one per establishment, with an entry per plan
and per published progress update.

Feed readers treat an entry id as the entry's identity forever and show an entry again when its
`updated` changes, so ids come from permanent URLs and dates come from the content (the day a plan
was submitted or an update published), never from the build: rebuilding changes nothing.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Iterable, NamedTuple

from . import urls
from .markdown import plain_text
from .model import UPDATE_STATUSES, Plan
from .site import SiteInfo
from .wording import month_text as month_label

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Entry(NamedTuple):  # a tuple: a build sends thousands back from its worker processes
    id: str  # an absolute URL, permanent
    title: str
    updated: dt.date
    link: str  # absolute URL of the page (or fragment) the entry is about
    summary: str


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Newest first; ties by id, so the order never varies."""
    return sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)


def plan_entries(plan: Plan, base_url: str) -> tuple[Entry, ...]:
    """The plan's own entry and one per progress update."""
    found: list[Entry] = []
    found.append(Entry(
        id=base_url + plan.url,
        title=f"{plan.establishment}: action plan after the {month_label(plan.inspection.start)} inspection",
        updated=plan.plan_submitted,
        link=base_url + plan.url,
        summary=(f"{plan.establishment} published its action plan answering HM Inspectorate of Prisons' report "
                 f"on its {month_label(plan.inspection.start)} inspection: {_count(len(plan.concerns), 'concern')} "
                 f"and {_count(len(plan.actions), 'action')}."),
    ))
    for concern in plan.concerns:
        for action in concern.actions:
            url = base_url + urls.action(plan.slug, plan.month_key, concern.number, action.index)
            seen: dict[str, int] = {}
            for update in sorted(action.updates, key=lambda u: u.date):
                day = update.date.isoformat()
                seen[day] = seen.get(day, 0) + 1  # two updates on one day keep distinct ids
                moved = (f" Target moved from {action.target.text.strip()} to {update.new_target.text.strip()}."
                         if update.new_target else "")
                found.append(Entry(
                    id=f"{url}-update-{day}" + (f"-{seen[day]}" if seen[day] > 1 else ""),
                    title=(f"{plan.establishment}: update on {concern.kind_label.lower()} {concern.number}, "
                           f"action {action.index} – {UPDATE_STATUSES[update.status]}"),
                    updated=update.date,
                    link=url,
                    summary=f"{plain_text(update.text).strip()}{moved}",
                ))
    return tuple(found)


def atom_feed(site: SiteInfo, feed_path: str, page_path: str, title: str, items: list[Entry]) -> bytes:
    """The feed document; its `updated` is the newest entry's (the as-of date only when it has none)."""
    # Names are written unqualified under a default xmlns: ElementTree's default_namespace option
    # refuses unqualified attributes such as href.
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: site.settings.language})
    _text(feed, "id", site.absolute(feed_path))
    _text(feed, "title", title)
    _text(feed, "updated", rfc3339(max((e.updated for e in items), default=site.as_of)))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml",
                                            "href": site.absolute(feed_path)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": site.absolute(page_path)})
    author = ET.SubElement(feed, "author")
    _text(author, "name", site.settings.title)
    _text(author, "uri", site.absolute(urls.home()))
    _text(feed, "rights", "Plan text: Open Government Licence v3.0")
    for item in items:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _text(entry, "updated", rfc3339(item.updated))
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": item.link})
        _text(entry, "summary", item.summary)
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def rfc3339(day: dt.date) -> str:
    """A content date as an RFC 3339 timestamp: midnight UTC of that day."""
    return f"{day.isoformat()}T00:00:00Z"


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = text
    return element


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
