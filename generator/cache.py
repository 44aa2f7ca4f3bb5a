"""A cache of parsed plan files, keyed by the file's bytes (and this package's code and the versions
of the libraries it uses), never by time.

Parsing and validating YAML is the slowest part of loading; the cache keeps, for each file content
seen, the model object and the problems found. A changed file has a new key, so stale data is never
served; the folder is safe to delete at any time. After each build it keeps only what that build
used (prune), so it does not grow with every saved version of a plan or every change to the code.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import time
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


@cache
def _code_version() -> str:
    """Changes whenever any module of the package changes, so old entries are never reused."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")) + sorted((package / "schemas").glob("*.json")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def _library_versions() -> str:
    """The libraries that shape what is parsed and rendered: an upgrade makes everything again."""
    found = []
    for name in ("pyyaml", "fastjsonschema", "jsonschema", "jinja2", "markupsafe", "markdown-it-py", "cbor2"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


# A file changed this recently may be changed again within the same clock tick, which its size and
# times would not show ("racy" files, as git calls them): its bytes are read every time.
SETTLED_NS = 2_000_000_000


class ParseCache:
    def __init__(self, folder: Path):
        self.folder = folder / hashlib.sha256(f"{_code_version()}\0{_library_versions()}".encode()).hexdigest()[:16]
        self.memory: dict[str, Any] = {}
        # path -> (inode, size, modified, changed), key: a long-running caller (serve) reads again
        # only the files whose status changed. Any write changes the change time, which no tool
        # can set back.
        self.known: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        self.used: set[str] = set()  # keys read or written by this process: what prune() keeps

    def key(self, data: bytes, display: str) -> str:
        return hashlib.sha256(display.encode() + b"\0" + data).hexdigest()

    def file_key(self, path: Path | str, display: str) -> str:
        """The key of the file's current bytes (and path)."""
        name = str(path)
        try:
            stat = os.stat(name)
        except OSError:
            return self.key(b"\0" + name.encode(), display)
        status = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        known = self.known.get(name)
        if known is not None and known[0] == status:
            return known[1]
        try:
            with open(name, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        key = self.key(data + b"\0" + name.encode(), display)
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > SETTLED_NS:
            self.known[name] = (status, key)
        return key

    def get(self, key: str) -> Any | None:
        self.used.add(key)
        if key in self.memory:
            return self.memory[key]
        value = _read_pickle(self.folder / key[:2] / key)
        if value is not None:
            self.memory[key] = value
        return value

    def derived(self) -> "DerivedStore":
        return DerivedStore(self.folder / "derived")

    def prune(self) -> int:
        """Delete what this process has not used: folders for other versions of the code or the
        libraries, and entries for versions of plan files no longer in content/. Called after a
        build succeeds, when every plan file has been looked up; costs only time if something pruned
        is wanted again (switching back to another branch). Derived results are small and kept: a
        build that finds the concerns split reads none of the sizes it was measured from, which the
        next change needs. Returns how many entries were deleted."""
        removed = 0
        for other in _entries(self.folder.parent):
            if other != self.folder and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
                removed += 1
        for sub in _entries(self.folder):
            if sub.is_dir() and sub.name != "derived":
                for entry in _entries(sub):
                    if entry.name not in self.used and not entry.name.startswith("tmp"):  # tmp: being written
                        removed += _unlink(entry)
        return removed

    def put(self, key: str, value: Any) -> None:
        self.put_pickled(key, value, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, key: str, value: Any, data: bytes) -> None:
        """Keep `value`, given with its pickled bytes (a worker process already made them)."""
        self.used.add(key)
        self.memory[key] = value
        _write_atomically(self.folder / key[:2] / key, data)


class DerivedStore:
    """Results worked out from several plans (a prison's repeat-concern scores, the split of the
    concerns index), kept on disk under a key naming every input, so a build after a small change
    redoes only what that change touches. Reads and writes like the dict `serve` keeps in memory
    (get, []=). Versioned with the parse cache, so new code never reads old results; safe to delete."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: tuple) -> Path:
        name = hashlib.sha256(repr(key).encode()).hexdigest()
        return self.folder / name[:2] / name

    def get(self, key: tuple) -> Any | None:
        return _read_pickle(self._path(key))

    def __setitem__(self, key: tuple, value: Any) -> None:
        _write_atomically(self._path(key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _read_pickle(path: Path) -> Any | None:
    """The value kept at `path`, or None when there is none or it cannot be read back."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


def _write_atomically(path: Path, data: bytes) -> None:
    """Never a half-written entry; a cache that cannot be written only makes the next build slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        pass
