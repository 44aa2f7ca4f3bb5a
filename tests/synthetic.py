"""Synthetic plans shaped like the real ones, deterministic from a seed: for benchmarks and scale tests.

≈12 concerns per plan, ≈4.5 actions per concern, ≈190 characters per concern and ≈255 per action,
~120 establishments, inspections 2015–2026. Run `python tests/synthetic.py DIR N` to write a project.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import yaml

WORDS = ("prisoners staff safety violence drugs regime education work health care cells refurbishment "
         "leaders data strategy meeting review monitor improve deliver training support release housing "
         "offender managers key work recovery substance misuse equality diversity reading literacy "
         "activity places attendance punctuality governance medicines pharmacy assurance quarterly monthly "
         "weekly partnership community accommodation resettlement risk public protection incentives").split()
OWNERS = ("Governor", "Director", "Head of Safety", "Head of Healthcare", "Head of Residence",
          "Head of Reducing Reoffending", "MOJ Property Directorate", "Practice Plus Group", "People Plus",
          "Head of Education, Skills and Work", "Head of Security", "Deputy Governor")
THEMES = ("safety", "respect", "purposeful-activity", "rehabilitation-and-release-planning")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


_SYLLABLES = ("ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "ri", "so", "tu", "va",
              "we", "xi", "yo", "zu", "bra", "cle", "dri", "flo", "gra", "ple", "stra", "tro")
# A vocabulary as varied as real plans (so repeat-concern matching behaves as it does on real text):
# the plans' own common words plus ~3,000 made-up ones, picked with a Zipf-like skew.
VOCABULARY = tuple(WORDS) + tuple(a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("n", "r", "st", "m"))


def _sentence(rng: random.Random, length: int) -> str:
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(VOCABULARY[min(int(rng.paretovariate(0.6)) - 1, len(VOCABULARY) - 1)]
                     if rng.random() < 0.7 else rng.choice(VOCABULARY))
    return " ".join(words).capitalize() + "."


def synthetic_plans(count: int, seed: int = 1, establishments: int = 120) -> list[dict]:
    rng = random.Random(seed)
    plans, used = [], set()
    names = [f"HMP Synthetic {i:03d}" for i in range(1, establishments + 1)]
    while len(plans) < count:
        name = names[len(plans) % establishments]
        year = 2015 + rng.randrange(12)
        month = rng.randrange(1, 13)
        if (name, year, month) in used:
            continue
        used.add((name, year, month))
        start = dt.date(year, month, rng.randrange(1, 15))
        end = start + dt.timedelta(days=10)
        published = end + dt.timedelta(days=rng.randrange(60, 110))
        submitted = published + dt.timedelta(days=rng.randrange(5, 40))
        concerns = []
        for number in range(1, rng.randrange(9, 16) + 1):
            actions = []
            for _ in range(rng.randrange(2, 8)):
                target_month = submitted + dt.timedelta(days=rng.randrange(0, 400))
                roll = rng.random()
                target = ("Complete" if roll < 0.2 else "Ongoing" if roll < 0.25 else
                          f"{MONTHS[target_month.month - 1]} {target_month.year}")
                actions.append({"text": _sentence(rng, 255) + "\n", "owner": rng.choice(OWNERS), "target": target})
            concerns.append({"number": number, "kind": "priority" if number <= 4 else "key",
                             "theme": rng.choice(THEMES), "text": _sentence(rng, 190) + "\n", "actions": actions})
        plans.append({"establishment": name,
                      "inspection": {"start": start.isoformat(), "end": end.isoformat()},
                      "report_published": published.isoformat(), "plan_submitted": submitted.isoformat(),
                      "source": {"title": f"Action Plan: {name}"}, "concerns": concerns})
    return plans


class _PlanDumper(yaml.SafeDumper):
    """Texts as block scalars (`text: |`), as the importer and editors write them."""


_PlanDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def write_project(root: Path, count: int, seed: int = 1) -> Path:
    from generator.urls import slugify
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "content" / "site.yaml").write_text("title: Synthetic plans\nbase_url: https://example.org/plans/\n")
    for data in synthetic_plans(count, seed):
        path = root / "content" / "plans" / slugify(data["establishment"]) / f"{data['inspection']['start'][:7]}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(data, Dumper=_PlanDumper, sort_keys=False, width=1000), encoding="utf-8")
    return root


if __name__ == "__main__":
    write_project(Path(sys.argv[1]), int(sys.argv[2]))
