"""Make published-plan documents (.docx, .odt, .pdf) from a reviewed plan, in the layout HMPPS publishes on
GOV.UK: the title block, the boilerplate introduction, then the five-column table with its header row,
'Priority concerns' / 'Key concerns' rows spanning the table, one row per concern and one row for each
further action, whose number and concern cells are empty or merged with the concern's row.

The tests import these documents back and compare the result with the plan they were made from.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
def make_docx(plan: dict, path: Path, merged: bool = True) -> Path:
    """A .docx; `merged`: number and concern cells merged down over the concern's further actions
    (w:vMerge), else left empty."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for text, bold in title_block(plan):
        document.add_paragraph().add_run(text).bold = bold
    rows = table_rows(plan)
    table = document.add_table(rows=1 + len(rows), cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER):
        cell.paragraphs[0].add_run(text).bold = True
    for index, row in enumerate(rows, 1):
        cells = table.rows[index].cells
        if row.label:
            merged_cell = cells[0].merge(cells[4])
            merged_cell.paragraphs[0].add_run(row.label).bold = True
            continue
        for cell, content in zip(cells, row.cells):
            _docx_fill(cell, content)
        if merged and row.first and row.span > 1:
            for column in (0, 1):
                cells[column].merge(table.rows[index + row.span - 1].cells[column])
    document.save(path)
    return path


def _docx_fill(cell, content: list[Paragraph]) -> None:
    for index, paragraph in enumerate(content):
        target = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if paragraph.item:
            target.style = "List Bullet"
        for run in paragraph.runs:
            added = target.add_run(run.text)
            added.bold, added.italic = run.bold or None, run.italic or None


# --- OpenDocument ---------------------------------------------------------------------------------------
def make_odt(plan: dict, path: Path, merged: bool = True) -> Path:
    """An .odt; `merged`: number and concern cells span the concern's rows (number-rows-spanned, with
    covered cells below), else left empty. The header row is a repeated header (table-header-rows)."""
    from odf.opendocument import OpenDocumentText
    from odf.style import PageLayout, PageLayoutProperties, MasterPage, Style, TextProperties
    from odf import table as odf_table, text as odf_text

    document = OpenDocumentText()
    layout = PageLayout(name="Landscape")
    layout.addElement(PageLayoutProperties(pagewidth="29.7cm", pageheight="21cm", printorientation="landscape"))
    document.automaticstyles.addElement(layout)
    document.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))
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

    for text, bold in title_block(plan):
        p = odf_text.P()
        runs_into(p, [Run(text, bold)])
        document.text.addElement(p)
    table = odf_table.Table(name="Plan")
    table.addElement(odf_table.TableColumn(numbercolumnsrepeated=5))
    header_rows = odf_table.TableHeaderRows()
    header = odf_table.TableRow()
    for text in HEADER:
        cell = odf_table.TableCell()
        fill(cell, [Paragraph((Run(text, True),))])
        header.addElement(cell)
    header_rows.addElement(header)
    table.addElement(header_rows)
    covered = 0
    for row in table_rows(plan):
        tr = odf_table.TableRow()
        if row.label:
            cell = odf_table.TableCell(numbercolumnsspanned=5)
            fill(cell, [Paragraph((Run(row.label, True),))])
            tr.addElement(cell)
            for _ in range(4):
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
