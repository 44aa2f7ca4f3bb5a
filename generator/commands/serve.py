"""`actionplans serve`: build once, then serve and rebuild what each change affects."""
from __future__ import annotations

import datetime as dt
import sys
import threading
from pathlib import Path

from ..cache import ParseCache
from ..problems import ContentError
from ..project import Project
from ..render import TemplateProblem
from ..serve import LiveSite, run_server
from .check import print_problems


def run(project: Project, host: str = "127.0.0.1", port: int = 8000, output: Path | None = None,
        as_of: dt.date | None = None, base_url: str | None = None, search: bool = False, strict: bool = False) -> int:
    output = output or project.root / "site"
    from .build import unsafe_output
    unsafe = unsafe_output(project, output)
    if unsafe:
        print(f"actionplans serve: error: {unsafe}", file=sys.stderr)
        return 2
    live = LiveSite(project, output.resolve(), as_of, base_url or f"http://{host}:{port}/",
                    ParseCache(project.root / ".cache" / "parsed"))
    try:
        live.full_build()
    except ContentError as error:
        print_problems(error.problems, "text", sys.stderr)
        print("fix the content, then run serve again", file=sys.stderr)
        return 1
    except TemplateProblem as problem:
        print(problem.format(), file=sys.stderr)
        return 1

    def warm_up() -> None:  # quick first rebuild; pages already served
        live.warm_up()
        print("ready: a change now re-renders only the files it affects", file=sys.stderr, flush=True)

    def start_warm_up() -> None:  # once the server answers, so "ready" means ready
        threading.Thread(target=warm_up, daemon=True).start()

    if search:
        live.start_search_indexing()
    try:
        run_server(live, host, port, search, on_listening=start_warm_up)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0
