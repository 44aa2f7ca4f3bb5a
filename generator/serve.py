"""`actionplans serve`: build into a folder of its own (never `site/`, so it is never published by
mistake), serve it, and once saves settle rebuild, then reload. Saved plans rebuild their prisons,
browsers reload, then the pages about every prison are written again; a request for a file still
being rebuilt waits for it. Any other change builds the whole site. An error keeps the last good site.
"""
from __future__ import annotations

import datetime as dt
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable, NamedTuple

from .build import Checked, check, make_site, replacing
from .cache import ParseCache
from .loader import load_prison, read_sources
from .pages import estate_of, prison_facts, write_estate, write_prison, write_sitemap
from .problems import ContentError
from .project import Project
from .render import Renderer, TemplateProblem
from .schema import compile_plan_validator
from .saves import Changes, watch
from .site import SiteFiles, SiteInfo
from .views.prison import PrisonSummary

WAIT_SECONDS = 60.0  # the longest a request waits for its file to be rewritten


class Rebuilt(NamedTuple):
    files: int
    seconds: float
    first_seconds: float | None = None  # when the changed prisons were written and browsers told to reload


@dataclass
class LiveSite:
    """The served site and what it was made from, kept between rebuilds."""
    project: Project
    folder: Path
    as_of: dt.date | None
    base_url: str
    cache: ParseCache  # plans as read, kept in memory too (ParseCache(..., memory=True))
    search: bool = False
    checked: Checked | None = None
    site: SiteInfo | None = None
    summaries: dict[str, PrisonSummary] = field(default_factory=dict)  # by prison
    renderer: Renderer | None = None  # templates compiled once: a change to them builds everything again
    estate_files: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    fresh: threading.Condition = field(default_factory=threading.Condition)
    waits: Callable[[str], bool] = lambda file: False  # whether a request for a file waits for the rebuild

    def wait_until_fresh(self, file: str, timeout: float = WAIT_SECONDS) -> None:
        with self.fresh:
            self.fresh.wait_for(lambda: not self.waits(file), timeout)

    def _hold(self, waits: Callable[[str], bool]) -> None:  # from now on, requests for these files wait
        with self.fresh:
            self.waits = waits
            self.fresh.notify_all()

    def rebuild(self, changed: set[str] | None = None, reload: Callable[[], None] = lambda: None) -> Rebuilt:
        """Rebuild after a save of the files `changed` (None: all); `reload()` is called once the
        changed prisons are written. Errors go to self.errors, and the served files stay as they were."""
        started, first = time.perf_counter(), []

        def first_ready() -> None:  # once, however many prisons had saved plans
            if not first:
                first.append(time.perf_counter() - started)
                reload()
        plans = self.project.plans_dir  # rebuilds run one at a time, on the thread that hears of saves
        try:
            if self.checked is None or changed is None or not all(Path(p).is_relative_to(plans) for p in changed):
                files = self._build_whole()
            else:
                files = self._rebuild({Path(p).relative_to(plans) for p in changed if p != str(plans)}, first_ready)
            self.errors = []
        except Exception as error:  # noqa: BLE001 - shown, and serving goes on with the last good site
            files = 0
            self.errors = ([p.format() for p in error.problems if p.severity == "error"]
                           if isinstance(error, ContentError) else
                           [error.format() if isinstance(error, TemplateProblem) else f"{type(error).__name__}: {error}"])
        finally:
            self._hold(lambda file: False)
        if not first:
            reload()  # after a whole build, or to show the error page
        return Rebuilt(files, time.perf_counter() - started, first[0] if first else None)

    def _site(self, sources) -> SiteInfo:
        return SiteInfo(sources.settings, self.as_of or dt.date.today(), self.base_url, self.search)

    def _rebuild(self, saved: set[Path], first_ready: Callable[[], None]) -> int:
        """Plan files were `saved` (paths in content/plans/): their plans' pages first (then browsers
        reload), their prisons', every other prison whose pages show what changed, then the pages
        about every prison."""
        changed = {path.parts[0] for path in saved}
        sources = read_sources(self.project)
        site = self._site(sources)
        if site != self.site:  # the day changed under a long-running serve
            return self._build_whole()
        prisons = {f: load_prison(f, sources.prisons[f], sources, self.cache) for f in changed if f in sources.prisons}
        facts = {f.folder: f for f in self.checked.prisons if f.folder not in changed}
        facts.update((folder, prison_facts(prison)) for folder, prison in prisons.items())
        checked = check(sources, [facts[folder] for folder in sorted(facts)])
        estate = estate_of(checked.prisons, sources.owner_aliases)
        for folder, fact in facts.items():  # e.g. a new owner moved the page slug of one they show
            if folder not in prisons and folder in self.summaries and estate.slice(fact) != self.summaries[folder].used:
                prisons[folder] = load_prison(folder, sources.prisons[folder], sources, self.cache)
        # Requests wait for every file but those of prisons not rewritten (a prison's folder in the site
        # is its folder here) and the assets; the saved plans' pages, once they are written.
        kept = {file for folder, s in self.summaries.items() if folder not in prisons for file in s.files}
        pages = tuple(f"{path.parts[0]}/{path.stem}/" for path in saved if len(path.parts) == 2)
        self._hold(lambda file: file not in kept and not file.startswith("assets/"))

        def saved_written() -> None:
            self._hold(lambda file: file not in kept and not file.startswith(("assets/", *pages)))
            first_ready()
        written = 0
        for folder, prison in sorted(prisons.items(), key=lambda item: item[0] not in changed):
            old, new = self.summaries.pop(folder, None), {}
            if prison.establishment is not None:
                first = frozenset(p.stem for p in saved if p.parts[0] == folder and len(p.parts) == 2)
                self.summaries[folder] = write_prison(site, prison, estate.slice(facts[folder]), self.renderer,
                                                      self.folder, first, saved_written if first else None)
                new = self.summaries[folder].files
            _remove(self.folder, (old.files.keys() if old else set()) - new.keys())
            written += len(new)
        for folder in set(self.summaries) - set(sources.prisons):  # a prison's folder was deleted
            _remove(self.folder, self.summaries.pop(folder).files)
        self.checked = checked
        prison_files = {file for s in self.summaries.values() for file in s.files}
        self._hold(lambda file: file not in prison_files and not file.startswith("assets/"))
        first_ready()
        summaries = sorted(self.summaries.values(), key=lambda s: s.slug)
        files = SiteFiles(self.folder, pages=[page for s in summaries for page in s.pages])
        write_estate(site, sources, summaries, estate.owners, self.renderer, files, None)  # assets: unchanged
        write_sitemap(site, files)
        _remove(self.folder, self.estate_files - files.written.keys())
        self.estate_files = set(files.written)
        return written + len(files.written)

    def _build_whole(self) -> int:
        """Everything again, into a new folder that then takes the served one's place."""
        self._hold(lambda file: True)
        renderer = Renderer(self.project.templates_dir)
        with replacing(self.folder) as staging:
            checked, site, summaries, files = make_site(self.project, staging, self._site, cache=self.cache,
                                                        renderer=renderer)
        self.checked, self.site, self.renderer = checked, site, renderer
        renderer.compile_all()  # the workers rendered the prisons' pages: compile those here before the next save
        compile_plan_validator()
        self.summaries = {s.slug: s for s in summaries}  # a plan's folder is its prison's slug (check says so)
        self.estate_files = {file for file in files.written if not file.startswith("assets/")} - \
            {file for s in summaries for file in s.files}
        return len(files.written)

    def error_page(self) -> bytes:
        items = "".join(f"<li><pre>{escape(e)}</pre></li>" for e in self.errors)
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build error</title></head><body><main>'
                f"<h1>The site could not be rebuilt</h1><p>Fix these problems; the page reloads when the content is "
                f"valid again.</p><ul>{items}</ul></main></body></html>").encode()


def _remove(folder: Path, files) -> None:
    for file in files:
        (folder / file).unlink(missing_ok=True)


def make_app(live: LiveSite):
    """A WSGI app serving the folder; while there are errors, HTML requests get the error page."""
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        file = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        if ".." in Path(file).parts:
            file = ""  # names no file: not found
        elif (live.folder / file).is_dir():
            start_response("301 Moved Permanently", [("Location", path + "/")])
            return [b""]
        live.wait_until_fresh(file)
        if live.errors and file.endswith(".html"):
            start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")])
            return [live.error_page()]
        status, target = "200 OK", live.folder / file
        if not target.is_file():
            status, file, target = "404 Not Found", "404.html", live.folder / "404.html"
        body = target.read_bytes() if status == "200 OK" or target.is_file() else b""
        kind = mimetypes.guess_type(file)[0] or "application/octet-stream"
        text = kind.startswith("text/") or kind in ("application/javascript", "application/json")
        start_response(status, [("Content-Type", kind + "; charset=utf-8" * text), ("Cache-Control", "no-store")])
        return [body]
    return app


def serve(live: LiveSite, host: str, port: int, say: Callable[[str], None],
          said: Callable[[LiveSite, Rebuilt], None]) -> None:
    """Serve until Ctrl-C, rebuilding after every burst of saves (`said` reports each)."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop

    stop, changes = threading.Event(), Changes()
    observer = watch([live.project.content_dir, live.project.templates_dir], changes)

    def rebuilding(loop) -> None:  # livereload's own reload would drop one that follows another within 3 s
        while not stop.is_set():
            saved = changes.settled(stop)
            if saved:
                said(live, live.rebuild(saved, lambda: loop.add_callback(LiveReloadHandler.reload_waiters)))

    class OwnWatcher(Watcher):
        """livereload looks at every file every 0.8 s; saves are heard from the system instead."""

        def start(self, callback) -> bool:  # called once the server listens
            threading.Thread(target=rebuilding, args=(IOLoop.current(),), daemon=True).start()
            say(f"ready: serving on http://{host}:{port}/ — Ctrl-C stops")
            return True

    try:
        Server(app=make_app(live), watcher=OwnWatcher()).serve(host=host, port=port, root=str(live.folder),
                                                                open_url_delay=None, restart_delay=0, debug=False)
    finally:
        stop.set()
        observer.stop()

