"""The Jinja environment: autoescape on, StrictUndefined, filters from generator/filters/.

A template mistake becomes a TemplateProblem naming the template file and line, not a traceback.
"""
from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import timeline, urls
from .data import plan_downloads
from .filters import FILTERS
from .model import KINDS, THEMES
from .status import STATUS_KEYS, status_of


@dataclass(frozen=True)
class TemplateProblem(Exception):
    file: str
    line: int | None
    message: str

    def __reduce__(self):  # survives the trip back from a worker process
        return (TemplateProblem, (self.file, self.line, self.message))

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: template error: {self.message} — fix the template; the site was not changed"


def make_environment(templates_dir: Path, kept: dict | None = None) -> jinja2.Environment:
    """The environment; `kept` (serve) keeps the HTML of `fragment(...)` calls between renders."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=jinja2.select_autoescape(("html", "xml", "svg"), default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.globals["fragment"] = jinja2.pass_context(partial(fragment, kept))
    env.globals["keep"] = jinja2.pass_context(partial(keep, kept))
    env.globals.update(urls=urls, timeline=timeline, status_of=status_of, plan_downloads=plan_downloads, THEMES=THEMES, KINDS=KINDS, STATUS_KEYS=STATUS_KEYS)
    return env


def fragment(kept: dict | None, context, name: str, key: tuple | None, **variables: Any) -> Markup:
    """`{{ fragment("partials/x.html", key, plan=plan) }}`: the partial rendered with the page's
    variables and these. With a store (serve), its HTML is kept for (partial, page, key), so a listing
    page that changes in one plan re-renders that plan's part only. The key must name everything the
    part shows beyond the page and the site-wide inputs (a change to those empties the store). A key
    of None keeps nothing (a part inside a block kept whole by keep())."""
    return _kept_html(kept, None if key is None else ("fragment", name, context["page_path"], key),
                      lambda: context.environment.get_template(name).render({**context.get_all(), **variables}))


def keep(kept: dict | None, context, key: tuple | None, caller) -> Markup:
    """`{% call keep(key) %}…{% endcall %}`: the block's HTML. With a store (serve), it is kept for
    (page, key), so a page listing many small parts (timeline events) re-renders only the new ones;
    without, or with a key of None (a block not worth its memory), the block is simply rendered.
    The key must name everything the block shows beyond the page and the site-wide inputs, as for
    fragment()."""
    return _kept_html(kept, None if key is None else ("keep", context["page_path"], key), caller)


def _kept_html(kept: dict | None, whole_key: tuple | None, render) -> Markup:
    """render()'s HTML, kept under whole_key when there is a store and a key."""
    if kept is None or whole_key is None:
        return Markup(render())
    found = kept.get(whole_key)
    if found is None:
        found = kept[whole_key] = Markup(render())
    return found


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any], templates_dir: Path) -> str:
    """Render one template, turning any template mistake into a TemplateProblem with file:line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(_template_file(templates_dir, error.name or name), error.lineno, error.message or str(error)) from None
    except jinja2.TemplateNotFound as error:
        raise TemplateProblem(str(templates_dir / name), None, f"template '{error.name}' not found") from None
    except (jinja2.UndefinedError, jinja2.TemplateError, TypeError, AttributeError, KeyError, ValueError) as error:
        file, line = _innermost_template_frame(templates_dir) or (str(templates_dir / name), None)
        raise TemplateProblem(file, line, f"{type(error).__name__}: {error}") from None


def _template_file(templates_dir: Path, name: str) -> str:
    return str(Path(templates_dir.name) / name) if not Path(name).is_absolute() else name


def _innermost_template_frame(templates_dir: Path) -> tuple[str, int] | None:
    """Jinja rewrites tracebacks so template frames carry the template's file and line."""
    found = None
    for frame in traceback.extract_tb(sys.exc_info()[2]):
        try:
            inside = Path(frame.filename).resolve().is_relative_to(templates_dir.resolve())
        except (OSError, ValueError):
            inside = False
        if inside:
            found = (str(Path(templates_dir.name) / Path(frame.filename).resolve().relative_to(templates_dir.resolve())),
                     frame.lineno)
    return found
