"""Read an OpenDocument text (.odt) plan: the paragraphs and tables of the body, in order, with odfpy.

As for Word: the plan's table is the first whose first row names its columns; above it is the title block,
below it is reported as dropped. A cell covered by a span (table:covered-table-cell, left by
number-rows-spanned and number-columns-spanned) is empty: its text is in the spanning cell, as in a text
export of the table. Bold, italic and underline come from the automatic and named styles (style chains).
"""
from __future__ import annotations

import io
import zipfile

from ..records import failure
from .shape import Document, Paragraph, Run, body_parts

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ROW_CONTAINERS = {(TABLE, "table-header-rows"), (TABLE, "table-rows"), (TABLE, "table-row-group")}
_SKIPPED = {(OFFICE, "annotation"), (OFFICE, "annotation-end"), (TEXT, "tracked-changes")}


def read_odt(data: bytes, source_name: str) -> Document:
    from odf.opendocument import load  # odfpy: loaded only when an OpenDocument file is imported

    if _encrypted(data):
        raise failure(source_name, None, "the document is password-protected",
                      "open it, save a copy without a password, and import that copy")
    try:
        document = load(io.BytesIO(data))
        body = document.text
        styles = _Styles([document.styles, document.automaticstyles])
    except Exception:  # a damaged package fails in many ways inside odfpy and its XML parser
        raise failure(source_name, None, "the OpenDocument file is damaged and cannot be read",
                      "open it in a word processor, save it again as .odt, and import the new copy") from None
    return Document(tuple(body_parts(_blocks_read(body, styles), source_name)))


def _encrypted(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"encryption-data" in archive.read("META-INF/manifest.xml")
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        return False


def _blocks_read(body, styles: "_Styles"):
    """The body's paragraphs and tables (rows of cells of paragraphs), in reading order."""
    for block in _blocks(body):
        yield _paragraph(block, styles) if block.qname != (TABLE, "table") else [_row(tr, styles) for tr in _rows(block)]


# --- the XML --------------------------------------------------------------------------------------------
def _elements(node):
    return [child for child in node.childNodes if getattr(child, "qname", None) and child.qname not in _SKIPPED]


def _blocks(node):
    """Paragraphs, headings, list items' paragraphs and tables in order, looking inside sections and lists."""
    for child in _elements(node):
        name = child.qname
        if name in ((TEXT, "p"), (TEXT, "h"), (TABLE, "table")):
            yield child
        elif name == (TEXT, "list-item"):
            for inner in _blocks(child):
                yield inner if inner.qname == (TABLE, "table") else _ListItem(inner)
        elif name[0] in (TEXT, OFFICE) and name[1] in ("list", "section", "list-header", "index-body",
                                                       "table-of-content", "illustration-index", "text"):
            yield from _blocks(child)


class _ListItem:
    """A paragraph of a list item (odfpy elements cannot be marked, so it is wrapped)."""
    qname = (TEXT, "list-item")

    def __init__(self, element):
        self.element = element


def _rows(table):
    for child in _elements(table):
        if child.qname == (TABLE, "table-row"):
            for _ in range(_count(child, "number-rows-repeated")):
                yield child
        elif child.qname in _ROW_CONTAINERS:
            yield from _rows(child)


def _row(tr, styles: "_Styles") -> list[list[Paragraph]]:
    cells: list[list[Paragraph]] = []
    for cell in _elements(tr):
        if cell.qname not in ((TABLE, "table-cell"), (TABLE, "covered-table-cell")):
            continue
        blocks = [] if cell.qname == (TABLE, "covered-table-cell") else list(_blocks(cell))
        # a table inside a cell: its paragraphs, row by row, as paragraphs of the cell (after the cell's own)
        content = [_paragraph(b, styles) for b in blocks if b.qname != (TABLE, "table")] + [
            p for table in blocks if table.qname == (TABLE, "table") for tr in _rows(table)
            for c in _row(tr, styles) for p in c]
        cells.append(content)
        cells.extend([] for _ in range(_count(cell, "number-columns-repeated") - 1))
    return cells


def _count(element, name: str) -> int:
    value = element.getAttrNS(TABLE, name)
    return int(value) if value and str(value).isdigit() else 1


def _paragraph(block, styles: "_Styles") -> Paragraph:
    """A paragraph or heading, or a list item's paragraph (wrapped in _ListItem by _blocks)."""
    item = isinstance(block, _ListItem)
    element = block.element if item else block
    runs: list[Run] = []
    _collect(element, styles, [element.getAttrNS(TEXT, "style-name")], runs)
    return Paragraph(tuple(runs), item)


def _collect(node, styles: "_Styles", chain: list, runs: list[Run]) -> None:
    bold, italic = styles.emphasis(chain)
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            runs.append(Run(str(child.data), bold, italic))
            continue
        name = getattr(child, "qname", None)
        if name is None or name in _SKIPPED:
            continue
        if name == (TEXT, "s"):
            runs.append(Run(" " * _space_count(child), bold, italic))
        elif name == (TEXT, "tab"):
            runs.append(Run(" ", bold, italic))
        elif name == (TEXT, "line-break"):
            runs.append(Run("", bold, italic, newline=True))
        elif name in ((TEXT, "note-citation"), (TEXT, "soft-page-break")):
            continue
        else:  # spans, links, fields, notes' bodies: their text, with their style on top
            _collect(child, styles, chain + [child.getAttrNS(TEXT, "style-name")], runs)


def _space_count(element) -> int:
    value = element.getAttrNS(TEXT, "c")
    return int(value) if value and str(value).isdigit() else 1


class _Styles:
    """Bold and italic of named and automatic styles, through their parent styles."""

    def __init__(self, containers):
        self._by_name = {}
        for container in containers:
            for style in _elements(container):
                if style.qname == (STYLE, "style"):
                    self._by_name[style.getAttrNS(STYLE, "name")] = style

    def _own(self, name: str | None) -> tuple[bool | None, bool | None]:
        bold = italic = None
        seen = set()
        while name and name in self._by_name and name not in seen:
            seen.add(name)
            style = self._by_name[name]
            for properties in _elements(style):
                if properties.qname != (STYLE, "text-properties"):
                    continue
                if bold is None:
                    bold = _bold(properties)
                if italic is None:
                    style_value = properties.getAttrNS(FO, "font-style")
                    italic = None if style_value is None else style_value in ("italic", "oblique")
            name = style.getAttrNS(STYLE, "parent-style-name")
        return bold, italic

    def emphasis(self, chain: list) -> tuple[bool, bool]:
        """The innermost style that says wins (a span inside a bold paragraph may say 'normal')."""
        bold = italic = False
        for name in chain:
            own_bold, own_italic = self._own(name)
            bold = bold if own_bold is None else own_bold
            italic = italic if own_italic is None else own_italic
        return bold, italic


def _bold(properties) -> bool | None:
    """Bold, or underlined (shown bold, as the text importer shows <u>: Markdown has no underline)."""
    weight = properties.getAttrNS(FO, "font-weight")
    underline = properties.getAttrNS(STYLE, "text-underline-style")
    if underline not in (None, "none"):
        return True
    if weight is None:
        return None
    return weight == "bold" or (str(weight).isdigit() and int(weight) >= 600)
