"""Reusing unchanged outputs: each output gets a key naming everything it is made from, and a file
whose key is the same as when it was last written is linked from the previous site, not rendered.

An output's key covers: this package's code and the versions of the libraries that shape the
output, every content file that is not a plan (settings, pages, owners, establishments), the site's
shape (which plans and prisons exist), the as-of date, the base URL, the output's path, the digests
of the plans it declares in `depends_on` (all plans when None), the values it names in `also`, and
for a page, the templates it is made with: its layout and every template that uses, however deep
(extends, include, import, fragment()). A plan added or removed changes the shape, so every output is
made again; a plan edited changes only the outputs that depend on it, and an output that stops or
starts depending on a plan changes key too; a template edited changes only the pages made with it;
the static assets (linked by fixed names) change no page. Nothing is reused on a key that merely
looks alike.

The keys of the last build live in .cache/rendered/ (safe to delete: the next build renders
everything); a file is reused only while its size and modification time are as that build left it,
so a hand-edited site is never copied forward.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .cache import _code_version, _library_versions, _unlink

if TYPE_CHECKING:
    from .build import Output, SiteBuild
    from .project import Project

MANIFEST_VERSION = 1


def _digest_files(digest, folder: Path, skip: Path | None = None) -> None:
    """Every file under `folder` (but not under `skip`), its path and bytes, in a fixed order."""
    for relative, data in _files(folder, skip):
        digest.update(relative.encode() + b"\0" + data + b"\0")


def _files(folder: Path, skip: Path | None = None) -> Iterator[tuple[str, bytes]]:
    """(path relative to `folder`, bytes) of every file under it but not under `skip`, in a fixed order."""
    top, skipped = str(folder), str(skip) if skip is not None else None
    for parent, folders, names in os.walk(top):
        folders[:] = sorted(name for name in folders if os.path.join(parent, name) != skipped)
        for name in sorted(names):
            path = os.path.join(parent, name)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            yield os.path.relpath(path, top).replace(os.sep, "/"), data


def fingerprint(site: SiteBuild) -> str:
    """What every output shares: a change here makes every output again (templates: see
    template_digests; assets are copied, not rendered)."""
    digest = hashlib.sha256()
    digest.update(f"{MANIFEST_VERSION}\0{_code_version()}\0{site.as_of.isoformat()}\0{site.base_url}\0"
                  f"{site.search}\0{_library_versions()}\0".encode())
    project = site.project
    digest.update(b"\0content\0")
    _digest_files(digest, project.content_dir, skip=project.plans_dir)
    shape = [(e.slug, e.name, [p.month_key for p in e.plans]) for e in site.content.establishments]
    digest.update(json.dumps(shape, ensure_ascii=False).encode())
    return digest.hexdigest()


def assets_digest(project: Project) -> str:
    """The static assets as they are: serve copies them again when this changes."""
    digest = hashlib.sha256()
    _digest_files(digest, project.assets_dir)
    return digest.hexdigest()


USES_ALL = "*"  # what a template uses when its uses cannot be read from it


def template_digests(project: Project, store=None) -> dict[str, str]:
    """Each template's name -> a digest of it and of every template it uses, however deep (what it
    extends, includes, imports, or renders with fragment("name", …)), so an edited template makes
    again only the pages made with it. A template whose uses cannot all be read from its source (a
    name worked out while rendering, a syntax error) counts as using every template. What each
    version of a template uses is kept in `store` (serve's memory, a build's .cache/)."""
    sources = dict(_files(project.templates_dir, skip=project.assets_dir))
    own = {name: hashlib.sha256(data).hexdigest() for name, data in sources.items()}
    parse = _TemplateParser(project.templates_dir)
    uses: dict[str, tuple[str, ...] | str] = {}
    for name, data in sources.items():
        key = ("template-uses", name, own[name])
        found = store.get(key) if store is not None else None
        if found is None:
            found = parse.uses(name, data)
            if store is not None:
                store[key] = found
        uses[name] = found
    digests = {}
    for name in sources:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found = uses.get(current, ())
            if found == USES_ALL:
                seen.update(sources)
                break
            todo.extend(found)
        digests[name] = hashlib.sha256("".join(f"{n}={own.get(n, '-')}\n" for n in sorted(seen)).encode()).hexdigest()
    return digests


class _TemplateParser:
    """Reads which templates a template names, with the site's own Jinja settings (made when first needed)."""

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir
        self.env = None

    def uses(self, name: str, data: bytes) -> tuple[str, ...] | str:
        import jinja2
        from jinja2 import meta, nodes

        from .render import make_environment
        if self.env is None:
            self.env = make_environment(self.templates_dir)
        try:
            tree = self.env.parse(data.decode("utf-8"), name)
        except (UnicodeDecodeError, jinja2.TemplateSyntaxError):
            return USES_ALL
        found = list(meta.find_referenced_templates(tree))
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "fragment":
                first = call.args[0] if call.args else None
                found.append(first.value if isinstance(first, nodes.Const) and isinstance(first.value, str) else None)
        if any(not isinstance(n, str) for n in found):
            return USES_ALL
        return tuple(sorted(set(found)))


def output_keys(site: SiteBuild, outputs: Iterable[Output], shared: str | None = None) -> dict[str, str]:
    """file -> key for every output (`shared`: the site's fingerprint, when already worked out)."""
    shared = shared or fingerprint(site)
    templates = site.templates()
    plan_digest = {plan.key: plan.digest or _plan_digest(plan) for plan in site.content.plans}
    every = hashlib.sha256("".join(f"{k[0]}/{k[1]}={d}\n" for k, d in sorted(plan_digest.items())).encode()).hexdigest()
    keys = {}
    for output in outputs:
        digest = hashlib.sha256(f"{shared}\0{output.path}\0{output.also!r}\0".encode())
        if output.template is not None:
            digest.update(f"{output.template}={templates.get(output.template, '-')}\0".encode())
        if output.depends_on is None:
            digest.update(every.encode())
        else:
            digest.update("".join(f"{k[0]}/{k[1]}={plan_digest.get(k, '-')}\n"
                                  for k in sorted(output.depends_on)).encode())
        keys[output.file] = digest.hexdigest()
    return keys


def _plan_digest(plan) -> str:
    """For plans made without the loader (tests): a digest of the whole object's text."""
    return hashlib.sha256(repr(plan).encode() + plan.path.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Manifest:
    """What the last build into one output folder wrote: file -> (key, size, mtime_ns)."""
    path: Path
    files: dict[str, tuple[str, int, int]]
    output_dir: Path | None = None

    @classmethod
    def read(cls, project_root: Path, output_dir: Path) -> "Manifest":
        output_dir = output_dir.resolve()
        name = hashlib.sha256(str(output_dir).encode()).hexdigest()[:16] + ".json"
        path = project_root / ".cache" / "rendered" / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {f: tuple(v) for f, v in data["files"].items()} if data.get("version") == MANIFEST_VERSION else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            files = {}
        return cls(path, files, output_dir)

    def forget_removed_sites(self) -> int:
        """Delete the records of other output folders that no longer exist (a test's temporary
        site, an old `-o` folder), so .cache/rendered/ does not grow with every folder ever built.
        Returns how many were deleted."""
        removed = 0
        for other in sorted(self.path.parent.glob("*.json")):
            if other == self.path:
                continue
            try:
                output = json.loads(other.read_text(encoding="utf-8")).get("output")
            except (OSError, ValueError, AttributeError):
                output = None
            if not isinstance(output, str) or not Path(output).is_dir():
                removed += _unlink(other)
        return removed

    def reusable(self, output_dir: Path, file: str, key: str) -> Path | None:
        """The previous site's file when it was made from the same inputs and is untouched since."""
        found = self.files.get(file)
        if found is None or found[0] != key:
            return None
        path = output_dir / file
        try:
            stat = path.stat()
        except OSError:
            return None
        return path if (stat.st_size, stat.st_mtime_ns) == (found[1], found[2]) else None

    def write(self, folder: Path, keys: dict[str, str]) -> None:
        """Record the keys of the files now in `folder` (never fails a build: the cache is optional)."""
        files = {}
        for file, key in keys.items():
            try:
                stat = (folder / file).stat()
            except OSError:
                continue
            files[file] = (key, stat.st_size, stat.st_mtime_ns)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            record = {"version": MANIFEST_VERSION, "output": str(self.output_dir or ""), "files": files}
            temporary.write_text(json.dumps(record, sort_keys=True),
                                 encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link when the file system allows (no bytes copied), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
