"""`actionplans check`: load and cross-check all content, print every problem, write nothing."""
from __future__ import annotations

import sys
from typing import TextIO

from ..loader import load
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
        loaded = load(project)
    except ContentError as error:
        return report_content_error(error, fmt, err, "nothing was changed")
    print_problems(loaded.warnings, fmt, err)
    content = loaded.content
    concerns = sum(len(p.concerns) for p in content.plans)
    actions = sum(len(p.actions) for p in content.plans)
    print(f"content is valid: {len(content.plans)} plans, {len(content.establishments)} establishments, "
          f"{concerns} concerns, {actions} actions"
          + (f", {len(loaded.warnings)} warnings" if loaded.warnings else ""), file=out)
    return 1 if strict and loaded.warnings else 0
