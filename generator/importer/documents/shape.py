"""What every document reader hands on: the document's title block and table, in reading order, as the
text importer's own input (one line per title-block paragraph, one tab-separated line of cell HTML per
table row), each part named by where it is in the document.

So the rules for labels, numbering, merged cells and continuations stay in the text importer's stages,
and a .docx, an .odt and a PDF are imported by exactly the same rules as a text export.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

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
    kind: str  # how the user knows the format: 'Word document', 'OpenDocument text', 'PDF'
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
