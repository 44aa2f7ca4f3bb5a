"""Build benchmark (not a test), without the search index, for N synthetic plans:

- cold: no caches at all (.cache/ and site/ deleted);
- warm: parsed plans cached, every file rendered again (.cache/rendered/ deleted);
- unchanged: both caches warm and nothing changed, so every file is reused (generator.reuse);
- one changed plan, build: one plan edited, then `actionplans build` with both caches warm (what CI
  would take with .cache/ and site/ carried between runs, and an editor running `build`);
- one-file rebuild: one plan edited under `serve` (once its start-up warm-up is done), how many
  files that re-rendered, and (in brackets) when the first part, the plan's own pages, was written;
- edit to reload, to page, to all fresh: `actionplans serve` running for real, a browser's
  livereload connection open: the time from saving a plan to the reload message, to the plan's
  page served anew, and to the data page (among the last pages made) served fresh (a request for a
  page still being made waits until it is);
- peak memory, pages and bytes.

With --floor it measures instead, cold and warm, a build of only what each plan needs on its own:
its page and data files and the prison pages (no listing, timeline, feed, dataset or index): what
no faster estate-wide page could bring a build below.

    python tests/benchmark.py            # N = 1,000 (and the real content)
    python tests/benchmark.py 1000 10000 # several sizes
    python tests/benchmark.py --floor 1000

Each measurement runs in a fresh process so peak RSS and "cold" mean what they say.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 23)

CHILD = r"""
import datetime as dt, json, re, resource, shutil, sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
from generator.project import Project
mode, root = sys.argv[1], Path(sys.argv[2])
project = Project(root)
if len(sys.argv) > 3 and sys.argv[3] == "floor":  # each plan's own outputs and the prison pages only
    from generator import pages
    pages.outputs = lambda site: [*pages.establishment_pages(site),
                                  *pages.plan_outputs(site, frozenset(p.key for p in site.content.plans))]
if mode == "cold":
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
if mode == "warm":  # parsed plans cached, every file rendered again
    shutil.rmtree(root / ".cache" / "rendered", ignore_errors=True)
def edit_first_plan(word):
    plan = sorted((root / "content" / "plans").glob("*/*.yaml"))[0]
    plan.write_text(re.sub(r"(text: \|\n\s+)", r"\1" + word + " ", plan.read_text(), count=1))
if mode == "changed":
    edit_first_plan("Edited")
started = time.perf_counter()
if mode in ("cold", "warm", "unchanged", "changed"):
    from generator.build import build
    result = build(project, root / "site", dt.date(2026, 11, 23), search=False)
    seconds = time.perf_counter() - started
    files = [p for p in (root / "site").rglob("*") if p.is_file()]
    out = {{"seconds": seconds, "pages": result.pages, "rendered": result.rendered,
            "bytes": sum(p.stat().st_size for p in files)}}
else:
    from generator.cache import ParseCache
    from generator.serve import LiveSite
    live = LiveSite(project, root / "site", dt.date(2026, 11, 23), None, ParseCache(root / ".cache" / "parsed"))
    live.full_build()
    live.warm_up()  # what `serve` does in the background once the site is up
    edit_first_plan("Changed")
    rebuilt = live.rebuild()
    assert not live.errors, live.errors
    out = {{"seconds": rebuilt.seconds, "first": rebuilt.first_seconds, "written": rebuilt.files}}
# The largest process: the build itself or one of the worker processes it forks (they share the
# parent's pages, so the machine's total is less than the sum).
out["peak_rss_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                         resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(json.dumps(out))
"""


def served(root: Path) -> dict:
    """Save a plan while `actionplans serve` runs; time the reload message and the fresh listings."""
    import asyncio
    import re
    import socket
    import time
    import urllib.request

    from tornado.websocket import websocket_connect

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--project", str(root), "--port", str(port),
                                "--as-of", AS_OF.isoformat(), "--no-search"], cwd=HERE.parent,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said: list[str] = []
    try:
        for line in process.stdout:
            said.append(line)
            if line.startswith("ready"):
                break
        # Keep reading what the server says, so it never waits on a full pipe.
        drain = threading.Thread(target=lambda: said.extend(process.stdout), daemon=True)
        drain.start()
        # Its warm-up may end ("ready") before it listens: wait until it answers.
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        plan = sorted((root / "content" / "plans").glob("*/*.yaml"))[1]
        page = base + plan.relative_to(root / "content" / "plans").with_suffix("").as_posix() + "/"

        async def edit_and_wait() -> tuple[float, float, float]:
            connection = await websocket_connect(base.replace("http", "ws") + "livereload")
            await connection.write_message(json.dumps({"command": "hello", "protocols": [
                "http://livereload.com/protocols/official-7"]}))
            await connection.read_message()
            await connection.write_message(json.dumps({"command": "info", "url": page, "plugins": {}}))
            await asyncio.sleep(0.5)
            started = time.perf_counter()
            plan.write_text(re.sub(r"(text: \|\n\s+)", r"\1Edited ", plan.read_text(), count=1))
            while json.loads(await connection.read_message())["command"] != "reload":
                pass
            reloaded = time.perf_counter() - started
            connection.close()
            body = await asyncio.to_thread(lambda: urllib.request.urlopen(page, timeout=60).read())
            assert b"Edited " in body, "the reloaded page is not the new one"
            shown = time.perf_counter() - started
            await asyncio.to_thread(lambda: urllib.request.urlopen(base + "data/", timeout=60).read())
            return reloaded, shown, time.perf_counter() - started

        # A lost reload fails the benchmark, with what the server said, instead of waiting for ever.
        reloaded, shown, fresh = asyncio.run(asyncio.wait_for(edit_and_wait(), 300))
        time.sleep(1)  # the server's own report of the rebuild
        if "BENCH_DEBUG" in os.environ:
            print("".join(said))
        return {"reload": reloaded, "shown": shown, "fresh": fresh}
    except BaseException:
        print("".join(said), file=sys.stderr)
        raise
    finally:
        process.terminate()
        process.wait(timeout=60)


def measure(mode: str, root: Path, *extra: str) -> dict:
    code = CHILD.format(here=str(HERE.parent))
    done = subprocess.run([sys.executable, "-c", code, mode, str(root), *extra], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def project_of(count: int | None) -> Iterator[Path]:
    """A temporary project: the real content (count None) or `count` synthetic plans."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        if count is None:
            shutil.copytree(HERE.parent / "content", folder / "content")
        else:
            sys.path.insert(0, str(HERE))
            from synthetic import write_project
            write_project(folder, count)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench(count: int | None) -> dict:
    with project_of(count) as folder:
        cold = measure("cold", folder)
        warm = measure("warm", folder)
        unchanged = measure("unchanged", folder)
        changed = measure("changed", folder)
        one = measure("one", folder)
        live = served(folder)
        return {"reload": live["reload"], "shown": live["shown"], "fresh": live["fresh"], "first": one["first"],"n": count or "content/", "cold": cold["seconds"], "warm": warm["seconds"],
                "unchanged": unchanged["seconds"], "changed": changed["seconds"], "changed_files": changed["rendered"],
                "one": one["seconds"], "one_files": one["written"],
                "rss": max(cold["peak_rss_mb"], warm["peak_rss_mb"]), "pages": cold["pages"], "bytes": cold["bytes"]}


def floor(count: int) -> dict:
    with project_of(count) as folder:
        cold = measure("cold", folder, "floor")
        warm = measure("warm", folder, "floor")
        return {"n": count, "cold": cold["seconds"], "warm": warm["seconds"], "pages": cold["pages"],
                "bytes": cold["bytes"], "rss": max(cold["peak_rss_mb"], warm["peak_rss_mb"])}


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--floor":
        rows = [floor(int(a)) for a in argv[1:] or ["1000"]]
        print("Only each plan's page and data files, and the prison pages:")
        print(f"{'N':>9} {'cold s':>8} {'warm s':>8} {'peak RSS MB':>12} {'pages':>7} {'MB':>8}")
        for r in rows:
            print(f"{r['n']:>9} {r['cold']:>8.2f} {r['warm']:>8.2f} {r['rss']:>12.0f} {r['pages']:>7} {r['bytes'] / 1e6:>8.1f}")
        return
    sizes = [int(a) for a in argv] or [1000]
    rows = [bench(None)] + [bench(n) for n in sizes]
    print(f"{'N':>9} {'cold s':>8} {'warm s':>8} {'unchanged s':>12} {'one changed, build s':>21} "
          f"{'one-file rebuild s (first part)':>32} "
          f"{'edit→reload s':>14} {'edit→page s':>12} {'edit→all fresh s':>17} {'peak RSS MB':>12} {'pages':>7} {'MB':>8}")
    for r in rows:
        first = f"{r['first']:.3f}" if r["first"] is not None else "-"
        print(f"{r['n']:>9} {r['cold']:>8.2f} {r['warm']:>8.2f} {r['unchanged']:>12.2f} "
              f"{r['changed']:>8.2f} ({r['changed_files']:>4} files) "
              f"{r['one']:>12.3f} ({r['one_files']:>4} files, {first:>5})"
              f" {r['reload']:>14.3f} {r['shown']:>12.3f} {r['fresh']:>17.3f} {r['rss']:>12.0f} {r['pages']:>7}"
              f" {r['bytes'] / 1e6:>8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
