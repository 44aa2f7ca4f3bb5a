"""Problems found in content: every one says where (file:line), what is wrong and how to fix it.

Commands collect all problems of a run before stopping, so an editor fixes everything in one go.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" stops a build; "warning" does only with --strict

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.message)

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = "warning: " if self.severity == "warning" else ""
        text = f"{where}: {label}{self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def format_github(self) -> str:
        """A GitHub Actions workflow command: shown as an annotation on the file and line."""
        kind = "warning" if self.severity == "warning" else "error"
        where = f"file={_escape_property(self.file)}"
        if self.line:
            where += f",line={self.line}"
        text = f"{self.message} — {self.hint}" if self.hint else self.message
        return f"::{kind} {where}::{_escape_data(text)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class ContentError(Exception):
    """Raised with every problem found, after all content has been looked at."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self):  # survives the trip back from a worker process
        return (ContentError, (self.problems,))
