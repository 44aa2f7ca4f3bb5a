"""Search: Pagefind indexes the written site, with the concern as the unit people land on.

Pagefind would index each plan page as one result, so a filter such as "theme: Safety" would match a
whole plan and its sub-results would include concerns of every theme. Instead every element marked
`data-pagefind-body` becomes its own Pagefind record: each is cut out of its page into a small HTML
document of its own, and Pagefind indexes that folder of documents (one call, Pagefind's own fast
path). Pagefind still does all the work — words, ranking, excerpts, and the `data-pagefind-filter`,
`-meta` and `-sort` attributes the templates put on each concern. A record's address on the site
(`hmp-leicester/2023-02/#concern-3`) is in its `link` metadata: Pagefind's own `url` for it names
the document in the folder, which is not a page of the site.

Also here: the /search/ page, and /concerns/, the index of every concern for readers without
JavaScript and for crawlers, split into pages of about 200 KB.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import html
import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import urls
from .build import Output, SiteBuild, render_output
from .model import KINDS, THEMES, Establishment, Plan
from .render import make_environment
from .status import STATUS_KEYS

# Where Pagefind writes its bundle, relative to the site root.
BUNDLE = urls.search_bundle()
CONCERNS_PAGE_BYTES = 200_000  # split the concerns index when a page would grow past this
CONCERNS_TEMPLATE = "layouts/concerns.html"  # the split is measured with it, so kept under its digest


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site (the site is left unchanged)."""


# --- indexing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    """One search result to be: an HTML document holding one `data-pagefind-body` element."""
    link: str  # the site path of the page, plus the element's id as fragment: "x/2023-02/#concern-3"
    html: str


def index_site(folder: Path) -> int:
    """Index the site in `folder` in place; returns the number of files written."""
    try:
        with tempfile.TemporaryDirectory(prefix="actionplans-search-") as documents:
            for number, record in enumerate(records_in(folder), 1):
                (Path(documents) / f"{number:06d}.html").write_text(record.html, encoding="utf-8")
            _run(_write_index(Path(documents), folder / BUNDLE))
        make_filters_deterministic(folder / BUNDLE)
        drop_unused_ui(folder / BUNDLE)
    except SearchIndexError:
        raise
    except Exception as error:  # the Pagefind service reports its failures as plain exceptions
        raise SearchIndexError(f"Pagefind could not index the site: {error} — build with --no-search "
                               f"to skip the search index") from error
    return sum(1 for path in (folder / BUNDLE).rglob("*") if path.is_file())


# Pagefind's ready-made search interfaces and its result highlighter: /search/ uses Pagefind's
# JavaScript API (pagefind.js, which loads its worker and the index) with a form of its own.
UNUSED_UI = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
             "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def drop_unused_ui(bundle: Path) -> None:
    """Leave out of the site the Pagefind files no page loads (≈420 KB of the bundle's ≈1 MB)."""
    for name in UNUSED_UI:
        (bundle / name).unlink(missing_ok=True)


# Pagefind's files are gzip of this signature followed by CBOR.
_SIGNATURE = b"pagefind_dcd"


def make_filters_deterministic(bundle: Path) -> None:
    """Pagefind 1.5.2 writes each filter's values, and the list of filters in its metadata file, in
    hash-map order, which changes from run to run (so do the files' hash names). Rewrite them in
    sorted order, named by their content, so the same site always gives the same bytes. Only the
    order changes: every value, page list and other part of the index is kept as written."""
    import cbor2

    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language, about in entry["languages"].items():
        meta_file = bundle / f"pagefind.{about['hash']}.pf_meta"
        meta = _read_pagefind(meta_file)
        filters = []
        for name, old in meta[3]:
            old_file = bundle / "filter" / f"{old}.pf_filter"
            data = _read_pagefind(old_file)
            data[1] = sorted(data[1], key=lambda value: value[0])
            encoded = cbor2.dumps(data)
            new = f"{language}_{hashlib.sha256(encoded).hexdigest()[:7]}"
            old_file.unlink()
            _write_pagefind(bundle / "filter" / f"{new}.pf_filter", encoded)
            filters.append([name, new])
        meta[3] = sorted(filters)
        encoded = cbor2.dumps(meta)
        about["hash"] = f"{language}_{hashlib.sha256(encoded).hexdigest()[:13]}"
        meta_file.unlink()
        _write_pagefind(bundle / f"pagefind.{about['hash']}.pf_meta", encoded)
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read_pagefind(path: Path):
    import cbor2

    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"{path}: not a Pagefind index file — a different Pagefind version? "
                               "Install the pinned one (pip install -e .)")
    return cbor2.loads(data[len(_SIGNATURE):])


def _write_pagefind(path: Path, encoded: bytes) -> None:
    path.write_bytes(gzip.compress(_SIGNATURE + encoded, compresslevel=9, mtime=0))


def records_in(folder: Path) -> Iterator[Record]:
    """Every `data-pagefind-body` element of the written pages, in a stable order."""
    bundle = (folder / BUNDLE).resolve()
    for path in sorted(folder.rglob("*.html")):
        if path.resolve().is_relative_to(bundle):
            continue
        text = path.read_text(encoding="utf-8")
        if "data-pagefind-body" not in text:
            continue
        page = _page_path(path.relative_to(folder).as_posix())
        found = _LANG.search(text)
        language = found.group(1) if found else "en"
        for fragment, body in bodies(text):
            link = page + (f"#{fragment}" if fragment else "")
            yield Record(link, f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title></title>'
                               f'<meta data-pagefind-meta="link[content]" content="{html.escape(link)}">'
                               f"</head><body>{body}</body></html>")


# The pages are ours: valid, autoescaped HTML, where "<" and ">" never appear inside text or
# attribute values. So the elements can be cut out of the text with a tag scanner, exactly as
# written and without an HTML parser (tests check the result against lxml's).
_BODY_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?\sdata-pagefind-body(?=[\s=/>])")
_LANG = re.compile(r'<html\b[^>]*?\slang="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


def bodies(text: str) -> Iterator[tuple[str | None, str]]:
    """(id or None, outer HTML) of each outermost element marked `data-pagefind-body`."""
    position = 0
    while found := _BODY_START.search(text, position):
        start, tag = found.start(), found.group(1)
        depth, end = 0, None
        for edge in re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.IGNORECASE).finditer(text, start):
            depth += -1 if edge.group(1) else 1
            if depth == 0:
                end = edge.end()
                break
        if end is None:
            raise SearchIndexError(f"<{tag} data-pagefind-body> is never closed")
        opening = text[start:text.index(">", start)]
        named = _ID.search(opening)
        yield (html.unescape(named.group(1)) if named else None), text[start:end]
        position = end


def _page_path(file: str) -> str:
    """The page path of a written file: the inverse of urls.output_file."""
    if file == "index.html":
        return ""
    return file.removesuffix("index.html") if file.endswith("/index.html") else file


def _run(coroutine):
    """asyncio.run, also from inside a running event loop (`serve` runs one, so do browser tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _write_index(documents: Path, output: Path) -> None:
    from pagefind.index import PagefindIndex
    async with PagefindIndex({"output_path": str(output.resolve())}) as index:
        await index.add_directory(str(documents.resolve()))


# --- pages --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """One filter of the search form: the Pagefind filter key, its label, the values in the index."""
    key: str
    label: str
    any_label: str
    values: tuple[str, ...]


def filter_choices(site: SiteBuild) -> tuple[Choice, ...]:
    """The values of each filter, made from the content exactly as the plan pages tag concerns."""
    plans = site.content.plans
    concerns = [c for p in plans for c in p.concerns]
    present = site.indexes.counts(plans)
    return (
        Choice("establishment", "Prison", "Any prison", tuple(sorted({p.establishment for p in plans}))),
        Choice("year", "Year of inspection", "Any year",
               tuple(str(y) for y in sorted({p.inspection.start.year for p in plans}, reverse=True))),
        Choice("kind", "Kind of concern", "Any kind",
               tuple(label for kind, label in KINDS.items() if any(c.kind == kind for c in concerns))),
        Choice("theme", "Theme", "Any theme",
               tuple(label for theme, label in THEMES.items() if any(c.theme == theme for c in concerns))),
        Choice("status", "Status of an action", "Any status",
               tuple(label for key, label in STATUS_KEYS.items() if key in present)),
    )


def search_outputs(site: SiteBuild, page_bytes: int = CONCERNS_PAGE_BYTES) -> Iterator[Output]:
    """The /search/ page and the no-JavaScript index of all concerns."""
    yield Output(urls.search(), "layouts/search.html",
                 {"choices": filter_choices(site), "pagefind_js": BUNDLE + "pagefind.js"})
    yield from concerns_index_outputs(site, page_bytes)


@dataclass(frozen=True)
class IndexPage:
    """One page of the concerns index: its number and the plans it lists, by establishment."""
    number: int
    groups: tuple[tuple[Establishment, tuple[Plan, ...]], ...]

    @property
    def url(self) -> str:
        return urls.concerns_index(self.number)

    @property
    def first(self) -> str:
        return self.groups[0][0].name if self.groups else ""

    @property
    def last(self) -> str:
        return self.groups[-1][0].name if self.groups else ""


def concerns_index_outputs(site: SiteBuild, page_bytes: int = CONCERNS_PAGE_BYTES) -> Iterator[Output]:
    """/concerns/, /concerns/2/, …: every concern, by establishment and inspection (newest first)."""
    totals = site.indexes.totals()
    pages = split_pages(site, page_bytes, totals)
    for page in pages:
        yield _index_output(page, pages, totals)


def split_pages(site: SiteBuild, page_bytes: int, totals: dict[str, int]) -> tuple[IndexPage, ...]:
    """Pack whole inspections, in order, into pages of at most `page_bytes` of HTML (an inspection
    larger than that gets a page of its own). Sizes are measured by rendering, so the limit holds
    whatever the template looks like; a small site takes one render, a large one a few. The split
    is kept (serve's memory, a build's .cache/) under everything it was measured from: what the
    index pages share (their templates, settings, as-of date…) and every plan's digest; so are each plan's
    size and the pages' shared parts, so after a change only the changed plans are measured."""
    plans = [plan for establishment in site.content.establishments for plan in establishment.plans]
    store = site.store
    memo = None
    if store is not None and all(plan.digest for plan in plans):
        memo = ("concerns-split", site.page_fingerprint(CONCERNS_TEMPLATE), page_bytes,
                tuple((plan.key, plan.digest) for plan in plans))
        found = store.get(memo)
        if found is not None:
            return _pages(site, [[site.indexes.plans_by_key[key] for key in chunk] for chunk in found])
    pages = _measure_and_split(site, plans, page_bytes, totals, store if memo is not None else None)
    if memo is not None:
        store[memo] = [[plan.key for _, group in page.groups for plan in group] for page in pages]
    return pages


def _measure_and_split(site: SiteBuild, plans: list[Plan], page_bytes: int, totals: dict[str, int],
                       store=None) -> tuple[IndexPage, ...]:
    if "environment" not in site.memo:  # serve puts its own there, templates compiled once
        site.memo["environment"] = make_environment(site.project.templates_dir, site.kept)
    env = site.memo["environment"]
    shared = (site.page_fingerprint(CONCERNS_TEMPLATE), tuple(sorted(totals.items())))

    def size_of(page: IndexPage, pages: tuple[IndexPage, ...]) -> int:
        return len(render_output(site, _index_output(page, pages, totals), env))

    def render_one_page(chosen: list[Plan]) -> bytes:
        whole = _pages(site, [chosen])
        return render_output(site, _index_output(whole[0], whole, totals), env)

    empty = IndexPage(1, ())
    shell = _kept(store, ("concerns-shell", *shared), lambda: size_of(empty, (empty,)))
    sizes = _kept_sizes(site, plans, store, render_one_page)
    # Sizes count each prison's heading once per inspection, so they exceed the whole by far less than 3×.
    if sizes is None or shell + sum(sizes.values()) <= 3 * page_bytes:  # it may fit one page: render it whole
        rendered = render_one_page(plans)
        if len(plans) <= 1 or len(rendered) <= page_bytes:
            return _pages(site, [plans])
        if sizes is None:
            sizes = _section_sizes(rendered, plans)
            if sizes is not None and store is not None:
                store[("concerns-sizes", site.page_fingerprint(CONCERNS_TEMPLATE))] = {
                    (p.key, p.digest): sizes[p.key] for p in plans}
        sizes = sizes or {single.groups[0][1][0].key: size_of(single, (single,)) - shell
                          for single in _pages(site, [[plan] for plan in plans])}
    pager = 0
    while True:
        pages = _pages(site, _pack(plans, sizes, page_bytes - shell - pager))
        layout = tuple((page.first, page.last) for page in pages)
        pager = _kept(store, ("concerns-pager", *shared, layout), lambda pages=pages: max(
            size_of(IndexPage(page.number, ()), pages) for page in pages) - shell)
        if all(shell + pager + sum(sizes[p.key] for _, group in page.groups for p in group) <= page_bytes
               or sum(len(group) for _, group in page.groups) == 1 for page in pages):
            return pages


def _kept(store, key: tuple, make: Callable[[], int]) -> int:
    found = store.get(key) if store is not None else None
    if found is None:
        found = make()
        if store is not None:
            store[key] = found
    return found


def _kept_sizes(site: SiteBuild, plans: list[Plan], store, render_one_page: Callable[[list[Plan]], bytes]
                ) -> dict[tuple[str, str], int] | None:
    """Each plan's share of the index (see _section_sizes), kept per plan digest: the plans not
    measured before are measured in a one-page render of their prisons' inspections followed by the
    next prison's first (so each ends where it ends in the whole index), giving the sizes a whole
    render gives. None without a store, or with nothing measured yet (a first build renders whole)."""
    if store is None:
        return None
    key = ("concerns-sizes", site.page_fingerprint(CONCERNS_TEMPLATE))
    known: dict = store.get(key) or {}
    if not known:
        return None
    missing = {plan.slug for plan in plans if (plan.key, plan.digest) not in known}
    if missing:
        chosen, take_next = [], False
        for establishment in site.content.establishments:
            if establishment.slug in missing:
                chosen.extend(establishment.plans)
                take_next = True
            elif take_next and establishment.plans:
                chosen.append(establishment.plans[0])
                take_next = False
        measured = _section_sizes(render_one_page(chosen), chosen)
        if measured is None:
            return None
        known = {**known, **{(plan.key, plan.digest): measured[plan.key] for plan in chosen}}
    sizes = {plan.key: known[(plan.key, plan.digest)] for plan in plans}
    if missing:
        store[key] = {(plan.key, plan.digest): sizes[plan.key] for plan in plans}  # the current plans only
    return sizes


def _section_sizes(rendered: bytes, plans: list[Plan]) -> dict[tuple[str, str], int] | None:
    """Each inspection's share of the one-page render, read from where its heading starts: the bytes
    up to the next inspection, plus its prison's heading (repeated when a prison spans two pages),
    plus three bytes a link for the "../" its links gain on /concerns/2/ and later pages.
    None when the headings cannot be matched to the plans (then each is rendered on its own)."""
    prisons = [m.start() for m in re.finditer(rb"<h2><a ", rendered)]
    starts = [m.start() for m in re.finditer(rb"<h3><a ", rendered)]
    if len(starts) != len(plans) or not prisons:
        return None
    end = rendered.rindex(b"</main>")
    plan_at = {start: plan for start, plan in zip(starts, plans)}
    bounds = sorted(prisons + starts + [end])
    sizes = {}
    heading = 0
    for start, following in zip(bounds, bounds[1:]):
        size = following - start + 3 * rendered.count(b'href="', start, following)
        if start in plan_at:
            sizes[plan_at[start].key] = size + heading
        else:
            heading = size
    return sizes if len(sizes) == len(plans) else None


def _pack(plans: list[Plan], sizes: dict[tuple[str, str], int], budget: int) -> list[list[Plan]]:
    """Fill pages in order; a page holds at least one plan."""
    chunks: list[list[Plan]] = []
    used = 0
    for plan in plans:
        if not chunks or used + sizes[plan.key] > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(plan)
        used += sizes[plan.key]
    return chunks


def _pages(site: SiteBuild, chunks: list[list[Plan]]) -> tuple[IndexPage, ...]:
    pages = []
    for number, chunk in enumerate(chunks, 1):
        groups: list[tuple[Establishment, list[Plan]]] = []
        for plan in chunk:
            if not groups or groups[-1][0].slug != plan.slug:
                groups.append((site.indexes.establishment_of[plan.slug], []))
            groups[-1][1].append(plan)
        pages.append(IndexPage(number, tuple((e, tuple(ps)) for e, ps in groups)))
    return tuple(pages)


def _index_output(page: IndexPage, pages: tuple[IndexPage, ...], totals: dict[str, int]) -> Output:
    return Output(page.url, CONCERNS_TEMPLATE, {"page": page, "pages": pages, "totals": totals})
