"""Building the site in two phases: load and check everything, then write every file into a temp
folder that replaces the output folder only when complete (a failed build leaves the old site).

Each output file is described first by an `Output` (path, how to make it, what it depends on), so
the whole site is known before anything is written, a path written twice is refused, and `serve`
can re-render only the outputs a change affects.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import urls
from .loader import load
from .model import Content
from .problems import ContentError, Problem
from .project import Project
from .render import make_environment, render_template


@dataclass(frozen=True)
class Output:
    """One file of the site: rendered from a template, or made by a function (feeds, data, assets)."""
    path: str  # site path from generator.urls ("hmp-leicester/2023-02/", "sitemap.xml")
    template: str | None = None  # layouts/<name>.html
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    make: Callable[["SiteBuild"], bytes | str] | None = field(default=None, hash=False, compare=False)
    depends_on: frozenset[tuple[str, str]] | None = None  # plan keys; None = every plan
    in_sitemap: bool = True

    @property
    def file(self) -> str:
        return urls.output_file(self.path)


@dataclass(frozen=True)
class SiteBuild:
    """Everything a page may use: the checked content, derived views, and the build's settings."""
    project: Project
    content: Content
    as_of: dt.date
    base_url: str
    search: bool
    indexes: Any  # generator.indexes.Indexes

    def absolute(self, path: str) -> str:
        return self.base_url + path


class DuplicateOutput(Exception):
    pass


@dataclass(frozen=True)
class BuildResult:
    output_dir: Path
    files: int
    pages: int
    seconds: float
    warnings: tuple[Problem, ...]


def prepare(project: Project, as_of: dt.date, base_url: str | None = None, search: bool = True,
            content: Content | None = None) -> SiteBuild:
    """Phase one: load and check all content (raises ContentError) and derive the indexes."""
    from .indexes import Indexes
    content = content or load(project).content
    return SiteBuild(project=project, content=content, as_of=as_of,
                     base_url=base_url or content.settings.base_url, search=search,
                     indexes=Indexes.build(content, as_of))


def collect(site: SiteBuild) -> list[Output]:
    """Every output of the site, checked for two outputs writing one file."""
    from .pages import outputs
    found = list(outputs(site))
    seen: dict[str, Output] = {}
    for output in found:
        if output.file in seen:
            raise DuplicateOutput(f"two outputs write {output.file}: {seen[output.file].path!r} and {output.path!r}")
        seen[output.file] = output
    return found


def render_output(site: SiteBuild, output: Output, env) -> bytes:
    """The output's bytes, whole."""
    data = render_stream(site, output, env)
    return data if isinstance(data, bytes) else b"".join(data)


def render_stream(site: SiteBuild, output: Output, env) -> bytes | Iterable[bytes]:
    """The output's bytes, or for a large file made in parts, an iterable of its parts."""
    if output.make is not None:
        data = output.make(site)
        return data.encode("utf-8") if isinstance(data, str) else data
    context = {"site": site, "settings": site.content.settings, "as_of": site.as_of, "page_path": output.path,
               "canonical_url": site.absolute(output.path), **output.context}
    return render_template(env, output.template, context, site.project.templates_dir).encode("utf-8")


PARALLEL_FROM = 400  # outputs; below this, starting a second process costs more than it saves


def write_outputs(site: SiteBuild, outputs: Iterable[Output], folder: Path,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Render and write every output; large sites use both cores (a forked worker per core)."""
    outputs = list(outputs)
    workers = min(os.cpu_count() or 1, 4)
    if len(outputs) >= PARALLEL_FROM and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                                 initargs=(site, outputs, folder, workers)) as pool:
            done = 0
            for count in pool.map(_worker_write, range(workers)):
                done += count
                if progress:
                    progress(done, len(outputs))
        return len(outputs)
    _write_share(site, outputs, folder, progress, len(outputs))
    return len(outputs)


def _write_share(site: SiteBuild, outputs: list[Output], folder: Path,
                 progress: Callable[[int, int], None] | None, total: int) -> int:
    env = make_environment(site.project.templates_dir)
    made_dirs: set[Path] = set()
    for number, output in enumerate(outputs, 1):
        target = folder / output.file
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        data = render_stream(site, output, env)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            with open(target, "wb") as handle:
                handle.writelines(data)
        if progress and (number % 200 == 0 or number == total):
            progress(number, total)
    return len(outputs)


# A forked worker inherits the site and its outputs when it starts: nothing is pickled but the
# worker's number and the count it returns.
_WORKER: dict[str, Any] = {}


def _worker_start(site: SiteBuild, outputs: list[Output], folder: Path, workers: int) -> None:
    _WORKER.update(site=site, outputs=outputs, folder=folder, workers=workers)


def _worker_write(index: int) -> int:
    share = _WORKER["outputs"][index::_WORKER["workers"]]
    return _write_share(_WORKER["site"], share, _WORKER["folder"], None, len(share))


def copy_assets(site: SiteBuild, folder: Path) -> int:
    source = site.project.assets_dir
    count = 0
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            target = folder / urls.asset(path.relative_to(source).as_posix())
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            count += 1
    return count


def build(project: Project, output_dir: Path, as_of: dt.date, base_url: str | None = None, search: bool = True,
          progress: Callable[[str], None] | None = None, strict: bool = False) -> BuildResult:
    """Build the whole site into `output_dir`, atomically. Raises ContentError (with `strict`, for
    warnings too), TemplateProblem."""
    started = time.perf_counter()
    loaded = load(project)
    if strict and loaded.warnings:
        raise ContentError([dataclasses.replace(p, severity="error") for p in loaded.warnings])
    site = prepare(project, as_of, base_url, search, loaded.content)
    outputs = collect(site)
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-building-", dir=output_dir.parent))
    try:
        report = (lambda done, total: progress(f"rendered {done}/{total} files")) if progress else None
        files = write_outputs(site, outputs, staging, report)
        files += copy_assets(site, staging)
        if search:
            from .search import index_site
            if progress:
                progress("indexing for search (Pagefind)")
            files += index_site(staging)
        os.chmod(staging, 0o755)
        swap_into_place(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pages = sum(1 for o in outputs if o.template)
    return BuildResult(output_dir, files, pages, time.perf_counter() - started, loaded.warnings)


def swap_into_place(staging: Path, output_dir: Path) -> None:
    """Replace output_dir by staging with renames on one file system: readers never see half a site."""
    old = None
    if output_dir.exists():
        old = output_dir.with_name(f".{output_dir.name}-old-{os.getpid()}-{time.monotonic_ns()}")
        os.rename(output_dir, old)
    os.rename(staging, output_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
