"""`{{ day | iso }}` -> "2023-06-05", or "2023-06" with month=True: the value of <time datetime>."""
from __future__ import annotations

import datetime as dt


def iso(day: dt.date, month: bool = False) -> str:
    return f"{day:%Y-%m}" if month else day.isoformat()
