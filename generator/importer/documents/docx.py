"""Read a Word (.docx) plan: the paragraphs and tables of the body, in order, with python-docx.

The plan's table is the first one whose first row names its columns ('Concerns' … 'Target Date'); what is
above it is the title block, what is below it is reported as dropped. A vertically merged cell (w:vMerge)
holds its text in its first row and is empty below, a cell spanning columns (w:gridSpan) holds it in its
first column: the same shape a text export of the table has, for the text importer's rules.
"""
from __future__ import annotations

import io

from ..records import failure
from .shape import Document, Paragraph, Run, body_parts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_OFF = {"0", "false", "off", "none"}


def read_docx(data: bytes, source_name: str) -> Document:
    import docx  # python-docx: loaded only when a Word file is imported

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        styles = _Styles(document.styles.element)
    except Exception:  # a damaged package fails in many ways inside python-docx and lxml
        raise failure(source_name, None, "the Word document is damaged and cannot be read",
                      "open it in a word processor, save it again as .docx, and import the new copy") from None
    return Document(tuple(body_parts(_blocks_read(body, styles), source_name)))


def _blocks_read(body, styles: "_Styles"):
    """The body's paragraphs and tables (rows of cells of paragraphs), in reading order."""
    for block in _blocks(body):
        yield _paragraph(block, styles) if block.tag == W + "p" else [_row(tr, styles) for tr in _children(block, "tr")]


# --- the XML --------------------------------------------------------------------------------------------
def _blocks(body):
    """The body's paragraphs and tables in order, looking inside content controls (w:sdt)."""
    return _children(body, "p", "tbl")


def _children(element, *names: str):
    """Direct children named w:<name> (one of `names`), also those wrapped in content controls."""
    tags = {W + name for name in names}
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _children(content, *names)


def _row(tr, styles: "_Styles") -> list[list[Paragraph]]:
    """A table row as one list of paragraphs per grid column (merged cells: text in the first)."""
    properties = tr.find(W + "trPr")
    cells: list[list[Paragraph]] = [[] for _ in range(_grid(properties, "gridBefore"))]
    for tc in _children(tr, "tc"):
        tc_pr = tc.find(W + "tcPr")
        span = _grid(tc_pr, "gridSpan") or 1
        paragraphs = [_paragraph(p, styles) for p in tc.iter(W + "p") if not _inside(p, tc, _SKIPPED_IN_CELL)]
        cells.append(paragraphs)  # a continued vertical merge has no text of its own: empty, as in an export
        cells.extend([] for _ in range(span - 1))
    cells.extend([] for _ in range(_grid(properties, "gridAfter")))
    return cells


def _grid(properties, name: str) -> int:
    element = properties.find(W + name) if properties is not None else None
    value = element.get(W + "val") if element is not None else None
    return int(value) if value and value.isdigit() else 0


def _paragraph(p, styles: "_Styles") -> Paragraph:
    properties = p.find(W + "pPr")
    style = _value(properties, "pStyle")
    own = properties.find(W + "numPr") if properties is not None else None
    item = _numbered(own) if own is not None else styles.numbered(style)
    runs: list[Run] = []
    for r in p.iter(W + "r"):
        if _inside(r, p, _SKIPPED_IN_PARAGRAPH):
            continue
        bold, italic = styles.emphasis(style, r.find(W + "rPr"))
        for child in r:
            tag = child.tag
            if tag == W + "t":
                runs.append(Run(child.text or "", bold, italic))
            elif tag in (W + "tab", W + "ptab"):
                runs.append(Run(" ", bold, italic))
            elif tag in (W + "br", W + "cr"):
                if child.get(W + "type") in (None, "textWrapping"):
                    runs.append(Run("", bold, italic, newline=True))
                else:
                    runs.append(Run(" ", bold, italic))
            elif tag == W + "noBreakHyphen":
                runs.append(Run("-", bold, italic))
    return Paragraph(tuple(runs), bool(item))


def _numbered(num_pr) -> bool:
    """A list paragraph: numbering properties, unless they name numbering 0 (which switches a list off)."""
    return num_pr is not None and _value(num_pr, "numId") != "0"


def _value(element, name: str) -> str | None:
    child = element.find(W + name) if element is not None else None
    return child.get(W + "val") if child is not None else None


# What some elements are inside of, up to the cell or paragraph read: mc:Fallback holds the copy of a
# drawing's text kept for older readers (read once, not twice); w:del and w:moveFrom are tracked
# deletions, not part of the published text; a w:p inside another is a text box's paragraph, read as
# part of the paragraph holding it.
_SKIPPED_IN_CELL = frozenset({_MC_FALLBACK, W + "p"})
_SKIPPED_IN_PARAGRAPH = frozenset({_MC_FALLBACK, W + "del", W + "moveFrom"})


def _inside(element, stop, tags: frozenset[str]) -> bool:
    """Whether an ancestor of `element` below `stop` has one of `tags`."""
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in tags:
            return True
    return False


class _Styles:
    """Bold, italic and list numbering given by paragraph and character styles (through w:basedOn)."""

    def __init__(self, styles_element):
        self._by_id = {s.get(W + "styleId"): s for s in styles_element.iter(W + "style")}

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self._by_id and style_id not in seen:
            seen.add(style_id)
            style = self._by_id[style_id]
            yield style
            style_id = _value(style, "basedOn")

    def numbered(self, style_id: str | None) -> bool:
        for style in self._chain(style_id):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                return _numbered(num_pr)
        return False

    def emphasis(self, paragraph_style: str | None, r_pr) -> tuple[bool, bool]:
        """(bold, italic) of a run: its own properties, else its character style, else the paragraph's."""
        layers = [r_pr] + [s.find(W + "rPr") for s in self._chain(_value(r_pr, "rStyle"))] \
            + [s.find(W + "rPr") for s in self._chain(paragraph_style)]
        return (_flag(layers, ("b",)) or _underlined(layers)), _flag(layers, ("i",))


def _flag(layers, names) -> bool:
    for layer in layers:
        for name in names:
            element = layer.find(W + name) if layer is not None else None
            if element is not None:
                return element.get(W + "val", "true").lower() not in _OFF
    return False


def _underlined(layers) -> bool:
    """Underlined text is shown bold, as the text importer shows <u> (Markdown has no underline)."""
    for layer in layers:
        element = layer.find(W + "u") if layer is not None else None
        if element is not None:
            return element.get(W + "val", "single").lower() not in _OFF
    return False
