"""`{{ n | plural("concern") }}` -> "1 concern", "3 concerns"; irregular plural as second argument."""
from __future__ import annotations


def plural(count: int, singular: str, many: str | None = None) -> str:
    word = singular if count == 1 else (many or singular + "s")
    return f"{count:,} {word}"
