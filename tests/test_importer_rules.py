"""The importer's general rules, each on small plans written for the test (other words, numbers and
places than the seeds): section labels, numbering, targets, header dates, values continued over a
page break, numbers and page numbers, and what it refuses."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import yaml

from generator.commands import import_plan
from generator.importer import ImportFailure, import_file, import_text

HEADER = """Action Plan: HMP Marshgate
Action Plan Submitted: 14th March 2024
A Response to the HMIP Inspection: 2nd – 12th October 2023
Report Published: 20th January 2024
1. Rec No\t2. Concerns\t3. Response Action Taken/Planned\t4. Responsible Owner\t5. Target Date
"""
FIRST_ROW = 6  # the line of the first row after HEADER


def imported(rows: str, header: str = HEADER):
    """Import a plan and check that every word is accounted for."""
    result = import_text(header + rows, "marshgate.txt")
    assert result.coverage.unaccounted == () and result.coverage.invented == ()
    assert yaml.safe_load(result.yaml_text) == result.plan
    return result


def concerns(result) -> list[tuple[int, str, str]]:
    return [(c["number"], c["kind"], c["text"]) for c in result.plan["concerns"]]


def actions(result, number: int) -> list[tuple[str, str, str]]:
    (concern,) = [c for c in result.plan["concerns"] if c["number"] == number]
    return [(a["text"], a["owner"], a["target"]) for a in concern["actions"]]


def warnings(result) -> list[str]:
    return [w.message for w in result.warnings]


def dropped(result, reason: str) -> list[str]:
    return [d.text for d in result.coverage.dropped if d.reason.startswith(reason)]


PRIORITY = "\tPriority concerns\t\t\t\n1\tWings were overcrowded.\tA population review will be held.\tGovernor\tMay 2024\n"


# --- section labels ------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", [
    "<b>Key concerns</b><br>Education places were too few.",
    "<p><strong>Key Concerns</strong></p><p>Education places were too few.</p>",
    "<b>Key concerns:</b> Education places were too few.",
    "<b>Key concerns –</b> Education places were too few.",
    "Key concerns — Education places were too few.",
    "Key concerns - Education places were too few.",
    "KEY CONCERNS: Education places were too few.",
    "Key concerns Education places were too few.",
])
def test_a_key_concerns_label_starting_the_concern_cell_is_a_label(cell):
    result = imported(PRIORITY + f"2\t{cell}\tMore classes will run.\tHead of Learning\tSeptember 2024\n")
    assert concerns(result) == [(1, "priority", "Wings were overcrowded.\n"),
                                (2, "key", "Education places were too few.\n")]
    assert [label.lower() for label in dropped(result, "section label (at the start")] == ["key concerns"]


@pytest.mark.parametrize("number_cell", ["Key concerns 2", "Key Concerns: 2", "<b>Key concerns</b><br>2",
                                         "Key concerns – 2"])
def test_a_key_concerns_label_starting_the_number_cell_leaves_the_number(number_cell):
    result = imported(PRIORITY + f"{number_cell}\tEducation places were too few.\tMore classes will run.\tHead of Learning\tSeptember 2024\n")
    assert concerns(result)[1] == (2, "key", "Education places were too few.\n")
    assert not any("not a number" in w for w in warnings(result))


def test_a_label_followed_by_the_number_in_the_concern_cell():
    for number_cell, concern_cell in (("", "Key concerns 2. Education places were too few."),
                                      ("Key concerns", "2. Education places were too few.")):
        result = imported(PRIORITY + f"{number_cell}\t{concern_cell}\tMore classes will run.\tHead of Learning\tSeptember 2024\n")
        assert concerns(result)[1] == (2, "key", "Education places were too few.\n")


def test_a_label_on_a_row_that_lost_its_empty_number_cell_starts_the_next_concern():
    result = imported(PRIORITY + "Key concerns – Laundry was slow.\tNew machines will be bought.\tGovernor\tJune 2024\n"
                                 "3)\tMail was late.\tMail will be sorted daily.\tHub Manager\tJuly 2024\n")
    assert concerns(result)[1:] == [(2, "key", "Laundry was slow.\n"), (3, "key", "Mail was late.\n")]


def test_a_label_only_row_with_punctuation_is_a_label():
    result = imported("\t<b>Priority concerns:</b>\t\t\t\n1\tWings were overcrowded.\tReview.\tGovernor\tMay 2024\n"
                      "\tKey Concerns –\t\t\t\n2\tLaundry was slow.\tNew machines.\tGovernor\tJune 2024\n")
    assert [kind for _, kind, _ in concerns(result)] == ["priority", "key"]


def test_prose_that_starts_like_a_label_stays_text():
    result = imported(PRIORITY + "2\tKey concerns were not shared with staff.\tBriefings will start.\tGovernor\tJune 2024\n")
    assert concerns(result)[1] == (2, "priority", "Key concerns were not shared with staff.\n")


def test_a_plan_that_ends_with_no_key_concerns_is_warned():
    result = imported(PRIORITY + "2\tLaundry was slow.\tNew machines.\tGovernor\tJune 2024\n")
    assert [kind for _, kind, _ in concerns(result)] == ["priority", "priority"]
    assert any(w.line == FIRST_ROW + 2 and "ends with no key concerns" in w.message for w in result.warnings)
    with_key = imported(PRIORITY + "\tKey concerns\t\t\t\n2\tLaundry was slow.\tNew machines.\tGovernor\tJune 2024\n")
    assert not any("no key concerns" in w for w in warnings(with_key))


# --- numbering decides concerns ----------------------------------------------------------------------
def test_a_skipped_number_is_the_unnumbered_concern_whatever_ended_the_text_above():
    for ending in ("", ",", " and", ":"):
        result = imported(PRIORITY +
                          f"2\tThe gym was shut{ending}\tThe gym will reopen.\tPE Manager\tJuly 2024\n"
                          "\tChaplaincy services were limited.\tA second chaplain will be recruited.\tManaging Chaplain\tQ3 2024\n"
                          "4\tThe library was rarely open.\tOpening hours will double.\tLibrarian\tMay 2024\n")
        assert [n for n, _, _ in concerns(result)] == [1, 2, 3, 4]
        assert concerns(result)[2] == (3, "priority", "Chaplaincy services were limited.\n")
        assert result.coverage.inferred == (f"line {FIRST_ROW + 3}: concern number 3 (inferred)",)


def test_an_unnumbered_row_never_takes_a_number_printed_below():
    result = imported(PRIORITY +
                      "2\tThe gym was shut.\tThe gym will reopen.\tPE Manager\tJuly 2024\n"
                      "\tA new timetable is in place.\tThe timetable will be reviewed.\tPE Manager\tAugust 2024\n"
                      "3\tThe library was rarely open.\tOpening hours will double.\tLibrarian\tMay 2024\n")
    assert [n for n, _, _ in concerns(result)] == [1, 2, 3]
    assert concerns(result)[1][2] == "The gym was shut.\n\nA new timetable is in place.\n"
    assert actions(result, 2)[1] == ("The timetable will be reviewed.\n", "PE Manager", "August 2024")
    assert any("number 3 is printed on line 10" in w for w in warnings(result))


def test_a_short_row_never_starts_a_concern():
    # the row lost its two leading empty cells; its target is in no form the importer knows
    result = imported(PRIORITY + "\tPainting has been ordered.\tHead of Estates\tTBC\n"
                                 "2\tLaundry was slow.\tNew machines.\tGovernor\tJune 2024\n")
    assert [n for n, _, _ in concerns(result)] == [1, 2]
    assert actions(result, 1)[1] == ("Painting has been ordered.\n", "Head of Estates", "TBC")


def test_a_number_printed_at_the_start_of_the_concern_cell_is_the_number():
    result = imported(PRIORITY + "\t2. Laundry was slow.\tNew machines.\tGovernor\tJune 2024\n"
                                 "\t3) Kitchens were dirty.\tDeep clean.\tCatering Manager\tJuly 2024\n")
    assert concerns(result)[1:] == [(2, "priority", "Laundry was slow.\n"), (3, "priority", "Kitchens were dirty.\n")]
    assert result.coverage.inferred == ()  # the numbers are the source's own words


def test_a_number_at_the_start_of_concern_text_that_does_not_fit_the_numbering_stays_text():
    result = imported("\tPriority concerns\t\t\t\n"
                      "4\tThere were two problems:\tA review will be held.\tGovernor\tMay 2024\n"
                      "\t1. Cells were cold.\t\t\t\n"
                      "\t12 prisoners had no heating.\t\t\t\n")
    assert concerns(result) == [(4, "priority", "There were two problems:\n\n1\\. Cells were cold.\n\n"
                                                "12 prisoners had no heating.\n")]


def test_a_plan_printing_a_number_twice_fails_like_check_and_coverage_still_balances(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text(HEADER + PRIORITY + "2\tLaundry was slow.\tNew machines.\tGovernor\tJune 2024\n"
                      "\tKey concerns\t\t\t\n2\tMail was late.\tMail will be sorted daily.\tHub Manager\tJune 2024\n",
                      encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert import_plan.run(str(source), str(tmp_path / "content"), out=out, err=err) == 1
    assert "number 2 is used twice" in err.getvalue()
    assert "would fail `actionplans check`" in err.getvalue()
    assert "importer bug" not in err.getvalue()
    assert "(NOT BALANCED)" not in out.getvalue()
    assert (tmp_path / "content" / "plans" / "hmp-marshgate" / "2023-10.yaml").exists()  # kept for correcting


def test_a_plan_with_dates_out_of_order_fails_like_check(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text(HEADER.replace("20th January 2024", "1st October 2023") + PRIORITY, encoding="utf-8")
    err = io.StringIO()
    assert import_plan.run(str(source), str(tmp_path / "content"), out=io.StringIO(), err=err) == 1
    assert "report published 2023-10-01 is before the inspection ended" in err.getvalue()


# --- targets as published ------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["Sept 23", "31/03/2024", "30 June 2023", "Q2 2024", "end of March 2024",
                                    "March 2024 and ongoing", "Summer 2024", "Complete", "Completed", "Ongoing",
                                    "Jan-25", "By the end of May 2024"])
def test_targets_in_every_published_form_are_read_as_targets(target):
    # a row that lost its two leading empty cells is placed by what its cells hold: the last is a target
    result = imported(PRIORITY + f"\tFurther checks will be made.\tHead of Security\t{target}\n")
    assert actions(result, 1)[1] == ("Further checks will be made.\n", "Head of Security", target)


def test_targets_of_parallel_items_in_new_forms():
    result = imported(PRIORITY.replace("A population review will be held.\tGovernor\tMay 2024",
                                       "<p>Review the population.</p><p>Open a new wing.</p>\tGovernor"
                                       "\t<p>Q3 2024</p><p>31/12/2024</p>"))
    assert [target for _, _, target in actions(result, 1)] == ["Q3 2024", "31/12/2024"]


# --- header dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, written, expected", [
    ("Action Plan Submitted", "14/03/2024", dt.date(2024, 3, 14)),
    ("Action Plan Submitted", "14.03.24", dt.date(2024, 3, 14)),
    ("Action Plan Submitted", "Thursday 14th March 2024", dt.date(2024, 3, 14)),
    ("Action Plan Submitted", "14th of March 2024", dt.date(2024, 3, 14)),
    ("Report Published", "20 Jan 2024", dt.date(2024, 1, 20)),
])
def test_header_dates_in_every_form(field, written, expected):
    line = next(line for line in HEADER.splitlines() if line.startswith(field))
    result = imported(PRIORITY, header=HEADER.replace(line, f"{field}: {written}"))
    assert result.plan["plan_submitted" if "Submitted" in field else "report_published"] == expected


@pytest.mark.parametrize("written, start, end", [
    ("2-12 October 2023", dt.date(2023, 10, 2), dt.date(2023, 10, 12)),
    ("2nd – 12th October 2023", dt.date(2023, 10, 2), dt.date(2023, 10, 12)),
    ("Monday 2nd to Thursday 12th October 2023", dt.date(2023, 10, 2), dt.date(2023, 10, 12)),
    ("25th September – 5th October 2023", dt.date(2023, 9, 25), dt.date(2023, 10, 5)),
    ("27 December 2023 – 4 January 2024", dt.date(2023, 12, 27), dt.date(2024, 1, 4)),
    ("27 December – 4 January 2024", dt.date(2023, 12, 27), dt.date(2024, 1, 4)),
    ("02/10/2023 – 12/10/2023", dt.date(2023, 10, 2), dt.date(2023, 10, 12)),
])
def test_inspection_dates_in_every_form(written, start, end):
    result = imported(PRIORITY, header=HEADER.replace("2nd – 12th October 2023", written))
    assert result.plan["inspection"] == {"start": start, "end": end}
    assert result.relative_path == f"plans/hmp-marshgate/{start:%Y-%m}.yaml"


def test_header_labels_without_colons():
    header = (HEADER.replace("Action Plan Submitted:", "Action Plan Submitted").replace("Report Published:", "Report Published –")
              .replace("A Response to the HMIP Inspection:", "A Response to the HMIP Inspection"))
    plan = imported(PRIORITY, header=header).plan
    assert (plan["plan_submitted"], plan["report_published"], plan["inspection"]["start"]) == (
        dt.date(2024, 3, 14), dt.date(2024, 1, 20), dt.date(2023, 10, 2))


def test_a_numeric_date_that_is_no_uk_date_is_refused():
    with pytest.raises(ImportFailure, match=r"marshgate.txt:2: cannot read the plan submission date '03/14/2024'"):
        import_text(HEADER.replace("14th March 2024", "03/14/2024") + PRIORITY, "marshgate.txt")


# --- owner and target values continued over a page break ---------------------------------------------
PAGE_BREAK = "\n\nPage 3 of 8\n\n"


@pytest.mark.parametrize("owner, continued, joined", [
    ("Head of Learning and", "Skills", "Head of Learning and Skills"),
    ("Governor /", "Deputy Governor", "Governor / Deputy Governor"),
    ("Head of Safety &", "Head of Security", "Head of Safety & Head of Security"),
    ("Governor, Head of Healthcare,", "NHS England", "Governor, Head of Healthcare, NHS England"),
    ("Head of Offender", "management Services", "Head of Offender management Services"),
])
def test_an_owner_continued_after_a_page_break_is_joined(owner, continued, joined):
    result = imported(PRIORITY + f"\t\tStaff will be trained.\t{owner}\tJune 2024" + PAGE_BREAK + f"\t\t\t{continued}\t\n")
    assert actions(result, 1)[1] == ("Staff will be trained.\n", joined, "June 2024")


@pytest.mark.parametrize("target, continued, joined", [
    ("June 2024 and", "monthly thereafter", "June 2024 and monthly thereafter"),
    ("Q3 2024,", "then quarterly", "Q3 2024, then quarterly"),
])
def test_a_target_continued_after_a_page_break_is_joined(target, continued, joined):
    result = imported(PRIORITY + f"\t\tStaff will be trained.\tGovernor\t{target}" + PAGE_BREAK + f"\t\t\t\t{continued}\n")
    assert actions(result, 1)[1] == ("Staff will be trained.\n", "Governor", joined)


def test_a_finished_value_is_not_continued_by_another():
    result = imported(PRIORITY + "\t\tStaff will be trained.\tGovernor\tJune 2024" + PAGE_BREAK + "\t\t\tGovernor\t\n"
                      "\t\tRotas will change.\tHead of Residence\tJuly 2024" + PAGE_BREAK + "\t\t\tHead of Security\t\n")
    assert [owner for _, owner, _ in actions(result, 1)] == ["Governor", "Governor", "Head of Residence"]
    assert dropped(result, "merged cell repeats the owner above") == ["Governor"]
    assert dropped(result, "owner with no action of its own") == ["Head of Security"]


# --- page numbers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("printed", ["- 4 -", "– 4 –", "Page 4 of 10", "page 4", "4 of 10", "4"])
def test_page_numbers_in_every_form_are_dropped(printed):
    result = imported(PRIORITY + f"\n{printed}\n\n2\tLaundry was slow.\tNew machines.\tGovernor\tJune 2024\n")
    assert dropped(result, "page number") == [printed]
    assert [n for n, _, _ in concerns(result)] == [1, 2]


# --- refusals --------------------------------------------------------------------------------------------
def test_a_table_that_lost_a_column_is_refused(tmp_path):
    rows = ("\tPriority concerns\t\t\n1\tWings were overcrowded.\tA population review will be held.\tMay 2024\n"
            "2\tLaundry was slow.\tNew machines will be bought.\tJune 2024\n")
    with pytest.raises(ImportFailure, match=r"marshgate.txt:5: the table's header names 5 columns .* no row of the "
                                            r"table has more than 4 cells: a column was lost in the export — export"):
        import_text(HEADER + rows, "marshgate.txt")
    header_too = HEADER.replace("\t4. Responsible Owner", "")
    with pytest.raises(ImportFailure, match=r"marshgate.txt:5: the table has 4 columns \('1. Rec No', '2. Concerns', "
                                            r"'3. Response Action Taken/Planned', '5. Target Date'\), not five: a column "
                                            r"was lost in the export"):
        import_text(header_too + rows, "marshgate.txt")
    source = tmp_path / "marshgate.txt"
    source.write_text(HEADER + rows, encoding="utf-8")
    err = io.StringIO()
    assert import_plan.run(str(source), str(tmp_path / "content"), out=io.StringIO(), err=err) == 1
    assert "nothing was written" in err.getvalue() and not (tmp_path / "content").exists()


def test_a_file_holding_the_plan_twice_is_refused():
    plan = HEADER + PRIORITY
    with pytest.raises(ImportFailure, match=r"marshgate.txt:10: a second plan header starts inside the table"):
        import_text(plan + "\n" + plan, "marshgate.txt")
    with pytest.raises(ImportFailure, match=r"marshgate.txt:9: concern 1 is printed again, word for word \(first on "
                                            r"line 7\): the file holds the plan twice"):
        import_text(plan + PRIORITY, "marshgate.txt")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_export_is_read(tmp_path, encoding):
    text = HEADER + PRIORITY.replace("Wings", "Wings (Café) ‘A’")
    source = tmp_path / "marshgate.txt"
    source.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    assert import_file(source).plan == import_text(text, "marshgate.txt").plan


def test_a_damaged_utf16_export_is_refused_as_utf16(tmp_path):
    source = tmp_path / "marshgate.txt"
    source.write_bytes((HEADER + PRIORITY).encode("utf-16")[:-1])
    with pytest.raises(ImportFailure, match=r"marshgate.txt:\d+: the file is UTF-16 text, but it is damaged") as error:
        import_file(source)
    assert "binary" not in str(error.value)
