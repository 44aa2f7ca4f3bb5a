"""Build benchmark (not a test), without the search index, for N synthetic plans:

- cold: no caches at all (.cache/ and site/ deleted);
- warm: parsed plans cached, every file rendered again (.cache/rendered/ deleted);
- unchanged: both caches warm and nothing changed, so every file is reused (generator.reuse);
- one-file rebuild: one plan edited under `serve` (once its start-up warm-up is done), and how many
  files that re-rendered;
- peak memory, pages and bytes.

    python tests/benchmark.py            # N = 1,000 (and the real content)
    python tests/benchmark.py 1000 10000 # several sizes

Each measurement runs in a fresh process so peak RSS and "cold" mean what they say.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 23)

CHILD = r"""
import datetime as dt, json, re, resource, shutil, sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
from generator.project import Project
mode, root = sys.argv[1], Path(sys.argv[2])
project = Project(root)
if mode == "cold":
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
if mode == "warm":  # parsed plans cached, every file rendered again
    shutil.rmtree(root / ".cache" / "rendered", ignore_errors=True)
started = time.perf_counter()
if mode in ("cold", "warm", "unchanged"):
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
    plan = sorted((root / "content" / "plans").glob("*/*.yaml"))[0]
    plan.write_text(re.sub(r"(text: \|\n\s+)", r"\1Changed ", plan.read_text(), count=1))
    started = time.perf_counter()
    written, _ = live.rebuild()
    seconds = time.perf_counter() - started
    assert not live.errors, live.errors
    out = {{"seconds": seconds, "written": written}}
# The largest process: the build itself or one of the worker processes it forks (they share the
# parent's pages, so the machine's total is less than the sum).
out["peak_rss_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                         resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(json.dumps(out))
"""


def measure(mode: str, root: Path) -> dict:
    code = CHILD.format(here=str(HERE.parent))
    done = subprocess.run([sys.executable, "-c", code, mode, str(root)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(count: int | None) -> dict:
    sys.path.insert(0, str(HERE))
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        if count is None:
            shutil.copytree(HERE.parent / "content", folder / "content")
        else:
            from synthetic import write_project
            write_project(folder, count)
        cold = measure("cold", folder)
        warm = measure("warm", folder)
        unchanged = measure("unchanged", folder)
        one = measure("one", folder)
        return {"n": count or "content/", "cold": cold["seconds"], "warm": warm["seconds"],
                "unchanged": unchanged["seconds"], "one": one["seconds"], "one_files": one["written"],
                "rss": max(cold["peak_rss_mb"], warm["peak_rss_mb"]), "pages": cold["pages"], "bytes": cold["bytes"]}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000]
    rows = [bench(None)] + [bench(n) for n in sizes]
    print(f"{'N':>9} {'cold s':>8} {'warm s':>8} {'unchanged s':>12} {'one-file rebuild s':>19} "
          f"{'peak RSS MB':>12} {'pages':>7} {'MB':>8}")
    for r in rows:
        print(f"{r['n']:>9} {r['cold']:>8.2f} {r['warm']:>8.2f} {r['unchanged']:>12.2f} "
              f"{r['one']:>12.3f} ({r['one_files']:>4}) {r['rss']:>12.0f} {r['pages']:>7} {r['bytes'] / 1e6:>8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
