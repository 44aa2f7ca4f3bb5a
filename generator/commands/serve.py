"""`actionplans serve`: build into a temporary folder, then serve it and rebuild on every change."""
from __future__ import annotations

import datetime as dt
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from ..cache import ParseCache
from ..project import Project
from ..search import index_in_background
from ..serve import LiveSite, Rebuilt, serve


def run(project: Project, host: str = "127.0.0.1", port: int = 8000, as_of: dt.date | None = None,
        base_url: str | None = None, search: bool = False, strict: bool = False) -> int:
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def said(live: LiveSite, rebuilt: Rebuilt, done: str = "rebuilt") -> None:
        if live.errors:
            say("\n".join(live.errors) + "\ncontent has errors — still serving the last good site")
            return
        first = f" (the changed prisons in {rebuilt.first_seconds * 1000:.0f} ms)" if rebuilt.first_seconds else ""
        say(f"{done} {rebuilt.files} files in {rebuilt.seconds * 1000:.0f} ms{first}")
        if live.search:
            index_in_background(live.folder)

    def stopped(number, frame) -> None:  # `kill` or a closed terminal: stop as Ctrl-C does, removing the folder
        raise KeyboardInterrupt

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stopped)
    folder = Path(tempfile.mkdtemp(prefix="actionplans-serve-"))
    try:
        live = LiveSite(project, folder / "site", as_of, base_url or f"http://{host}:{port}/",
                        ParseCache(project.root / ".cache", memory=True), search)
        said(live, live.rebuild(), "built")
        if live.errors:
            say("fix the content, then run serve again")
            return 1
        serve(live, host, port, say, said)
    except KeyboardInterrupt:
        say("stopped")
    except OSError as error:
        say(f"actionplans serve: error: {error} — is another server using port {port}? Try --port")
        return 2
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0
