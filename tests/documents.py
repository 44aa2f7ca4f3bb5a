"""Make published-plan documents (.docx, .odt, .pdf) from a reviewed plan, in the layout HMPPS publishes on
GOV.UK: the title block, the boilerplate introduction, then the five-column table with its header row,
'Priority concerns' / 'Key concerns' rows spanning the table, one row per concern and one row for each
further action, whose number and concern cells are empty or merged with the concern's row.

The tests import these documents back and compare the result with the plan they were made from. A maker
also takes a `Layout` made from a text export (`export_layout`: the same title block and rows, so a document
and a text export of one plan can be compared), or a list of plans printed one after another in one file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt

HEADER = ("1. Rec No", "2. Concerns", "3. Response Action Taken/Planned", "4. Responsible Owner", "5. Target Date")
INTRODUCTION = (
    "HM Inspectorate of Prisons (HMIP) and HM Inspectorate of Probation for England and Wales are independent "
    "inspectorates which provide scrutiny of the conditions for, and treatment of prisoners and offenders. "
    "In response to the report HMPPS / MoJ are required to draft a robust and timely action plan to address "
    "the priority and key concerns. Action plans are sent to HMIP and published on the GOV.UK website.")
LABELS = {"priority": "Priority concerns", "key": "Key concerns"}


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    item: bool = False  # a bulleted list item

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def paragraphs(markdown: str) -> list[Paragraph]:
    """A plan's Markdown text field as the paragraphs and list items a document shows."""
    out: list[Paragraph] = []
    item = False
    tokens = MarkdownIt("commonmark").parse(markdown)
    for token in tokens:
        if token.type == "list_item_open":
            item = True
        elif token.type == "list_item_close":
            item = False
        elif token.type == "inline":
            runs, bold, italic = [], False, False
            for child in token.children:
                if child.type == "text":
                    runs.append(Run(child.content, bold, italic))
                elif child.type in ("softbreak", "hardbreak"):
                    runs.append(Run(" ", bold, italic))
                elif child.type in ("strong_open", "strong_close"):
                    bold = child.type == "strong_open"
                elif child.type in ("em_open", "em_close"):
                    italic = child.type == "em_open"
                else:
                    raise ValueError(f"no document form for Markdown {child.type!r}")
            out.append(Paragraph(tuple(runs), item))
    return out


def plain(text: str) -> list[Paragraph]:
    return [Paragraph((Run(text),))]


def day(date: dt.date) -> str:
    """'5th June 2023', as plans write dates."""
    suffix = "th" if 11 <= date.day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(date.day % 10, "th")
    return f"{date.day}{suffix} {date:%B %Y}"


def date_range(start: dt.date, end: dt.date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return f"{day(start).rsplit(' ', 2)[0]} – {day(end)}"
    if start.year == end.year:
        return f"{day(start).rsplit(' ', 1)[0]} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def title_block(plan: dict) -> list[tuple[str, bool]]:
    """(text, bold) of each paragraph above the table."""
    return [(plan["source"]["title"], True),
            (f"Action Plan Submitted: {day(plan['plan_submitted'])}", False),
            (f"A Response to the HMIP Inspection: {date_range(plan['inspection']['start'], plan['inspection']['end'])}", False),
            (f"Report Published: {day(plan['report_published'])}", False),
            ("INTRODUCTION", True),
            (INTRODUCTION, False),
            ("ACTION PLAN: HMCIP REPORT", True),
            (f"ESTABLISHMENT: {plan['establishment'].upper()}", True)]


@dataclass(frozen=True)
class TableRow:
    """One row of the published table: five cells of paragraphs, or a label spanning the table.
    `first` is the row that starts a concern, `span` how many rows its number and concern cells cover."""
    cells: tuple[list[Paragraph], ...]
    label: str = ""
    first: bool = False
    span: int = 1


def table_rows(plan: dict) -> list[TableRow]:
    rows: list[TableRow] = []
    kind = None
    for concern in plan["concerns"]:
        if concern["kind"] != kind:
            kind = concern["kind"]
            rows.append(TableRow((), label=LABELS[kind]))
        actions = concern["actions"]
        for index, action in enumerate(actions):
            number = plain(str(concern["number"])) if index == 0 else []
            text = paragraphs(concern["text"]) if index == 0 else []
            rows.append(TableRow((number, text, paragraphs(action["text"]), plain(action["owner"]),
                                  plain(action["target"])), first=index == 0, span=len(actions) if index == 0 else 1))
    return rows


@dataclass(frozen=True)
class Layout:
    """What a maker prints for one plan: the title block, the table's header row and its rows."""
    title: list[tuple[str, bool]]
    rows: list[TableRow]
    header: tuple[str, ...] = field(default=HEADER)


def layouts(plan) -> list[Layout]:
    """The plans a maker prints one after another: a plan, a Layout, or a list of them."""
    return [p if isinstance(p, Layout) else Layout(title_block(p), table_rows(p))
            for p in (plan if isinstance(plan, list) else [plan])]


def export_layout(text: str) -> Layout:
    """A text export (tests/importer-cases/) as a document would show it: each line above the table's header
    row a title-block paragraph, each row of the table a row of the document's table, every row ruled off
    (no merged cells); a cell's <p>, <li> and <br> start paragraphs, <b>/<strong> and <i>/<em> style them."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.count("\t") >= 2)
    title = [(line, False) for line in lines[:start] if line.strip()]
    header = tuple(lines[start].split("\t"))
    rows = []
    for line in lines[start + 1:]:
        if line.strip():
            fields = line.split("\t")
            assert len(fields) == len(header), f"a row of {len(fields)} cells: no document row has that shape: {line!r}"
            rows.append(TableRow(tuple(_cell_paragraphs(f) for f in fields), first=True))
    return Layout(title, rows, header)


class _CellParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self.runs: list[Run] = []
        self.bold = self.italic = self.item = False

    def end_paragraph(self):
        if "".join(r.text for r in self.runs).strip():
            self.paragraphs.append(Paragraph(tuple(self.runs), self.item))
        self.runs = []

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li", "br"):
            self.end_paragraph()
            self.item = tag == "li" or (tag == "br" and self.item)
        self.bold = self.bold or tag in ("b", "strong")
        self.italic = self.italic or tag in ("i", "em")

    def handle_endtag(self, tag):
        if tag in ("p", "li"):
            self.end_paragraph()
            self.item = False
        self.bold = self.bold and tag not in ("b", "strong")
        self.italic = self.italic and tag not in ("i", "em")

    def handle_data(self, data):
        self.runs.append(Run(data, self.bold, self.italic))


def _cell_paragraphs(cell: str) -> list[Paragraph]:
    parser = _CellParser()
    parser.feed(cell)
    parser.close()
    parser.end_paragraph()
    return parser.paragraphs


def expected(plan: dict) -> dict:
    """What importing a document made from `plan` must give: the plan without what a published document
    does not hold (themes, editors' corrections, updates)."""
    return {
        "establishment": plan["establishment"],
        "inspection": plan["inspection"],
        "report_published": plan["report_published"],
        "plan_submitted": plan["plan_submitted"],
        "source": {"title": plan["source"]["title"]},
        "concerns": [{"number": c["number"], "kind": c["kind"], "text": c["text"],
                      "actions": [{"text": a["text"], "owner": a["owner"], "target": a["target"]}
                                  for a in c["actions"]]}
                     for c in plan["concerns"]],
    }


# --- Word -----------------------------------------------------------------------------------------------
def make_docx(plan, path: Path, merged: bool = True, with_table: bool = True, below_table: str = "") -> Path:
    """A .docx of a plan or Layout (or several, one after another); `merged`: number and concern cells
    merged down over the concern's further actions (w:vMerge), else left empty; `with_table=False` leaves
    the table out; `below_table`: a paragraph after it."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for layout in layouts(plan):
        for text, bold in layout.title:
            document.add_paragraph().add_run(text).bold = bold
        if with_table:
            _docx_table(document, layout, merged)
    if below_table:
        document.add_paragraph(below_table)
    document.save(path)
    return path


def _docx_table(document, layout: Layout, merged: bool) -> None:
    columns = len(layout.header)
    table = document.add_table(rows=1 + len(layout.rows), cols=columns)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, layout.header):
        cell.paragraphs[0].add_run(text).bold = True
    for index, row in enumerate(layout.rows, 1):
        cells = table.rows[index].cells
        if row.label:
            merged_cell = cells[0].merge(cells[columns - 1])
            merged_cell.paragraphs[0].add_run(row.label).bold = True
            continue
        for cell, content in zip(cells, row.cells):
            _docx_fill(cell, content)
        if merged and row.first and row.span > 1:
            for column in (0, 1):
                cells[column].merge(table.rows[index + row.span - 1].cells[column])


def _docx_fill(cell, content: list[Paragraph]) -> None:
    for index, paragraph in enumerate(content):
        target = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if paragraph.item:
            target.style = "List Bullet"
        for run in paragraph.runs:
            added = target.add_run(run.text)
            added.bold, added.italic = run.bold or None, run.italic or None


# --- OpenDocument ---------------------------------------------------------------------------------------
def make_odt(plan, path: Path, merged: bool = True, with_table: bool = True) -> Path:
    """An .odt of a plan or Layout (or several, one after another); `merged`: number and concern cells span
    the concern's rows (number-rows-spanned, with covered cells below), else left empty. The header row is
    a repeated header (table-header-rows)."""
    from odf.opendocument import OpenDocumentText
    from odf.style import PageLayout, PageLayoutProperties, MasterPage, Style, TextProperties
    from odf import table as odf_table, text as odf_text

    document = OpenDocumentText()
    page = PageLayout(name="Landscape")
    page.addElement(PageLayoutProperties(pagewidth="29.7cm", pageheight="21cm", printorientation="landscape"))
    document.automaticstyles.addElement(page)
    document.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=page))
    styles = {}
    for name, properties in (("Bold", {"fontweight": "bold"}), ("Italic", {"fontstyle": "italic"}),
                             ("BoldItalic", {"fontweight": "bold", "fontstyle": "italic"})):
        style = Style(name=name, family="text")
        style.addElement(TextProperties(**properties))
        document.automaticstyles.addElement(style)
        styles[name] = style

    def runs_into(element, runs):
        for run in runs:
            name = "BoldItalic" if run.bold and run.italic else "Bold" if run.bold else "Italic" if run.italic else ""
            element.addElement(odf_text.Span(stylename=styles[name], text=run.text) if name else
                               odf_text.Span(text=run.text))

    def fill(cell, content):
        items = None
        for paragraph in content:
            p = odf_text.P()
            runs_into(p, paragraph.runs)
            if paragraph.item:
                if items is None:
                    items = odf_text.List()
                    cell.addElement(items)
                item = odf_text.ListItem()
                item.addElement(p)
                items.addElement(item)
            else:
                items = None
                cell.addElement(p)

    for number, layout in enumerate(layouts(plan), 1):
        for text, bold in layout.title:
            p = odf_text.P()
            runs_into(p, [Run(text, bold)])
            document.text.addElement(p)
        if not with_table:
            continue
        columns = len(layout.header)
        table = odf_table.Table(name=f"Plan{number}")
        table.addElement(odf_table.TableColumn(numbercolumnsrepeated=columns))
        header_rows = odf_table.TableHeaderRows()
        header = odf_table.TableRow()
        for text in layout.header:
            cell = odf_table.TableCell()
            fill(cell, [Paragraph((Run(text, True),))])
            header.addElement(cell)
        header_rows.addElement(header)
        table.addElement(header_rows)
        covered = 0
        for row in layout.rows:
            tr = odf_table.TableRow()
            if row.label:
                cell = odf_table.TableCell(numbercolumnsspanned=columns)
                fill(cell, [Paragraph((Run(row.label, True),))])
                tr.addElement(cell)
                for _ in range(columns - 1):
                    tr.addElement(odf_table.CoveredTableCell())
            else:
                for column, content in enumerate(row.cells):
                    if column < 2 and merged and not row.first and covered:
                        tr.addElement(odf_table.CoveredTableCell())
                        continue
                    spans = {"numberrowsspanned": row.span} if column < 2 and merged and row.first and row.span > 1 else {}
                    cell = odf_table.TableCell(**spans)
                    fill(cell, content)
                    tr.addElement(cell)
                covered = row.span - 1 if row.first else max(0, covered - 1)
            table.addElement(tr)
        document.text.addElement(table)
    document.save(str(path))
    return path


# --- PDF --------------------------------------------------------------------------------------------------
def make_pdf(plan, path: Path, merged: bool = True, running_header: str = "OFFICIAL",
             encrypt: str | None = None, beside_table: str = "", with_table: bool = True) -> Path:
    """A PDF as Word prints a plan or Layout (several: each from a new page): A4 landscape, the header row
    repeated on every page, page numbers in the footer, a running header. `merged`: number and concern
    cells span the concern's rows, and the table breaks between rows; else those cells are empty, and long
    rows are split over pages (the part at the foot of a page left open, not ruled off). `beside_table`: a
    note printed in the right margin beside the table; `with_table=False` leaves the table out; `encrypt`:
    a password needed to open it."""
    font_size = 6.5 if merged else 8  # a concern's merged cells cannot break over pages: small type fits them
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph as Para, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=font_size, leading=font_size * 1.25,
                          spaceAfter=font_size * 0.5)
    item = ParagraphStyle("item", parent=body, leftIndent=10, bulletIndent=0)
    title = ParagraphStyle("title", parent=body, fontSize=11, leading=14, spaceAfter=6)

    def markup(runs) -> str:
        out = []
        for run in runs:
            text = escape(run.text)
            if run.italic:
                text = f"<i>{text}</i>"
            if run.bold:
                text = f"<b>{text}</b>"
            out.append(text)
        return "".join(out)

    def flowables(content):
        return [Para(markup(p.runs), item, bulletText="\u2022") if p.item else Para(markup(p.runs), body)
                for p in content]

    def table(layout: Layout):
        columns = len(layout.header)
        data = [[Para(f"<b>{escape(h)}</b>", body) for h in layout.header]]
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBEFORE", (0, 0), (-1, -1), 0.5, colors.black),
                 ("LINEAFTER", (-1, 0), (-1, -1), 0.5, colors.black), ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.black),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]
        for row in layout.rows:
            r = len(data)
            if row.label:
                data.append([Para(f"<b>{escape(row.label)}</b>", body)] + [""] * (columns - 1))
                style += [("SPAN", (0, r), (-1, r)), ("LINEABOVE", (0, r), (-1, r), 0.5, colors.black)]
                continue
            data.append([flowables(content) for content in row.cells])
            first_column = 2 if merged and not row.first else 0
            style.append(("LINEABOVE", (first_column, r), (-1, r), 0.5, colors.black))
            if merged and row.first and row.span > 1:
                style += [("SPAN", (0, r), (0, r + row.span - 1)), ("SPAN", (1, r), (1, r + row.span - 1))]
        style.append(("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.black))
        widths = [1.6 * cm, 6.4 * cm, 11.2 * cm, 4 * cm, 3.4 * cm] if columns == 5 else [26.6 * cm / columns] * columns
        # reportlab splits a row over two pages only where no cell spans rows (so merged tables break between rows)
        splits = {"splitByRow": 1, "splitInRow": 0} if merged else {"splitByRow": 0, "splitInRow": 1}
        return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style), **splits)

    story = []
    for number, layout in enumerate(layouts(plan)):
        story += ([PageBreak()] if number else []) + [Para(markup([Run(text, bold)]), title)
                                                      for text, bold in layout.title] + [Spacer(1, 6)]
        if with_table:
            story.append(table(layout))

    def furniture(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        if running_header:
            canvas.drawCentredString(document.pagesize[0] / 2, document.pagesize[1] - 1 * cm, running_header)
        canvas.drawCentredString(document.pagesize[0] / 2, 0.8 * cm, f"Page {document.page}")
        if beside_table:
            canvas.drawString(document.pagesize[0] - 1.2 * cm, document.pagesize[1] / 3, beside_table)
        canvas.restoreState()

    SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                      topMargin=1.6 * cm, bottomMargin=1.6 * cm, encrypt=encrypt,
                      title=layouts(plan)[0].title[0][0]).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path


def make_scan_pdf(path: Path) -> Path:
    """A PDF as a scanner makes it: each page an image, no text layer."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=landscape(A4))
    canvas.drawImage(ImageReader(Image.new("L", (60, 40), 200)), 40, 40, 760, 500)
    canvas.showPage()
    canvas.save()
    return path
