"""The importer's entry points: text -> plan dict, YAML text, file path, warnings and coverage."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import urls
from .assemble import assemble
from .coverage import Coverage, check
from .emit import emit
from .header import parse_header
from .records import ImportFailure, ImportWarning, failure
from .text import decode, split_lines


@dataclass(frozen=True)
class ImportResult:
    plan: dict
    yaml_text: str
    relative_path: str  # "plans/<slug>/<YYYY-MM>.yaml", relative to the content folder
    warnings: tuple[ImportWarning, ...]
    coverage: Coverage


def import_file(path: str | os.PathLike) -> ImportResult:
    """Read a text export (bytes, so binary and non-UTF-8 files are refused clearly) and import it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise failure(str(path), None, f"cannot read the file ({error.strerror or error})",
                      "check the path and that the file is readable") from None
    return import_text(decode(data, str(path)), path.name)


def import_text(text: str, source_name: str) -> ImportResult:
    if "\x00" in text:
        raise failure(source_name, text[: text.index("\x00")].count("\n") + 1,
                      "the text contains NUL characters, so it is binary",
                      "export the published plan as UTF-8 text first")
    lines = split_lines(text.removeprefix("\ufeff"))
    if not any(line.text.strip() for line in lines):
        raise failure(source_name, None, "the file is empty",
                      "export the published plan as text (tab-separated table) and import that file")
    header = parse_header(lines, source_name)
    table = assemble(lines, header.table_index)
    if table.refusals:
        raise ImportFailure("\n".join(str(failure(source_name, r.line, r.what, r.how)) for r in table.refusals))
    if not table.concerns:
        raise failure(source_name, lines[header.table_index].number + 1, "the table has no concerns",
                      "check that each concern's row starts with its number and cells are separated by tabs")
    plan = {
        "establishment": header.establishment,
        "inspection": {"start": header.inspection_start, "end": header.inspection_end},
        "report_published": header.report_published,
        "plan_submitted": header.plan_submitted,
        "source": {"title": header.title},
        "concerns": [
            {"number": c.number, "kind": c.kind, "text": c.text,
             "actions": [{"text": a.text, "owner": a.owner, "target": a.target} for a in c.actions]}
            for c in table.concerns],
    }
    yaml_text = emit(plan, source_name)
    dropped = tuple(sorted(header.dropped + table.dropped, key=lambda d: d.line))
    inferred = {index: c.line for index, c in enumerate(table.concerns) if c.number_inferred}
    coverage = check(lines, yaml_text, header.fields, dropped, inferred, table.empty_lines, table.copied)
    relative_path = f"plans/{urls.slugify(header.establishment)}/{header.inspection_start:%Y-%m}.yaml"
    warnings = tuple(sorted(header.warnings + table.warnings, key=lambda w: w.line))
    return ImportResult(plan, yaml_text, relative_path, warnings, coverage)


__all__ = ["ImportFailure", "ImportResult", "import_file", "import_text"]
