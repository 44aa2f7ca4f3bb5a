"""Reading content files: fast YAML parsing, and line numbers found only when a file has a problem.

Whatever a file holds, reading it gives text and a document or a `SourceProblem` saying, in plain
words and with a line, what is wrong: never a hang, a traceback or libyaml's own wording.

Only plain files are opened (a named pipe or a device would block or read forever), as UTF-8 (a
byte-order mark is allowed), and control characters are reported before YAML sees them. The YAML
is safe YAML with the few kinds of value content files use: text, whole numbers, yes/no, lists and
mappings whose keys are text. Dates, and numbers with a decimal point, stay text as written (the
loader checks dates, so 2023-02-30 becomes a clear message; no field is fractional, so
`number: 2.0` is refused as not a whole number, which JSON Schema alone would accept). A key
written twice is an error rather than silently keeping the last value. Anchors and aliases are
refused: plans have no use for them, and a chain of aliases ("billion laughs") would make a small
file a value of billions of items that validation walks for hours.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A plan is some tens of kilobytes: a file this large is something else, and reading it would only take time.
MAX_FILE_BYTES = 16 * 2**20
# Deeper than any content file nests (a plan: concerns > actions > updates > fields is 7 levels),
# shallow enough that building and validating the value never runs out of stack.
MAX_DEPTH = 20
# Characters YAML does not allow in a file (C0 and C1 controls but tab and line breaks, DEL,
# U+FFFE/U+FFFF); the same rule serves Markdown pages, where they are as invisible and as wrong.
_CONTROL = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ALLOWED_ASCII = bytes([9, 10, 13, *range(0x20, 0x7F)])
MAX_CONTROL_LINES = 10  # reported one by one; the rest in one more line
_SHOWN = 60  # characters of a value a message quotes
_HOW = "(in most editors: Save as…, Encoding: UTF-8)"


@dataclass(frozen=True)
class SourceProblem(Exception):
    """What is wrong with a file, before its document can be looked at."""
    line: int | None
    message: str
    hint: str


def shorten(value: Any, limit: int = _SHOWN) -> str:
    """A value as a message quotes it, never longer than `limit` characters (a value can be huge):
    text as written, a list or mapping by its kind only."""
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    text = (value if isinstance(value, str) else repr(value)).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- the file itself ------------------------------------------------------------------------------
def read_text(path: Path | str) -> str:
    """The text of a plain file (a link to one is fine), line breaks as "\\n"; raises SourceProblem
    for anything else: a folder, pipe, socket or device is never opened for reading."""
    return decode(read_bytes(path))


def read_bytes(path: Path | str) -> bytes:
    """The bytes of a plain file; raises SourceProblem for anything else (see read_text)."""
    name = os.fspath(path)
    try:
        status = os.stat(name)
        if not stat.S_ISREG(status.st_mode):
            raise not_a_file(status.st_mode)
        if status.st_size > MAX_FILE_BYTES:
            raise SourceProblem(None, f"the file is {status.st_size / 2**20:.0f} MB, far larger than any content file "
                                      f"(at most {MAX_FILE_BYTES // 2**20} MB)", "check that this is the file meant")
        # Non-blocking: if a pipe took the file's place since the check above, opening it cannot wait.
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SourceProblem(None, "this is not a plain file", "put the file itself here")
            data = handle.read()
    except OSError as error:
        raise SourceProblem(None, f"cannot read the file ({error.strerror or error})",
                            "check that it exists and that you may read it") from None
    return data


def decode(data: bytes) -> str:
    """A content file's bytes as text (UTF-8, a byte order mark allowed), line breaks as "\\n"."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceProblem(1, "the file is saved as UTF-16 text", f"save it as UTF-8 {_HOW}")
    if data.count(b"\0") * 4 > len(data):
        raise SourceProblem(1, "the file is not text: NUL bytes run through it (UTF-16 text, or a document of "
                               "another kind)", f"save it as UTF-8 text {_HOW}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceProblem(line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02X} cannot be read)",
                            f"save it as UTF-8 {_HOW}; it may have been saved as Windows-1252") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def not_a_file(mode: int) -> SourceProblem:
    """The problem of an entry named like a content file that is not a plain file (its stat mode)."""
    kind = ("a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "not a plain file")
    return SourceProblem(None, f"this is {kind}, not a file",
                         "a content file must be a plain text file: remove this or put the file itself here")


def control_characters(text: str) -> list[SourceProblem]:
    """One problem per line holding a character no content file should (NUL, escape, …), which
    usually arrives unseen from a copy out of a PDF or a word processor."""
    # The quick look first: a regular expression over the whole text would cost more than the
    # rest of reading; without the characters allowed in ASCII, little is left to look at.
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ALLOWED_ASCII)
    if not rest or not _CONTROL.search(rest.decode("utf-8", "surrogatepass")):
        return []
    problems: list[SourceProblem] = []
    lines: list[int] = []
    for found in _CONTROL.finditer(text):
        line = text.count("\n", 0, found.start()) + 1
        if lines and lines[-1] == line:
            continue
        lines.append(line)
        if len(lines) <= MAX_CONTROL_LINES:
            column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
            problems.append(SourceProblem(line, f"a control character (U+{ord(found.group()):04X}) is in the text "
                                                f"at column {column}",
                                          "delete it (it often comes from copying out of a PDF)"))
    if len(lines) > MAX_CONTROL_LINES:
        more = lines[MAX_CONTROL_LINES:]
        problems.append(SourceProblem(more[0], f"{len(more)} more lines, up to line {more[-1]}, hold control "
                                               "characters", "delete them (they often come from copying out of a PDF)"))
    return problems


# --- YAML -----------------------------------------------------------------------------------------
class ContentLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML, libyaml when available, with the rules above."""

    depth = 0  # how deep in lists and mappings the value being built is


class _AliasFound(Exception):
    """Raised inside the loader; parse_yaml finds the alias's own line for the message."""


def _scalar_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


def _checked(construct, what: str):
    """A scalar constructor that reports a value it cannot make (`!!int x`, or a number of more
    digits than Python converts) instead of raising."""
    def checked(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, TypeError):
            raise SourceProblem(node.start_mark.line + 1, f"'{shorten(node.value)}' cannot be read as {what}",
                                "write it as published; put text in quotes, and remove any tag starting '!!'") from None
    return checked


def _refuse_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise SourceProblem(node.start_mark.line + 1, f"the YAML tag '{shorten(tag)}' is not used in content files",
                        "remove it: content files hold text, whole numbers, lists and mappings")


_MERGE = "tag:yaml.org,2002:merge"


def _deeper(loader: ContentLoader, node: yaml.Node) -> int:
    """Enter a list or mapping; the depth outside it, to restore when it is built."""
    depth = loader.depth
    if depth >= MAX_DEPTH:
        raise SourceProblem(node.start_mark.line + 1, f"lists and mappings nest more than {MAX_DEPTH} deep here",
                            "content files nest only a few levels: check the indentation and the brackets")
    loader.depth = depth + 1
    return depth


def _met_before(loader: ContentLoader, node: yaml.Node) -> bool:
    """A node met before is an alias (or an alias inside its own anchor): refused on first sight,
    before anything is built from it, so an alias bomb costs no more than reading its text."""
    return node in loader.constructed_objects or node in loader.recursive_objects


def _sequence(loader: ContentLoader, node: yaml.SequenceNode) -> list:
    depth = _deeper(loader, node)
    items = []
    for child in node.value:
        if _met_before(loader, child):
            raise _AliasFound()
        items.append(loader.construct_object(child, deep=True))  # built whole: no deferred (recursive) values
    loader.depth = depth
    return items


def _mapping(loader: ContentLoader, node: yaml.MappingNode) -> dict:
    """Keys are text and written once; a key written twice is an error, not a silent overwrite."""
    depth = _deeper(loader, node)
    seen: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            raise SourceProblem(key_node.start_mark.line + 1, "'<<' (a YAML merge key) is not used in content files",
                                "write the keys out in full")
        if _met_before(loader, key_node):
            raise _AliasFound()
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise _key_problem(key_node, key)
        if key in seen:
            raise SourceProblem(key_node.start_mark.line + 1, f"key '{shorten(key)}' is written twice in this mapping",
                                "keep one of them (merge what they say)")
        if _met_before(loader, value_node):
            raise _AliasFound()
        seen[key] = loader.construct_object(value_node, deep=True)
    loader.depth = depth
    return seen


def _key_problem(node: yaml.Node, key: Any) -> SourceProblem:
    line = node.start_mark.line + 1
    if isinstance(key, (list, dict)):
        return SourceProblem(line, f"a key here is {shorten(key)} (written with '?' or brackets)",
                             "a key is a name: write it as text followed by ':'")
    if key is None:
        return SourceProblem(line, "a key here is empty", "write the key's name before the ':'")
    written = shorten(node.value)
    read_as = "yes/no" if isinstance(key, bool) else "a number"
    return SourceProblem(line, f"the key '{written}' is read as {read_as}, not as text",
                         f"put it in quotes if it is a name: \"{written}\":")


for _tag in ("timestamp", "float"):
    ContentLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_as_text)
ContentLoader.add_constructor("tag:yaml.org,2002:int", _checked(yaml.SafeLoader.construct_yaml_int, "a whole number"))
ContentLoader.add_constructor("tag:yaml.org,2002:bool", _checked(yaml.SafeLoader.construct_yaml_bool, "yes or no"))
ContentLoader.add_constructor("tag:yaml.org,2002:seq", _sequence)
ContentLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
for _tag in ("binary", "set", "omap", "pairs"):
    ContentLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
ContentLoader.add_constructor(None, _refuse_tag)  # any other tag: '!foo', '!!python/object', …


def parse_yaml(text: str) -> Any:
    """Parse one YAML document; raise SourceProblem with a 1-based line and a hint on any problem."""
    try:
        return yaml.load(text, Loader=ContentLoader)  # noqa: S506 - ContentLoader is a SafeLoader
    except _AliasFound:
        line, name = _first_alias(text)
        raise SourceProblem(line, f"a YAML alias ({name}) repeats another part of the file",
                            "content files do not use anchors (&name) and aliases (*name): write the value out "
                            "in full") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or str(error)
        if error.context and error.problem:
            problem = f"{error.problem} ({error.context})"
        hint = "check the indentation and quoting on this line and the one above"
        if "single document" in problem:
            hint = "a content file holds one document: remove the second '---' line and what follows, or merge them"
        raise SourceProblem(mark.line + 1 if mark else None, f"YAML syntax error: {shorten(problem, 200)}",
                            hint) from None
    except yaml.YAMLError as error:
        raise SourceProblem(None, f"YAML syntax error: {shorten(str(error), 200)}",
                            "check the indentation and quoting") from None


def _first_alias(text: str) -> tuple[int | None, str]:
    """The line and name of the first alias in the text (only looked for once one was met)."""
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line + 1, f"*{shorten(token.value, 30)}"
    except yaml.YAMLError:
        pass
    return None, "*…"


class LineLocator:
    """Finds the line of a value by its path (keys and list indexes) — composed only on demand."""

    def __init__(self, text: str):
        self._text = text
        self._root: yaml.Node | None = None

    def line(self, path: tuple[Any, ...], *, key: bool = False) -> int | None:
        """The line of the node at `path`; with key=True the line of the mapping key itself.
        A path that does not exist (a missing key) gives the line of its deepest existing parent."""
        if self._root is None:
            try:
                self._root = yaml.compose(self._text, Loader=_BaseLoader)
            except yaml.YAMLError:
                return None
        node, key_node = self._root, None
        for part in path:
            child, child_key = _child(node, part)
            if child is None:
                break
            node, key_node = child, child_key
        else:
            if key and key_node is not None:
                return key_node.start_mark.line + 1
        return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, part: Any) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return value_node, key_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None
