"""Stage 4: table lines -> rows of five cells (number | concern | action | owner | target).

Rows that carry no plan content (blank rows, page numbers, separators, repeated header rows,
section labels) are recognised here. Rows that lost leading or trailing empty cells (2-4 fields
instead of 5) are placed by content: every way of sliding the fields into the five columns is
scored, and the best wins (targets in the target column, short role names in the owner column,
continuation prose where the text above is unfinished).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import cells
from .header import is_table_header

COLUMNS = ("number", "concern", "action", "owner", "target")
_SEPARATOR_RE = re.compile(r"^[-\u2013\u2014=_|:+ ]*$")
_LABEL_RE = re.compile(r"^(priority|key)\s+(concerns?|recommendations?)\b\s*:?", re.IGNORECASE)
_GLUED_RE = re.compile(r"^(\*{0,3})(priority|key)\s+(?:concerns?|recommendations?)\s*:?\1\s+", re.IGNORECASE)
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)


@dataclass(frozen=True)
class RawRow:
    """A table line split at tabs, before its fields are placed in columns."""
    line: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """A table row placed in the five columns; `placed` says how when fields were missing."""
    line: int
    cells: tuple[str, str, str, str, str]
    field_count: int
    placed: str = ""

    @property
    def number(self) -> str:
        return self.cells[0]

    @property
    def concern(self) -> str:
        return self.cells[1]

    @property
    def action(self) -> str:
        return self.cells[2]

    @property
    def owner(self) -> str:
        return self.cells[3]

    @property
    def target(self) -> str:
        return self.cells[4]


def split_fields(text: str) -> tuple[str, ...]:
    return tuple(field.strip() for field in text.split("\t"))


def non_content_reason(raw: RawRow) -> str | None:
    """Why a row carries no plan content, or None when it does."""
    texts = [cells.plain(f) for f in raw.fields]
    filled = [t for t in texts if t]
    if not filled:
        return "blank row"
    if all(_SEPARATOR_RE.match(t) for t in filled):
        return "separator row"
    if len(filled) == 1 and _PAGE_NUMBER_RE.match(filled[0]):
        return "page number"
    if is_table_header("\t".join(texts)):
        return "table header row"
    return None


def section_label(text: str) -> tuple[str, str] | None:
    """A row that is only a section label: 'Priority concerns', '<b>Key Concerns</b>' -> (kind, label)."""
    flat = cells.plain(text)
    match = _LABEL_RE.match(flat)
    if not match or flat[match.end():].strip():
        return None
    return match.group(1).lower(), flat


def glued_label(md: str) -> tuple[str, str, str] | None:
    """A label run into the next concern's text: 'Key concerns The promotion ...' -> (kind, label, rest).
    Only when what follows starts a new sentence ('Key concerns were ...' is prose, not a label)."""
    match = _GLUED_RE.match(md)
    if not match or not cells.starts_upper(md[match.end():]):
        return None
    return match.group(2).lower(), cells.markdown_plain(match.group(0)).strip(), md[match.end():]


def place(raw: RawRow, concern_open: bool, action_open: bool, known_owners: set[str]) -> Row:
    """Place the fields in the five columns; rows with 5 fields are taken as they are."""
    fields = list(raw.fields)
    while len(fields) > 5 and not fields[-1]:
        fields.pop()
    while len(fields) > 5 and not fields[0]:
        fields.pop(0)
    if len(fields) == 5:
        return Row(raw.line, tuple(fields), len(raw.fields))  # type: ignore[arg-type]
    if len(fields) > 5:  # the caller reports the extra fields; keep the first five
        return Row(raw.line, tuple(fields[:5]), len(raw.fields), "extra")  # type: ignore[arg-type]
    best: tuple[float, int] | None = None
    for offset in range(0, 5 - len(fields) + 1):
        placed = [""] * offset + fields + [""] * (5 - offset - len(fields))
        score = _score(placed, concern_open, action_open, known_owners)
        if best is None or score >= best[0]:  # ties: prefer later columns (leading empty cells are the usual loss)
            best = (score, offset)
    offset = best[1]
    placed = [""] * offset + fields + [""] * (5 - offset - len(fields))
    description = ", ".join(f"'{_short(cells.plain(f))}' as {COLUMNS[offset + i]}" for i, f in enumerate(fields) if f)
    return Row(raw.line, tuple(placed), len(raw.fields), description)  # type: ignore[arg-type]


def _score(placed: list[str], concern_open: bool, action_open: bool, known_owners: set[str]) -> float:
    number, concern, action, owner, target = (cells.plain(c) for c in placed)
    score = 0.0
    if number:
        score += 3 if cells.is_number(number) else -3
    if target:
        score += 3 if cells.looks_like_target(target) else -4
    if owner:
        if cells.looks_like_target(owner):
            score -= 3
        elif owner in known_owners:
            score += 2
        elif cells.plausible_owner(owner):
            score += 1
        else:
            score -= 3
    for text, is_open, is_action in ((action, action_open, True), (concern, concern_open, False)):
        if not text:
            continue
        if cells.looks_like_target(text) or text in known_owners:
            score -= 2
        elif is_open:
            score += 2
        else:  # prose after finished text: a new action is common, a new concern needs a number
            score += 1 if is_action else -1
    return score


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
