"""`actionplans check`: load and cross-check all content, print every problem, write nothing."""
from __future__ import annotations

import sys
from typing import TextIO

from ..build import check_project
from ..problems import ContentError, Problem
from ..project import Project


def print_problems(problems: list[Problem] | tuple[Problem, ...], fmt: str, err: TextIO) -> None:
    for problem in problems:
        print(problem.format_github() if fmt == "github" else problem.format(), file=err)


def report_content_error(error: ContentError, fmt: str, err: TextIO, consequence: str) -> int:
    """Print every problem, then how many errors there were and what that means; exit status 1."""
    print_problems(error.problems, fmt, err)
    errors = sum(p.severity == "error" for p in error.problems)
    print(f"{errors} error{'s' * (errors != 1)} in content — {consequence}", file=err)
    return 1


def run(project: Project, fmt: str = "text", strict: bool = False, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        checked = check_project(project)
    except ContentError as error:
        return report_content_error(error, fmt, err, "nothing was changed")
    print_problems(checked.warnings, fmt, err)
    plans = [plan for prison in checked.prisons for plan in prison.plans]
    concerns = sum(len(p.numbers) for p in plans)
    print(f"content is valid: {len(plans)} plans, {sum(1 for p in checked.prisons if p.slug)} establishments, "
          f"{concerns} concerns, {checked.actions} actions"
          + (f", {len(checked.warnings)} warnings" if checked.warnings else ""), file=out)
    return 1 if strict and checked.warnings else 0
