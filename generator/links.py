"""Cross-links between concerns.

Repeat concerns: when a later inspection of one establishment raises a concern an earlier one raised,
both link to each other. They are found by text similarity (TF-IDF cosine over content words, within
one establishment only, words weighed within it too), with a threshold chosen on the real plans (see tests/test_links.py); editors
add links with `related:` and suppress found ones with `not_related:` in the plan YAML.

References in text: "see Priority Concern 5" links to that concern of the same plan (the markdown
filter does it); a reference to a concern the plan does not have is reported by `check` as a warning.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .markdown import REFERENCE
from .model import ConcernRef, Plan
from .problems import Problem
from .sources import LineLocator

# Two concerns of one establishment at different inspections whose texts score at least this are
# linked as a repeat. Chosen on the real content (HMP Leicester 2023 and 2025): the three true
# repeats score 0.39, 0.26 and 0.22; the highest pair that is not a repeat scores 0.17, and one
# true repeat worded differently scores 0.16, so editors link it with `related:`.
# tests/test_links.py pins both sides.
SIMILARITY_THRESHOLD = 0.2

MOST_SIMILAR = 3  # automatic links kept per concern (editors' links are always kept)
# A repeat is looked for at the establishment's previous three inspections (about a decade of
# inspections): further back, editors link concerns with `related:`. This also keeps the work
# proportional to the number of plans, not to its square.
EARLIER_INSPECTIONS = 3

_STOP = frozenset("""a about after all also an and any are as at be been before being both but by can could did
do does for from had has have how in into is it its many more most much no not of on one or other our out over
own same so some such than that the their them there these they this those through to too up very was were what
when where which while who will with would prison prisoners prisoner""".split())


@dataclass(frozen=True, slots=True)
class RelatedConcern:
    ref: ConcernRef  # the concern linked to
    reason: str  # "similar" (found by its wording) or "editor" (listed in related:)
    earlier: bool  # raised at an earlier inspection than the concern it is shown on


@lru_cache(maxsize=1 << 16)  # plans reuse a small vocabulary: each word is stemmed once
def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> Counter[str]:
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return Counter(_stem(w.strip("'-")) for w in words if w not in _STOP and len(w) > 2)


def similarity_scores(plans: Iterable[Plan], minimum: float | None = None
                      ) -> dict[tuple[tuple[str, str, int], tuple[str, str, int]], float]:
    """Cosine similarity between each concern and the concerns of its establishment's previous
    EARLIER_INSPECTIONS inspections, for plans of any establishments; with `minimum`, only the pairs
    scoring at least that."""
    by_prison: dict[str, list[Plan]] = {}
    for plan in plans:
        by_prison.setdefault(plan.slug, []).append(plan)
    scores = {}
    for group in by_prison.values():
        scores.update(establishment_scores(tuple(sorted(group, key=lambda p: p.inspection.start, reverse=True)),
                                           minimum))
    return scores


def establishment_scores(plans: tuple[Plan, ...], minimum: float | None = None
                         ) -> dict[tuple[tuple[str, str, int], tuple[str, str, int]], float]:
    """The scores within one establishment (its plans newest first). Words are weighed (IDF) by how
    rare they are among this establishment's own concerns: a word every inspection of the prison
    uses says little about a repeat, and a plan of another prison never changes these links."""
    if len(plans) < 2:
        return {}
    keys = [(p.slug, p.month_key, c.number) for p in plans for c in p.concerns]
    bags = [c.terms or tuple(terms(c.text).items()) for p in plans for c in p.concerns]
    frequency = Counter(term for bag in bags for term, _ in bag)
    total = len(bags)
    idf = {t: math.log((1 + total) / (1 + n)) for t, n in frequency.items()}
    vectors = []
    for bag in bags:
        vector = [(t, n * idf[t]) for t, n in bag]
        norm = math.sqrt(sum(v * v for _, v in vector)) or 1.0
        vectors.append([(t, v / norm) for t, v in vector])
    starts = [0]  # where each plan's concerns begin in keys
    for plan in plans:
        starts.append(starts[-1] + len(plan.concerns))
    scores = {}
    for i in range(len(plans) - 1):
        # Sparse dot products through an index of the earlier concerns' terms, by their place in keys.
        low, high = starts[i + 1], starts[min(i + 1 + EARLIER_INSPECTIONS, len(plans))]
        postings: dict[str, list[tuple[int, float]]] = {}
        for j in range(low, high):
            for term, weight in vectors[j]:
                postings.setdefault(term, []).append((j - low, weight))
        for a in range(starts[i], starts[i + 1]):
            sums = [0.0] * (high - low)
            for term, weight in vectors[a]:
                for j, other in postings.get(term, ()):
                    sums[j] += weight * other
            here = keys[a]
            if minimum is None:
                scores.update(((here, keys[low + j]), score) for j, score in enumerate(sums))
            else:
                scores.update(((here, keys[low + j]), score) for j, score in enumerate(sums) if score >= minimum)
    return scores


def related_concerns(plans: Iterable[Plan]) -> dict[tuple[str, str, int], tuple[RelatedConcern, ...]]:
    """(slug, month, number) -> the concerns of other inspections to link to, oldest first: repeats
    found by wording within each establishment, plus the editors' `related:` links (to any plan),
    less their `not_related:`. Plans of one establishment give the same links whatever else is given."""
    plans = list(plans)
    pairs: dict[frozenset, str] = {}
    best: dict[tuple, list[tuple[float, tuple]]] = {}
    for (newer, older), score in similarity_scores(plans, SIMILARITY_THRESHOLD).items():
        best.setdefault(newer, []).append((score, older))
    for newer, found in best.items():  # the closest few: a reader wants the repeat, not a survey
        for _, older in sorted(found, key=lambda x: (-x[0], x[1]))[:MOST_SIMILAR]:
            pairs[frozenset((newer, older))] = "similar"
    for plan in plans:
        for concern in plan.concerns:
            here = (plan.slug, plan.month_key, concern.number)
            for ref in concern.related:
                pairs[frozenset((here, (ref.slug, ref.month_key, ref.number)))] = "editor"
            for ref in concern.not_related:
                pairs.pop(frozenset((here, (ref.slug, ref.month_key, ref.number))), None)
    links: dict[tuple[str, str, int], list[RelatedConcern]] = {}
    for pair, reason in pairs.items():
        if len(pair) != 2:
            continue  # a concern related to itself
        a, b = sorted(pair, key=lambda k: (k[1], k[0], k[2]))  # the earlier inspection (YYYY-MM) first
        links.setdefault(b, []).append(RelatedConcern(ConcernRef(*a), reason, earlier=True))
        links.setdefault(a, []).append(RelatedConcern(ConcernRef(*b), reason, earlier=False))
    return {key: tuple(sorted(items, key=lambda r: (r.ref.month_key, r.ref.slug, r.ref.number)))
            for key, items in sorted(links.items())}


def reference_warnings(plans: list[Plan]) -> list[Problem]:
    """A warning for each "see concern N" in a plan's text that names no concern of that plan."""
    problems = []
    for plan in plans:
        locator = None
        for ci, concern in enumerate(plan.concerns):
            texts = [(("concerns", ci, "text"), concern.text)]
            texts += [(("concerns", ci, "actions", ai, "text"), a.text) for ai, a in enumerate(concern.actions)]
            for path, text in texts:
                if "concern" not in text.lower():  # the cheap test first
                    continue
                for found in REFERENCE.finditer(text):
                    kind = found.group(1).lower() if found.group(1) else None
                    target = plan.concern(int(found.group(2)))
                    if target is not None and (kind is None or target.kind == kind):
                        continue
                    locator = locator or LineLocator(Path(plan.path).read_text(encoding="utf-8"))
                    problems.append(Problem(
                        plan.path, locator.line(path), f"concern {concern.number}: '{found.group(0)}' names no "
                        "concern of this plan, so it is not linked", "check the number and kind in the published plan",
                        "warning"))
    return problems
