"""The Jinja environment: autoescape on, StrictUndefined, and nothing else — templates are given
ready values (generator.views), so they need no filters, globals or macros that work things out.

A template mistake becomes a TemplateProblem naming the template file and line, not a traceback.
"""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import jinja2


class TemplateProblem(Exception):
    """A mistake in a template, at file:line."""

    def __init__(self, file: str, line: int | None, message: str):
        super().__init__(file, line, message)
        self.file, self.line, self.message = file, line, message

    def __reduce__(self):  # survives the trip back from a worker process
        return (TemplateProblem, (self.file, self.line, self.message))

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: template error: {self.message} — fix the template; the site was not changed"


class Renderer:
    """Renders the project's templates; `_x.html`-style partials and macros are only ever included."""

    def __init__(self, templates_dir: Path):
        self.templates_dir = templates_dir
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=jinja2.select_autoescape(("html", "xml", "svg"), default_for_string=True, default=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )

    def compile_all(self) -> None:
        """Compile every template now: `serve` does, so the first page rebuilt after a save does not
        wait for its templates to compile (a mistake in one is found when a page uses it)."""
        for name in self.env.list_templates(extensions=["html", "xml"]):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                pass

    def render(self, name: str, **context: Any) -> bytes:
        """Render one template, turning any template mistake into a TemplateProblem with file:line."""
        try:
            return self.env.get_template(name).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as error:
            raise TemplateProblem(self._file(error.name or name), error.lineno, error.message or str(error)) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateProblem(self._file(name), None, f"template '{error.name}' not found") from None
        except (jinja2.TemplateError, TypeError, AttributeError, KeyError, ValueError) as error:
            file, line = self._innermost_frame() or (self._file(name), None)
            raise TemplateProblem(file, line, f"{type(error).__name__}: {error}") from None

    def _file(self, name: str) -> str:
        return str(Path(self.templates_dir.name) / name) if not Path(name).is_absolute() else name

    def _innermost_frame(self) -> tuple[str, int] | None:
        """Jinja rewrites tracebacks so template frames carry the template's file and line."""
        found = None
        root = self.templates_dir.resolve()
        for frame in traceback.extract_tb(sys.exc_info()[2]):
            try:
                inside = Path(frame.filename).resolve().is_relative_to(root)
            except (OSError, ValueError):
                inside = False
            if inside:
                found = (str(Path(self.templates_dir.name) / Path(frame.filename).resolve().relative_to(root)),
                         frame.lineno)
        return found
