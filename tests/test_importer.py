"""The importer, by example: the five published seed plans, then one small hand-made plan per kind
of damage the text exports show, then inputs that are not plans at all."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import yaml

from generator.commands import import_plan
from generator.importer import ImportFailure, import_file, import_text

SEEDS = Path(__file__).parent / "seeds"  # copies of ../shared/seeds, so the tests run anywhere


def seed(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return import_file(path)


def concern(result, number: int) -> dict:
    return next(c for c in result.plan["concerns"] if c["number"] == number)


def kinds(result) -> tuple[int, int]:
    concerns = result.plan["concerns"]
    return sum(c["kind"] == "priority" for c in concerns), sum(c["kind"] == "key" for c in concerns)


def assert_fully_covered(result) -> None:
    assert result.coverage.unaccounted == ()
    assert result.coverage.invented == ()
    assert yaml.safe_load(result.yaml_text) == result.plan


# --- the five seed plans ---------------------------------------------------------------------------
def test_leicester_2023():
    result = seed("000")
    plan = result.plan
    assert plan["establishment"] == "HMP Leicester"
    assert plan["source"] == {"title": "Action Plan: HMP Leicester"}
    assert plan["inspection"] == {"start": dt.date(2023, 2, 13), "end": dt.date(2023, 2, 23)}
    assert plan["report_published"] == dt.date(2023, 5, 30)
    assert plan["plan_submitted"] == dt.date(2023, 6, 5)
    assert result.relative_path == "plans/hmp-leicester/2023-02.yaml"
    assert [c["number"] for c in plan["concerns"]] == list(range(1, 14))
    assert kinds(result) == (4, 9)
    # the repeated "prisoriers." is not part of concern 1
    assert concern(result, 1)["text"].endswith("drug testing was predictable to prisoners.\n")
    assert [(a["owner"], a["target"]) for a in concern(result, 1)["actions"]] == [
        ("Governor", "August 2023"), ("Governor", "June 2023")]
    # a page break inside a concern: joined with a space, mid-sentence
    assert "disabilities required significant improvement. Teachers" in concern(result, 10)["text"]
    assert "learning difficulties and/or disabilities. The HoESW" in concern(result, 10)["actions"][0]["text"]
    # merged target "July 2023 July 2023" kept once
    assert concern(result, 4)["actions"][0]["target"] == "July 2023"
    # two owners run together with two targets, one block of text: kept as written
    (action,) = concern(result, 6)["actions"]
    assert (action["owner"], action["target"]) == ("Governor MOJ / Amey", "December 2023 Completed")
    assert action["text"].rstrip().endswith("treating for cockroaches.")
    # rows that lost their leading and trailing empty cells continue the last action
    last = concern(result, 13)["actions"][-1]["text"]
    assert last.startswith("Where population management unit")
    assert "planning to be undertaken at HMP Lincoln. HMP Leicester will ensure that any completed" in last
    assert concern(result, 13)["text"].startswith("Too many prisoners who should")
    assert concern(result, 13)["text"].endswith("resettlement and release planning.\n")
    assert_fully_covered(result)


def test_leicester_2025():
    result = seed("001")
    plan = result.plan
    assert plan["establishment"] == "HMP Leicester"  # "Action Plan: HMP Leicester." loses the full stop
    assert plan["inspection"] == {"start": dt.date(2025, 8, 5), "end": dt.date(2025, 8, 25)}
    assert plan["report_published"] == dt.date(2025, 11, 17)
    assert plan["plan_submitted"] == dt.date(2025, 12, 10)
    assert result.relative_path == "plans/hmp-leicester/2025-08.yaml"
    assert [c["number"] for c in plan["concerns"]] == list(range(1, 15))
    assert kinds(result) == (5, 9)
    # parallel <p> lists split into one action per item
    assert [a["target"] for a in concern(result, 1)["actions"]] == ["Complete", "January 2026", "March 2026", "January 2026"]
    assert concern(result, 1)["actions"][1]["text"].startswith("HMP Leicester will deliver ‘Safer Custody Toolbox Talks’ & speed")
    assert concern(result, 1)["actions"][3]["text"].rstrip().endswith("conflict upon reception, investigating non "
                                                                       "association markers through the Challenge Support and Intervention Plan (CSIP) process, and where possible "
                                                                       "conduct mediation to resolve conflict and prevent future violence.")
    # the first paragraph of a continuation row finishes the action above; the rest match the owners
    actions = concern(result, 8)["actions"]
    assert len(actions) == 6
    assert "support the development of the recently established Mental Health and Justice" in actions[2]["text"]
    assert (actions[2]["owner"], actions[2]["target"]) == ("Offender Health, MoJ", "Ongoing")
    assert actions[0]["target"] == "Ongoing 18 – 24 months after Royal Assent."
    assert actions[4]["owner"] == "Governor/Practice Plus Group"
    assert len(concern(result, 9)["actions"]) == 10
    assert concern(result, 14)["actions"][0]["owner"] == "HMPPS Community Accommodation Services (CAS)"
    assert "Leicester, Leicestershire & Rutland (LLR)" in concern(result, 14)["actions"][2]["text"]
    assert result.warnings == ()
    assert_fully_covered(result)


def test_littlehey_2023():
    result = seed("002")
    plan = result.plan
    assert plan["establishment"] == "HMP Littlehey"
    assert plan["inspection"] == {"start": dt.date(2023, 9, 4), "end": dt.date(2023, 9, 14)}
    assert plan["report_published"] == dt.date(2023, 12, 4)
    assert plan["plan_submitted"] == dt.date(2024, 1, 12)
    assert [c["number"] for c in plan["concerns"]] == list(range(1, 10))
    assert kinds(result) == (4, 5)
    # "Key concerns" glued to concern 5's text is a label, not text
    assert concern(result, 5)["text"].startswith("The promotion of equality and diversity")
    assert concern(result, 5)["kind"] == "key"
    # an empty owner on a new action takes the owner above
    owner = "NHS England & Northamptonshire Healthcare NHS Foundation Trust"
    assert [a["owner"] for a in concern(result, 2)["actions"]] == [owner] * 4
    assert concern(result, 2)["text"].endswith("disposal of unused medicines and controlled drug administration were unsafe\n")
    # the fuzzy repeat "nooda to noip them on release." is dropped
    assert concern(result, 4)["text"].endswith("needed to help them on release.\n")
    # concern 9's number was lost to OCR fragments: inferred, and the fragments are reported
    assert concern(result, 9)["text"].startswith("the late allocation of community ffender managers")
    assert any(d.line == 61 and d.text == "of ha pr ne th" for d in result.coverage.dropped)
    assert any(w.line == 61 and "numbered 9" in w.message for w in result.warnings)
    # a 4-cell row is placed by content: concern continuation and action continuation
    assert concern(result, 8)["text"].startswith("Contact between offender managers and prisoners was mostly task-driven and did not")
    assert len(concern(result, 8)["actions"]) == 4
    assert concern(result, 3)["actions"][0]["owner"] == "Regional Property Operation Manager (RPOM) RPOM"
    assert concern(result, 3)["actions"][0]["target"] == "Completed September 2024"
    assert_fully_covered(result)


def test_long_lartin_2022():
    result = seed("003")
    plan = result.plan
    assert plan["establishment"] == "HMP Long Lartin"
    assert plan["inspection"] == {"start": dt.date(2022, 12, 5), "end": dt.date(2022, 12, 16)}
    assert plan["report_published"] == dt.date(2023, 4, 12)
    assert plan["plan_submitted"] == dt.date(2023, 5, 2)
    assert result.relative_path == "plans/hmp-long-lartin/2022-12.yaml"
    assert [c["number"] for c in plan["concerns"]] == list(range(1, 16))
    assert kinds(result) == (6, 9)
    # a lead-in row ("...this will include:") leads the next action; its owner covers the items
    lead = concern(result, 2)["actions"][10]
    assert lead["text"] == ("Work will be undertaken to improve the de-escalation of violent incidents, this will include:\n\n"
                            "- Improving staff awareness and capability through the delivery of fast-track training/awareness "
                            "sessions and development through the safety week.\n")
    assert (lead["owner"], lead["target"]) == ("Governor", "June 2023")
    assert len(concern(result, 2)["actions"]) == 18
    # an underlined heading inside a list is a lead-in, rendered bold
    first = concern(result, 11)["actions"][0]
    assert first["text"] == "**Pharmacy Staffing**\n\n- A new Pharmacy Assistant has commenced in post.\n"
    assert first["owner"] == "Head of Healthcare, Practice Plus Group (PPG)"
    # the page number "1" inside a split list item is dropped, and the item continues
    assert "advertised via NHS Jobs, Practice Plus Group (PPG) website and on social media. To improve" in \
        concern(result, 11)["actions"][4]["text"]
    assert any(d.line == 116 and d.reason == "page number" for d in result.coverage.dropped)
    assert "*(see Priority Concern 5)*" in concern(result, 14)["actions"][0]["text"]
    assert concern(result, 6)["text"].endswith("sentence progression.\n")  # "progrossion." dropped
    assert concern(result, 15)["text"].endswith("Ongoing action relating to risks to children remained unresolved.\n")
    assert_fully_covered(result)


def test_peterborough_2024():
    result = seed("004")
    plan = result.plan
    assert plan["establishment"] == "HMP Peterborough (Men)"
    assert result.relative_path == "plans/hmp-peterborough-men/2024-01.yaml"
    assert plan["inspection"] == {"start": dt.date(2024, 1, 8), "end": dt.date(2024, 1, 18)}
    assert plan["report_published"] == dt.date(2024, 4, 9)
    assert plan["plan_submitted"] == dt.date(2024, 5, 22)
    assert [c["number"] for c in plan["concerns"]] == list(range(1, 12))
    assert kinds(result) == (6, 5)
    assert [len(concern(result, n)["actions"]) for n in (1, 2, 5, 9, 11)] == [4, 6, 6, 9, 5]
    # an owner cell holding two owners run together is split at an owner named elsewhere
    assert [a["owner"] for a in concern(result, 8)["actions"]] == [
        "Northampton Healthcare Foundation Trust", "NHFT", "NHFT", "NHFT"]
    assert concern(result, 2)["actions"][-1]["owner"] == "SMG, Deputy Director"
    assert "to support the prison to strengthen their Drug Strategy." in concern(result, 2)["actions"][-1]["text"]
    assert concern(result, 11)["text"].endswith("community offender managers.\n")
    assert_fully_covered(result)


CONTENT = Path(__file__).parents[1] / "content"
REVIEW_KEYS = {"theme", "corrections", "related", "not_related", "updates"}  # what review adds to an import


@pytest.mark.parametrize("prefix, balance", [
    # words: in the source, copied (merged owner cells), placed in the YAML, dropped with a reason
    ("000", (2047, 0, 1847, 200)),
    ("001", (2668, 0, 2470, 198)),
    ("002", (2295, 21, 2100, 216)),
    ("003", (4655, 60, 4520, 195)),
    ("004", (2663, 0, 2464, 199)),
])
def test_seeds_import_as_content_holds_them_after_review(prefix, balance):
    """The import is the reviewed plan in content/ without what review added; a concern the review
    corrected (it says so under `corrections:`) keeps its number and kind."""
    result = seed(prefix)
    reviewed = yaml.safe_load((CONTENT / result.relative_path).read_text(encoding="utf-8"))
    assert {k: v for k, v in result.plan.items() if k != "concerns"} == {k: v for k, v in reviewed.items() if k != "concerns"}
    assert len(result.plan["concerns"]) == len(reviewed["concerns"])
    for imported, published in zip(result.plan["concerns"], reviewed["concerns"]):
        if "corrections" in published:
            assert (imported["number"], imported["kind"]) == (published["number"], published["kind"])
        else:
            assert imported == {k: v for k, v in published.items() if k not in REVIEW_KEYS}
    source, copied, placed, dropped = balance
    assert (f"Words: {source} in the source + {copied} copied = {placed} placed in the YAML + {dropped} dropped\n"
            in result.coverage.report())
    assert_fully_covered(result)


def test_seed_output_is_deterministic_and_schema_shaped():
    first, second = seed("003"), seed("003")
    assert first.yaml_text == second.yaml_text
    text = first.yaml_text
    assert text.startswith("# yaml-language-server: $schema=../../../generator/schemas/plan.schema.json\n"
                           "# Imported by `actionplans import` from 003_")
    assert "reviewed against the published plan: no\nestablishment: HMP Long Lartin\n" in text
    assert "    text: |\n      The level of self-harm" in text
    plan = yaml.safe_load(text)
    assert list(plan) == ["establishment", "inspection", "report_published", "plan_submitted", "source", "concerns"]
    assert all(list(c) == ["number", "kind", "text", "actions"] for c in plan["concerns"])
    assert all(list(a) == ["text", "owner", "target"] for c in plan["concerns"] for a in c["actions"])


# --- small hand-made plans, one per kind of damage ----------------------------------------------------
HEADER = """Action Plan: HMP Example
Action Plan Submitted: 5th June 2023
A Response to the HMIP Inspection: 13th – 23rd February 2023
Report Published: 30th May 2023
1. Rec No\t2. Concerns\t3. Response Action Taken/Planned\t4. Responsible Owner\t5. Target Date
"""


def run(rows: str, header: str = HEADER):
    result = import_text(header + rows, "example.txt")
    assert_fully_covered(result)
    return result


def test_section_labels_set_the_kinds():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\tAction one.\tGovernor\tJune 2023\n"
                 "\t<b>Key Concerns</b>\t\t\t\n"
                 "2\tConcern two.\tAction two.\tGovernor\tJuly 2023\n")
    assert [c["kind"] for c in result.plan["concerns"]] == ["priority", "key"]
    assert [d.reason.split(" (")[0] for d in result.coverage.dropped if d.line > 5] == ["section label", "section label"]


def test_label_glued_to_a_concern_and_a_garbled_label():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\tAction one.\tGovernor\tJune 2023\n"
                 "\tXq. zzkk\t\t\t\n"
                 "2\tKey concerns The promotion of equality was weak.\tAction two.\tGovernor\tJuly 2023\n")
    second = result.plan["concerns"][1]
    assert second["kind"] == "key"
    assert second["text"] == "The promotion of equality was weak.\n"
    assert any(w.line == 8 and "garbled section label" in w.message for w in result.warnings)


def test_page_break_continues_concern_and_action_mid_sentence():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tThe regime was\tLeaders will review the\tGovernor\tJune 2023\n"
                 "\n\n\n"
                 "\tnot reliable.\tregime weekly.\t\t\n")
    (only,) = result.plan["concerns"]
    assert only["text"] == "The regime was not reliable.\n"
    assert only["actions"] == [{"text": "Leaders will review the regime weekly.\n", "owner": "Governor", "target": "June 2023"}]


def test_rows_that_lost_empty_cells_are_placed_by_content():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\tAction one.\tGovernor\tJune 2023\n"
                 "Senior leaders will meet weekly.\tGovernor\tComplete\n"
                 "\tThe plan will be shared with\t\n"
                 "\tall staff.\n")
    actions = result.plan["concerns"][0]["actions"]
    # a new sentence after finished text, with no owner or target: a further paragraph (warned)
    assert actions[1] == {"text": "Senior leaders will meet weekly.\n\nThe plan will be shared with all staff.\n",
                          "owner": "Governor", "target": "Complete"}
    assert {w.line for w in result.warnings} >= {8, 9, 10}


def test_html_becomes_markdown_and_markdown_characters_are_escaped():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\t<p>Use of <b>force</b> was <i>high</i> &amp; rising_fast [sic] *really* 5<sup>th</sup> time.</p>"
                 "<p>#1 priority</p>\t<p><u>Staffing</u> will improve.</p>\tGovernor\tJune 2023\n")
    (only,) = result.plan["concerns"]
    assert only["text"] == ("Use of **force** was *high* & rising\\_fast \\[sic\\] \\*really\\* 5th time.\n\n"
                            "\\#1 priority\n")
    assert only["actions"][0]["text"] == "**Staffing** will improve.\n"  # <u>: Markdown has no underline


def test_ordered_list_lookalike_at_the_start_of_a_paragraph_is_escaped():
    result = run("\tPriority concerns\t\t\t\n1\t2023. was a hard year.\tAct.\tGovernor\tJune 2023\n")
    assert result.plan["concerns"][0]["text"] == "2023\\. was a hard year.\n"


def test_parallel_lists_split_into_one_action_per_item():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\t<p>First action.</p> <p>Second action.</p>\t<p>Governor</p> <p>Director</p>"
                 "\t<p>Complete</p> <p>June 2023</p>\n"
                 "\t\t<ul><li>Third.</li><li>Fourth.</li></ul>\tGovernor\tJune 2023 October 2023\n")
    actions = result.plan["concerns"][0]["actions"]
    assert [(a["text"], a["owner"], a["target"]) for a in actions] == [
        ("First action.\n", "Governor", "Complete"), ("Second action.\n", "Director", "June 2023"),
        ("- Third.\n", "Governor", "June 2023"), ("- Fourth.\n", "Governor", "October 2023")]
    assert [c.text for c in result.coverage.copied] == ["Governor"]  # one merged owner cell, two actions


def test_lead_in_item_and_lead_in_row():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\t<ul><li>Routes will be tackled by:</li><li>A bid for CCTV.</li></ul>\tGovernor\tComplete\n"
                 "\t\tWork will include:\tDirector\t\n"
                 "\t\t- Training staff.\t\tJune 2023\n")
    actions = result.plan["concerns"][0]["actions"]
    assert actions[0]["text"] == "Routes will be tackled by:\n\n- A bid for CCTV.\n"
    assert actions[1] == {"text": "Work will include:\n\n- Training staff.\n", "owner": "Director", "target": "June 2023"}


def test_merged_cells_repeating_a_value_are_kept_once():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\tAction one ends mid\tGovernor\tMarch 2024 March 2024\n"
                 "\t\tsentence here.\tGovernor\t\n")
    (action,) = result.plan["concerns"][0]["actions"]
    assert action == {"text": "Action one ends mid sentence here.\n", "owner": "Governor", "target": "March 2024"}
    reasons = sorted(d.reason for d in result.coverage.dropped if d.line > 6)
    assert reasons == ["merged cell repeats the owner above", "merged cell repeats the target"]


def test_empty_owner_on_a_new_action_takes_the_owner_above():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\tAction one.\tHead of Safety\tJune 2023\n"
                 "\t\tAction two.\t\tJuly 2023\n")
    assert result.plan["concerns"][0]["actions"][1]["owner"] == "Head of Safety"
    assert any(w.line == 8 and "took 'Head of Safety'" in w.message for w in result.warnings)


def test_two_owners_run_together():
    rows = ("\tPriority concerns\t\t\t\n"
            "1\tConcern one.\tAction one.\tGovernor\tJune 2023\n"
            "2\tConcern two.\t<p>Paint cells.</p><p>Treat pests.</p>\tGovernor MOJ / Amey\t<p>December 2023</p><p>Completed</p>\n"
            "3\tConcern three.\tOne block only.\tGovernor MOJ / Amey\tDecember 2023 Completed\n")
    result = run(rows)
    two, three = result.plan["concerns"][1], result.plan["concerns"][2]
    assert [(a["owner"], a["target"]) for a in two["actions"]] == [("Governor", "December 2023"), ("MOJ / Amey", "Completed")]
    assert [(a["owner"], a["target"]) for a in three["actions"]] == [("Governor MOJ / Amey", "December 2023 Completed")]
    assert any(w.line == 9 and "needs an editor" in w.message for w in result.warnings)


def test_repeated_fragment_after_a_page_break_is_dropped():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tDrug testing was predictable to prisoners.\tAction one.\tGovernor\tJune 2023\n"
                 "\tprisoriers.\tAction two.\tGovernor\tJuly 2023\n")
    assert result.plan["concerns"][0]["text"] == "Drug testing was predictable to prisoners.\n"
    assert [d.text for d in result.coverage.dropped if d.reason.startswith("repeated fragment")] == ["prisoriers."]


def test_page_numbers_separators_and_blank_rows_are_dropped():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\tAction one.\tGovernor\tJune 2023\n"
                 "\t\t7\t\t\n"
                 "--\t--\t---\t---\t---\n"
                 "\t\t\t\t\n")
    reasons = [d.reason for d in result.coverage.dropped if d.line > 6]
    assert reasons == ["page number", "separator row", "blank row"]


def test_lost_concern_number_is_inferred_and_fragments_reported():
    result = run("\tPriority concerns\t\t\t\n"
                 "1\tConcern one.\tAction one.\tGovernor\tJune 2023\n"
                 "of ha pr\tthe late allocation delayed handover.\tAction two.\tGovernor\tJuly 2023\n"
                 "\tAnother concern starts here clearly.\tAction three.\tGovernor\tMay 2023\n")
    assert [c["number"] for c in result.plan["concerns"]] == [1, 2, 3]
    assert any(d.text == "of ha pr" and d.line == 8 for d in result.coverage.dropped)
    assert result.coverage.inferred == ("line 8: concern number 2 (inferred)", "line 9: concern number 3 (inferred)")


def test_header_date_forms():
    header = HEADER.replace("5th June 2023", "2<sup>nd</sup> May 2023").replace(
        "13th – 23rd February 2023", "30 November 2022 – 10 January 2023").replace("30th May 2023", "10 December 2025.")
    result = run("1\tConcern.\tAction.\tGovernor\tJune 2023\n", header="## " + header)
    plan = result.plan
    assert plan["plan_submitted"] == dt.date(2023, 5, 2)
    assert plan["inspection"] == {"start": dt.date(2022, 11, 30), "end": dt.date(2023, 1, 10)}
    assert plan["report_published"] == dt.date(2025, 12, 10)
    assert result.relative_path == "plans/hmp-example/2022-11.yaml"
    header = HEADER.replace("13th – 23rd February 2023", "28th February to 10th March 2023")
    assert run("1\tC.\tA.\tG\tJune 2023\n", header=header).plan["inspection"]["start"] == dt.date(2023, 2, 28)


# --- bad input -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    ("Some letter\nwith no plan in it\n", "not an action plan"),
    (HEADER.split("1. Rec No")[0] + "no table here\n", "no table found"),
    (HEADER.replace("5th June 2023", "sometime soon"), "example.txt:2: cannot read the plan submission date"),
    (HEADER.replace("13th – 23rd February 2023", "31st – 30th February 2023"), "example.txt:3: cannot read the inspection dates"),
    (HEADER, "the table has no concerns"),
])
def test_bad_input_is_refused_with_a_clear_message(text, expected):
    with pytest.raises(ImportFailure) as error:
        import_text(text, "example.txt")
    assert expected in str(error.value)
    assert " — " in str(error.value)


def test_binary_and_undecodable_files_are_refused(tmp_path):
    binary = tmp_path / "plan.bin"  # of no format the importer reads (PDFs: tests/test_import_documents.py)
    binary.write_bytes(b"not a plan\n\x00\x01\x02")
    with pytest.raises(ImportFailure, match=r"plan.bin:2: .*NUL bytes"):
        import_file(binary)
    latin = tmp_path / "plan.txt"
    latin.write_bytes(HEADER.encode() + "1\tCaf\xe9\tA\tG\tJune 2023\n".encode("latin-1"))
    with pytest.raises(ImportFailure, match=r"plan.txt:6: .*not UTF-8"):
        import_file(latin)


# --- the command ---------------------------------------------------------------------------------------
def test_command_writes_and_refuses_to_overwrite_without_force(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text(HEADER + "1\tConcern.\tAction.\t\tJune 2023\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert import_plan.run(str(source), str(tmp_path / "content"), out=out, err=err) == 0
    written = tmp_path / "content" / "plans" / "hmp-example" / "2023-02.yaml"
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["establishment"] == "HMP Example"
    assert f"{source}:6: warning: owner cell is empty" in err.getvalue()
    assert "Unaccounted words (in the source, not in the YAML or the dropped list): none" in out.getvalue()
    assert "line 5: table header row" in out.getvalue()

    written.write_text("# edited by an editor\n", encoding="utf-8")
    err = io.StringIO()
    assert import_plan.run(str(source), str(tmp_path / "content"), out=io.StringIO(), err=err) == 1
    assert "--force" in err.getvalue()
    assert written.read_text(encoding="utf-8") == "# edited by an editor\n"

    assert import_plan.run(str(source), str(tmp_path / "content"), force=True, out=io.StringIO(), err=io.StringIO()) == 0
    assert written.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_command_reports_failure_and_writes_nothing(tmp_path):
    source = tmp_path / "empty.txt"
    source.write_bytes(b"")
    err = io.StringIO()
    assert import_plan.run(str(source), str(tmp_path / "content"), out=io.StringIO(), err=err) == 1
    assert f"{source}: the file is empty —" in err.getvalue()
    assert not (tmp_path / "content").exists()
