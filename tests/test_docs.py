"""The README stays a newcomer's page, and what it and docs/ point to exists."""
from __future__ import annotations

import re

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_short_and_gives_the_two_commands():
    assert len(README.encode("utf-8")) <= 12 * 1024
    assert "pip install -e '.[test]' && .venv/bin/actionplans build" in README
    assert ".venv/bin/python -m pytest" in README


def test_the_readme_commands_table_names_every_command():
    for command in ("import", "check", "build", "serve"):  # tests/test_cli.py checks these are all
        assert f"| `actionplans {command}" in README, command


def test_every_link_between_the_docs_leads_to_a_file():
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(((?!https?:|#|mailto:)[^)#]+)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which is missing"
