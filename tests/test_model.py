"""Targets are parsed once: a month, Complete, Ongoing, nothing, or text kept as written."""
from __future__ import annotations

import datetime as dt

import pytest

from generator.model import Action, Target, TargetKind, Update
from generator.status import count_statuses, status_of

AS_OF = dt.date(2026, 11, 23)


@pytest.mark.parametrize("written, kind, month", [
    ("August 2023", TargetKind.MONTH, dt.date(2023, 8, 1)),
    ("august 2023.", TargetKind.MONTH, dt.date(2023, 8, 1)),
    ("Sept 2024", TargetKind.MONTH, dt.date(2024, 9, 1)),
    ("by March 2024", TargetKind.MONTH, dt.date(2024, 3, 1)),
    ("End of June 2024", TargetKind.MONTH, dt.date(2024, 6, 1)),
    ("by the end of Nov 2025", TargetKind.MONTH, dt.date(2025, 11, 1)),
    # two-digit years are 20YY
    ("Sept 23", TargetKind.MONTH, dt.date(2023, 9, 1)),
    ("Jan-25", TargetKind.MONTH, dt.date(2025, 1, 1)),
    ("October '24", TargetKind.MONTH, dt.date(2024, 10, 1)),
    # a day date names its month; numeric dates are UK day/month
    ("30 June 2023", TargetKind.MONTH, dt.date(2023, 6, 1)),
    ("1st of December 2024", TargetKind.MONTH, dt.date(2024, 12, 1)),
    ("by 14th Feb 2025", TargetKind.MONTH, dt.date(2025, 2, 1)),
    ("31/03/2024", TargetKind.MONTH, dt.date(2024, 3, 1)),
    ("05/11/24", TargetKind.MONTH, dt.date(2024, 11, 1)),
    ("28.02.2025", TargetKind.MONTH, dt.date(2025, 2, 1)),
    ("09/2025", TargetKind.MONTH, dt.date(2025, 9, 1)),
    # a quarter is its last month
    ("Q2 2024", TargetKind.MONTH, dt.date(2024, 6, 1)),
    ("Q1 2024", TargetKind.MONTH, dt.date(2024, 3, 1)),
    ("end of Q4 2025", TargetKind.MONTH, dt.date(2025, 12, 1)),
    # a month and then ongoing work: the month is the target
    ("March 2024 and ongoing", TargetKind.MONTH, dt.date(2024, 3, 1)),
    ("July 2025 & on-going", TargetKind.MONTH, dt.date(2025, 7, 1)),
    ("Complete", TargetKind.COMPLETE, None),
    ("complete", TargetKind.COMPLETE, None),
    ("Completed", TargetKind.COMPLETE, None),
    ("Ongoing", TargetKind.ONGOING, None),
    ("On-going", TargetKind.ONGOING, None),
    ("Ongoing 18 – 24 months after Royal Assent.", TargetKind.ONGOING, None),
    # no one month: shown as written
    ("June 2023 and monthly", TargetKind.UNPARSED, None),
    ("December 2023 Completed", TargetKind.UNPARSED, None),
    ("Summer 2024", TargetKind.UNPARSED, None),
    ("Q3 2024/25", TargetKind.UNPARSED, None),
    ("2024/25", TargetKind.UNPARSED, None),
    ("3/24", TargetKind.UNPARSED, None),  # a day and a month, or a month and a year?
    ("31/02/2024", TargetKind.UNPARSED, None),  # no such day
    ("13/2024", TargetKind.UNPARSED, None),
    ("TBC", TargetKind.UNPARSED, None),
    ("", TargetKind.NONE, None),
])
def test_target_parsing_keeps_the_text_as_written(written, kind, month):
    target = Target.parse(written)
    assert (target.text, target.kind, target.month) == (written, kind, month)


def action(target: str, *updates: Update) -> Action:
    return Action(1, "Do it.", "Governor", Target.parse(target), updates)


def test_status_rules():
    assert status_of(action("November 2026"), AS_OF).label == "Due November 2026"
    assert status_of(action("October 2026"), AS_OF).label == "Target date passed — no update published"
    moved = status_of(action("August 2023", Update(dt.date(2023, 9, 1), "delayed", "x", Target.parse("March 2027")),
                             Update(dt.date(2024, 1, 5), "in-progress", "y")), AS_OF)
    assert moved.label == "In progress (update of 5 January 2024)"
    assert moved.moved_label == "Target moved from August 2023 to March 2027"  # the latest move stays in force
    assert not moved.target_passed
    assert count_statuses([action("Complete"), action("Ongoing"), action("Complete")], AS_OF) == {"complete": 2, "ongoing": 1}


@pytest.mark.parametrize("written, label", [
    ("Sept 23", "Target date passed — no update published"),
    ("31/12/2026", "Due December 2026"),
    ("Q4 2026", "Due December 2026"),
    ("November 2026 and ongoing", "Due November 2026"),
    ("Summer 2027", "Summer 2027"),  # no month named: shown as written, no status claimed
])
def test_published_target_forms_get_a_status(written, label):
    assert status_of(action(written), AS_OF).label == label
