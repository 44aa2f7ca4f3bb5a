"""Every output of the site, described before anything is written: which template, what context,
and which plans it depends on (so `serve` re-renders only what a change affects).
"""
from __future__ import annotations

from functools import partial
from typing import Iterator
from urllib.parse import urlsplit

from . import urls
from .build import Output, SiteBuild
from .sitemap import robots_txt, sitemap_xml


def _outputs(site: SiteBuild, only: frozenset[tuple[str, str]] | None = None) -> Iterator[Output]:
    """Every output; with `only` (plan keys), just those plans' own pages and data files."""
    from .data import data_outputs
    from .feeds import feed_outputs
    from .search import search_outputs
    from .timeline import timeline_outputs
    if only is not None:
        yield from plan_pages(site, only)
        yield from data_outputs(site, only)
        return
    yield from core_pages(site)
    yield from establishment_pages(site)
    yield from plan_pages(site)
    yield from cross_link_pages(site)
    yield from content_pages(site)
    yield from search_outputs(site)
    yield from timeline_outputs(site)
    yield from data_outputs(site)
    yield from feed_outputs(site)
    yield Output(urls.robots(), make=robots_txt, in_sitemap=False)


def outputs(site: SiteBuild) -> list[Output]:
    """Every output of the site, the sitemap last: it lists the pages found before it."""
    found = list(_outputs(site))
    pages = tuple(sorted(o.path for o in found if o.in_sitemap and (o.template or o.path.endswith("/"))))
    found.append(Output(urls.sitemap(), make=partial(sitemap_xml, paths=pages), in_sitemap=False))
    return found


def plan_outputs(site: SiteBuild, keys: frozenset[tuple[str, str]]) -> list[Output]:
    """These plans' own outputs (their pages and data files, under urls.plan), as `outputs`
    describes them, without working out the rest of the site: what `serve` writes first after a
    change to these plans."""
    return list(_outputs(site, keys))


def core_pages(site: SiteBuild) -> Iterator[Output]:
    yield Output(urls.home(), "layouts/home.html")
    yield Output(urls.establishments_index(), "layouts/establishments.html")
    # Hosts serve 404.html at any depth, so its links start from the site's root path.
    yield Output(urls.not_found(), "layouts/404.html", {"link_root": urlsplit(site.base_url).path},
                 in_sitemap=False)


def establishment_pages(site: SiteBuild) -> Iterator[Output]:
    for establishment in site.content.establishments:
        yield Output(establishment.url, "layouts/establishment.html", {"establishment": establishment},
                     depends_on=frozenset(p.key for p in establishment.plans))


def plan_pages(site: SiteBuild, only: frozenset[tuple[str, str]] | None = None) -> Iterator[Output]:
    for plan in site.content.plans if only is None else [p for p in site.content.plans if p.key in only]:
        # Which concerns link to which: words are weighed across all of the prison's plans, so
        # links between two unchanged plans can change; the links themselves are part of the key.
        links = tuple((c.number, tuple((item.plan.key, item.concern.number, item.reason, item.earlier) for item in
                                       site.indexes.related.get((plan.slug, plan.month_key, c.number), ())))
                      for c in plan.concerns)
        related = {key for _, items in links for key, *_ in items}
        neighbours = {p.key for p in site.indexes.neighbours.get(plan.key, ()) if p is not None}
        yield Output(plan.url, "layouts/plan.html",
                     {"plan": plan, "establishment": site.indexes.establishment_of[plan.slug]},
                     depends_on=frozenset({plan.key} | related | neighbours), also=links)


def cross_link_pages(site: SiteBuild) -> Iterator[Output]:
    yield Output(urls.themes_index(), "layouts/themes.html")
    for theme in site.indexes.themes:
        yield Output(theme.url, "layouts/theme.html", {"theme": theme},
                     depends_on=frozenset(p.key for p, _ in theme.concerns))
    yield Output(urls.owners_index(), "layouts/owners.html")
    for owner in site.indexes.owners:
        yield Output(owner.url, "layouts/owner.html", {"owner": owner},
                     depends_on=frozenset(plan.key for plan, _ in owner.by_plan))


def content_pages(site: SiteBuild) -> Iterator[Output]:
    for page in site.content.pages:
        yield Output(page.url, "layouts/page.html", {"page": page}, depends_on=frozenset())

