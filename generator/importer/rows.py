"""Stage 4: table lines -> rows of five cells (number | concern | action | owner | target).

Rows that carry no plan content (blank rows, page numbers, separators, repeated header rows,
section labels) are recognised here. Rows that lost leading or trailing empty cells (2-4 fields
instead of 5) are placed by content: every way of sliding the fields into the five columns is
scored, and the best wins (targets in the target column, short role names in the owner column,
continuation prose where the text above is unfinished; prose in the concern column of a finished
concern scores low, since a short row never starts a concern). A row's number and concern cells
are taken apart here too (`opening`): a section label starting either cell, the number printed in
the number cell or at the start of the concern cell, OCR fragments left in the number cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import cells
from .header import is_table_header
from .records import short

COLUMNS = ("number", "concern", "action", "owner", "target")
_SEPARATOR_RE = re.compile(r"^[-\u2013\u2014=_|:+ ]*$")
_LABEL = r"(?P<kind>priority|key)\s+(?:concerns?|recommendations?)"
_LABEL_ONLY_RE = re.compile(rf"^{_LABEL}[\s:\u2013\u2014-]*$", re.IGNORECASE)
# a label at the start of a cell (Markdown, so bold shows as '**'), and what separates it from the rest
_LEADING_LABEL_RE = re.compile(rf"^(?P<open>\*{{0,3}}){_LABEL}(?P<inner>\s*[:\u2013\u2014-])?(?P=open)"
                               r"(?P<sep>\s*[:\u2013\u2014-]\s*|\s+|$)", re.IGNORECASE)
_LEADING_NUMBER_RE = re.compile(r"^(?P<number>\d{1,3})(?P<stop>[.)]|(?=\s))\s*")
# A row of a text export holding only a page number, of up to three digits (a four-digit one may be a year
# cut off from its target). A PDF's reader has its own rule for lines outside its table (documents/pdf.py).
_PAGE_NUMBER_RE = re.compile(r"^(?:[-\u2013\u2014]\s*)?(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?"
                             r"(?:\s*[-\u2013\u2014])?$", re.IGNORECASE)

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
    printed = [text for text in map(cells.flat, raw.fields) if text]
    if len(printed) == 1 and _PAGE_NUMBER_RE.match(printed[0]):  # '4', '- 4 -', 'Page 4 of 10'
        return "page number"
    if is_table_header("\t".join(texts)):
        return "table header row"
    return None


def section_label(text: str) -> tuple[str, str] | None:
    """A row that is only a section label: 'Priority concerns', '<b>Key Concerns:</b>' -> (kind, label)."""
    flat = cells.plain(text)
    match = _LABEL_ONLY_RE.match(flat)
    return (match.group("kind").lower(), flat) if match else None


def leading_label(md: str) -> tuple[str, str, str] | None:
    """A section label starting a cell, whatever follows it: a new block ('<b>Key concerns</b><br>'),
    a colon or a dash, the end of bold, a number, or a new sentence -> (kind, label, rest). Not when
    prose simply goes on ('Key concerns were raised ...')."""
    match = _LEADING_LABEL_RE.match(md)
    if not match:
        return None
    rest = md[match.end():]
    marked = match.group("open") or match.group("inner") or match.group("sep").strip()
    if rest and not marked and not cells.starts_upper(rest):
        return None
    label = cells.markdown_plain(md[: match.end()]).strip().rstrip(":\u2013\u2014-").strip()
    return match.group("kind").lower(), label, rest


@dataclass(frozen=True)
class Opening:
    """A row's number and concern cells taken apart: the section label either starts with, the concern
    number (from the number cell, or printed at the start of the concern cell), number-cell text that
    is neither (OCR fragments), and the concern text left."""
    kind: str | None
    labels: tuple[str, ...]
    number: int | None
    moved: str  # the number as printed at the start of the concern cell ('6. '), '' when not moved
    fragments: str
    blocks: tuple[cells.Block, ...]

    def keep_number_in_text(self) -> "Opening":
        """The same row with a number printed at the start of the concern cell left in its text."""
        if not self.moved:
            return self
        first = replace(self.blocks[0], md=self.moved + self.blocks[0].md)
        return replace(self, number=None, moved="", blocks=(first, *self.blocks[1:]))


def opening(row: Row) -> Opening:
    kind, labels = None, []
    number_text = cells.plain(row.number)
    if label := leading_label(number_text):
        kind, number_text = label[0], label[2].strip()
        labels.append(label[1])
    blocks = list(cells.parse_cell(row.concern))
    after_label = bool(labels)
    if blocks and (label := leading_label(blocks[0].md)):
        kind, after_label = label[0], True
        labels.append(label[1])
        blocks[0:1] = [replace(blocks[0], md=label[2])] if label[2] else []
    number, moved = None, ""
    if cells.is_number(number_text):
        number = int(number_text.rstrip(".)"))
    elif not number_text and blocks and (found := _LEADING_NUMBER_RE.match(blocks[0].md)):
        rest = blocks[0].md[found.end():]
        # '6. Showers ...' (or '6 Showers' after a label): a number, not the start of a sentence
        if rest and cells.starts_upper(rest) and not rest[:1].isdigit() and (found.group("stop") or after_label):
            number, moved = int(found.group("number")), found.group(0)
            blocks[0] = replace(blocks[0], md=rest)
    fragments = number_text if number is None else ""
    return Opening(kind, tuple(labels), number, moved, fragments, tuple(blocks))


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
    description = ", ".join(f"'{short(cells.plain(f), 40)}' as {COLUMNS[offset + i]}" for i, f in enumerate(fields) if f)
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
        elif is_action:  # a new action after finished text is common; a role name alone is more likely an owner
            score += 0 if cells.plausible_owner(text) and not cells.ends_sentence(text) else 1
        else:  # a short row never starts a concern (that needs a number), so this would add to the one above
            score -= 3
    return score
