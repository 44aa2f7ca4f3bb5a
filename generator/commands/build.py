"""`actionplans build`: check all content, then write the whole site atomically."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from ..build import OutputError, WriteError, build
from ..problems import ContentError
from ..project import Project
from ..render import TemplateProblem
from ..search import SearchIndexError
from .check import print_problems, report_content_error


def unsafe_output(project: Project, output: Path) -> str | None:
    """The build replaces its output folder whole: never let that folder hold the project's sources."""
    target = output.resolve()
    for source in (project.root, project.content_dir, project.templates_dir, Path.cwd()):
        source = source.resolve()
        if target == source or source.is_relative_to(target) or target.is_relative_to(source / "content") \
                or target.is_relative_to(project.templates_dir.resolve()) \
                or target.is_relative_to((project.root / "templates").resolve()):
            return (f"--output {output} would replace a folder holding the project's sources ({source}) — "
                    "choose a separate folder such as site/")
    return None


def run(project: Project, output: Path | None, as_of: dt.date, base_url: str | None = None, search: bool = True,
        strict: bool = False, fmt: str = "text", quiet: bool = False, out: TextIO | None = None,
        err: TextIO | None = None, cache: bool = True) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    output = output or project.root / "site"
    unsafe = unsafe_output(project, output)
    if unsafe:
        print(f"actionplans build: error: {unsafe}", file=err)
        return 2
    progress = None if quiet else (lambda message: print(f"  {message}", file=err, flush=True))
    try:
        result = build(project, output, as_of, base_url=base_url, search=search, progress=progress, strict=strict,
                       cache=cache)
    except ContentError as error:
        return report_content_error(error, fmt, err, "the site was not changed")
    except OutputError as error:
        print(f"actionplans build: error: {error}", file=err)
        return 2
    except (TemplateProblem, SearchIndexError, WriteError) as error:
        print(error.format() if isinstance(error, TemplateProblem) else str(error), file=err)
        return 1
    print_problems(result.warnings, fmt, err)
    print(f"built {result.pages} pages ({result.files} files) into {project.display(result.output_dir)} in "
          f"{result.seconds:.2f} s, status as of {as_of.isoformat()}", file=out)
    return 0
