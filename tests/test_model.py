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
    ("Complete", TargetKind.COMPLETE, None),
    ("complete", TargetKind.COMPLETE, None),
    ("Completed", TargetKind.COMPLETE, None),
    ("Ongoing", TargetKind.ONGOING, None),
    ("Ongoing 18 – 24 months after Royal Assent.", TargetKind.ONGOING, None),
    ("June 2023 and monthly", TargetKind.UNPARSED, None),
    ("December 2023 Completed", TargetKind.UNPARSED, None),
    ("Q1 2024", TargetKind.UNPARSED, None),
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
