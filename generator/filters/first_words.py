"""`{{ concern.text | first_words(120) }}`: the start of a Markdown text as plain words, cut at a word."""
from __future__ import annotations

from .. import markdown


def first_words(text: str, limit: int = 160) -> str:
    return markdown.first_words(text, limit)
