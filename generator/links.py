"""Cross-links between concerns: repeat concerns found by text similarity within one establishment,
plus the links editors add (`related:`) or suppress (`not_related:`) in the plan YAML.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Concern, ConcernRef, Content, Plan


@dataclass(frozen=True, slots=True)
class RelatedConcern:
    plan: Plan
    concern: Concern
    reason: str  # "similar" (found automatically) or "editor" (listed in related:)
    earlier: bool  # raised before this one (an earlier inspection)


def related_concerns(content: Content) -> dict[tuple[str, str, int], tuple[RelatedConcern, ...]]:
    """(slug, month, number) -> related concerns of other inspections, oldest first."""
    return {}
