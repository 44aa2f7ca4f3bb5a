"""Read a PDF plan with pdfplumber: the title block above the table on its first page, the table's rows
page by page (the header row repeated on each page dropped, a row split by a page break joined back),
and the page furniture (page numbers, running headers and footers) dropped with its reason.

Every word on a page is placed: in the title block, in a cell, in the dropped furniture, or, when it is
in none of these (beside the table, say), as a stray word that the coverage check reports as unaccounted.
A PDF with no text layer (a scan), with pages of no text, or without the table is refused.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from ..header import is_table_header
from ..records import failure
from .pdf_layout import (Flow, Grid, GridRow, TextLine, Word, grid_of, grid_rows, line_pitch, lines_of,
                         paragraphs_of, space_width, starts_item, words_of)
from .shape import (BELOW, BELOW_WARNING, DROPPED, STRAY, TITLE, Document, Paragraph, Part, Run, cell_html,
                    paragraph_html, row_part)

# A line outside the table holding only a page number ("4", "- 4 -", "(4)", "Page 4 of 10"). Rows of a text
# export have their own, narrower rule (generator/importer/rows.py), as a row's lone number may be its text.
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?[-\u2013(]?\s*\d{1,4}\s*[-\u2013)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_HYPHENATED_RE = re.compile(r"[^\W\d_]-$")


def read_pdf(data: bytes, source_name: str) -> Document:
    import pdfplumber  # loaded only when a PDF is imported

    if b"%%EOF" not in data[-2048:]:
        raise failure(source_name, None, "the PDF is incomplete (it has no end-of-file marker: the download or "
                      "copy was cut short)", "download the plan again and import the new copy")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer reports a password and a damaged file as exceptions of many kinds
        if "password" in f"{type(error.__cause__ or error).__name__} {error}".lower() or "Password" in repr(error):
            raise failure(source_name, None, "the PDF is password-protected",
                          "ask for an unprotected copy, or open it and save a copy without a password") from None
        raise failure(source_name, None, "the PDF is damaged and cannot be read",
                      "download the plan again, or open it and save it again as PDF") from None
    try:
        with pdf:
            pages = [_read_page(page) for page in pdf.pages]
    except Exception:
        raise failure(source_name, None, "the PDF is damaged and cannot be read (a page could not be parsed)",
                      "download the plan again, or open it and save it again as PDF") from None
    _check_text_layer(pages, source_name)
    return Document(tuple(_parts(pages, source_name)))


@dataclass(frozen=True)
class _Page:
    number: int
    words: tuple[Word, ...]
    rotated: tuple[str, ...]
    grid: Grid | None
    space: float
    images: int
    height: float


def _read_page(page) -> _Page:
    words, rotated = words_of(page)
    return _Page(page.page_number, tuple(words), tuple(w["text"] for w in rotated), grid_of(page),
                 space_width(page), len(page.images), page.height)


def _check_text_layer(pages: list[_Page], source_name: str) -> None:
    if not any(p.words or p.rotated for p in pages):
        raise failure(source_name, None, "the PDF has no text layer (it is a scanned image), so there is no text "
                      "to import", "import the plan's Word or OpenDocument file, or a text export, instead")
    scanned = [p.number for p in pages if not p.words and not p.rotated and p.images]
    if scanned:
        listed = ", ".join(map(str, scanned))
        raise failure(source_name, f"page{'s' * (len(scanned) > 1)} {listed}",
                      "no text layer (a scanned image), so its text cannot be imported",
                      "import the plan's Word or OpenDocument file, or a text export, instead")


# --- the document -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Segment:
    """The part of a cell on one page: its lines, how they wrap, and the page's usual line pitch."""
    lines: list[TextLine]
    flow: Flow
    pitch: float


@dataclass
class _Cell:
    """A cell's text as read so far, one segment per page it is on."""
    segments: list[_Segment]

    @property
    def empty(self) -> bool:
        return not any(s.lines for s in self.segments)


@dataclass
class _Row:
    pages: list[int]
    cells: list[_Cell]
    label: bool  # one cell spanning the whole row (a section label)
    open_foot: bool  # the last row on its page, and the foot of the table there is not ruled off


def _parts(pages: list[_Page], source_name: str) -> list[Part]:
    """Pages before the table's header row are the title block; from there on, each page's rows follow
    the rows before (its repeated header row dropped, a row cut by the page break joined back), and what
    is outside the table is dropped furniture or stray words."""
    start = _table_start(pages)
    if start is None:
        raise failure(source_name, None, "no table found: no ruled table in the PDF has a header row naming "
                      "'Concerns', 'Response Action', 'Responsible Owner' and 'Target Date'",
                      "check that this is a published action plan with its table of concerns (a table "
                      "without ruling lines cannot be read: import the Word or OpenDocument file instead)")
    first, header_at, page_rows = start
    repeated = _repeated_lines(pages)
    title: list[Part] = []
    for page in pages[:first]:
        title += _title_parts(page, lines_of(list(page.words)))
    page = pages[first]
    lines = lines_of(list(page.words))
    above = [line for line in lines if line.bottom <= page.grid.top + 1]
    title += _title_parts(page, above)
    title += [Part(TITLE, f"page {page.number}", paragraph_html(p))  # a ruled box above the header row
              for r in page_rows[:header_at] for c in r.cells for p in _paragraphs(c)]
    rows = page_rows[header_at:]
    dropped = [(page.number, part) for part in _outside(page, [line for line in lines if line not in above], repeated)]
    for page in pages[first + 1:]:
        page_rows = _page_rows(page) if page.grid is not None else []
        if page_rows and is_table_header(_row_text(page_rows[0])):
            dropped.append((page.number, Part(DROPPED, f"page {page.number}", _row_text(page_rows[0]).replace("\t", " "),
                                              "table header row, repeated at the top of the page")))
            page_rows = page_rows[1:]
        if page_rows and _continues(rows[-1], page_rows[0]):
            _join(rows[-1], page_rows.pop(0))
        rows += page_rows
        dropped += [(page.number, part) for part in _outside(page, lines_of(list(page.words)), repeated)]
    return title + _in_order(rows, dropped)


def _table_start(pages: list[_Page]) -> tuple[int, int, list[_Row]] | None:
    """(index of the page, index of the row, the page's rows) of the table's header row: the first
    ruled row naming the table's columns."""
    for index, page in enumerate(pages):
        if page.grid is not None:
            rows = _page_rows(page)
            for row_index, row in enumerate(rows):
                if is_table_header(_row_text(row)):
                    return index, row_index, rows
    return None


def _in_order(rows: list[_Row], dropped: list[tuple[int, Part]]) -> list[Part]:
    """The table's rows in order, the text dropped from each page after the last row ending on it."""
    table = []
    for number, row in enumerate(rows, 1):
        pages = row.pages
        where = (f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}\u2013{pages[-1]}") + f", table row {number}"
        table.append((pages[-1], row_part(where, [cell_html(_paragraphs(c)) for c in row.cells])))
    ordered = []
    for page_number, part in dropped:
        while table and table[0][0] <= page_number:
            ordered.append(table.pop(0)[1])
        ordered.append(part)
    return ordered + [part for _, part in table]


# --- one page ---------------------------------------------------------------------------------------------
def _page_rows(page: _Page) -> list[_Row]:
    """The rows of the table on a page, each cell's lines with how they wrap."""
    grid = page.grid
    rows = grid_rows(grid, [w for w in page.words if grid.contains(*w.middle)])
    cell_lines = [[lines_of(c) if c else [] for c in r.cells] for r in rows]
    pitch = line_pitch([lines for r in cell_lines for lines in r])
    flows = _flows(grid, rows, page.space)
    out = []
    for index, (row, lines) in enumerate(zip(rows, cell_lines)):
        cells = [_Cell([_Segment(lines[c], flows[c + row.spans[c] - 1], pitch)]) for c in range(len(row.cells))]
        label = sum(c is not None for c in row.cells) == 1 and row.spans[0] == len(row.cells)
        last = index == len(rows) - 1
        out.append(_Row([page.number], cells, label, last and not grid.foot_ruled))
    return out


def _flows(grid: Grid, rows: list[GridRow], space: float) -> list[Flow]:
    """Each column's wrapping edge: its right rule less the padding its text keeps from the left rule."""
    flows = []
    for column in range(len(grid.xs) - 1):
        left, right = grid.xs[column], grid.xs[column + 1]
        offsets = [w.x0 - left for r in rows if r.cells[column] and r.spans[column] == 1
                   for w in r.cells[column] if left <= w.x0 < right]
        padding = max(0.0, min(offsets)) if offsets else 2.0
        flows.append(Flow(right - padding, space))
    return flows


def _row_text(row: _Row) -> str:
    return "\t".join(" ".join(line.text for s in c.segments for line in s.lines) for c in row.cells)


def _continues(above: _Row, below: _Row) -> bool:
    """Is `below`, the first row on a page, the rest of `above`, the last row on the page before? Only when
    the row above is not ruled off, `below` starts no concern and no section, and every cell with text on
    both pages was cut mid-paragraph (its last line is full: the next word did not fit on it)."""
    if not above.open_foot or above.label or below.label or not below.cells or not below.cells[0].empty:
        return False
    if len(above.cells) != len(below.cells):
        return False
    cut = False
    for top, bottom in zip(above.cells, below.cells):
        if top.empty or bottom.empty:
            continue
        last = top.segments[-1]
        first = next(s for s in bottom.segments if s.lines).lines[0].words[0]
        if not last.lines or last.flow.fits(last.lines[-1], first):
            return False
        cut = True
    return cut


def _join(above: _Row, below: _Row) -> None:
    above.pages += below.pages
    above.open_foot = below.open_foot
    for top, bottom in zip(above.cells, below.cells):
        top.segments += bottom.segments


# --- text of cells and lines ------------------------------------------------------------------------------
def _paragraphs(cell: _Cell) -> list[Paragraph]:
    """A cell's lines -> paragraphs; across a page break a paragraph goes on when the last line on the page
    is full (the text wrapped there)."""
    groups: list[list[TextLine]] = []
    previous: _Segment | None = None
    for segment in cell.segments:
        if not segment.lines:
            continue
        found = paragraphs_of(segment.lines, segment.flow, segment.pitch)
        if groups and previous is not None and not previous.flow.fits(groups[-1][-1], found[0][0].words[0]):
            groups[-1] += found.pop(0)
        groups += found
        previous = segment
    return [_paragraph(g) for g in groups]


def _paragraph(lines: list[TextLine]) -> Paragraph:
    item = starts_item(lines[0])
    words = [w for line in lines for w in line.words]
    if item:
        words = words[1:]
    runs: list[Run] = []
    line_starts = {id(line.words[0]) for line in lines[1:]}
    for index, word in enumerate(words):
        separator = "" if index == 0 else " "
        if id(word) in line_starts and _HYPHENATED_RE.search(words[index - 1].text) and word.text[:1].isalpha():
            separator = ""  # a word hyphenated at the end of a line is one word again
        runs.append(Run(separator + word.text, word.bold, word.italic))
    return Paragraph(tuple(runs), item)


def _title_parts(page: _Page, lines: list[TextLine]) -> list[Part]:
    """Lines above the table -> one title-block part per paragraph (a short line ends its paragraph)."""
    if not lines:
        return []
    flow = Flow(max(line.x1 for line in lines), page.space)
    pitch = line_pitch([lines])
    return [Part(TITLE, f"page {page.number}", paragraph_html(_paragraph(group)))
            for group in paragraphs_of(lines, flow, pitch)]


def _repeated_lines(pages: list[_Page]) -> set[str]:
    """Lines outside the table that recur on several pages (digits aside): running headers and footers."""
    seen: dict[str, set[int]] = {}
    for page in pages:
        for line in lines_of([w for w in page.words if page.grid is None or not page.grid.contains(*w.middle)]):
            seen.setdefault(re.sub(r"\d+", "#", line.text), set()).add(page.number)
    return {text for text, numbers in seen.items() if len(numbers) > 1}


def _outside(page: _Page, lines: list[TextLine], repeated: set[str]) -> list[Part]:
    """What a page has outside the table: page numbers, running headers and footers, rotated text, text
    below the table (reported with a warning); words beside the table are strays."""
    parts = []
    grid = page.grid
    where = f"page {page.number}"
    for line in lines:
        if grid is not None and any(grid.contains(*w.middle) for w in line.words):
            beside = [w for w in line.words if not grid.contains(*w.middle)]
            if beside:
                parts.append(Part(STRAY, where, " ".join(w.text for w in beside)))
        elif grid is not None and grid.top <= line.top <= grid.bottom:
            parts.append(Part(STRAY, where, line.text))
        elif _PAGE_NUMBER_RE.match(line.text):
            parts.append(Part(DROPPED, where, line.text, "page number"))
        elif re.sub(r"\d+", "#", line.text) in repeated:
            above = grid.top if grid is not None else page.height / 2
            parts.append(Part(DROPPED, where, line.text,
                              f"running {'header' if line.bottom <= above else 'footer'} (on every page)"))
        elif grid is not None and line.bottom <= grid.top:
            parts.append(Part(DROPPED, where, line.text, "text above the table on a later page (a running header)"))
        else:
            parts.append(Part(DROPPED, where, line.text, BELOW, BELOW_WARNING))
    parts += [Part(DROPPED, where, text, "rotated text (a watermark or a note in the margin)") for text in page.rotated]
    return parts
