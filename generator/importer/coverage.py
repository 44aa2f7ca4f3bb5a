"""Stage 7: prove that every word of the source is in the YAML or dropped for a stated reason.

This is a real check, not bookkeeping: the words of the source (tags removed, entities decoded) are
counted, and compared with the words read back from the written YAML plus the words of the
dropped fragments. Words missing from both are "unaccounted"; words in the YAML that the source
does not have are "invented". Header dates are the one place where the YAML holds a value in
another form (2023-06-05 for "5th June 2023"): their source text counts as placed only if it reads
back as the very date in the YAML.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import yaml

from . import cells
from .header import HeaderField, parse_date, parse_date_range
from .records import Copied, Dropped, place_of
from .text import Line


@dataclass(frozen=True)
class Coverage:
    source_words: int
    placed_words: int
    dropped: tuple[Dropped, ...]
    unaccounted: tuple[str, ...]
    invented: tuple[str, ...]
    inferred: tuple[str, ...] = ()  # values in the YAML that are not source words (inferred concern numbers)
    copied: tuple[Copied, ...] = ()  # merged owner cells written once per action they span
    empty_lines: int = 0
    places: dict[int, str] = field(default_factory=dict)  # line -> place in a document ('page 3, table row 12')

    def where(self, line: int) -> str:
        return place_of(line, self.places)

    @property
    def dropped_words(self) -> int:
        return sum(len(cells.words(d.text)) for d in self.dropped)

    @property
    def complete(self) -> bool:
        return not self.unaccounted and not self.invented

    def report(self) -> str:
        lines = [f"Dropped ({len(self.dropped)} fragments, {self.dropped_words} words):"]
        for item in sorted(self.dropped, key=lambda d: d.line):
            shown = item.text if len(item.text) <= 100 else f"{item.text[:99]}… ({len(cells.words(item.text))} words)"
            lines.append(f"  {self.where(item.line)}: {item.reason}" + (f": {shown!r}" if shown else ""))
        if self.copied:
            lines.append(f"Copied ({len(self.copied)} owners of merged cells, written once per action they span):")
            lines.extend(f"  {self.where(c.line)}: {c.reason}: {c.text!r}" for c in sorted(self.copied, key=lambda c: c.line))
        if self.inferred:
            lines.append("Inferred (in the YAML, not words of the source):")
            lines.extend(f"  {note}" for note in self.inferred)
        lines.append(f"Empty lines skipped: {self.empty_lines}")
        copied = sum(len(cells.words(c.text)) for c in self.copied)
        lines.append(f"Words: {self.source_words} in the source + {copied} copied = {self.placed_words} placed "
                     f"in the YAML + {self.dropped_words} dropped"
                     + ("" if self.complete else " (NOT BALANCED)"))
        lines.append("Unaccounted words (in the source, not in the YAML or the dropped list): "
                     + (", ".join(self.unaccounted) if self.unaccounted else "none"))
        lines.append("Invented words (in the YAML, not in the source): "
                     + (", ".join(self.invented) if self.invented else "none"))
        return "\n".join(lines)


def source_words(lines: tuple[Line, ...]) -> Counter:
    counter: Counter = Counter()
    for line in lines:
        for cell in line.text.split("\t"):
            counter.update(cells.words(cells.plain(cell)))
    return counter


def check(lines: tuple[Line, ...], yaml_text: str, fields: tuple[HeaderField, ...], dropped: tuple[Dropped, ...],
          inferred_numbers: dict[int, int], empty_lines: int, copied: tuple[Copied, ...] = (),
          places: dict[int, str] | None = None) -> Coverage:
    """Compare the source's words with the words read back from `yaml_text` plus the dropped words.
    `inferred_numbers` maps the position (from 0) of each concern whose number was inferred to the line
    where it was: by position, because a plan may print a number twice, or print one that is inferred
    elsewhere. `places` names the place in a document each line came from."""
    source = source_words(lines)
    plan = yaml.safe_load(yaml_text)
    placed: Counter = Counter()
    placed.update(cells.words(plan["source"]["title"]))
    date_values = {"plan_submitted": plan["plan_submitted"], "report_published": plan["report_published"],
                   "inspection": (plan["inspection"]["start"], plan["inspection"]["end"])}
    for header_field in fields:
        if header_field.field in date_values and _reads_as(header_field, date_values[header_field.field]):
            placed.update(cells.words(header_field.value))
    notes = []
    for index, concern in enumerate(plan["concerns"]):
        if index in inferred_numbers:
            notes.append(f"{place_of(inferred_numbers[index], places)}: concern number {concern['number']} (inferred)")
        else:
            placed.update(cells.words(str(concern["number"])))
        placed.update(cells.words(cells.markdown_plain(concern["text"])))
        for action in concern["actions"]:
            placed.update(cells.words(cells.markdown_plain(action["text"])))
            placed.update(cells.words(action["owner"]))
            placed.update(cells.words(action["target"]))
    dropped_counter: Counter = Counter()
    for item in dropped:
        dropped_counter.update(cells.words(item.text))
    accounted = placed + dropped_counter
    expected = source.copy()
    for item in copied:
        expected.update(cells.words(item.text))
    return Coverage(
        source_words=sum(source.values()),
        placed_words=sum(placed.values()),
        dropped=dropped,
        unaccounted=tuple(sorted((expected - accounted).elements())),
        invented=tuple(sorted((accounted - expected).elements())),
        inferred=tuple(notes),
        copied=copied,
        empty_lines=empty_lines,
        places=places,
    )


def _reads_as(header_field: HeaderField, value) -> bool:
    if isinstance(value, tuple):
        return parse_date_range(header_field.value) == value
    return isinstance(value, dt.date) and parse_date(header_field.value) == value
