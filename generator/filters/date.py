"""`{{ day | date_text }}` -> "5 June 2023"; `{{ day | month_text }}` -> "June 2023" (GOV.UK style, no leading zero)."""
from __future__ import annotations

import datetime as dt


def date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def month_text(day: dt.date) -> str:
    return f"{day:%B %Y}"
