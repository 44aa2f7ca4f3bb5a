"""`{{ plan.url | rel }}` makes a link relative to the page being rendered, so the site works under
any sub-path and from a folder on disk. Paths come from generator.urls, never from templates."""
from __future__ import annotations

from jinja2 import pass_context

from .. import urls


@pass_context
def rel(context, target: str) -> str:
    root = context.get("link_root")  # pages served at any depth (404.html) link from the site root
    if root:
        return root + target
    return urls.relative(target, context["page_path"])
