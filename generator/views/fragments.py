"""The few small pieces of HTML a plan page repeats for every action — a status tag, an owner's link,
a target — made here once each as safe HTML (markupsafe escapes every value put into them) and
reused: a page shows dozens of actions, the site thousands, and the same few statuses and owners.
A template that laid each one out with a macro would do that work again for every action.
"""
from __future__ import annotations

from functools import lru_cache
from html import escape

from markupsafe import Markup

from .. import urls
from ..status import STATUS_KEYS, Status


@lru_cache(maxsize=4096)
def status_tag(key: str, label: str, note: str = "") -> Markup:
    """Words first; the class only styles them. `data-pagefind-filter` gives search its status filter."""
    after = f' <span class="moved">{escape(note)}</span>' if note else ""
    return Markup(f'<strong class="status status--{escape(key)}" data-pagefind-filter="status:'
                  f'{escape(STATUS_KEYS[key])}">{escape(label)}</strong>{after}')


def status(value: Status) -> Markup:
    return status_tag(value.key, value.label, "Target date passed" if value.target_passed and value.update else "")


@lru_cache(maxsize=8192)
def owner(name: str, href: str) -> Markup:
    return Markup(f'<a href="{escape(href)}">{escape(name)}</a>') if name else Markup("No owner published")


@lru_cache(maxsize=8192)
def target(text: str, moved: str) -> Markup:
    after = f' <span class="moved">({escape(moved)})</span>' if moved else ""
    return Markup(f"{escape(text or 'No target date published', quote=False)}{after}")


def data_attributes(values: dict[str, str]) -> Markup:
    """`data-x="…"` for each value (those given empty left out)."""
    return Markup(" ".join(f'data-{name}="{escape(value)}"' for name, value in values.items() if value))


def link_items(links) -> Markup:
    """`<li><a href="…">…</a></li>` for each link (generator.views.common.Link)."""
    return Markup("".join(f'<li><a href="{escape(link.href)}">{escape(link.text)}</a></li>' for link in links))


def action_links(actions) -> Markup:
    """`<li><a href="#concern-1-action-2">Action 1.2</a></li>` for each (concern number, action index):
    the lists of actions a plan page has by status and by owner, dozens of links each, made of numbers
    only (nothing to escape)."""
    return Markup("".join(f'<li><a href="#{urls.action_id(c, a)}">Action {c}.{a}</a></li>' for c, a in actions))


def action_head(action_id: str, number: str) -> Markup:
    """An action's heading (its id gives search a sub-result) and its permanent link, by the heading."""
    return Markup(f'<h4 id="{action_id}-heading" class="action__heading">Action {number}</h4>\n'
                  f'<p class="permalink" data-pagefind-ignore><a href="#{action_id}">Link to action {number}</a></p>')


def action_facts(owner: Markup, target: Markup, status: Markup) -> Markup:
    return Markup(f'<dl class="facts" data-pagefind-ignore><dt>Owner</dt><dd>{owner}</dd><dt>Target</dt><dd>{target}</dd>'
                  f'<dt>Status</dt><dd>{status}</dd></dl>')
