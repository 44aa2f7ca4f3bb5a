"""`actionplans serve`: build, serve on localhost, and on every change re-render only what it affects.

Every output has a key naming what it is made from (generator.reuse): after a change, only outputs
whose key changed are rendered, so an edited plan re-renders its page, its establishment, the
listings that show it and the site-wide files, and a template or asset change re-renders everything.
Each file is replaced atomically, so a page is never half written. A content or template error
keeps the last good site and shows the problems in the terminal and, in the browser, on every page.
"""
from __future__ import annotations

import datetime as dt
import gc
import mimetypes
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .build import SiteBuild, build, collect, copy_assets, prepare, render_output
from .cache import ParseCache
from .loader import load
from .problems import ContentError
from .project import Project
from .render import TemplateProblem, make_environment
from .reuse import Manifest, output_keys


# A bound on memory: past it the store starts again empty. Well above what 10,000 plans keep
# (≈240,000 entries: per plan work, listing parts, the year pages' events), since a store that
# starts again on every rebuild would make every rebuild a full one.
MAX_KEPT = 1_000_000


@dataclass
class LiveSite:
    """The served site and what it was built from, updated in place after each change."""
    project: Project
    output_dir: Path
    as_of: dt.date | None
    base_url: str | None
    cache: ParseCache
    site: SiteBuild | None = None
    keys: dict[str, str] = field(default_factory=dict)  # file -> key of what is being served
    fingerprint: str = ""  # generator.reuse.fingerprint of the site being served
    # Work kept between rebuilds (SiteBuild.kept): statuses and timeline events per plan digest, HTML
    # fragments of listing pages; emptied when anything site-wide changes, since keys name only plans.
    kept: dict = field(default_factory=dict)
    env: Any = None  # the Jinja environment, kept while the templates are unchanged
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def full_build(self) -> None:
        result = build(self.project, self.output_dir, self.as_of or dt.date.today(), base_url=self.base_url,
                       search=False, parse_cache=self.cache)
        self.site, self.keys, self.fingerprint = result.site, result.keys, result.site.fingerprint()
        _settle(everything=True)

    def rebuild(self) -> tuple[int, float]:
        """Re-render what changed; returns (files written, seconds). Errors are kept, not raised."""
        started = time.perf_counter()
        with self.lock:
            try:
                before = self.fingerprint
                written = self._rebuild()
                self.errors = []
                _settle(everything=self.fingerprint != before)
            except ContentError as error:
                self.errors = [p.format() for p in error.problems if p.severity == "error"]
                written = 0
            except TemplateProblem as problem:
                self.errors = [problem.format()]
                written = 0
        return written, time.perf_counter() - started

    def _prepare(self) -> tuple[SiteBuild, str]:
        """Load and index the content, keeping work between rebuilds unless something site-wide changed."""
        content = load(self.project, self.cache).content
        site = prepare(self.project, self.as_of or dt.date.today(), self.base_url, search=False, content=content,
                       kept=self.kept)
        shared = site.fingerprint()
        if shared != self.fingerprint or len(self.kept) > MAX_KEPT:
            self.kept.clear()
            self.env = None
        if self.env is None:
            self.env = make_environment(self.project.templates_dir, self.kept)
        site.files.folder = self.output_dir
        return site, shared

    def _rebuild(self) -> int:
        site, shared = self._prepare()
        outputs = collect(site)
        keys = output_keys(site, outputs, shared)
        changed = [o for o in outputs if self.keys.get(o.file) != keys[o.file]]
        for stage in sorted({o.stage for o in changed}):  # render everything first: an error writes nothing
            for output in (o for o in changed if o.stage == stage):
                site.files.pending[output.file] = render_output(site, output, self.env)
        for file, data in site.files.pending.items():
            _write_if_changed(self.output_dir / file, data)
        site.files.pending.clear()
        for file in self.keys.keys() - keys.keys():
            (self.output_dir / file).unlink(missing_ok=True)
        if shared != self.fingerprint:
            copy_assets(site, self.output_dir)
        self.site, self.keys, self.fingerprint = site, keys, shared
        Manifest.read(self.project.root, self.output_dir).write(self.output_dir, keys)  # for the next build
        return len(changed)

    def warm_up(self) -> None:
        """Fill what is kept between rebuilds (statuses, timeline events, listing fragments) by
        rendering every page that lists more than one plan once in memory, so the first change after
        starting is as quick as later ones (the initial build renders in worker processes, which
        keep nothing)."""
        with self.lock:
            try:
                site, _ = self._prepare()
                env = self.env
                for output in collect(site):
                    if output.template and (output.depends_on is None or len(output.depends_on) > 1):
                        render_output(site, output, env)  # a listing: what fragments and keep() serve
            except (ContentError, TemplateProblem):
                pass  # the next rebuild reports it
            _settle()

    def start_search_indexing(self) -> None:
        """Pagefind in the background: the search index may lag behind the pages, never the reverse."""
        from .search import index_site

        def index() -> None:
            try:
                index_site(self.output_dir)
            except Exception as error:  # noqa: BLE001 - search is optional while editing
                print(f"search index not updated: {error}", file=sys.stderr)

        threading.Thread(target=index, daemon=True).start()

    def error_page(self) -> bytes:
        items = "".join(f"<li><pre>{escape(e)}</pre></li>" for e in self.errors)
        return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build error</title></head>"
                f"<body><main><h1>The site could not be rebuilt</h1><p>Fix these problems; this page reloads "
                f"when the content is valid again. The last good site is kept.</p><ul>{items}</ul></main></body>"
                f"</html>").encode("utf-8")


def _settle(everything: bool = False) -> None:
    """Move what the site keeps out of the garbage collector's sight: with a thousand plans in
    memory, a full collection in the middle of a rebuild would cost more than the rebuild. After a
    site-wide change (the kept work was dropped), everything is looked at again, so nothing dropped
    stays in memory for good."""
    if everything:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def _write_if_changed(path: Path, data: bytes) -> None:
    """Leave an unchanged file alone (its time stays, so browsers and the manifest keep it)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def make_app(live: LiveSite):
    """A WSGI app serving the built folder; while there are errors, HTML requests get the error page."""
    root = live.output_dir.resolve()

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        if target.is_dir():
            if not path.endswith("/"):
                start_response("301 Moved Permanently", [("Location", path + "/")])
                return [b""]
            target = target / "index.html"
        if live.errors and target.suffix in (".html", ""):
            start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")])
            return [live.error_page()]
        if not target.is_file():
            body = (root / "404.html").read_bytes() if (root / "404.html").is_file() else b"not found"
            start_response("404 Not Found", [("Content-Type", "text/html; charset=utf-8")])
            return [body]
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        start_response("200 OK", [("Content-Type", kind), ("Cache-Control", "no-store")])
        return [target.read_bytes()]

    return app


def run_server(live: LiveSite, host: str, port: int, search: bool = False, out=sys.stderr) -> None:
    from livereload import Server

    server = Server(app=make_app(live))

    def on_change() -> None:
        time.sleep(0.1)  # let a burst of saves (several files) settle into one rebuild
        written, seconds = live.rebuild()
        if live.errors:
            print("\n".join(live.errors), file=out)
            print("content has errors — still serving the last good site", file=out, flush=True)
        else:
            print(f"rebuilt {written} files in {seconds * 1000:.0f} ms", file=out, flush=True)
            if search:
                live.start_search_indexing()

    for folder in (live.project.content_dir, live.project.templates_dir):
        server.watch(str(folder), on_change, delay=0.2)
    print(f"serving {live.output_dir} on http://{host}:{port}/ — Ctrl-C stops", file=out, flush=True)
    server.serve(host=host, port=port, root=str(live.output_dir), open_url_delay=None, restart_delay=0)
