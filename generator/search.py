"""Search: Pagefind indexes the written site (concerns are the unit people land on)."""
from __future__ import annotations

from pathlib import Path


def index_site(folder: Path) -> int:
    """Index the site in `folder` in place; returns the number of files written."""
    return 0
