"""What every document reader hands on: the document's title block and table, in reading order, as the
text importer's own input (one line per title-block paragraph, one tab-separated line of cell HTML per
table row), each part named by where it is in the document.

So the rules for labels, numbering, merged cells and continuations stay in the text importer's stages,
and a .docx, an .odt and a PDF are imported by exactly the same rules as a text export.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Union

from ..header import is_table_header
from ..records import failure

TITLE, ROW, DROPPED, STRAY = "title", "row", "dropped", "stray"
BELOW = "text below the table (not part of the plan's table)"
BELOW_WARNING = "text below the table was not imported"


@dataclass(frozen=True)
class Run:
    """Text with one styling; `newline` ends the run with a line break inside the paragraph."""
    text: str
    bold: bool = False
    italic: bool = False
    newline: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a cell or of the title block; `item` for a list item."""
    runs: tuple[Run, ...]
    item: bool = False

    @property
    def text(self) -> str:
        return " ".join("".join(r.text for r in self.runs).split())


@dataclass(frozen=True)
class Part:
    """One title-block paragraph (TITLE), one table row (ROW, `text` is tab-separated cell HTML), text the
    reader leaves out with its reason (DROPPED: page numbers, running headers, text below the table), or
    words the reader could place nowhere (STRAY: the coverage check reports them as unaccounted)."""
    role: str
    where: str  # 'paragraph 3', 'table row 12', 'page 3, table row 12'
    text: str
    reason: str = ""
    warning: str = ""  # a dropped part an editor should look at (text below the table)


@dataclass(frozen=True)
class Document:
    parts: tuple[Part, ...]


def paragraph_html(paragraph: Paragraph) -> str:
    """A paragraph in the text export's HTML: <p> or <li>, with <b>, <i> and <br>."""
    tag = "li" if paragraph.item else "p"
    out = []
    for run in paragraph.runs:
        text = html.escape(" ".join(run.text.replace("\t", " ").split("\n")), quote=False)
        if text.strip():
            if run.italic:
                text = f"<i>{text}</i>"
            if run.bold:
                text = f"<b>{text}</b>"
        out.append(text + ("<br>" if run.newline else ""))
    return f"<{tag}>{''.join(out)}</{tag}>"


def cell_html(paragraphs: list[Paragraph] | tuple[Paragraph, ...]) -> str:
    """A cell's paragraphs as one field of a tab-separated row (empty paragraphs left out)."""
    return "".join(paragraph_html(p) for p in paragraphs if p.text)


def row_part(where: str, cells: list[str]) -> Part:
    return Part(ROW, where, "\t".join(cells))


def title_part(where: str, paragraph: Paragraph) -> Part | None:
    return Part(TITLE, where, paragraph_html(paragraph)) if paragraph.text else None


Cells = list[list[Paragraph]]  # a table row: each cell's paragraphs
Table = list[Cells]


def body_parts(blocks: Iterable[Union[Paragraph, Table]], source_name: str) -> list[Part]:
    """A word processor's body, paragraphs and tables in reading order, as parts: the plan's table is
    the first whose first row names its columns ('Concerns' … 'Target Date'); above it is the title
    block, below it what is reported as dropped (a later table of the same shape goes on the plan's)."""
    parts: list[Part] = []
    paragraphs = tables = row_number = 0
    columns: int | None = None  # the plan table's column count, once found
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs += 1
            parts.append(_outside(f"paragraph {paragraphs}", block, columns is None, BELOW))
            continue
        tables += 1
        if columns is None and block and is_table_header("\t".join(" ".join(p.text for p in c) for c in block[0])):
            columns = len(block[0])
        if columns is not None and block and len(block[0]) == columns:
            for cells in block:
                row_number += 1
                parts.append(row_part(f"table row {row_number}", [cell_html(c) for c in cells]))
            continue
        for r, cells in enumerate(block, 1):  # a table that is not the plan's: its text, cell by cell
            for paragraph in (p for c in cells for p in c):
                parts.append(_outside(f"table {tables}, row {r}", paragraph, columns is None,
                                      "a table below the plan's table"))
    if columns is None:
        raise failure(source_name, None, "no table found: no table of the document has a header row naming "
                      "'Concerns', 'Response Action', 'Responsible Owner' and 'Target Date'",
                      "check that this is a published action plan with its table of concerns")
    return [part for part in parts if part is not None and part.text]


def _outside(where: str, paragraph: Paragraph, above: bool, why: str) -> Part | None:
    """A paragraph outside the plan's table: the title block above it, dropped below it."""
    return title_part(where, paragraph) if above else Part(DROPPED, where, paragraph.text, why, BELOW_WARNING)
