"""The importer's entry points: a file (text export, .docx, .odt or .pdf) or text -> plan dict, YAML text,
warnings and coverage. Documents are read into the lines a text export has, so one assembly serves all."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import urls
from .assemble import assemble
from .coverage import Coverage, check
from .documents import TEXT, detect, document_lines, read_document
from .emit import emit
from .header import parse_header
from .records import Dropped, ImportFailure, ImportWarning, failure
from .text import Line, decode, split_lines


@dataclass(frozen=True)
class ImportResult:
    plan: dict
    yaml_text: str
    relative_path: str  # "plans/<slug>/<YYYY-MM>.yaml", relative to the content folder
    warnings: tuple[ImportWarning, ...]
    coverage: Coverage
    places: dict[int, str] = field(default_factory=dict)  # line -> place in a document ('page 3, table row 12')


def import_file(path: str | os.PathLike) -> ImportResult:
    """Read a file (bytes, so its format is told by its content) and import it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise failure(str(path), None, f"cannot read the file ({error.strerror or error})",
                      "check the path and that the file is readable") from None
    kind = detect(data, str(path))
    if kind == TEXT:  # UTF-8, or UTF-16 with or without a byte order mark (see text.decode)
        return import_text(decode(data, str(path)), path.name)
    read = document_lines(read_document(kind, data, str(path)))
    try:
        return _import(read.lines, path.name, whole_rows=True, counted=read.counted, dropped=read.dropped,
                       warnings=read.warnings, places=read.places)
    except ImportFailure as error:  # name the place in the document, not the line the reader numbered
        if isinstance(error.line, int) and error.line in read.places:
            raise failure(path.name, read.places[error.line], error.what, error.how) from None
        raise


def import_text(text: str, source_name: str) -> ImportResult:
    if "\x00" in text:
        raise failure(source_name, text[: text.index("\x00")].count("\n") + 1,
                      "the text contains NUL characters, so it is binary",
                      "export the published plan as UTF-8 text first")
    lines = split_lines(text.removeprefix("\ufeff"))
    if not any(line.text.strip() for line in lines):
        raise failure(source_name, None, "the file is empty",
                      "export the published plan as text (tab-separated table) and import that file")
    return _import(lines, source_name)


def _import(lines: tuple[Line, ...], source_name: str, whole_rows: bool = False, counted: tuple[Line, ...] | None = None,
            dropped: tuple[Dropped, ...] = (), warnings: tuple[ImportWarning, ...] = (),
            places: dict[int, str] | None = None) -> ImportResult:
    """The stages every input shares. A document's reader gives whole table rows, adds the text it left out
    (`dropped`, counted in `counted`) and the places of its lines."""
    places = places or {}
    header = parse_header(lines, source_name, places)
    table = assemble(lines, header.table_index, whole_rows, places, dropped)
    if table.refusals:  # every refusal, each at its line (or its place in a document)
        raise ImportFailure("\n".join(str(failure(source_name, places.get(r.line, r.line), r.what, r.how))
                                      for r in table.refusals))
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
    all_dropped = tuple(sorted(header.dropped + table.dropped + dropped, key=lambda d: d.line))
    inferred = {index: c.line for index, c in enumerate(table.concerns) if c.number_inferred}  # by position
    coverage = check(counted or lines, yaml_text, header.fields, all_dropped, inferred, table.empty_lines,
                     table.copied, places=places)
    relative_path = f"plans/{urls.slugify(header.establishment)}/{header.inspection_start:%Y-%m}.yaml"
    all_warnings = tuple(sorted(header.warnings + table.warnings + warnings, key=lambda w: w.line))
    return ImportResult(plan, yaml_text, relative_path, all_warnings, coverage, places)


__all__ = ["ImportFailure", "ImportResult", "import_file", "import_text"]
