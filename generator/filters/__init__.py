"""Jinja filters, one per module, each with its own test in tests/test_filters.py."""
from __future__ import annotations

from .date import date_text, month_text
from .datetime_attr import iso
from .first_words import first_words
from .markdown import markdown
from .plural import plural
from .rel import rel

FILTERS = {
    "date_text": date_text,
    "month_text": month_text,
    "iso": iso,
    "first_words": first_words,
    "markdown": markdown,
    "plural": plural,
    "rel": rel,
}
