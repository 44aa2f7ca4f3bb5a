"""`actionplans serve`: build, serve on localhost, and on every change re-render only what it affects.

Every output has a key naming what it is made from (generator.reuse): after a change, only outputs
whose key changed are rendered, so an edited plan re-renders its page, its establishment, the
listings that show it and the site-wide files; an edited template re-renders the pages made with
it (all pages for base.html, the plan pages for components/action.html…); an edited asset is copied.
Each file is replaced atomically, so a page is never half written. A content or template error
keeps the last good site and shows the problems in the terminal and, in the browser, on every page.

An edit is seen within milliseconds (the operating system tells watchdog; livereload would look
every 0.8 s), and the rebuild runs on a thread of its own in two parts: the edited plans' own pages
and data files first, then open browsers reload, then everything else the edit touches (the
prison's pages, listings, whole-dataset files). Until a file of the second part is written, a
request for it waits, so a page is never served stale.
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
from typing import Any, Callable

from . import urls
from .build import Output, SiteBuild, asset_files, build, collect, copy_assets, prepare, render_output
from .cache import ParseCache
from .loader import load
from .pages import plan_outputs
from .problems import ContentError
from .project import Project
from .render import TemplateProblem, make_environment
from .reuse import Manifest, assets_digest, output_keys


# A bound on memory: past it the store starts again empty. Well above what 10,000 plans keep
# (≈240,000 entries: per plan work, listing parts, the year pages' events), since a store that
# starts again on every rebuild would make every rebuild a full one.
MAX_KEPT = 1_000_000

POLL_SECONDS = 0.2  # how often the rebuild thread checks for Ctrl-C while it waits for a change
QUIET_SECONDS = 0.04  # a burst of saves (an editor saving several files) ends when nothing changed for this long
RELOAD_PAUSE_SECONDS = 0.1  # after browsers are told to reload, before the rest of a rebuild
WAIT_SECONDS = 60.0  # the longest a request waits for its file to be rewritten
HTML_KEPT = ("fragment", "keep")  # kept work made with templates (generator.render: fragment(), keep())


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild did: files written, seconds in all, and seconds until the edited plans'
    own files were written and browsers told to reload (None: there was no first part)."""
    files: int
    seconds: float
    first_seconds: float | None = None


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
    assets: str = ""  # generator.reuse.assets_digest of the assets in the served folder
    # Work kept between rebuilds (SiteBuild.kept): statuses and timeline events per plan digest, HTML
    # fragments of listing pages; emptied when anything site-wide changes, since keys name only plans,
    # and its HTML dropped when a template changes.
    kept: dict = field(default_factory=dict)
    env: Any = None  # the Jinja environment, kept while the templates are unchanged
    # What the kept work and the environment were made under: the fingerprint and template digests
    # (not those of the site served: a rebuild that failed may have made them under others).
    kept_under: tuple = ()
    dropped: bool = False  # kept work was dropped in this rebuild (the garbage collector looks at all)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Files whose new version is still being made (the second part of a rebuild): requests wait;
    # with `holding`, so do all outputs but those (while the rest of a rebuild is worked out).
    pending: frozenset[str] = frozenset()
    holding: frozenset[str] | None = None
    fresh: threading.Condition = field(default_factory=threading.Condition)
    watched: dict[str, tuple[int, int]] = field(default_factory=dict)  # the sources as the site was built

    def watched_folders(self) -> list[Path]:
        return [self.project.content_dir, self.project.templates_dir]

    def full_build(self) -> None:
        self.watched = snapshot(self.watched_folders())  # a change made during the build is seen after it
        result = build(self.project, self.output_dir, self.as_of or dt.date.today(), base_url=self.base_url,
                       search=False, parse_cache=self.cache)
        self.site, self.keys, self.fingerprint = result.site, result.keys, result.site.fingerprint()
        self.assets = assets_digest(self.project)
        self.kept_under = (self.fingerprint, result.site.templates())  # nothing is kept yet: all of it is current
        _settle(everything=True)

    def rebuild(self, first_ready: Callable[[], None] | None = None) -> Rebuilt:
        """Re-render what changed. `first_ready()` is called once the edited plans' own pages are
        written, before the pages that list them (serve reloads browsers then). Errors are kept in
        self.errors, not raised."""
        started = time.perf_counter()
        first_done: list[float] = []

        def first() -> None:
            first_done.append(time.perf_counter() - started)
            if first_ready:
                first_ready()

        with self.lock:
            try:
                self.dropped = False
                written = self._rebuild(first)
                self.errors = []
                _settle(everything=self.dropped)
            except ContentError as error:
                self.errors = [p.format() for p in error.problems if p.severity == "error"]
                written = 0
            except TemplateProblem as problem:
                self.errors = [problem.format()]
                written = 0
            finally:
                self._set_pending(frozenset())  # after an error, nothing is being made
        return Rebuilt(written, time.perf_counter() - started, first_done[0] if first_done else None)

    def _prepare(self) -> tuple[SiteBuild, str]:
        """Load and index the content, keeping work between rebuilds unless something site-wide changed."""
        content = load(self.project, self.cache).content
        site = prepare(self.project, self.as_of or dt.date.today(), self.base_url, search=False, content=content,
                       kept=self.kept)
        shared = site.fingerprint()
        under = (shared, site.templates())
        if not self.kept_under or under[0] != self.kept_under[0] or len(self.kept) > MAX_KEPT:
            self.kept.clear()
            self.env, self.dropped = None, True
        elif under[1] != self.kept_under[1]:  # templates edited: what they made goes, the rest stays
            for key in [key for key in self.kept if key[0] in HTML_KEPT]:
                del self.kept[key]
            self.env, self.dropped = None, True
        self.kept_under = under
        if self.env is None:
            self.env = make_environment(self.project.templates_dir, self.kept)
        site.memo["environment"] = self.env
        site.files.folder = self.output_dir
        return site, shared

    def _rebuild(self, first_ready: Callable[[], None]) -> int:
        site, shared = self._prepare()
        written = 0
        if shared == self.fingerprint:  # plans edited, nothing site-wide: their own pages first
            own = plan_outputs(site, _edited_plans(self.site, site))
            own_keys = output_keys(site, own, shared)
            first = [o for o in own if self.keys.get(o.file) != own_keys[o.file]]
            self._write(site, first)  # rendered whole before any is written: an error writes nothing
            self.keys.update((o.file, own_keys[o.file]) for o in first)
            written += len(first)
            if first:
                self._set_pending(frozenset(), holding=frozenset(own_keys))  # the rest waits to be worked out
                first_ready()
        outputs = collect(site)
        keys = output_keys(site, outputs, shared)
        rest = [o for o in outputs if self.keys.get(o.file) != keys[o.file]]
        self._set_pending(frozenset(o.file for o in rest))
        self._write(site, rest)
        for file in self.keys.keys() - keys.keys():
            (self.output_dir / file).unlink(missing_ok=True)
        assets = assets_digest(self.project)
        if assets != self.assets:
            copy_assets(site, self.output_dir)
            _remove_deleted_assets(self.project, self.output_dir, keys)
        self.site, self.keys, self.fingerprint, self.assets = site, keys, shared, assets
        self._set_pending(frozenset())
        Manifest.read(self.project.root, self.output_dir).write(self.output_dir, keys)  # for the next build
        return written + len(rest)

    def _write(self, site: SiteBuild, outputs: list[Output]) -> None:
        """Render these outputs stage by stage, then write them (unchanged files are left alone)."""
        for stage in sorted({o.stage for o in outputs}):
            for output in (o for o in outputs if o.stage == stage):
                site.files.pending[output.file] = render_output(site, output, self.env)
        for file, data in site.files.pending.items():
            _write_if_changed(self.output_dir / file, data)
        site.files.pending.clear()

    def _set_pending(self, files: frozenset[str], holding: frozenset[str] | None = None) -> None:
        """Files being rewritten: `files`, and with `holding`, every other output file but these."""
        with self.fresh:
            self.pending, self.holding = files, holding
            self.fresh.notify_all()

    def waits(self, file: str) -> bool:
        """Whether a request for `file` (relative to the site folder) must wait for the rebuild."""
        return file in self.pending or (self.holding is not None and file in self.keys and file not in self.holding)

    def wait_until_fresh(self, file: str, timeout: float = WAIT_SECONDS) -> None:
        """Return once `file` is not waiting to be rewritten by the rebuild under way."""
        with self.fresh:
            self.fresh.wait_for(lambda: not self.waits(file), timeout)

    def warm_up(self) -> None:
        """Fill what is kept between rebuilds (statuses, timeline events, listing fragments) by
        rendering every page that lists more than one plan once in memory, so the first change after
        starting is as quick as later ones (the initial build renders in worker processes, which
        keep nothing, and parses in them, so the plan validator is compiled here too)."""
        from .schema import compile_plan_validator
        with self.lock:
            try:
                compile_plan_validator()
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


def _edited_plans(served: SiteBuild | None, site: SiteBuild) -> frozenset[tuple[str, str]]:
    """The plans edited since the site being served (a plan added or removed changes the site's
    fingerprint: everything is made again)."""
    before = {p.key: p.digest for p in served.content.plans} if served else {}
    return frozenset(p.key for p in site.content.plans if before.get(p.key, p.digest) != p.digest)


def _settle(everything: bool = False) -> None:
    """Move what the site keeps out of the garbage collector's sight: with a thousand plans in
    memory, a full collection in the middle of a rebuild would cost more than the rebuild. After a
    site-wide change (the kept work was dropped), everything is looked at again, so nothing dropped
    stays in memory for good."""
    if everything:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def _remove_deleted_assets(project: Project, folder: Path, keys: dict[str, str]) -> None:
    """An asset deleted from templates/assets/ goes from the served site too, as a build would leave it out."""
    wanted = asset_files(project).keys() | keys.keys()
    served = folder / urls.asset("")
    for path in sorted(served.rglob("*")) if served.is_dir() else []:
        if path.is_file() and path.relative_to(folder).as_posix() not in wanted:
            path.unlink(missing_ok=True)


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
        if target.is_relative_to(root):
            live.wait_until_fresh(target.relative_to(root).as_posix())
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


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file under these folders with its modification time and size (editors' hidden swap
    files and backups~ left out): what the site was built from, to see a change made meanwhile."""
    found: dict[str, tuple[int, int]] = {}
    stack = [str(folder) for folder in folders]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if _ignored(entry.name):
                    continue
                try:
                    if entry.is_dir():
                        stack.append(entry.path)
                    else:
                        stat = entry.stat()
                        found[entry.path] = (stat.st_mtime_ns, stat.st_size)
                except OSError:
                    continue
    return found


def _ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith("~")


class ChangeSignal:
    """Told of every change under the watched folders by the operating system (watchdog: inotify,
    FSEvents…, or looking every 0.1 s where there is none); reading files is not a change."""

    CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})

    def __init__(self) -> None:
        self.changed = threading.Event()

    def dispatch(self, event) -> None:  # watchdog's handler interface
        if event.event_type not in self.CHANGES or (event.is_directory and event.event_type == "modified"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(path and not _ignored(os.path.basename(os.fsdecode(path))) for path in paths):
            self.changed.set()


def _start_observer(folders: list[Path], signal: ChangeSignal):
    from watchdog import events
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    # Only writes: the kernel then does not report the reads of every rebuild (they would wake the
    # observer's threads hundreds of times while the rebuild runs).
    kinds = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent, events.FileMovedEvent,
             events.FileClosedEvent, events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]
    for make in (Observer, lambda: PollingObserver(timeout=0.1)):  # out of inotify watches: look instead
        observer = make()
        try:
            for folder in folders:
                observer.schedule(signal, str(folder), recursive=True, event_filter=kinds)
            observer.start()
            return observer
        except OSError:
            continue
    raise OSError("cannot watch the content and templates folders for changes")


def watch_and_rebuild(live: LiveSite, folders: list[Path], reload: Callable[[], None],
                      report: Callable[[Rebuilt], None], stop: threading.Event) -> None:
    """Wait for a change, then for the burst of saves to end (QUIET_SECONDS without another),
    rebuild once, and reload browsers as soon as the changed plans' own pages are written."""
    signal = ChangeSignal()
    observer = _start_observer(folders, signal)
    try:
        if live.watched and snapshot(folders) != live.watched:  # changed while the site was being built
            signal.changed.set()
        while not stop.is_set():
            if not signal.changed.wait(POLL_SECONDS):
                continue
            signal.changed.clear()
            while signal.changed.wait(QUIET_SECONDS) and not stop.is_set():
                signal.changed.clear()
            if stop.is_set():
                return
            reloaded: list[bool] = []

            def reload_once(reloaded: list[bool] = reloaded) -> None:
                if not reloaded:
                    reloaded.append(True)
                    reload()

            rebuilt = live.rebuild(reload_once)  # a change made meanwhile sets the signal: one more rebuild
            reload_once()  # an error page, or a rebuild with no first part
            report(rebuilt)
    finally:
        observer.stop()
        observer.join(timeout=5)


def run_server(live: LiveSite, host: str, port: int, search: bool = False, out=sys.stderr,
               on_listening: Callable[[], None] | None = None) -> None:
    """Serve until Ctrl-C; `on_listening()` is called once requests are answered."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop

    stop = threading.Event()
    folders = live.watched_folders()

    def report(rebuilt: Rebuilt) -> None:
        if live.errors:
            print("\n".join(live.errors), file=out)
            print("content has errors — still serving the last good site", file=out, flush=True)
            return
        first = (f" (the edited plans' pages in {rebuilt.first_seconds * 1000:.0f} ms)"
                 if rebuilt.first_seconds is not None and rebuilt.first_seconds < rebuilt.seconds else "")
        print(f"rebuilt {rebuilt.files} files in {rebuilt.seconds * 1000:.0f} ms{first}", file=out, flush=True)
        if search:
            live.start_search_indexing()

    class RebuildOnChange(Watcher):
        """livereload's watcher, replaced by watch_and_rebuild in its own thread: livereload looks
        at every file every 0.8 s, rebuilds on the thread that serves pages, and drops a reload that
        follows another within 3 s (an editor's second save would not show)."""

        def start(self, callback) -> bool:
            loop = IOLoop.current()

            def reload_browsers() -> None:
                """Tell open browsers to reload (on the serving thread), then give way for a moment
                so their requests for the pages just written are answered before the rest of the
                rebuild runs (two busy threads take turns on the interpreter's lock)."""
                sent = threading.Event()
                loop.add_callback(lambda: (LiveReloadHandler.reload_waiters(), sent.set()))
                sent.wait(1.0)
                stop.wait(RELOAD_PAUSE_SECONDS)

            thread = threading.Thread(target=watch_and_rebuild, name="rebuild", daemon=True,
                                      args=(live, folders, reload_browsers, report, stop))
            thread.start()
            self.thread = thread
            if on_listening:  # livereload starts watching once its server listens
                on_listening()
            return True  # livereload starts no polling of its own

    watcher = RebuildOnChange()
    for folder in folders:
        watcher.watch(str(folder))  # what livereload lists; watch_and_rebuild does the looking
    server = Server(app=make_app(live), watcher=watcher)
    print(f"serving {live.output_dir} on http://{host}:{port}/ — Ctrl-C stops", file=out, flush=True)
    try:
        # debug=False: tornado's debug mode would restart the server when Python files change and
        # look at every module file twice a second on the thread that serves pages.
        server.serve(host=host, port=port, root=str(live.output_dir), open_url_delay=None, restart_delay=0,
                     debug=False)
    finally:
        stop.set()
        thread = getattr(watcher, "thread", None)
        if thread is not None:
            thread.join(timeout=WAIT_SECONDS)  # a rebuild under way finishes its files
