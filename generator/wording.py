"""How dates and counts are written on the site, in one place: "5 June 2023", "June 2023", "3 actions"."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=8192)  # pages show few distinct dates, each many times
def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@lru_cache(maxsize=4096)
def month_text(day: dt.date) -> str:
    return f"{day:%B %Y}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """"1 action", "3 actions", "1,204 actions"; an irregular plural as `many`."""
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


@dataclass(frozen=True, slots=True)
class When:
    """A date as a page shows it: `<time datetime="{{ iso }}">{{ text }}</time>`."""
    iso: str
    text: str


@lru_cache(maxsize=16384)
def day(day: dt.date) -> When:
    return When(day.isoformat(), day_text(day))


@lru_cache(maxsize=4096)
def month(day: dt.date) -> When:
    return When(f"{day:%Y-%m}", month_text(day))


@dataclass(frozen=True, slots=True)
class Span:
    """Two days as one phrase: "13 to 23 February 2023", "28 February to 9 March 2023"."""
    start: When
    end: When


def span(start: dt.date, end: dt.date) -> Span:
    if (start.year, start.month) == (end.year, end.month):
        first = str(start.day)
    elif start.year == end.year:
        first = f"{start.day} {start:%B}"
    else:
        first = day_text(start)
    return Span(When(start.isoformat(), first), day(end))
