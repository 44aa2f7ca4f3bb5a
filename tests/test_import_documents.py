"""Importing the published documents themselves, by example: each of the five reviewed plans in content/
is made into a Word, an OpenDocument and a PDF file in the published layout (tests/documents.py), and
importing that file must give back exactly the plan. Then documents that cannot be imported: each is
refused with one clear message, and nothing is written."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from documents import Layout, TableRow, export_layout, expected, layouts, make_docx, make_odt, make_pdf, make_scan_pdf
from generator.commands import import_plan
from generator.importer import ImportFailure, import_file

NAMESPACES = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


CONTENT = Path(__file__).resolve().parents[1] / "content" / "plans"
PLANS = sorted(CONTENT.glob("*/*.yaml"))
SEEDS = Path(__file__).parent / "seeds"
CASES = Path(__file__).parent / "importer-cases"
MAKERS = {"docx": make_docx, "odt": make_odt, "pdf": make_pdf}


def reviewed(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def small(plan: dict) -> dict:
    """The plan with its first two priority and first two key concerns: quicker to make and read."""
    kept = [c for c in plan["concerns"] if c["kind"] == "priority"][:2] + [c for c in plan["concerns"] if c["kind"] == "key"][:2]
    return {**plan, "concerns": kept}


def plan_id(path: Path) -> str:
    return f"{path.parent.name}-{path.stem}"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """published(plan file, format, merged) -> (document, import result), each made and imported once."""
    made: dict = {}

    def make(path: Path, fmt: str, merged: bool):
        key = (path, fmt, merged)
        if key not in made:
            folder = tmp_path_factory.mktemp(fmt)
            document = MAKERS[fmt](reviewed(path), folder / f"plan.{fmt}", merged=merged)
            made[key] = document, import_file(document)
        return made[key]
    return make


def run(source: Path, tmp_path: Path, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = import_plan.run(str(source), str(tmp_path / "content"), out=out, err=err, **options)
    return status, out.getvalue(), err.getvalue()


# --- every reviewed plan, in every format ---------------------------------------------------------------
@pytest.mark.parametrize("path", PLANS, ids=plan_id)
@pytest.mark.parametrize("fmt, merged", [("docx", True), ("docx", False), ("odt", True), ("odt", False),
                                         ("pdf", True), ("pdf", False)],
                         ids=["docx-merged", "docx-empty", "odt-merged", "odt-empty", "pdf-merged", "pdf-split-rows"])
def test_a_published_document_imports_back_to_exactly_the_plan(path, fmt, merged, published):
    plan = reviewed(path)
    _, result = published(path, fmt, merged)
    assert result.plan == expected(plan)  # establishment, dates, every concern and every action as published
    assert result.relative_path == f"plans/{path.parent.name}/{path.stem}.yaml"
    assert result.coverage.complete, result.coverage.report()
    assert yaml.safe_load(result.yaml_text) == result.plan


def test_a_pdf_row_cut_by_a_page_break_is_joined_back_and_page_furniture_is_reported(published):
    _, result = published(CONTENT / "hmp-peterborough-men" / "2024-01.yaml", "pdf", False)
    joined = [place for place in result.places.values() if place.startswith("pages ")]
    assert joined and all("table row" in place for place in joined)  # e.g. 'pages 1–2, table row 7'
    report = result.coverage.report()
    assert "page 2: page number: 'Page 2'" in report
    assert "page 2: table header row, repeated at the top of the page" in report
    assert "page 2: running header (on every page): 'OFFICIAL'" in report
    assert "page 1, table row 2: section label (sets the kind of the concerns below): 'Priority concerns'" in report
    assert "Unaccounted words (in the source, not in the YAML or the dropped list): none" in report


def test_the_command_imports_a_document_and_names_places_in_it(tmp_path):
    plan = small(reviewed(CONTENT / "hmp-long-lartin" / "2022-12.yaml"))
    source = make_docx(plan, tmp_path / "plan.docx", below_table="Signed on behalf of the Governor")
    status, out, err = run(source, tmp_path)
    assert status == 0, err
    written = tmp_path / "content" / "plans" / "hmp-long-lartin" / "2022-12.yaml"
    assert yaml.safe_load(written.read_text(encoding="utf-8")) == expected(plan)
    assert f"wrote {tmp_path / 'content' / 'plans' / 'hmp-long-lartin' / '2022-12.yaml'}: HMP Long Lartin, 4 concerns" in out
    assert "table row 1: table header row" in out
    assert "paragraph 6: boilerplate introduction" in out
    # text below the table is reported, with a warning naming its paragraph
    assert "text below the table (not part of the plan's table): 'Signed on behalf of the Governor'" in out
    assert f"{source}: paragraph " in err and "text below the table was not imported" in err
    assert "Traceback" not in out + err


def test_a_word_beside_the_table_is_an_unaccounted_word_and_fails_the_command(tmp_path):
    plan = small(reviewed(CONTENT / "hmp-littlehey" / "2023-09.yaml"))
    source = make_pdf(plan, tmp_path / "plan.pdf", beside_table="DRAFT")
    result = import_file(source)
    assert set(result.coverage.unaccounted) == {"DRAFT"}
    assert any("could not place" in w.message and "DRAFT" in w.message for w in result.warnings)
    status, out, err = run(source, tmp_path)
    assert status == 1
    assert "coverage check failed" in err and "unaccounted" in err


def test_bold_italic_and_lists_in_cells_become_markdown(published):
    for fmt in MAKERS:
        _, result = published(CONTENT / "hmp-long-lartin" / "2022-12.yaml", fmt, False)
        concern_11 = next(c for c in result.plan["concerns"] if c["number"] == 11)
        assert concern_11["actions"][0]["text"].startswith("**Pharmacy Staffing**\n\n- A new Pharmacy Assistant"), fmt
        concern_14 = next(c for c in result.plan["concerns"] if c["number"] == 14)
        assert "*(see Priority Concern 5)*" in concern_14["actions"][0]["text"], fmt


def test_word_text_is_read_once_tracked_deletions_left_out_and_a_text_box_read_in_its_paragraph(tmp_path):
    """A drawing's text box is stored twice (mc:Choice, and mc:Fallback for older readers) and its
    paragraphs sit inside the paragraph holding it; a tracked deletion is no longer published text."""
    import docx
    from lxml import etree

    plan = small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))
    path = make_docx(plan, tmp_path / "plan.docx", merged=False)
    document = docx.Document(path)
    first_action = " ".join(plan["concerns"][0]["actions"][0]["text"].split()[:6])
    paragraph = next(p for p in document.tables[0]._tbl.iter(W + "p")
                     if "".join(t.text or "" for t in p.iter(W + "t")).startswith(first_action))
    box = '<w:txbxContent><w:p><w:r><w:t xml:space="preserve"> Boxed words.</w:t></w:r></w:p></w:txbxContent>'
    paragraph.append(etree.fromstring(
        f'<w:r {NAMESPACES}><mc:AlternateContent><mc:Choice Requires="wps">{box}</mc:Choice>'
        f'<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>'))
    paragraph.append(etree.fromstring(f'<w:del {NAMESPACES} w:id="1" w:author="An editor">'
                                      '<w:r><w:delText>Struck out.</w:delText><w:t>Struck out.</w:t></w:r></w:del>'))
    document.save(path)

    result = import_file(path)
    wanted = expected(plan)
    action = wanted["concerns"][0]["actions"][0]
    action["text"] = action["text"].rstrip("\n") + " Boxed words.\n"
    assert result.plan == wanted
    assert result.coverage.complete


def test_a_table_inside_an_opendocument_cell_is_read_as_further_paragraphs_of_the_cell(tmp_path):
    from odf import table as odf_table, text as odf_text
    from odf.opendocument import load

    def text_of(element) -> str:
        return "".join(str(n) if n.nodeType == n.TEXT_NODE else text_of(n) for n in element.childNodes)

    plan = small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))
    document = load(str(make_odt(plan, tmp_path / "made.odt", merged=False)))
    first_action = " ".join(plan["concerns"][0]["actions"][0]["text"].split()[:6])
    cell = next(c for c in document.getElementsByType(odf_table.TableCell) if text_of(c).startswith(first_action))
    inner, row = odf_table.Table(name="Inner"), odf_table.TableRow()
    inner.addElement(odf_table.TableColumn(numbercolumnsrepeated=2))
    for words in ("Inner one.", "Inner two."):
        inner_cell = odf_table.TableCell()
        inner_cell.addElement(odf_text.P(text=words))
        row.addElement(inner_cell)
    inner.addElement(row)
    cell.addElement(inner)
    document.save(str(tmp_path / "plan.odt"))

    result = import_file(tmp_path / "plan.odt")
    wanted = expected(plan)
    action = wanted["concerns"][0]["actions"][0]
    action["text"] = action["text"].rstrip("\n") + "\n\nInner one.\n\nInner two.\n"
    assert result.plan == wanted
    assert result.coverage.complete


def test_a_utf16_text_export_imports_as_its_utf8_copy(tmp_path):
    (seed,) = SEEDS.glob("003_*.txt")
    utf16 = tmp_path / "plan.txt"
    utf16.write_bytes(seed.read_text(encoding="utf-8").encode("utf-16"))
    assert import_file(utf16).plan == import_file(seed).plan


def test_the_format_is_told_by_the_content_not_the_name(tmp_path):
    plan = small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))
    unnamed = make_odt(plan, tmp_path / "download")  # as saved from a browser, without an extension
    assert import_file(unnamed).plan == expected(plan)


# --- the text importer's rules, on documents ---------------------------------------------------------------
# The one-damage examples whose damage a document's table can have too (a header date, a section label, a
# lost or misplaced number). The others are damages of a text export only: a row that lost cells (r4), a
# row cut by a page break (r5a, r5b: a PDF's reader joins those itself), a page number among the rows (r7).
DOCUMENT_CASES = ["r1", "r2a", "r2b", "r2c", "r3", "r6"]


@pytest.mark.parametrize("fmt", MAKERS)
@pytest.mark.parametrize("case", DOCUMENT_CASES)
def test_a_document_is_repaired_by_the_same_rules_as_its_text_export(case, fmt, tmp_path):
    (export,) = CASES.glob(f"{case}_*.txt")
    document = MAKERS[fmt](export_layout(export.read_text(encoding="utf-8")), tmp_path / f"plan.{fmt}")
    from_text, from_document = import_file(export), import_file(document)
    assert from_document.plan == from_text.plan
    assert sorted(w.message for w in from_document.warnings) == sorted(w.message for w in from_text.warnings)
    assert from_document.coverage.complete, from_document.coverage.report()


def test_messages_that_name_another_row_name_its_place_in_the_document(tmp_path):
    header = ("Action Plan: HMP Marshgate\nAction Plan Submitted: 14th March 2024\n"
              "A Response to the HMIP Inspection: 2nd – 12th October 2023\nReport Published: 20th January 2024\n"
              "Report Published: 20th January 2024\n"
              "1. Rec No\t2. Concerns\t3. Response Action Taken/Planned\t4. Responsible Owner\t5. Target Date\n")
    rows = ("\tPriority concerns\t\t\t\n1\tWings were overcrowded.\tA population review will be held.\tGovernor\tMay 2024\n"
            "2\tThe gym was shut\tThe gym will reopen.\tPE Manager\tJuly 2024\n"
            "\tChaplaincy services were limited.\tA second chaplain will be recruited.\tManaging Chaplain\tQ3 2024\n"
            "4\tThe library was rarely open.\tOpening hours will double.\tLibrarian\tMay 2024\n"
            "\tA new timetable is in place.\tThe timetable will be reviewed.\tLibrarian\tAugust 2024\n"
            "5\tVisits were cancelled.\tVisits will be protected.\tGovernor\tJune 2024\n")
    source = make_docx(export_layout(header + rows), tmp_path / "plan.docx")
    result = import_file(source)
    assert [c["number"] for c in result.plan["concerns"]] == [1, 2, 3, 4, 5]
    assert result.coverage.inferred == ("table row 5: concern number 3 (inferred)",)
    assert any("number 5 is printed in table row 8: kept as part of concern 4" in w.message for w in result.warnings)
    assert any(w.message == "Report Published is given twice; used paragraph 4" for w in result.warnings)
    status, _, err = run(source, tmp_path)
    assert status == 0, err
    assert f"{source}: table row 5: warning: concern number missing" in err


def _small_leicester() -> dict:
    return small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))


@pytest.mark.parametrize("fmt", MAKERS)
def test_a_document_holding_two_plans_or_one_plan_twice_is_refused(fmt, tmp_path):
    first, second = _small_leicester(), small(reviewed(CONTENT / "hmp-littlehey" / "2023-09.yaml"))
    two = MAKERS[fmt]([first, second], tmp_path / f"two.{fmt}")
    with pytest.raises(ImportFailure, match=r"two\.\w+: (paragraph|page) \d+: a second plan header follows the table "
                                            r"\(the file holds two plans, or one plan twice\) — import each plan"):
        import_file(two)
    twice = MAKERS[fmt]([first, first], tmp_path / f"twice.{fmt}")
    with pytest.raises(ImportFailure, match=r"concern 1 is printed again, word for word \(first in (page 1, )?table "
                                            r"row 3\): the file holds the plan twice"):
        import_file(twice)
    status, out, err = run(two, tmp_path)
    assert status == 1 and err.endswith("nothing was written\n") and "Traceback" not in out + err
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("fmt", MAKERS)
def test_a_document_whose_table_has_four_columns_is_refused(fmt, tmp_path):
    (layout,) = layouts(_small_leicester())
    four = Layout(layout.title, [row if row.label else TableRow(row.cells[:3] + row.cells[4:], first=row.first,
                                                                span=row.span) for row in layout.rows],
                  layout.header[:3] + layout.header[4:])
    with pytest.raises(ImportFailure, match=r"plan\.\w+: (page 1, )?table row 1: the table has 4 columns \('1. Rec No', "
                                            r"'2. Concerns', '3. Response Action Taken/Planned', '5. Target Date'\), "
                                            r"not five: a column is missing from the document's table — import the "
                                            r"plan as published"):
        import_file(MAKERS[fmt](four, tmp_path / f"plan.{fmt}"))


# --- documents that cannot be imported --------------------------------------------------------------------
def _no_table(tmp_path: Path, fmt: str) -> Path:
    plan = small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))
    return MAKERS[fmt](plan, tmp_path / f"plan.{fmt}", with_table=False)


def _truncated(tmp_path: Path, fmt: str) -> Path:
    plan = small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))
    path = MAKERS[fmt](plan, tmp_path / f"whole.{fmt}")
    cut = tmp_path / f"plan.{fmt}"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return cut


def _renamed(tmp_path: Path, made: str, named: str) -> Path:
    plan = small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))
    path = MAKERS[made](plan, tmp_path / f"made.{made}")
    return path.rename(tmp_path / f"plan.{named}")


def _password_pdf(tmp_path: Path) -> Path:
    plan = small(reviewed(CONTENT / "hmp-leicester" / "2023-02.yaml"))
    return make_pdf(plan, tmp_path / "plan.pdf", encrypt="secret")


def _password_docx(tmp_path: Path) -> Path:
    # Word saves a password-protected file as an OLE compound file holding an 'EncryptedPackage' stream
    path = tmp_path / "plan.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le"))
    return path


@pytest.mark.parametrize("make, message", [
    (lambda tmp: _no_table(tmp, "docx"), "no table found"),
    (lambda tmp: _no_table(tmp, "odt"), "no table found"),
    (lambda tmp: _no_table(tmp, "pdf"), "no table found"),
    (lambda tmp: make_scan_pdf(tmp / "plan.pdf"), "the PDF has no text layer (it is a scanned image)"),
    (_password_pdf, "the PDF is password-protected"),
    (_password_docx, "the document is password-protected"),
    (lambda tmp: _truncated(tmp, "pdf"), "the PDF is incomplete"),
    (lambda tmp: _truncated(tmp, "docx"), "the file is damaged or incomplete"),
    (lambda tmp: _truncated(tmp, "odt"), "the file is damaged or incomplete"),
    (lambda tmp: _renamed(tmp, "docx", "pdf"), "the file is named .pdf but is a Word document (.docx) — rename it plan.docx"),
    (lambda tmp: _renamed(tmp, "pdf", "odt"), "the file is named .odt but is a PDF — rename it plan.pdf"),
    (lambda tmp: _renamed(tmp, "odt", "txt"), "the file is named .txt but is an OpenDocument text (.odt)"),
], ids=["docx-no-table", "odt-no-table", "pdf-no-table", "scan", "pdf-password", "docx-password",
        "pdf-truncated", "docx-truncated", "odt-truncated", "docx-named-pdf", "pdf-named-odt", "odt-named-txt"])
def test_a_broken_document_is_refused_with_one_clear_line_and_nothing_is_written(make, message, tmp_path):
    source = make(tmp_path)
    with pytest.raises(ImportFailure) as error:
        import_file(source)
    assert message in str(error.value)
    assert " — " in str(error.value) and "\n" not in str(error.value)
    status, out, err = run(source, tmp_path)
    assert status == 1
    assert err.splitlines() == [f"error: {error.value}", "nothing was written"]
    assert not (tmp_path / "content").exists()
