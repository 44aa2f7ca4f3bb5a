"""Stage 1: bytes -> numbered lines. Refuses what is not text, so later stages never see binary."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .records import failure

# C0 controls other than tab, newline and carriage return (a form feed is a page break in PDF exports).
_CONTROL_RE = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Line:
    """One line of the source; `number` counts from 1 as editors see it in their text editor."""
    number: int
    text: str


def decode(data: bytes, source_name: str) -> str:
    """UTF-8 text (a leading BOM is allowed); NUL bytes or undecodable bytes mean it is not a text export."""
    if not data.strip():
        raise failure(source_name, None, "the file is empty",
                      "export the published plan as text (tab-separated table) and import that file")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise failure(source_name, line, "the file contains NUL bytes, so it is binary (a PDF or Word file?)",
                      "export the published plan as UTF-8 text first and import the text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise failure(source_name, line, f"byte {data[error.start]:#04x} is not UTF-8 text",
                      "save the export as UTF-8 text and import it again") from None
    return text.removeprefix("\ufeff")


def split_lines(text: str) -> tuple[Line, ...]:
    """Lines numbered from 1. Only \\n, \\r\\n and \\r end a line (so numbers match text editors);
    control characters such as form feeds become spaces (they are never words)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub(" ", text)
    return tuple(Line(i, t) for i, t in enumerate(text.split("\n"), 1))
