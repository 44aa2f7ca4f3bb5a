"""Writing the site: a prison's files (the unit of work), then the estate-wide files from the
prisons' summaries. Views (generator.views) work out every value; this module renders and writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import urls
from .data import join_csv, join_json, plan_csv, plan_json, schema_json, size_text
from .feeds import atom_feed, newest_first
from .links import related_concerns
from .loader import PlanFacts, Prison, Sources
from .model import Establishment
from .problems import Problem
from .render import Renderer
from .site import SiteFiles, SiteInfo
from .sitemap import robots_txt, sitemap_xml
from .views import estate as estate_views
from .workers import Pool, cores
from .views.plan import PlanParts, plan_page, plan_statuses, short_title
from .views.prison import (PrisonSummary, establishment_page, plan_summary, prison_events,
                           prison_timeline_page)


@dataclass(frozen=True)
class PrisonFacts:
    """What the parent needs of one prison folder once it is read: its problems, and what the checks
    between files and other prisons' pages use."""
    folder: str
    slug: str | None  # None when no plan could be read
    plans: tuple[PlanFacts, ...]
    owners: frozenset[str]
    titles: dict[tuple[str, str, int], tuple[str, str]]  # each concern -> (prison, first words)
    actions: int
    problems: tuple[Problem, ...]
    keys: frozenset[str]  # the cache entries its plans were read from


def prison_facts(prison: Prison) -> PrisonFacts:
    establishment = prison.establishment
    return PrisonFacts(
        prison.folder, establishment.slug if establishment else None, tuple(PlanFacts.of(p) for p in prison.plans),
        frozenset(a.owner for p in prison.plans for a in p.actions if a.owner),
        concern_titles(establishment) if establishment else {},
        sum(len(p.actions) for p in prison.plans), prison.problems, prison.keys)


def concern_titles(establishment: Establishment) -> dict[tuple[str, str, int], tuple[str, str]]:
    """Each concern of the prison -> (prison, its first words): how other pages name it."""
    return {(p.slug, p.month_key, c.number): (establishment.name, short_title(c))
            for p in establishment.plans for c in p.concerns}


@dataclass(frozen=True)
class Estate:
    """What a prison's pages need from outside the prison, worked out by the parent from every
    prison's facts: owner page slugs (spellings of all prisons decide them) and the concerns of
    other prisons its editors link to."""
    owners: dict[str, tuple[str, str]]  # owner as published -> (name shown, page slug)
    concerns: dict[tuple[str, str, int], tuple[str, str]]  # (slug, month, number) -> (prison, first words)

    def slice(self, facts: PrisonFacts) -> "Estate":
        """Only what this prison uses: what its pages are made from, beside its own plans."""
        refs = {(r.slug, r.month_key, r.number) for p in facts.plans for _, field, _, _, r in p.references
                if field == "related" and r.slug != facts.slug}
        return Estate({s: self.owners[s] for s in sorted(facts.owners)},
                      {k: self.concerns[k] for k in sorted(refs) if k in self.concerns})


def estate_of(prisons: Iterable[PrisonFacts], aliases: dict[str, str]) -> Estate:
    prisons = list(prisons)
    spellings = {s for prison in prisons for s in prison.owners}
    return Estate(estate_views.owner_slugs(spellings, aliases),
                  {k: v for prison in prisons for k, v in prison.titles.items()})


def write_prison(site: SiteInfo, prison: Prison, estate: Estate, renderer: Renderer, folder: Path,
                 first: frozenset[str] = frozenset(), ready: Callable[[], None] | None = None) -> PrisonSummary:
    """Every file of one prison: its plans' pages and data files, its page, timeline and feed. The
    summary records what it wrote and what it took from other prisons (`estate`: only that). The
    plans whose month is in `first` are written first, then `ready()` is called (serve then reloads
    the browsers showing them)."""
    establishment = prison.establishment
    files = SiteFiles(folder)
    statuses = {plan.month_key: plan_statuses(plan, site.as_of) for plan in establishment.plans}
    related = related_concerns(establishment.plans)
    titles = concern_titles(establishment)
    events = prison_events(establishment, statuses)
    events_of: dict[str, list] = {}  # each plan's own, in the prison's order
    for event in events:
        events_of.setdefault(event.month_key, []).append(event)
    summaries = []
    for plan in sorted(establishment.plans, key=lambda p: p.month_key not in first):
        if ready is not None and plan.month_key not in first:
            ready()
            ready = None
        json_bytes = plan_json(plan, site.as_of, site.base_url, statuses[plan.month_key])
        csv_bytes = plan_csv(plan, site.as_of, site.base_url, statuses[plan.month_key])
        csv_path, json_path = urls.plan_csv(plan.slug, plan.month_key), urls.plan_json(plan.slug, plan.month_key)
        files.write(csv_path, csv_bytes)
        files.write(json_path, json_bytes)
        parts = PlanParts(
            establishment, statuses[plan.month_key], related, estate.owners.__getitem__,
            lambda key: titles.get(key) or estate.concerns.get(key, ("", "")),
            ((csv_path, "This plan as CSV", "text/csv; charset=utf-8", "one row per action, for spreadsheets",
              len(csv_bytes)),
             (json_path, "This plan as JSON", "application/json", "concerns, actions and updates, nested",
              len(json_bytes))), site.absolute, events_of.get(plan.month_key, []))
        files.write(plan.url, renderer.render("layouts/plan.html", page=plan_page(site, plan, parts)), page=True)
    if ready is not None:
        ready()
    for plan in establishment.plans:
        summaries.append(plan_summary(plan, statuses[plan.month_key], events_of.get(plan.month_key, []),
                                      site.base_url))
    files.write(establishment.url, renderer.render(
        "layouts/establishment.html", page=establishment_page(site, establishment, statuses, events, related)),
        page=True)
    files.write(urls.establishment_timeline(establishment.slug), renderer.render(
        "layouts/prison_timeline.html", page=prison_timeline_page(site, establishment, statuses, events)), page=True)
    files.write(urls.establishment_feed(establishment.slug), atom_feed(
        site, urls.establishment_feed(establishment.slug), establishment.url,
        f"{establishment.name}: new plans and updates – {site.settings.title}",
        newest_first(e for s in summaries for e in s.entries)))
    return PrisonSummary(establishment.slug, establishment.name, tuple(summaries), dict(files.written),
                         tuple(files.pages), estate)


# The long listings, each of which a worker process can write on its own while the parent writes the rest.
LISTINGS = ("themes", "owners", "concerns", "timeline")


def write_listing(site: SiteInfo, listing: str, prisons: Sequence[PrisonSummary], owners: dict[str, tuple[str, str]],
                  renderer: Renderer, files: SiteFiles) -> None:
    """One of LISTINGS: the themes, owners, all-concerns or timeline pages, from the prisons' summaries."""
    def page(path: str, template: str, view) -> None:
        files.write(path, renderer.render(template, page=view), page=True)

    if listing == "themes":
        groups = estate_views.theme_groups(prisons)
        page(urls.themes_index(), "layouts/themes.html", estate_views.themes_page(site, groups))
        for slug in groups:
            for view in estate_views.theme_pages(site, slug, groups[slug]):
                page(view.page.path, "layouts/theme.html", view)
    elif listing == "owners":
        found = estate_views.owners(prisons, owners)
        page(urls.owners_index(), "layouts/owners.html", estate_views.owners_page(site, found))
        for owner in found:
            for view in estate_views.owner_pages(site, owner):
                page(view.page.path, "layouts/owner.html", view)
    elif listing == "concerns":
        for view in estate_views.concerns_pages(site, prisons):
            page(view.page.path, "layouts/concerns.html", view)
    elif listing == "timeline":
        for view in estate_views.timeline_pages(site, prisons):
            page(view.frame.path, "layouts/timeline.html", view)
    else:
        raise ValueError(f"no listing called {listing!r}")


LISTINGS_IN_WORKERS_FROM = 200  # plans: below it, forking costs more than the listings take


def write_estate(site: SiteInfo, sources: Sources, prisons: Sequence[PrisonSummary], owners: dict[str, tuple[str, str]],
                 renderer: Renderer, files: SiteFiles, assets: Path | None, forked: bool = True) -> None:
    """Every file that shows more than one prison, from their summaries, and the static assets
    (unless `assets` is None: unchanged in the folder). For a large estate, two forked processes
    write the long LISTINGS meanwhile, half each: they have the summaries by being forked, so nothing
    is sent to them. The sitemap is written by `write_sitemap`, once every page is."""
    plans = sorted((p for prison in prisons for p in prison.plans), key=lambda p: p.key)
    forked = forked and len(plans) >= LISTINGS_IN_WORKERS_FROM and cores() > 1
    shares = [list(LISTINGS[0::2]), list(LISTINGS[1::2])] if forked else [list(LISTINGS)]

    def write_listings(share: list[str]) -> tuple[dict[str, int], list[str]]:
        written = SiteFiles(files.folder)
        for listing in share:
            write_listing(site, listing, prisons, owners, renderer, written)
        return written.written, written.pages

    with Pool(shares, write_listings, forked=forked) as pool:
        _write_the_rest(site, sources, prisons, plans, renderer, files, assets)
        for written, pages in pool.step(_made):
            files.merge(written, pages)


def _made(result, _: None):
    return result


def _write_the_rest(site: SiteInfo, sources: Sources, prisons: Sequence[PrisonSummary], plans: list,
                    renderer: Renderer, files: SiteFiles, assets: Path | None) -> None:
    def page(path: str, template: str, view) -> None:
        files.write(path, renderer.render(template, page=view), page=True)

    page(urls.home(), "layouts/home.html", estate_views.home_page(site, prisons))
    page(urls.establishments_index(), "layouts/establishments.html", estate_views.prisons_page(site, prisons))
    page(urls.search(), "layouts/search.html", estate_views.search_page(site, prisons))
    for content_page in sources.pages:
        page(content_page.url, "layouts/page.html", estate_views.content_page(site, content_page))
    files.write(urls.not_found(), renderer.render("layouts/404.html", page=estate_views.not_found_page(site)))
    sizes = {
        urls.data_plans_json(): files.write(urls.data_plans_json(), join_json(
            (files.read(urls.plan_json(p.slug, p.month_key)) for p in plans), site.as_of, site.base_url)),
        urls.data_actions_csv(): files.write(urls.data_actions_csv(), join_csv(
            files.read(urls.plan_csv(p.slug, p.month_key)) for p in plans)),
        urls.data_schema(): files.write(urls.data_schema(), schema_json(site.base_url)),
    }
    page(urls.data_page(), "layouts/data.html",
         estate_views.data_page(site, prisons, {path: size_text(size) for path, size in sizes.items()}))
    files.write(urls.feed(), atom_feed(site, urls.feed(), urls.home(), f"New plans and updates – {site.settings.title}",
                                       newest_first(e for p in plans for e in p.entries)))
    files.write(urls.robots(), robots_txt(site).encode("utf-8"))
    if assets is not None:
        copy_assets(assets, files)


def write_sitemap(site: SiteInfo, files: SiteFiles) -> None:
    """Every page written, as absolute addresses: written last."""
    files.write(urls.sitemap(), sitemap_xml(site, sorted(files.pages)).encode("utf-8"))


def asset_files(assets: Path) -> dict[str, Path]:
    """Each static asset's site path -> its source under templates/assets/ (dotfiles left out)."""
    if not assets.is_dir():
        return {}
    return {urls.asset(path.relative_to(assets).as_posix()): path for path in sorted(assets.rglob("*"))
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(assets).parts)}


def copy_assets(assets: Path, files: SiteFiles) -> None:
    for path, source in asset_files(assets).items():
        files.write(path, source.read_bytes())
