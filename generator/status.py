"""The status of an action as of a date, from its published target and its updates.

The rules are a public contract (DESIGN.md): the site reports what was published and what the
calendar says, nothing more, in neutral words.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import UPDATE_STATUSES, Action, Target, TargetKind, Update
from .wording import day_text, month_text

PASSED = "Target date passed — no update published"  # DESIGN.md's words, the same wherever it is shown

# Status keys, in the order summaries list them, with the words a count of them is shown with.
STATUS_KEYS: dict[str, str] = {
    "complete": "Complete",
    "ongoing": "Ongoing",
    "in-progress": "In progress",
    "not-started": "Not started",
    "delayed": "Delayed",
    "due": "Due",
    "passed": PASSED,
    "as-written": "Target as written, no status worked out",
    "none": "No target date published",
}


@dataclass(frozen=True, slots=True)
class Status:
    key: str  # one of STATUS_KEYS
    label: str  # the words shown on the page
    target: Target  # the target in force (moved or as published)
    moved_from: Target | None = None  # the published target when an update moved it
    update: Update | None = None  # the update that decided the status
    target_passed: bool = False  # the target in force is a month before the as-of month

    @property
    def moved_label(self) -> str | None:
        if self.moved_from is None:
            return None
        return f"Target moved from {self.moved_from.text.strip()} to {self.target.text.strip()}"


Statuses = dict[tuple[int, int], Status]  # (concern number, action index) -> status, for one plan


def status_of(action: Action, as_of: dt.date) -> Status:
    """Rule 1: the latest update decides. Rule 2: otherwise the published target."""
    this_month = as_of.replace(day=1)
    latest = action.latest_update
    if latest is not None:
        moves = [u for u in sorted(action.updates, key=lambda u: u.date) if u.new_target]
        target = moves[-1].new_target if moves else action.target  # the latest move stays in force
        moved_from = action.target if moves else None
        passed = target.kind is TargetKind.MONTH and target.month < this_month
        if latest.status == "complete":
            return Status("complete", f"Complete ({day_text(latest.date)})", target, moved_from, latest)
        label = f"{UPDATE_STATUSES[latest.status]} (update of {day_text(latest.date)})"
        return Status(latest.status, label, target, moved_from, latest, target_passed=passed)
    target = action.target
    if target.kind is TargetKind.COMPLETE:
        return Status("complete", "Complete (as published)", target)
    if target.kind is TargetKind.ONGOING:
        return Status("ongoing", "Ongoing", target)
    if target.kind is TargetKind.MONTH:
        if target.month >= this_month:
            return Status("due", f"Due {month_text(target.month)}", target)
        return Status("passed", PASSED, target, target_passed=True)
    if target.kind is TargetKind.NONE:
        return Status("none", "No target date published", target)
    return Status("as-written", target.text.strip(), target)


def count_statuses(actions, as_of: dt.date) -> dict[str, int]:
    """How many actions have each status, in STATUS_KEYS order, zero counts left out."""
    counts = dict.fromkeys(STATUS_KEYS, 0)
    for action in actions:
        counts[status_of(action, as_of).key] += 1
    return {key: n for key, n in counts.items() if n}
