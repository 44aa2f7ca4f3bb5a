"""Building the site in two phases: load and check everything, then write every file into a temp
folder that replaces the output folder only when complete (a failed build leaves the old site).

Each output file is described first by an `Output` (path, how to make it, what it depends on), so
the whole site is known before anything is written, a path written twice is refused, and a file
whose inputs are unchanged since the last build is reused instead of rendered (generator.reuse);
`serve` re-renders only the outputs a change affects the same way. Outputs are written by stage, so
pages can show the sizes of data files written before them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import gc
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
from .cache import ParseCache
from .loader import load
from .model import Content
from .problems import ContentError, Problem
from .project import Project
from .render import make_environment, render_template
from .reuse import Manifest, fingerprint, link_or_copy, output_keys, template_digests


@dataclass(frozen=True)
class Output:
    """One file of the site: rendered from a template, or made by a function (feeds, data, assets)."""
    path: str  # site path from generator.urls ("hmp-leicester/2023-02/", "sitemap.xml")
    template: str | None = None  # layouts/<name>.html
    # The template's variables, or a function giving them, called only if the file is rendered
    # (not when it is reused unchanged).
    context: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict, hash=False, compare=False)
    make: Callable[["SiteBuild"], bytes | str] | None = field(default=None, hash=False, compare=False)
    depends_on: frozenset[tuple[str, str]] | None = None  # plan keys; None = every plan
    # Anything else shown that more plans than depends_on decide (the years a navigation lists):
    # plain values whose repr goes into the output's key (generator.reuse).
    also: tuple = field(default=(), hash=False, compare=False)
    in_sitemap: bool = True
    # Outputs are written stage by stage, so one may read the files or sizes of lower stages
    # (plan pages show their data files' sizes; the whole dataset is joined from the plans' files).
    stage: int = 1

    @property
    def file(self) -> str:
        return urls.output_file(self.path)


@dataclass
class WrittenFiles:
    """Files of this build already made: where they are written, and any made but not yet written
    (serve renders everything before writing anything). Read by outputs of a later stage."""
    folder: Path | None = None
    pending: dict[str, bytes] = field(default_factory=dict)

    def read(self, path: str) -> bytes | None:
        found = self._find(path)
        if isinstance(found, str):
            return _or_none(Path(found).read_bytes)
        return found

    def size(self, path: str) -> int | None:
        found = self._find(path)
        if isinstance(found, str):
            return _or_none(lambda: os.stat(found).st_size)
        return None if found is None else len(found)

    def _find(self, path: str) -> bytes | str | None:
        """The made bytes, else where the file is written (a plain path: pages look up thousands), else None."""
        file = urls.output_file(path)
        if file in self.pending:
            return self.pending[file]
        return None if self.folder is None else os.path.join(self.folder, file)


def _or_none(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except OSError:
        return None


@dataclass(frozen=True)
class SiteBuild:
    """Everything a page may use: the checked content, derived views, and the build's settings."""
    project: Project
    content: Content
    as_of: dt.date
    base_url: str
    search: bool
    indexes: Any  # generator.indexes.Indexes
    files: WrittenFiles = field(default_factory=WrittenFiles, compare=False)
    # Work kept between builds by a long-running caller (serve), under keys naming their inputs:
    # statuses and timeline events per plan digest, HTML fragments of listing pages. None in a build.
    kept: dict | None = field(default=None, compare=False, repr=False)
    # The same, for this build only; also its Jinja environment ("environment") where serve gives one.
    memo: dict = field(default_factory=dict, compare=False, repr=False)
    lasting: Any = field(default=None, compare=False, repr=False)  # a build's generator.cache.DerivedStore

    def absolute(self, path: str) -> str:
        return self.base_url + path

    def fingerprint(self) -> str:
        """generator.reuse.fingerprint: what every output shares (worked out once per build)."""
        if "fingerprint" not in self.memo:
            self.memo["fingerprint"] = fingerprint(self)
        return self.memo["fingerprint"]

    @property
    def store(self):
        """Where work outlasting this build is kept under keys naming its inputs: serve's memory,
        else a build's .cache/ (generator.cache.DerivedStore); None for neither."""
        return self.kept if self.kept is not None else self.lasting

    def templates(self) -> dict[str, str]:
        """generator.reuse.template_digests: each template and all it uses (worked out once per build)."""
        if "templates" not in self.memo:
            self.memo["templates"] = template_digests(self.project, self.store)
        return self.memo["templates"]

    def page_fingerprint(self, template: str) -> str:
        """What every page made with this template shares: the site's fingerprint and the template's."""
        return f"{self.fingerprint()}:{self.templates().get(template, '-')}"

    def for_plan(self, name: str, plan, make: Callable[[], Any]) -> Any:
        """generator.indexes.kept_for_plan for this build: make(), kept under serve per plan version."""
        from .indexes import kept_for_plan
        return kept_for_plan(self.kept, name, plan, self.as_of, make)


class DuplicateOutput(Exception):
    pass


@dataclass(frozen=True)
class BuildResult:
    output_dir: Path
    files: int
    pages: int
    seconds: float
    warnings: tuple[Problem, ...]
    rendered: int = 0  # outputs rendered; the others were reused unchanged from the previous site
    site: SiteBuild | None = field(default=None, repr=False)
    keys: dict[str, str] = field(default_factory=dict, repr=False)


def prepare(project: Project, as_of: dt.date, base_url: str | None = None, search: bool = True,
            content: Content | None = None, kept: dict | None = None, lasting=None) -> SiteBuild:
    """Phase one: load and check all content (raises ContentError) and derive the indexes.
    `lasting` (generator.cache.DerivedStore) keeps estate-wide work on disk between builds."""
    from .indexes import Indexes
    content = content or load(project).content
    return SiteBuild(project=project, content=content, as_of=as_of,
                     base_url=base_url or content.settings.base_url, search=search,
                     indexes=Indexes.build(content, as_of, kept, lasting), kept=kept, lasting=lasting)


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
               "canonical_url": site.absolute(output.path),
               **(output.context() if callable(output.context) else output.context)}
    return render_template(env, output.template, context, site.project.templates_dir).encode("utf-8")


# The work, in plans shown (see _costs), from which a second process saves more than it costs to
# start: a few hundred plan pages, or a few listings of a large estate (an owner page shows every plan).
PARALLEL_FROM = 400


def write_outputs(site: SiteBuild, outputs: Iterable[Output], folder: Path,
                  progress: Callable[[int, int], None] | None = None,
                  reuse: Callable[[Output], Path | None] | None = None) -> int:
    """Write every output into `folder`, stage by stage; returns how many were rendered. `reuse`
    gives a file already made from the same inputs (linked, not rendered) or None."""
    outputs = list(outputs)
    site.files.folder = folder
    rendered = done = 0
    for stage in sorted({o.stage for o in outputs}):
        todo = []
        for output in outputs:
            if output.stage != stage:
                continue
            source = reuse(output) if reuse else None
            if source is None:
                todo.append(output)
                continue
            target = folder / output.file
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, target)
            done += 1
        before = done
        _render_all(site, todo, folder, (lambda n, _total, before=before: progress(before + n, len(outputs))) if progress else None)
        done += len(todo)
        rendered += len(todo)
    return rendered


def _render_all(site: SiteBuild, outputs: list[Output], folder: Path,
                progress: Callable[[int, int], None] | None) -> None:
    """Render and write these outputs; much work uses both cores (a forked worker per core), each
    taking the next batch when it finishes one, the costliest first, so neither waits long for the other."""
    workers = min(os.cpu_count() or 1, 4)
    costs = _costs(site, outputs)
    if sum(costs) >= PARALLEL_FROM and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        batches = _batches(costs, workers)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                                 initargs=(site, outputs, batches, folder)) as pool:
            done = 0
            for count in pool.map(_worker_write, range(len(batches))):
                done += count
                if progress:
                    progress(done, len(outputs))
        return
    _write_share(site, outputs, folder, progress, len(outputs))


BATCHES_PER_WORKER = 24  # more balances better; each batch costs a message to and from a worker


def _costs(site: SiteBuild, outputs: list[Output]) -> list[int]:
    """Each output's work, guessed from how many plans it shows: one plan's page or data file 1, a
    prison's pages its plans, a listing of every plan (owners, themes, the timeline) all of them."""
    every = max(len(site.content.plans), 1)
    return [every if o.depends_on is None else max(len(o.depends_on), 1) for o in outputs]


def _batches(costs: list[int], workers: int) -> list[list[int]]:
    """Output positions in batches of about equal cost, costliest first."""
    order = sorted(range(len(costs)), key=lambda i: -costs[i])
    share = max(sum(costs) // (workers * BATCHES_PER_WORKER), 1)
    batches: list[list[int]] = []
    cost = share
    for i in order:
        if cost >= share:
            batches.append([])
            cost = 0
        batches[-1].append(i)
        cost += costs[i]
    return batches


def _write_share(site: SiteBuild, outputs: list[Output], folder: Path,
                 progress: Callable[[int, int], None] | None, total: int, env=None) -> int:
    env = env or make_environment(site.project.templates_dir)
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


# A forked worker inherits the site, its outputs and their batches when it starts: nothing is
# pickled but a batch's number and the count it returns.
_WORKER: dict[str, Any] = {}


def _worker_start(site: SiteBuild, outputs: list[Output], batches: list[list[int]], folder: Path) -> None:
    _WORKER.update(site=site, outputs=outputs, batches=batches, folder=folder,
                   env=make_environment(site.project.templates_dir))


def _worker_write(batch: int) -> int:
    share = [_WORKER["outputs"][i] for i in _WORKER["batches"][batch]]
    return _write_share(_WORKER["site"], share, _WORKER["folder"], None, len(share), _WORKER["env"])


def asset_files(project: Project) -> dict[str, Path]:
    """Each static asset's file in the site -> its source under templates/assets/ (dotfiles left out)."""
    source = project.assets_dir
    if not source.is_dir():
        return {}
    return {urls.asset(path.relative_to(source).as_posix()): path for path in sorted(source.rglob("*"))
            if path.is_file() and not path.name.startswith(".")}


def copy_assets(site: SiteBuild, folder: Path) -> int:
    files = asset_files(site.project)
    for file, path in files.items():
        target = folder / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return len(files)


def build(project: Project, output_dir: Path, as_of: dt.date, base_url: str | None = None, search: bool = True,
          progress: Callable[[str], None] | None = None, strict: bool = False, cache: bool = True,
          parse_cache: ParseCache | None = None) -> BuildResult:
    """Build the whole site into `output_dir`, atomically. Raises ContentError (with `strict`, for
    warnings too), TemplateProblem. With `cache`, parsed plans are kept in .cache/parsed/ and files
    whose inputs have not changed since the last build are reused from it (.cache/rendered/ records
    what each file was made from); without, everything is parsed and rendered again;
    `parse_cache` lets a long-running caller (serve) keep parsed plans in memory between builds."""
    started = time.perf_counter()
    if cache and parse_cache is None:
        parse_cache = ParseCache(project.root / ".cache" / "parsed")
    loaded = load(project, parse_cache if cache else None)
    if strict and loaded.warnings:
        raise ContentError([dataclasses.replace(p, severity="error") for p in loaded.warnings])
    site = prepare(project, as_of, base_url, search, loaded.content,
                   lasting=parse_cache.derived() if cache and parse_cache is not None else None)
    outputs = collect(site)
    _freeze_garbage_collection()
    output_dir = output_dir.resolve()
    keys = output_keys(site, outputs, site.fingerprint())
    manifest = Manifest.read(project.root, output_dir)
    reuse = (lambda output: manifest.reusable(output_dir, output.file, keys[output.file])) if cache else None
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-building-", dir=output_dir.parent))
    try:
        report = (lambda done, total: progress(f"made {done}/{total} files")) if progress else None
        rendered = write_outputs(site, outputs, staging, report, reuse)
        files = len(outputs) + copy_assets(site, staging)
        if search:
            from .search import index_site
            if progress:
                progress("indexing for search (Pagefind)")
            files += index_site(staging)
        os.chmod(staging, 0o755)
        manifest.write(staging, keys)  # what this site was made from (stats survive the rename below)
        swap_into_place(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    site.files.folder = output_dir
    if cache and parse_cache is not None:
        parse_cache.prune()  # what this build did not use: older versions of files and of the code
        manifest.forget_removed_sites()
    pages = sum(1 for o in outputs if o.template)
    return BuildResult(output_dir, files, pages, time.perf_counter() - started, loaded.warnings, rendered, site, keys)


def _freeze_garbage_collection() -> None:
    """The loaded content lives until the build ends: keep the garbage collector from walking it
    again and again while pages are rendered (and forked workers from copying its pages). A
    collection first would cost more than the little garbage it could free."""
    gc.freeze()


def swap_into_place(staging: Path, output_dir: Path) -> None:
    """Replace output_dir by staging with renames on one file system: readers never see half a site."""
    old = None
    if output_dir.exists():
        old = output_dir.with_name(f".{output_dir.name}-old-{os.getpid()}-{time.monotonic_ns()}")
        os.rename(output_dir, old)
    os.rename(staging, output_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
