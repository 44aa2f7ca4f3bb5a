"""Search: Pagefind indexes the written site, with the concern as the unit people land on.

Pagefind would index each plan page as one result, so a filter such as "theme: Safety" would match a
whole plan and its sub-results would include concerns of every theme. Instead every element marked
`data-pagefind-body` becomes its own Pagefind record: each is cut out of its page into a small HTML
document of its own, and Pagefind indexes that folder of documents (one call, Pagefind's own fast
path). Pagefind still does all the work — words, ranking, excerpts, and the `data-pagefind-filter`,
`-meta` and `-sort` attributes the templates put on each concern, and a sub-result for each action
heading. A record's address on the site (`hmp-leicester/2023-02/#concern-3`) is in its `link`
metadata: Pagefind's own `url` for it names the document in the folder, not a page of the site.

Pagefind runs as its command-line program. (Its Python API talks to the same program over a pipe
that also carries the program's log output, so a line logged at the wrong moment corrupted a reply:
"Expecting value: line 1 column 1", now and then, more often with several builds at once.)
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import urls

# Where Pagefind writes its bundle, relative to the site root.
BUNDLE = urls.search_bundle()


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site (the site is left unchanged)."""


# --- indexing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    """One search result to be: an HTML document holding one `data-pagefind-body` element."""
    link: str  # the site path of the page, plus the element's id as fragment: "x/2023-02/#concern-3"
    html: str


INDEX_SECONDS = 1800  # the longest Pagefind may take (10,000 plans take a few minutes)


def index_site(folder: Path) -> int:
    """Index the site in `folder` in place; returns the number of files written.

    The documents Pagefind reads are written beside `folder`, in a folder named after it: a build
    that is killed leaves them where the next build removes what a killed build left (generator.build)."""
    with tempfile.TemporaryDirectory(prefix=f"{folder.name}-search-", dir=folder.parent) as documents:
        for number, record in enumerate(records_in(folder), 1):
            (Path(documents) / f"{number:06d}.html").write_text(record.html, encoding="utf-8")
        _pagefind(Path(documents), (folder / BUNDLE).resolve())
    try:
        make_filters_deterministic(folder / BUNDLE)
    except (ValueError, LookupError, TypeError, EOFError, gzip.BadGzipFile, FileNotFoundError) as error:
        raise SearchIndexError(f"Pagefind could not index the site: what it wrote is not an index of the Pagefind "
                               f"version this build reads ({type(error).__name__}: {error}) — install the pinned "
                               "Pagefind (pip install -e .), or build with --no-search to skip the search index"
                               ) from None
    drop_unused_ui(folder / BUNDLE)
    return sum(1 for path in (folder / BUNDLE).rglob("*") if path.is_file())


def index_in_background(folder: Path) -> None:
    """For `serve`: the search index may lag behind the pages it indexes, never the reverse."""
    def index() -> None:
        try:
            index_site(folder)
        except (SearchIndexError, OSError) as error:
            print(f"search index not updated: {error}", file=sys.stderr)
    threading.Thread(target=index, daemon=True).start()


def _pagefind(documents: Path, bundle: Path) -> None:
    from pagefind.service import get_executable  # finds the program the pinned pagefind[bin] installs

    program = get_executable()
    if program is None:
        raise SearchIndexError("the Pagefind program is not installed — run pip install -e . (or build with "
                               "--no-search to skip the search index)")
    try:
        done = subprocess.run([str(program), "--site", str(documents), "--output-path", str(bundle), "--silent"],
                              capture_output=True, text=True, timeout=INDEX_SECONDS, cwd=documents)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"Pagefind could not index the site ({error}) — build with --no-search to skip "
                               "the search index") from None
    if done.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        said = " ".join((done.stderr or done.stdout).split())[-300:] or (
            f"it was stopped by {_signal_name(-done.returncode)}" if done.returncode < 0 else
            f"it ended with exit status {done.returncode} without writing an index")
        raise SearchIndexError(f"Pagefind could not index the site: {said} — build with --no-search to skip "
                               "the search index")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


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
