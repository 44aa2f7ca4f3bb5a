"""`actionplans import` of each one-damage example in tests/importer-cases/ gives the faithful result
its README names: the plan as published, every word accounted for, and a file `check` accepts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from generator.cli import main

CASES = Path(__file__).parent / "importer-cases"


@pytest.fixture
def imported(tmp_path, capsys):
    """imported('r1_...') -> (plan as written by `actionplans import`, its standard output)."""
    def run(name: str) -> tuple[dict, str]:
        (source,) = CASES.glob(f"{name}*.txt")
        assert main(["import", str(source), "-o", str(tmp_path / "content")]) == 0
        out = capsys.readouterr().out
        (written,) = (tmp_path / "content" / "plans").glob("*/*.yaml")
        assert "Unaccounted words (in the source, not in the YAML or the dropped list): none" in out
        assert "Invented words (in the YAML, not in the source): none" in out
        return yaml.safe_load(written.read_text(encoding="utf-8")), out
    return run


def rows(plan: dict) -> list[tuple]:
    """Each concern as (number, kind, text, [(action text, owner, target), ...])."""
    return [(c["number"], c["kind"], c["text"], [(a["text"], a["owner"], a["target"]) for a in c["actions"]])
            for c in plan["concerns"]]


KITCHEN = (1, "priority", "The kitchen was dirty.\n", [("A deep clean will be carried out.\n", "Governor", "June 2023")])
SHOWERS = ("Showers were broken.\n", [("Showers will be repaired.\n", "Governor", "July 2023")])


def test_numeric_header_date_is_read_day_first(imported):
    plan, _ = imported("r1")
    assert plan["plan_submitted"] == dt.date(2023, 6, 5)
    assert rows(plan) == [KITCHEN]


@pytest.mark.parametrize("name", ["r2a", "r2b", "r2c"])
def test_key_concerns_label_anywhere_at_the_start_of_a_cell(imported, name):
    plan, out = imported(name)
    assert rows(plan) == [KITCHEN, (2, "key", *SHOWERS)]
    assert "section label" in out and "'Key concerns'" in out  # reported as dropped, not lost


def test_lost_number_after_an_unfinished_concern_is_the_skipped_number(imported):
    plan, _ = imported("r3")
    assert rows(plan) == [
        KITCHEN,
        (2, "priority", "Showers were broken\n", [("Showers will be repaired.\n", "Governor", "July 2023")]),
        (3, "priority", "The library was closed.\n", [("The library will reopen.\n", "Head of Education", "May 2023")]),
        (4, "priority", "Visits were cancelled.\n", [("Visits will be protected.\n", "Governor", "June 2023")]),
    ]


def test_short_row_with_a_two_digit_year_target_is_an_action_of_the_concern_above(imported):
    plan, _ = imported("r4")
    assert rows(plan) == [
        (1, "priority", "The kitchen was dirty.\n", [
            ("A deep clean will be carried out.\n", "Governor", "June 2023"),
            ("New mops and buckets have been ordered.\n", "Head of Estates / Contractor", "Sept 23")]),
        (2, "priority", *SHOWERS),
    ]


@pytest.mark.parametrize("name, owner, target", [
    ("r5a", "Head of Residence and Services", "July 2023"),
    ("r5b", "Governor", "July 2023 and ongoing"),
])
def test_owner_or_target_continued_over_a_page_break_is_joined(imported, name, owner, target):
    plan, out = imported(name)
    assert rows(plan) == [(1, "priority", "The kitchen was dirty.\n", [
        ("A deep clean will be carried out.\n", "Governor", "June 2023"),
        ("A hygiene audit will be held weekly.\n", owner, target)])]
    assert "page number: 'Page 2 of 3'" in out


def test_number_printed_in_the_concern_cell_is_the_number(imported):
    plan, _ = imported("r6")
    assert rows(plan) == [KITCHEN, (2, "priority", *SHOWERS)]


def test_dash_page_number_is_dropped_as_a_page_number(imported):
    plan, out = imported("r7")
    assert rows(plan) == [KITCHEN, (2, "priority", *SHOWERS)]
    assert "page number: '- 2 -'" in out
