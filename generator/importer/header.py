"""Stage 2: the lines above the table -> establishment, dates and title; everything else there is
letterhead or boilerplate, dropped with its reason.

Dates are written many ways in published plans ("5th June 2023", "2<sup>nd</sup> May 2023",
"10 December 2025.", ranges within a month, across months and across years); a date that cannot be
read stops the import rather than being guessed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import cells
from .records import Dropped, ImportWarning, failure, place_of, short
from .text import Line

_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY = rf"{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?"
_MONTH_YEAR = r"([A-Za-z]+)\.?,?\s+(\d{4})"
_NUMERIC = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})"
_TO = r"\s*(?:\u2013|\u2014|-|to|until)\s*"
_DATE_RE = re.compile(rf"^{_DAY}\s+{_MONTH_YEAR}\.?$", re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{4}}|\d{{2}})\.?$", re.IGNORECASE)
_RANGE_RE = re.compile(rf"^{_DAY}(?:\s+([A-Za-z]+)\.?(?:,?\s+(\d{{4}}))?)?{_TO}{_DAY}\s+{_MONTH_YEAR}\.?$", re.IGNORECASE)
_NUMERIC_RANGE_RE = re.compile(rf"^{_WEEKDAY}{_NUMERIC}{_TO}{_WEEKDAY}{_NUMERIC}\.?$", re.IGNORECASE)
_COLON = r"\s*[:\u2013\u2014-]?\s*"  # labels are followed by a colon, a dash, or nothing
_TITLE_RE = re.compile(r"^(action plan)\s*(?:[:\u2013\u2014-]|(?=\s+hm))\s*(.+)$", re.IGNORECASE)
_SUBMITTED_RE = re.compile(rf"^(action plan submitted){_COLON}(.*)$", re.IGNORECASE)
_INSPECTION_RE = re.compile(rf"^((?:a\s+)?response to the hm\w*\s+inspection(?:\s+dates?)?){_COLON}(.*)$", re.IGNORECASE)
_PUBLISHED_RE = re.compile(rf"^((?:inspection\s+)?report published){_COLON}(.*)$", re.IGNORECASE)
_REPORT_HEADING_RE = re.compile(r"^action plan\s*:?\s*hm\w*\s+report\.?$", re.IGNORECASE)
_ESTABLISHMENT_HEADING_RE = re.compile(r"^establishment\s*:", re.IGNORECASE)
_INTRODUCTION_RE = re.compile(r"^introduction:?$", re.IGNORECASE)


@dataclass(frozen=True)
class HeaderField:
    """Where a header value came from: the coverage check re-reads `value` and compares it with the YAML."""
    field: str
    line: int
    value: str


@dataclass(frozen=True)
class Header:
    title: str
    establishment: str
    inspection_start: dt.date
    inspection_end: dt.date
    report_published: dt.date
    plan_submitted: dt.date
    fields: tuple[HeaderField, ...]
    table_index: int  # index in the lines of the table's header row
    dropped: tuple[Dropped, ...]
    warnings: tuple[ImportWarning, ...]


def is_table_header(text: str) -> bool:
    """The table's header row: tab-separated, naming the concerns and target date columns."""
    lowered = text.lower()
    return "\t" in text and "concern" in lowered and "target" in lowered and ("owner" in lowered or "action" in lowered)


def _header_text(text: str) -> str:
    """A title-block line's words: its HTML and a Markdown heading's '#' marks left out."""
    return cells.plain(re.sub(r"^\s*#+\s+", "", text))


def header_date_line(text: str) -> bool:
    """A plan header line giving a readable date ('Action Plan Submitted: 5th June 2023'): inside a
    table it means a second plan starts there."""
    text = _header_text(text)
    if match := _SUBMITTED_RE.match(text) or _PUBLISHED_RE.match(text):
        return parse_date(match.group(2)) is not None
    match = _INSPECTION_RE.match(text)
    return bool(match) and parse_date_range(match.group(2)) is not None


def parse_header(lines: tuple[Line, ...], source_name: str, places: dict[int, str] | None = None) -> Header:
    """The title block above the table. `places` names a document's lines in messages ('paragraph 3')."""
    table_index = next((i for i, line in enumerate(lines) if is_table_header(line.text)), None)
    dropped: list[Dropped] = []
    warnings: list[ImportWarning] = []
    found: dict[str, tuple[int, str, str]] = {}  # field -> (line, label, value)
    title_line: Line | None = None
    in_introduction = False
    for line in lines[: table_index if table_index is not None else len(lines)]:
        text = _header_text(line.text)
        if not text:
            continue
        if _REPORT_HEADING_RE.match(text):
            dropped.append(Dropped(line.number, text, "boilerplate heading"))
            in_introduction = False
        elif (m := _SUBMITTED_RE.match(text)) or (m := _INSPECTION_RE.match(text)) or (m := _PUBLISHED_RE.match(text)):
            field = {_SUBMITTED_RE: "plan_submitted", _INSPECTION_RE: "inspection",
                     _PUBLISHED_RE: "report_published"}[m.re]
            if field in found:
                first = place_of(found[field][0], places)
                dropped.append(Dropped(line.number, text, f"header line repeated (the first one, {first}, is used)"))
                warnings.append(ImportWarning(line.number, f"{m.group(1)} is given twice; used {first}"))
            else:
                found[field] = (line.number, m.group(1), m.group(2).strip())
            in_introduction = False
        elif title_line is None and (m := _TITLE_RE.match(text)):
            title_line = line
            found["title"] = (line.number, m.group(1), text)
            in_introduction = False
        elif title_line is None:
            dropped.append(Dropped(line.number, text, "letterhead (above the plan's title)"))
        elif _INTRODUCTION_RE.match(text):
            dropped.append(Dropped(line.number, text, "boilerplate heading"))
            in_introduction = True
        elif _ESTABLISHMENT_HEADING_RE.match(text):
            dropped.append(Dropped(line.number, text, "boilerplate heading (establishment in capitals)"))
            in_introduction = False
        elif in_introduction:
            dropped.append(Dropped(line.number, text, "boilerplate introduction (the same in every plan)"))
        else:
            dropped.append(Dropped(line.number, text, "text above the table that is not part of the plan header"))
            warnings.append(ImportWarning(line.number, f"text above the table was not imported: '{short(text, 60)}'"))

    if title_line is None:
        raise failure(source_name, None, "this is not an action plan: there is no 'Action Plan: <establishment>' line",
                      "import the text export of a published HMPPS action plan")
    if table_index is None:
        raise failure(source_name, None, "no table found: there is no tab-separated header row naming "
                      "'Concerns', 'Response Action', 'Responsible Owner' and 'Target Date'",
                      "export the plan's table with one row per line and cells separated by tabs")
    title_number, _, title = found["title"]
    establishment = _TITLE_RE.match(title).group(2).strip().removesuffix(".").strip()
    if not establishment:
        raise failure(source_name, title_number, "the establishment name after 'Action Plan:' is empty",
                      "check the title line of the export")

    def value(field: str, label: str, example: str) -> tuple[int, str]:
        if field not in found:
            raise failure(source_name, None, f"the '{label}' line is missing from the header",
                          f"add it above the table as in the published plan, e.g. '{label}: {example}'")
        number, _, text = found[field]
        return number, text

    n_sub, submitted_text = value("plan_submitted", "Action Plan Submitted", "5th June 2023")
    n_ins, inspection_text = value("inspection", "A Response to the HMIP Inspection", "13th – 23rd February 2023")
    n_pub, published_text = value("report_published", "Report Published", "30th May 2023")
    submitted = parse_date(submitted_text)
    if submitted is None:
        raise failure(source_name, n_sub, f"cannot read the plan submission date '{submitted_text}'",
                      "write it as a day, month and year, e.g. '5th June 2023'")
    published = parse_date(published_text)
    if published is None:
        raise failure(source_name, n_pub, f"cannot read the report publication date '{published_text}'",
                      "write it as a day, month and year, e.g. '30th May 2023'")
    inspection = parse_date_range(inspection_text)
    if inspection is None:
        raise failure(source_name, n_ins, f"cannot read the inspection dates '{inspection_text}'",
                      "write them as a range, e.g. '13th – 23rd February 2023' or '28th February – 10th March 2023'")
    for number, (_, label, _) in ((n, found[f]) for n, f in ((n_sub, "plan_submitted"), (n_ins, "inspection"), (n_pub, "report_published"))):
        dropped.append(Dropped(number, label, "header label (the value is placed as a date)"))
    fields = (HeaderField("title", title_number, title), HeaderField("plan_submitted", n_sub, submitted_text),
              HeaderField("inspection", n_ins, inspection_text), HeaderField("report_published", n_pub, published_text))
    return Header(title, establishment, inspection[0], inspection[1], published, submitted, fields, table_index,
                  tuple(sorted(dropped, key=lambda d: d.line)), tuple(warnings))


def parse_date(text: str) -> dt.date | None:
    """'5th June 2023', '10 December 2025.', '05/06/2023' (UK day/month) -> date; None when it is not
    one real date."""
    flat = " ".join(text.split())
    if match := _DATE_RE.match(flat):
        return _date(*match.groups())
    if match := _NUMERIC_DATE_RE.match(flat):
        return _numeric_date(*match.groups())
    return None


def parse_date_range(text: str) -> tuple[dt.date, dt.date] | None:
    """'13th – 23rd February 2023', '1-12 May 2024', '28th February – 10th March 2023',
    '30 November 2022 – 10 January 2023', '13/02/2023 – 23/02/2023'."""
    flat = " ".join(text.split())
    if match := _NUMERIC_RANGE_RE.match(flat):
        d1, m1, y1, d2, m2, y2 = match.groups()
        start, end = _numeric_date(d1, m1, y1), _numeric_date(d2, m2, y2)
        return (start, end) if start and end and start <= end else None
    match = _RANGE_RE.match(flat)
    if not match:
        return None
    d1, m1, y1, d2, m2, y2 = match.groups()
    end = _date(d2, m2, y2)
    if end is None:
        return None
    start = _date(d1, m1 or m2, y1 or y2)
    if start is not None and start > end and y1 is None:  # '28 December – 3 January 2024' spans a year end
        start = _date(d1, m1 or m2, str(int(y2) - 1))
    if start is None or start > end:
        return None
    return start, end


def _numeric_date(day: str, month: str, year: str) -> dt.date | None:
    """Day first, as UK plans write dates; a two-digit year is 20YY."""
    try:
        return dt.date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    except ValueError:
        return None


def _date(day: str, month: str, year: str) -> dt.date | None:
    number = cells.month_number(month)
    if number is None:
        return None
    try:
        return dt.date(int(year), number, int(day))
    except ValueError:
        return None
