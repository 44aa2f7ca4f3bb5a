"""`actionplans import FILE`: turn a published plan (.docx, .odt, .pdf, or a text export) into
content/plans/<slug>/<YYYY-MM>.yaml.

Prints every guess as FILE:LINE: warning: ... (FILE: PLACE: for a document, e.g. 'page 3, table row 12'),
and the coverage report that accounts for every word of the source. Refuses to overwrite a plan file
(editors' reviewed work) unless --force is given. The written file is read back through the same checks
as `actionplans check`: an import that check would refuse exits non-zero, with check's reasons.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from ..importer import ImportFailure, import_file
from ..loader import read_plan


def run(source: str, output_dir: str = "content", force: bool = False, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        result = import_file(source)
    except ImportFailure as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=err)
        print("nothing was written", file=err)
        return 1
    target = Path(output_dir) / result.relative_path
    if target.exists() and not force:
        print(f"error: {target} already exists (it may hold editors' reviewed work) — "
              f"pass --force to overwrite it", file=err)
        return 1
    for warning in result.warnings:
        place = result.places.get(warning.line)
        where = f"{source}: {place}" if place else f"{source}:{warning.line}"
        print(f"{where}: warning: {warning.message}", file=err)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.yaml_text, encoding="utf-8")
    plan = result.plan
    actions = sum(len(c["actions"]) for c in plan["concerns"])
    print(f"wrote {target}: {plan['establishment']}, {len(plan['concerns'])} concerns, {actions} actions, "
          f"{len(result.warnings)} warning{'s' * (len(result.warnings) != 1)}", file=out)
    print(f"Coverage of {source}:", file=out)
    print(result.coverage.report(), file=out)
    status = 0
    if not result.coverage.complete:
        print(f"error: coverage check failed for {source}: {len(result.coverage.unaccounted)} word(s) "
              f"unaccounted, {len(result.coverage.invented)} invented — the file was written for inspection, "
              f"but please report this as an importer bug", file=err)
        status = 1
    _, problems = read_plan(target, str(target))
    for problem in problems:
        print(problem.format(), file=err)
    errors = sum(problem.severity == "error" for problem in problems)
    if errors:
        print(f"error: {target} would fail `actionplans check` ({errors} error{'s' * (errors != 1)} above) — "
              f"it was written so that an editor can correct it against the published plan; run "
              f"`actionplans check` after correcting it", file=err)
        status = 1
    return status
