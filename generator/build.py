"""Building the site: read and check every prison's plans, then write every file into a temporary
folder that replaces the output folder only when complete (a failed build leaves the old site).

The unit of work is a prison. Worker processes each take a fixed share of the prisons, read their
plans (from the cache where the bytes were read before) and report what the checks between files
need; once the parent has found no error, each renders and writes its prisons' files and hands back
only their summaries, from which the parent writes the estate-wide pages. Plans are never sent
between processes.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from . import urls
from .cache import ParseCache
from .loader import Prison, Sources, every_problem, load_prison, read_sources
from .pages import Estate, PrisonFacts, estate_of, prison_facts, write_estate, write_prison, write_sitemap
from .problems import Problem
from .project import Project
from .render import Renderer
from .site import SiteFiles, SiteInfo
from .views.prison import PrisonSummary
from .workers import Pool, balanced, cores

try:
    import fcntl
except ImportError:  # not on a POSIX system: builds into one folder are not kept from overlapping
    fcntl = None

PARALLEL_FROM = 2_000_000  # bytes of plan files: below it, starting worker processes costs more than it saves
MARKER = urls.build_marker()


class OutputError(Exception):
    """The output folder cannot be used: a usage mistake (exit 2), said in one line with what to do."""


class WriteError(Exception):
    """Writing the site failed (a full disk, a read-only folder): said in one line; the old site stays."""


# --- the steps a worker runs on its share ----------------------------------------------------------
def _read_share(share: list[str], sources: Sources, cache: ParseCache | None) -> list[Prison]:
    with _collector_paused():
        return [load_prison(folder, sources.prisons[folder], sources, cache) for folder in share]


def _facts_step(prisons: list[Prison], _: None) -> list[PrisonFacts]:
    return [prison_facts(prison) for prison in prisons]


@dataclass(frozen=True)
class RenderJob:
    site: SiteInfo
    estates: dict[str, Estate]  # each prison folder's slice of the estate: all a worker is sent of it
    templates: Path
    folder: Path


def _render_step(prisons: list[Prison], job: RenderJob) -> list[PrisonSummary]:
    renderer = Renderer(job.templates)
    return [write_prison(job.site, prison, job.estates[prison.folder], renderer, job.folder)
            for prison in prisons if prison.establishment is not None]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes ~100 objects a plan action and frees none: the garbage collector would only
    walk them again and again. After loading they are moved out of its sight for good."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


# --- reading and checking -------------------------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    sources: Sources
    prisons: tuple[PrisonFacts, ...]
    warnings: tuple[Problem, ...]

    @property
    def keys(self) -> set[str]:
        return {key for prison in self.prisons for key in prison.keys}

    @property
    def actions(self) -> int:
        return sum(prison.actions for prison in self.prisons)


def check(sources: Sources, facts: list[PrisonFacts], strict: bool = False) -> Checked:
    """Every problem of every file, then the checks between files; raise ContentError on any error
    (with `strict`, on any warning too)."""
    problems = every_problem(sources, (p for prison in facts for p in prison.problems),
                             [plan for prison in facts for plan in prison.plans],
                             {prison.slug for prison in facts if prison.slug}, strict)
    return Checked(sources, tuple(facts), tuple(problems))


def shares_of(sources: Sources, forked: bool = True) -> list[list[str]]:
    sizes = sources.sizes()
    if not forked or sum(sizes.values()) < PARALLEL_FROM:
        return [list(sizes)] if sizes else []
    return balanced(sizes, cores())


def check_project(project: Project, cache: bool = False, strict: bool = False) -> Checked:
    """What `actionplans check` does: read every file (in worker processes for a large estate);
    it writes nothing, so by default it does not fill the cache either."""
    sources = read_sources(project)
    parse_cache = ParseCache(project.root / ".cache") if cache else None
    with Pool(shares_of(sources), partial(_read_share, sources=sources, cache=parse_cache)) as pool:
        facts = [f for found in pool.step(_facts_step) for f in found]
    return check(sources, facts, strict)


# --- the whole site --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildResult:
    output_dir: Path
    files: int
    pages: int
    seconds: float
    warnings: tuple[Problem, ...]
    prisons: tuple[PrisonSummary, ...] = field(default=(), repr=False)


def make_site(project: Project, folder: Path, site_of: Callable[[Sources], SiteInfo], *, strict: bool = False,
              cache: ParseCache | None = None, progress: Callable[[str], None] | None = None,
              forked: bool = True, renderer: Renderer | None = None
              ) -> tuple[Checked, SiteInfo, list[PrisonSummary], SiteFiles]:
    """Read, check and write the whole site into `folder` (an empty folder); `renderer` writes the
    estate-wide pages (serve keeps it for its next rebuild)."""
    say = progress or (lambda message: None)
    sources = read_sources(project)
    shares = shares_of(sources, forked)
    with Pool(shares, partial(_read_share, sources=sources, cache=cache), forked=forked) as pool:
        checked = check(sources, [f for found in pool.step(_facts_step) for f in found], strict)
        site = site_of(sources)
        estate = estate_of(checked.prisons, sources.owner_aliases)
        say("writing each prison's pages and data")
        job = RenderJob(site, {f.folder: estate.slice(f) for f in checked.prisons if f.slug}, project.templates_dir,
                        folder)
        summaries = sorted((s for found in pool.step(_render_step, job) for s in found), key=lambda s: s.slug)
    files = SiteFiles(folder)
    for summary in summaries:
        files.merge(summary.files, summary.pages)
    say("writing the pages about every prison")
    write_estate(site, sources, summaries, estate.owners, renderer or Renderer(project.templates_dir), files,
                 project.assets_dir, forked=forked)
    write_sitemap(site, files)
    if cache is not None:
        cache.prune(checked.keys)
    return checked, site, summaries, files


def build(project: Project, output_dir: Path, as_of: dt.date, base_url: str | None = None, search: bool = True,
          progress: Callable[[str], None] | None = None, strict: bool = False, cache: bool = True) -> BuildResult:
    """Build the whole site into `output_dir`, atomically. Raises ContentError (with `strict`, for
    warnings too), TemplateProblem, OutputError, WriteError, SearchIndexError; the output folder is
    then as it was."""
    started = time.perf_counter()
    output_dir = output_dir.absolute()
    parse_cache = ParseCache(project.root / ".cache") if cache else None

    def site_of(sources: Sources) -> SiteInfo:
        return SiteInfo(sources.settings, as_of, base_url or sources.settings.base_url, search)

    with replacing(output_dir) as staging:
        checked, site, summaries, files = make_site(project, staging, site_of, strict=strict, cache=parse_cache,
                                                    progress=progress)
        count = len(files.written) + 1  # and the marker that says a build made the folder
        if search:
            from .search import index_site
            if progress:
                progress("indexing for search (Pagefind)")
            count += index_site(staging)
    return BuildResult(output_dir, count, len(files.pages), time.perf_counter() - started, checked.warnings,
                       tuple(summaries))


# --- the output folder -----------------------------------------------------------------------------
def replaceable(output_dir: Path) -> None:
    """Raise OutputError unless `output_dir` is missing, an empty folder, or one a build made."""
    if output_dir.is_symlink():
        raise OutputError(f"{output_dir} is a link (to {os.readlink(output_dir)}), and a build replaces its output "
                          "folder whole — remove the link, or give the folder itself with -o")
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"{output_dir} is not a folder — remove it or choose another output folder with -o")
    for parent in output_dir.parents:
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"{parent} is a file, so {output_dir} cannot be made — choose another output folder")
    if output_dir.is_dir():
        try:
            entries = os.listdir(output_dir)
        except OSError as error:
            raise OutputError(f"cannot read {output_dir} ({error.strerror}) — choose another output folder") from None
        if entries and MARKER not in entries:
            raise OutputError(f"{output_dir} holds files that no build made, and a build replaces its output folder "
                              "whole — empty it, or choose another output folder with -o")


@contextmanager
def replacing(output_dir: Path) -> Iterator[Path]:
    """A temporary folder beside `output_dir` that replaces it when the block ends without error.

    One build at a time writes beside an output folder (a lock on the folder that holds it: a second
    build waits, and no lock file is left behind); temporary folders left by a build that was killed
    are removed first."""
    replaceable(output_dir)
    parent = output_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(parent, os.O_RDONLY)
    except OSError as error:
        raise WriteError(f"cannot write into {parent} ({error.strerror}) — check it exists and can be written, "
                         "or choose another output folder with -o") from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the process ends, even when it is killed
            except OSError as error:
                raise WriteError(f"cannot lock {parent} ({error.strerror}), which keeps two builds from writing "
                                 "there at once — choose an output folder on another disk with -o") from None
        _remove_debris(parent, output_dir.name)
        replaceable(output_dir)  # again: another build may have made it meanwhile
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-building-", dir=parent))
        except OSError as error:
            raise WriteError(f"cannot write into {parent} ({error.strerror}) — check it can be written, or "
                             "choose another output folder with -o") from None
        try:
            yield staging
            (staging / MARKER).write_text("This folder was made by actionplans build; a build replaces it whole.\n",
                                          encoding="utf-8")
            os.chmod(staging, 0o755)
            _swap(staging, output_dir)
        except OSError as error:
            _remove_tree(staging)
            raise WriteError(f"could not write the site ({error.strerror or error}"
                             f"{': ' + error.filename if getattr(error, 'filename', None) else ''}) — free some "
                             f"space or fix the folder's permissions; {output_dir} is unchanged") from None
        except BaseException:
            _remove_tree(staging)
            raise
    finally:
        os.close(lock)


def _swap(staging: Path, output_dir: Path) -> None:
    """Replace output_dir by staging with renames on one file system: readers never see half a site."""
    old = None
    if output_dir.exists():
        old = output_dir.with_name(f".{output_dir.name}-old-{os.getpid()}-{time.monotonic_ns()}")
        os.rename(output_dir, old)
    try:
        os.rename(staging, output_dir)
    except OSError:
        if old is not None:
            os.rename(old, output_dir)  # the old site back where it was
        raise
    if old is not None:
        _remove_tree(old)


def _remove_tree(path: Path) -> None:
    """Remove a folder a build made, even where someone made it read-only since."""
    shutil.rmtree(path, ignore_errors=True)
    if os.path.lexists(path):
        _make_writable(path)
        shutil.rmtree(path, ignore_errors=True)


def _make_writable(folder: str | Path) -> None:
    try:
        os.chmod(folder, 0o700)
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _make_writable(entry.path)


def _remove_debris(parent: Path, name: str) -> None:
    """Folders a killed build left beside the output (only while holding the lock: none is in use)."""
    for prefix in (f".{name}-building-", f".{name}-old-"):
        for path in parent.glob(prefix + "*"):
            if path.is_dir() and not path.is_symlink():
                _remove_tree(path)
