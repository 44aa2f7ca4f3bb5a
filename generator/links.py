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

from .markdown import REFERENCE
from .model import Concern, Content, Plan
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
    plan: Plan
    concern: Concern
    reason: str  # "similar" (found automatically) or "editor" (listed in related:)
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


def similarity_scores(content: Content, minimum: float | None = None, kept=None
                      ) -> dict[tuple[tuple[str, str, int], tuple[str, str, int]], float]:
    """Cosine similarity between each concern and the concerns of its establishment's previous
    EARLIER_INSPECTIONS inspections; with `minimum`, only the pairs scoring at least that. `kept`
    (serve's dict, or a build's generator.cache.DerivedStore) holds each establishment's scores
    between builds, under the digests of its plans."""
    scores = {}
    for establishment in content.establishments:
        if len(establishment.plans) < 2:
            continue
        memo = None
        if kept is not None and all(p.digest for p in establishment.plans):
            memo = ("similar", establishment.slug, minimum, tuple(p.digest for p in establishment.plans))
        found = kept.get(memo) if memo else None
        if found is None:
            found = establishment_scores(establishment.plans, minimum)
            if memo:
                kept[memo] = found
        scores.update(found)
    return scores


def establishment_scores(plans: tuple[Plan, ...], minimum: float | None = None
                         ) -> dict[tuple[tuple[str, str, int], tuple[str, str, int]], float]:
    """The scores within one establishment (its plans newest first). Words are weighed (IDF) by how
    rare they are among this establishment's own concerns: a word every inspection of the prison
    uses says little about a repeat, and a plan of another prison never changes these links."""
    if len(plans) < 2:
        return {}
    documents = {(p.slug, p.month_key, c.number): c.terms or tuple(terms(c.text).items())
                 for p in plans for c in p.concerns}
    frequency = Counter(term for bag in documents.values() for term, _ in bag)
    total = len(documents)
    idf = {t: math.log((1 + total) / (1 + n)) for t, n in frequency.items()}
    vectors = {}
    for key, bag in documents.items():
        vector = [(t, n * idf[t]) for t, n in bag]
        norm = math.sqrt(sum(v * v for _, v in vector)) or 1.0
        vectors[key] = [(t, v / norm) for t, v in vector]
    scores = {}
    for i, newer in enumerate(plans[:-1]):
        earlier = plans[i + 1:i + 1 + EARLIER_INSPECTIONS]
        # Sparse dot products through an index of the earlier concerns' terms.
        postings: dict[str, list[tuple[tuple[str, str, int], float]]] = {}
        for older in earlier:
            for b in older.concerns:
                key = (older.slug, older.month_key, b.number)
                for term, weight in vectors[key]:
                    postings.setdefault(term, []).append((key, weight))
        for a in newer.concerns:
            here = (newer.slug, newer.month_key, a.number)
            totals: dict[tuple[str, str, int], float] = {}
            for term, weight in vectors[here]:
                for key, other in postings.get(term, ()):
                    totals[key] = totals.get(key, 0.0) + weight * other
            if minimum is not None:
                scores.update(((here, key), score) for key, score in totals.items() if score >= minimum)
                continue
            for b in earlier:
                for c in b.concerns:
                    key = (b.slug, b.month_key, c.number)
                    scores[(here, key)] = totals.get(key, 0.0)
    return scores


def related_concerns(content: Content, kept=None
                     ) -> dict[tuple[str, str, int], tuple[RelatedConcern, ...]]:
    """(slug, month, number) -> concerns of other inspections to link to, oldest first."""
    plans = {p.key: p for p in content.plans}
    pairs: dict[frozenset, str] = {}
    best: dict[tuple, list[tuple[float, tuple]]] = {}
    for (newer, older), score in similarity_scores(content, SIMILARITY_THRESHOLD, kept).items():
        best.setdefault(newer, []).append((score, older))
    for newer, found in best.items():  # the closest few: a reader wants the repeat, not a survey
        for _, older in sorted(found, key=lambda x: (-x[0], x[1]))[:MOST_SIMILAR]:
            pairs[frozenset((newer, older))] = "similar"
    for plan in content.plans:
        for concern in plan.concerns:
            here = (plan.slug, plan.month_key, concern.number)
            for ref in concern.related:
                pairs[frozenset((here, (ref.slug, ref.month_key, ref.number)))] = "editor"
            for ref in concern.not_related:
                pairs.pop(frozenset((here, (ref.slug, ref.month_key, ref.number))), None)
    links: dict[tuple[str, str, int], list[RelatedConcern]] = {}
    for pair, reason in pairs.items():
        if len(pair) != 2:
            continue
        a, b = sorted(pair, key=lambda k: (plans[k[:2]].inspection.start, k))
        plan_a, plan_b = plans[a[:2]], plans[b[:2]]
        links.setdefault(b, []).append(RelatedConcern(plan_a, plan_a.concern(a[2]), reason, earlier=True))
        links.setdefault(a, []).append(RelatedConcern(plan_b, plan_b.concern(b[2]), reason, earlier=False))
    return {key: tuple(sorted(items, key=lambda r: (r.plan.inspection.start, r.plan.slug, r.concern.number)))
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
