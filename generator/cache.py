"""The one cache: each plan file as parsed and checked, keyed by what it is made from.

Parsing and validating YAML is the slowest part of a build. An entry's key is a digest of the
file's bytes, its path and this package's code (and the versions of the libraries that read it),
never a time, so a changed file or a changed generator simply misses and nothing stale is ever
served. The folder is safe to delete at any time.

An entry is the SHA-256 digest of a pickle, then the pickle. It is read back only when the digest
matches (so a damaged entry, even one byte of a text, is a miss and never shows on a page), with
an unpickler that can only make this package's model classes and plain values (so no pickle can
run code), and only when it is a plan and its problems. Anything else is a miss, never an error.
An entry made on purpose of the model's classes with wrong values would still be taken, so keep
`.cache/` to what this project's own builds wrote (never restore it from a cache other people can
write to).
"""
from __future__ import annotations

import ast
import datetime as dt
import enum
import hashlib
import io
import os
import pickle
import tempfile
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import model
from .problems import Problem

ENTRY_PREFIX = "plan-"
_DIGEST_SIZE = 32  # bytes of SHA-256 before the pickle
_LIBRARIES = ("pyyaml", "fastjsonschema", "jsonschema", "markdown-it-py")


@cache
def code_version() -> str:
    """Changes whenever the code that reads a plan file changes — the loader and every module of this
    package it imports, however deep (found by reading their imports), the schemas — or a library
    that reads plans. A change to how pages look leaves the entries valid."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(_imported(package, package / "loader.py")) + sorted((package / "schemas").glob("*.json")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=?\0".encode())
    return digest.hexdigest()[:16]


def _imported(package: Path, start: Path) -> set[Path]:
    """`start` and the package's modules it imports, directly or not (lazy imports included)."""
    found, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path in found or not path.is_file():
            continue
        found.add(path)
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                parts = (node.module or "").split(".") if node.module else []
                target = base.joinpath(*parts)
                # `from .m import x`: the module m, or x when it is a module of package m; `from . import x`: x
                for name in ([target] if parts else []) + [target / alias.name for alias in node.names]:
                    todo += [name.with_suffix(".py"), name / "__init__.py"]
    return found


# What an entry may be made of: the model's classes, and the few other types their fields hold.
_ALLOWED = {("generator.model", name) for name in model.PICKLED} | {
    ("datetime", "date"), ("generator.problems", "Problem")}


def _enum_member(cls: Any, name: Any) -> enum.Enum:
    """Stands for `getattr` in an entry, by which some Python versions (3.11.2) pickle an enum member,
    and gives nothing but a member of the model's own enums."""
    if isinstance(cls, type) and issubclass(cls, enum.Enum) and (cls.__module__, cls.__name__) in _ALLOWED \
            and isinstance(name, str) and name in cls.__members__:
        return cls[name]
    raise pickle.UnpicklingError("getattr is not part of a cache entry, but to name a member of the model's enums")


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _enum_member
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a cache entry")
        return super().find_class(module, name)


Entry = tuple["model.Plan | None", tuple[Problem, ...]]


def _valid(value: Any) -> bool:
    return (isinstance(value, tuple) and len(value) == 2
            and (value[0] is None or isinstance(value[0], model.Plan))
            and isinstance(value[1], tuple) and all(isinstance(p, Problem) for p in value[1]))


class ParseCache:
    """Parsed plan files in `folder`, plus (for `serve`) those read by this process in memory."""

    def __init__(self, folder: Path, memory: bool = False):
        self.folder = folder
        self.memory: dict[str, Entry] | None = {} if memory else None
        self.version = code_version()  # worked out here, once, not in each worker process

    def key(self, data: bytes, display: str) -> str:
        return hashlib.sha256(f"{self.version}\0{display}\0".encode() + data).hexdigest()[:40]

    def get(self, key: str) -> Entry | None:
        """The entry, or None for a miss: no entry, or one that cannot be read back whole."""
        if self.memory is not None and key in self.memory:
            return self.memory[key]
        try:
            with open(self.folder / (ENTRY_PREFIX + key), "rb") as handle:
                data = handle.read()
            payload = memoryview(data)[_DIGEST_SIZE:]
            if len(data) <= _DIGEST_SIZE or hashlib.sha256(payload).digest() != data[:_DIGEST_SIZE]:
                return None
            stream = io.BytesIO(payload)
            value = _ModelUnpickler(stream).load()
            if stream.tell() != len(payload):
                return None
        except Exception:  # noqa: BLE001 - any damage to an entry is a miss
            return None
        if not _valid(value):
            return None
        if self.memory is not None:
            self.memory[key] = value
        return value

    def put(self, key: str, value: Entry) -> None:
        """Keep an entry; a cache that cannot be written only makes the next build slower."""
        if self.memory is not None:
            self.memory[key] = value
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(hashlib.sha256(payload).digest())
                out.write(payload)
            os.replace(temporary, self.folder / (ENTRY_PREFIX + key))
        except OSError:  # a full disk: no half-written file is left
            try:
                os.unlink(temporary)
            except OSError:
                pass

    def prune(self, used: set[str]) -> int:
        """Delete the entries no current plan file uses (older versions of files, older code), so the
        folder does not grow with every save. Returns how many were deleted."""
        removed = 0
        try:
            names = os.listdir(self.folder)
        except OSError:
            return 0
        for name in names:
            stale = name.startswith(ENTRY_PREFIX) and name[len(ENTRY_PREFIX):] not in used
            if stale or (name.startswith(".tmp-") and _older_than(self.folder / name, dt.timedelta(hours=1))):
                try:
                    os.unlink(self.folder / name)
                    removed += 1
                except OSError:
                    pass
        if self.memory is not None:
            for key in self.memory.keys() - used:
                del self.memory[key]
        return removed


def _older_than(path: Path, age: dt.timedelta) -> bool:
    """A temporary file left by a build that was killed (a live build renames its own at once)."""
    try:
        return dt.datetime.now().timestamp() - path.stat().st_mtime > age.total_seconds()
    except OSError:
        return False
