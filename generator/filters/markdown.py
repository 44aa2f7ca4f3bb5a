"""`{{ text | markdown }}` renders content Markdown (raw HTML disabled) as safe HTML.

Inside a plan page, `{{ text | markdown(plan) }}` also links "see Priority Concern 5" references
to that concern of the same plan (unknown references stay text; `check` warns about them).
"""
from __future__ import annotations

from markupsafe import Markup

from .. import markdown as md
from .. import urls


def markdown(text: str, plan=None) -> Markup:
    if plan is None:
        return Markup(md.render(text))

    def resolve(kind: str | None, number: int) -> str | None:
        concern = plan.concern(number)
        if concern is None or (kind is not None and concern.kind != kind):
            return None
        return "#" + urls.concern_id(number)

    return Markup(md.render(text, resolve))
