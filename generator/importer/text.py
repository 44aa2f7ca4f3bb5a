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
    """UTF-8 text (a leading BOM is allowed), or UTF-16 as some exporters write it; NUL bytes in any
    other pattern, or undecodable bytes, mean it is not a text export."""
    if not data.strip():
        raise failure(source_name, None, "the file is empty",
                      "export the published plan as text (tab-separated table) and import that file")
    encoding = _utf16(data)
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = data[: error.start].decode(encoding, errors="replace").count("\n") + 1
            raise failure(source_name, line, "the file is UTF-16 text, but it is damaged here (an odd number of bytes "
                          "or an unpaired surrogate)", "save the export again as UTF-8 text and import that") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise failure(source_name, line, "the file contains NUL bytes, so it is binary, and it is not a format the "
                      "importer reads (a .docx, .odt or PDF document, or a text export)",
                      "import the plan's PDF, Word or OpenDocument file as published, or its text export")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise failure(source_name, line, f"byte {data[error.start]:#04x} is not UTF-8 text",
                      "save the export as UTF-8 text and import it again") from None
    return text.removeprefix("\ufeff")


def _utf16(data: bytes) -> str | None:
    """'utf-16' when the bytes start with a UTF-16 byte order mark, 'utf-16-le'/'-be' when nearly every
    other byte is NUL, as in UTF-16 text without one (a plan is mostly ASCII), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def split_lines(text: str) -> tuple[Line, ...]:
    """Lines numbered from 1. Only \\n, \\r\\n and \\r end a line (so numbers match text editors);
    control characters such as form feeds become spaces (they are never words)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub(" ", text)
    return tuple(Line(i, t) for i, t in enumerate(text.split("\n"), 1))
