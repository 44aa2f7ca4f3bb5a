"""The small records every stage of the importer hands on: failures, warnings, dropped text.

They live apart from the stages so that each stage can report what it guessed or left out
without importing the others.
"""
from __future__ import annotations

from dataclasses import dataclass


class ImportFailure(Exception):
    """The input cannot be imported; str(e) is the message for the user (FILE:LINE: what — how).
    `line`, `what` and `how` keep its parts, so a document's reader can name the place instead of a line."""

    def __init__(self, message: str, line: int | str | None = None, what: str = "", how: str = ""):
        super().__init__(message)
        self.line, self.what, self.how = line, what, how


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer had to guess; an editor should check it against the published plan."""
    line: int
    message: str


@dataclass(frozen=True)
class Dropped:
    """Source text deliberately left out of the YAML, with the reason (so no word is lost silently)."""
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Refusal:
    """Something a later stage found that no repair can make right (a column lost in the export, a
    plan printed twice): the import stops and reports every refusal."""
    line: int
    what: str
    how: str


def failure(source_name: str, line: int | str | None, what: str, how: str) -> ImportFailure:
    """Build the one message format users see: FILE:LINE: what is wrong — how to fix (a place in a
    document, such as 'page 3, table row 12', reads FILE: PLACE: …)."""
    where = f"{source_name}: {line}" if isinstance(line, str) else f"{source_name}:{line}" if line else source_name
    return ImportFailure(f"{where}: {what} — {how}", line, what, how)


def place_of(line: int, places: dict[int, str] | None = None) -> str:
    """A line as a message names it: 'line 12', or its place in a document ('page 3, table row 12')."""
    return (places or {}).get(line) or f"line {line}"


@dataclass(frozen=True)
class Copied:
    """A value written into the YAML more often than the source prints it: a merged owner cell that
    spans several actions is published once but belongs to each of them."""
    line: int
    text: str
    reason: str


def short(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut: how messages quote a cell."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
