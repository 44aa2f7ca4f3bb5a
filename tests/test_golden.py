"""A golden snapshot of one built plan page (HMP Leicester, February 2023, as of 23 November 2026).

After an intended change to the plan page, regenerate and review the diff:
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""
from __future__ import annotations

import os

from generator.build import build
from generator.project import Project

from conftest import AS_OF, REPO

GOLDEN = REPO / "tests" / "golden" / "hmp-leicester-2023-02.html"


def test_plan_page_matches_the_golden_snapshot(tmp_path):
    site = build(Project(REPO), tmp_path / "site", AS_OF, search=False).output_dir
    page = (site / "hmp-leicester" / "2023-02" / "index.html").read_text(encoding="utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(page, encoding="utf-8")
    assert page == GOLDEN.read_text(encoding="utf-8"), (
        "the plan page changed: if intended, run UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py "
        "and review the diff of tests/golden/")
