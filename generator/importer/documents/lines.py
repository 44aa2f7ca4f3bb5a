"""A read document -> the numbered lines the text importer's stages read, and where each line came from.

Lines are numbered in reading order over every part, so the coverage report lists dropped text in the
order of the document; `places` turns a line number back into the place an editor can find
('page 3, table row 12'). Dropped and stray parts are not given to the stages, but they are counted by the
coverage check: dropped ones as dropped with their reason, stray ones as unaccounted words.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from ..records import Dropped, ImportWarning, short
from ..text import Line
from .shape import DROPPED, ROW, STRAY, TITLE, Document


@dataclass(frozen=True)
class DocumentLines:
    lines: tuple[Line, ...]    # the title block, then the table rows: what the stages read
    counted: tuple[Line, ...]  # every part, for the coverage check
    dropped: tuple[Dropped, ...]
    warnings: tuple[ImportWarning, ...]
    places: dict[int, str]     # line number -> where in the document


def document_lines(document: Document) -> DocumentLines:
    lines, counted, dropped, warnings, places = [], [], [], [], {}
    for number, part in enumerate(document.parts, 1):
        line = Line(number, part.text if part.role in (TITLE, ROW) else html.escape(part.text, quote=False))
        places[number] = part.where
        counted.append(line)
        if part.role in (TITLE, ROW):
            lines.append(line)
            continue
        text = " ".join(part.text.split())
        if part.role == DROPPED:
            dropped.append(Dropped(number, text, part.reason))
            if part.warning:
                warnings.append(ImportWarning(number, f"{part.warning}: '{short(text, 60)}'"))
        elif part.role == STRAY:
            warnings.append(ImportWarning(number, f"words the reader could not place in the table, the title "
                                                  f"block or the page's margins: '{short(text, 60)}' — not imported"))
    return DocumentLines(tuple(lines), tuple(counted), tuple(dropped), tuple(warnings), places)
