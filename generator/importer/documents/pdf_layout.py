"""The geometry of a PDF page as pdfplumber gives it: words with their boxes and fonts, the ruling lines,
and from these the table's grid and the paragraphs of each cell.

pdfplumber's own table finder is not used: it drops a row that is not ruled off at the foot of a page,
and a paragraph break in a cell comes out of it as an ordinary line break. Here the cells are the
rectangles the ruling lines enclose (a row still open at the foot of the page ends there), every word
is placed by the centre of its box, and paragraphs are told from line breaks by where the lines end.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC_RE = re.compile(r"italic|oblique", re.IGNORECASE)
_BULLETS = ("\u2022", "\u25cf", "\u25aa", "\u25e6", "\u2023", "\u2043", "\uf0b7", "\uf0a7", "-")
_UNMAPPED_RE = re.compile(r"\(cid:\d+\)")
_SNAP = 2.0      # points: ruling lines this close are one line
_MIN_RULE = 4.0  # points: shorter strokes are not ruling (underlines of text are not cells' edges)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool

    @property
    def middle(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class TextLine:
    words: tuple[Word, ...]

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def baseline(self) -> float:
        """Where most of the line's words sit (a bullet glyph may reach higher or lower than the text)."""
        return statistics.median(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def words_of(page) -> tuple[list[Word], list[dict]]:
    """Upright words (with bold and italic from the font name), and the words of rotated text. A word
    printed twice on the same spot (text made bold by overprinting) is read once."""
    upright, rotated = [], []
    seen = set()
    for w in page.extract_words(extra_attrs=["fontname", "size", "upright"], keep_blank_chars=False):
        spot = (w["text"], round(w["x0"]), round(w["top"]))
        if spot in seen:
            continue
        seen.add(spot)
        if not w["upright"]:
            rotated.append(w)
            continue
        upright.append(Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"],
                            bool(_BOLD_RE.search(w["fontname"])), bool(_ITALIC_RE.search(w["fontname"]))))
    return upright, rotated


def space_width(page) -> float:
    """The width of a space in the page's body text (a line was broken when its next word did not fit)."""
    widths = [c["width"] / c["size"] for c in page.chars if c["text"] == " " and c["size"]]
    return statistics.median(widths) if widths else 0.25


def lines_of(words: list[Word]) -> list[TextLine]:
    """Words in reading order, grouped into lines by their vertical position."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and abs(word.top - lines[-1][0].top) <= word.size * 0.5:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [TextLine(tuple(sorted(line, key=lambda w: w.x0))) for line in lines]


# --- the ruling and the grid -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    position: float  # x of a vertical rule, top of a horizontal one
    start: float
    end: float


def _snap(values: list[float]) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= _SNAP:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [statistics.mean(g) for g in groups]


@dataclass(frozen=True)
class Grid:
    """A page's part of the table: column edges `xs`, the tops of horizontal rules `ys` (with the top and
    the foot of the table), and whether the foot is ruled off."""
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    verticals: tuple[Rule, ...]
    horizontals: tuple[Rule, ...]
    foot_ruled: bool

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.top <= y <= self.bottom

    def ruled_across(self, y: float, x_from: float, x_to: float) -> bool:
        middle = (x_from + x_to) / 2
        return any(abs(r.position - y) <= _SNAP and r.start - _SNAP <= middle <= r.end + _SNAP for r in self.horizontals)

    def ruled_down(self, x: float, y_from: float, y_to: float) -> bool:
        middle = (y_from + y_to) / 2
        return any(abs(r.position - x) <= _SNAP and r.start - _SNAP <= middle <= r.end + _SNAP for r in self.verticals)


def grid_of(page) -> Grid | None:
    """The grid drawn by the page's ruling lines, or None when the page has no ruled table."""
    verticals, horizontals = [], []
    for edge in page.edges:
        if edge["orientation"] == "v" and edge["bottom"] - edge["top"] >= _MIN_RULE:
            verticals.append(Rule(edge["x0"], edge["top"], edge["bottom"]))
        elif edge["orientation"] == "h" and edge["x1"] - edge["x0"] >= _MIN_RULE:
            horizontals.append(Rule(edge["top"], edge["x0"], edge["x1"]))
    xs = _snap([r.position for r in verticals])
    if len(xs) < 2:
        return None
    top = min(r.start for r in verticals)
    bottom = max(r.end for r in verticals)
    horizontals = [r for r in horizontals if top - _SNAP <= r.position <= bottom + _SNAP
                   and r.end > xs[0] + _SNAP and r.start < xs[-1] - _SNAP]
    ys = _snap([top, bottom] + [r.position for r in horizontals])
    foot_ruled = any(abs(r.position - bottom) <= _SNAP for r in horizontals)
    return Grid(tuple(xs), tuple(ys), tuple(verticals), tuple(horizontals), foot_ruled)


@dataclass(frozen=True)
class GridRow:
    """One row of a page's part of the table: the words of each column's cell that starts in this row
    (None where a merged cell from above or from the left covers the column)."""
    cells: tuple[list[Word] | None, ...]
    spans: tuple[int, ...]  # columns each cell spans (1 for a covered column)


def grid_rows(grid: Grid, words: list[Word]) -> list[GridRow]:
    """Cells are the rectangles the rules enclose: a cell grows right until a vertical rule, and down
    until a horizontal rule (or the foot of the table on this page)."""
    columns = len(grid.xs) - 1
    bands = len(grid.ys) - 1
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # (band, column) -> the cell's first (band, column)
    extent: dict[tuple[int, int], tuple[int, int]] = {}  # a cell's first (band, column) -> (last band, last column)
    for band in range(bands):
        for column in range(columns):
            if (band, column) in owner:
                continue
            last_column = column
            while last_column + 1 < columns and not grid.ruled_down(grid.xs[last_column + 1], grid.ys[band], grid.ys[band + 1]):
                last_column += 1
            last_band = band
            while last_band + 1 < bands and not grid.ruled_across(grid.ys[last_band + 1], grid.xs[column], grid.xs[column + 1]):
                last_band += 1
            extent[(band, column)] = (last_band, last_column)
            for b in range(band, last_band + 1):
                for c in range(column, last_column + 1):
                    owner[(b, c)] = (band, column)
    contents: dict[tuple[int, int], list[Word]] = {start: [] for start in extent}
    for word in words:
        x, y = word.middle
        column = _index(grid.xs, x)
        band = _index(grid.ys, y)
        if column is not None and band is not None:
            contents[owner[(band, column)]].append(word)
    rows = []
    for band in range(bands):
        starts = [(band, c) in extent for c in range(columns)]
        if not any(starts):
            continue
        cells = tuple(contents[(band, c)] if starts[c] else None for c in range(columns))
        spans = tuple(extent[(band, c)][1] - c + 1 if starts[c] else 1 for c in range(columns))
        rows.append(GridRow(cells, spans))
    return rows


def _index(edges: tuple[float, ...], value: float) -> int | None:
    for i in range(len(edges) - 1):
        if edges[i] <= value <= edges[i + 1]:
            return i
    return None


# --- paragraphs --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Flow:
    """How text wraps in a column: where its lines may end, and the width of a space."""
    right: float  # the right edge the text wraps at (the column's rule less its padding)
    space: float  # width of a space, per point of font size

    def fits(self, line: TextLine, word: Word) -> bool:
        """Would `word` have fitted at the end of `line`? Then the line was ended on purpose (a paragraph
        or a line break), not wrapped."""
        return line.x1 + self.space * word.size + (word.x1 - word.x0) <= self.right + 0.5


def paragraphs_of(lines: list[TextLine], flow: Flow, pitch: float) -> list[list[TextLine]]:
    """Lines -> paragraphs: a new one after a line that ended before the next word would have wrapped,
    after a gap larger than the usual line pitch, or at a bullet."""
    out: list[list[TextLine]] = []
    for line in lines:
        if out:
            previous = out[-1][-1]
            gap = line.baseline - previous.baseline
            if not (flow.fits(previous, line.words[0]) or gap > pitch * 1.3 or starts_item(line)):
                out[-1].append(line)
                continue
        out.append([line])
    return out


def starts_item(line: TextLine) -> bool:
    """A line starting with a bullet: a bullet character, or one glyph the PDF maps to no character
    (pdfminer shows it as '(cid:N)'; symbol-font bullets often are such glyphs)."""
    return len(line.words) > 1 and (line.words[0].text in _BULLETS or bool(_UNMAPPED_RE.fullmatch(line.words[0].text)))


def line_pitch(blocks: list[list[TextLine]]) -> float:
    """The usual distance between the lines of a paragraph: the most common one between consecutive lines
    of the same block (most lines are inside a paragraph)."""
    gaps = [round(b.baseline - a.baseline, 1) for lines in blocks for a, b in zip(lines, lines[1:])
            if 0 < b.baseline - a.baseline < a.words[0].size * 3]
    return statistics.mode(gaps) if gaps else 12.0
