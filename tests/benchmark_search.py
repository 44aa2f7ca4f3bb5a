"""Search benchmark (a script, not a test): how long Pagefind indexing takes, and how many bytes a
reader's browser fetches to answer one query.

    python tests/benchmark_search.py [--plans 1000] [--no-browser]

Sites measured: the one built from content/, and one of N synthetic plans (default 1,000: ≈12
concerns per plan, ≈4.5 actions per concern, ~120 prisons, inspections 2015–2026) made by the
small deterministic generator below. Bytes are counted with Playwright on the site served under
/plans/: "raw" is what this plain server sends, "gzip" what a host that compresses text sends
(Pagefind's index, fragment and wasm files are gzip already and count as they are). Goal: one
query ≤ 100 KB.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator import urls  # noqa: E402
from generator.build import build  # noqa: E402
from generator.project import Project  # noqa: E402
from generator.search import BUNDLE, records_in  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--proxy-server=http://127.0.0.1:9"]
QUERIES = (("violence", {}), ("healthcare", {}), ("drug testing", {}), ("education", {"theme": "Purposeful activity"}))

# --- synthetic plans: deterministic from a seed, independent of the generator's code -------------
# Words are drawn with the frequencies they have in content/plans (so the index has a realistic
# vocabulary and realistic posting lists); this short list stands in when there is no content.
FALLBACK_WORDS = ("prisoners staff safety violence drugs regime education work health care cells refurbishment leaders "
         "data strategy meeting review monitor improve deliver training support release housing offender managers "
         "key work recovery substance misuse equality diversity reading literacy activity places attendance "
         "governance medicines pharmacy assurance quarterly monthly weekly partnership community accommodation "
         "resettlement risk public protection incentives mattresses showers laundry kitchen food visits "
         "families telephones segregation restraint self-harm ACCT induction first night chaplaincy").split()
OWNERS = ("Governor", "Deputy Governor", "Head of Safety", "Head of Healthcare", "Head of Residence",
          "Head of Reducing Reoffending", "MOJ Property Directorate", "Head of Education, Skills and Work",
          "Head of Security", "Practice Plus Group")
THEMES = ("safety", "respect", "purposeful-activity", "rehabilitation-and-release-planning")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def vocabulary(content: Path) -> tuple[list[str], list[int]]:
    """Every word of the concerns and actions in content/plans, with how often it is used."""
    counts: Counter[str] = Counter()
    for file in sorted(content.glob("plans/*/*.yaml")):
        plan = yaml.safe_load(file.read_text(encoding="utf-8"))
        for concern in plan.get("concerns", []):
            texts = [concern.get("text", "")] + [a.get("text", "") for a in concern.get("actions", [])]
            counts.update(word for text in texts for word in re.findall(r"[A-Za-z][A-Za-z'-]*", text))
    if not counts:
        counts.update(FALLBACK_WORDS)
    words = sorted(counts)
    return words, [counts[w] for w in words]


def sentence(rng: random.Random, words: tuple[list[str], list[int]], characters: int) -> str:
    chosen: list[str] = []
    while sum(len(w) + 1 for w in chosen) < characters:
        chosen += rng.choices(words[0], words[1], k=8)
    return " ".join(chosen).capitalize() + ".\n"


def synthetic_plans(count: int, seed: int = 2026, prisons: int = 120) -> list[dict]:
    """`count` plans spread over `prisons` establishments and the years 2015–2026."""
    rng = random.Random(seed)
    words = vocabulary(REPO / "content")
    plans, used = [], set()
    while len(plans) < count:
        name = f"HMP Synthetic {len(plans) % prisons + 1:03d}"
        start = dt.date(rng.randrange(2015, 2027), rng.randrange(1, 13), rng.randrange(1, 15))
        if (name, start.year, start.month) in used:
            continue
        used.add((name, start.year, start.month))
        submitted = start + dt.timedelta(days=rng.randrange(100, 160))
        concerns = []
        for number in range(1, rng.randrange(9, 16) + 1):
            actions = []
            for _ in range(rng.randrange(2, 8)):  # 4.5 on average
                due = submitted + dt.timedelta(days=rng.randrange(0, 500))
                roll = rng.random()
                target = "Complete" if roll < 0.2 else "Ongoing" if roll < 0.25 else f"{MONTHS[due.month - 1]} {due.year}"
                actions.append({"text": sentence(rng, words, 255), "owner": rng.choice(OWNERS), "target": target})
            concerns.append({"number": number, "kind": "priority" if number <= 4 else "key",
                             "theme": rng.choice(THEMES), "text": sentence(rng, words, 190), "actions": actions})
        plans.append({"establishment": name,
                      "inspection": {"start": start.isoformat(), "end": (start + dt.timedelta(days=10)).isoformat()},
                      "report_published": (start + dt.timedelta(days=90)).isoformat(),
                      "plan_submitted": submitted.isoformat(),
                      "source": {"title": f"Action Plan: {name}"}, "concerns": concerns})
    return plans


def write_project(root: Path, plans: list[dict]) -> Project:
    (root / "content").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text("title: Synthetic plans\nbase_url: https://example.org/plans/\n")
    for data in plans:
        path = root / "content" / "plans" / urls.slugify(data["establishment"]) / f"{data['inspection']['start'][:7]}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=1000), encoding="utf-8")
    return Project(root)


# --- measuring ----------------------------------------------------------------------------------
def measure_indexing(project: Project, www: Path) -> dict:
    """Build with search; the progress messages split rendering from Pagefind indexing."""
    site = www / "plans"
    marks: dict[str, float] = {}
    started = time.perf_counter()
    build(project, site, AS_OF, search=True,
          progress=lambda message: marks.setdefault("index" if "Pagefind" in message else "render", time.perf_counter()))
    finished = time.perf_counter()
    bundle = sum(p.stat().st_size for p in (site / BUNDLE).rglob("*") if p.is_file())
    concerns_pages = sorted((site / "concerns").rglob("index.html"))
    return {"build_s": marks["index"] - started, "index_s": finished - marks["index"],
            "records": sum(1 for _ in records_in(site)), "bundle_bytes": bundle, "concerns_pages": len(concerns_pages),
            "largest_concerns_page": max(p.stat().st_size for p in concerns_pages)}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def wire_size(body: bytes) -> int:
    """What a compressing host sends: gzip for text, files already gzip'd as they are."""
    return len(body) if body[:2] == b"\x1f\x8b" else min(len(body), len(gzip.compress(body, 6, mtime=0)))


def measure_query(www: Path, query: str, filters: dict[str, str], verbose: bool = False) -> dict:
    """Load /plans/search/, then count everything fetched from typing the query to seeing results."""
    from playwright.sync_api import expect, sync_playwright
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/plans/search/")
            expect(page.locator("#search-form")).to_be_visible()
            requests = []
            page.on("requestfinished", lambda request: requests.append(request))
            field = page.get_by_label("Words to search for")
            field.fill(query)
            for key, value in filters.items():  # choosing a filter runs the search
                page.locator(f"#filter-{key}").select_option(value)
            if not filters:
                field.press("Enter")
            expect(page.locator("#search-status")).to_contain_text("found", timeout=30_000)
            page.wait_for_load_state("networkidle")
            results = page.locator("#search-status").inner_text()
            fetched = [(r.url, r.response().body()) for r in requests]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    if verbose:
        for url, body in fetched:
            print(f"    {len(body):>8} {wire_size(body):>8}  {url}")
    return {"requests": len(fetched), "raw": sum(len(b) for _, b in fetched),
            "gzip": sum(wire_size(b) for _, b in fetched), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=1000, help="synthetic plans (default 1000)")
    parser.add_argument("--no-browser", action="store_true", help="skip the bytes-per-query measurement")
    parser.add_argument("--verbose", action="store_true", help="list every response counted")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="benchmark-search-"))
    try:
        sites = {"content/": (Project(REPO), work / "content-www")}
        sites[f"{args.plans} synthetic plans"] = (write_project(work / "synthetic", synthetic_plans(args.plans)),
                                                 work / "synthetic-www")
        print(f"{'site':<24} {'records':>8} {'render s':>8} {'index s':>8} {'bundle KB':>10} {'index pages':>12} "
              f"{'largest KB':>11}")
        for name, (project, www) in sites.items():
            m = measure_indexing(project, www)
            print(f"{name:<24} {m['records']:>8} {m['build_s']:>8.2f} {m['index_s']:>8.2f} "
                  f"{m['bundle_bytes'] / 1000:>10.0f} {m['concerns_pages']:>12} {m['largest_concerns_page'] / 1000:>11.0f}")
        if args.no_browser:
            return
        print()
        print(f"{'site':<24} {'query':<28} {'requests':>8} {'raw KB':>8} {'gzip KB':>8}  results")
        for name, (_, www) in sites.items():
            for query, filters in QUERIES:
                label = query + "".join(f" [{k}: {v}]" for k, v in filters.items())
                m = measure_query(www, query, filters, args.verbose)
                print(f"{name:<24} {label:<28} {m['requests']:>8} {m['raw'] / 1000:>8.1f} {m['gzip'] / 1000:>8.1f}  "
                      f"{m['results']}")
        print("\nbytes: everything fetched from pressing Enter to seeing results (the page itself excluded); "
              "goal ≤ 100 KB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
