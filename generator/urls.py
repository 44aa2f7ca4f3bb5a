"""The URL contract: every page path and fragment id of the site is made here and nowhere else.

URLs and ids are a public contract (staff paste them into emails), so changing one is a breaking
change. Paths are relative to the site root and never start with "/": templates turn them into
links relative to the page being written (see `relative`), so the site works under any sub-path.
"""
from __future__ import annotations

import inspect
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "slugify", "unique", "home", "establishment", "plan", "concern_id", "action_id", "concern", "action",
    "status_id", "owner_id", "event_id",
    "theme", "owner", "establishments_index", "themes_index", "owners_index", "concerns_index",
    "search", "search_bundle", "timeline", "timeline_year", "establishment_timeline", "about", "accessibility",
    "content_page", "not_found", "sitemap", "robots", "feed", "establishment_feed", "plan_json", "plan_csv",
    "data_plans_json", "data_actions_csv", "data_page", "data_schema", "plan_schema",
    "stylesheet", "asset", "build_marker", "output_file", "relative", "RESERVED_NAMES", "LINKED_PAGE_SLUGS", "MAX_SLUG_LENGTH",
]

# A slug is one folder name in the site (and in content/plans/): common file systems allow 255
# bytes, and a short limit leaves room for suffixes (owner pages add "-2") and keeps addresses usable.
MAX_SLUG_LENGTH = 100


@lru_cache(maxsize=65536)  # names of prisons and owners repeat in every plan
def slugify(name: str) -> str:
    """Lower case ASCII words joined by '-': 'HMP Peterborough (Men)' -> 'hmp-peterborough-men'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = ascii_name.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))



def unique(slug: str, used: set[str]) -> str:
    """`slug`, or the first of `slug-2`, `slug-3`… not in `used` (two names with one slug keep two
    addresses); the slug given is added to `used`."""
    found, n = slug, 2
    while found in used:
        found, n = f"{slug}-{n}", n + 1
    used.add(found)
    return found


# --- pages (paths relative to the site root; a directory page ends with "/") ---------------------
def home() -> str:
    return ""


def establishment(slug: str) -> str:
    return f"{slug}/"


def plan(slug: str, month_key: str) -> str:
    """A plan lives under its establishment, at the month the inspection started (YYYY-MM)."""
    return f"{slug}/{month_key}/"


def concern_id(number: int) -> str:
    return f"concern-{number}"


def action_id(concern_number: int, action_index: int) -> str:
    """`action_index` counts from 1 in published order."""
    return f"concern-{concern_number}-action-{action_index}"


def concern(slug: str, month_key: str, number: int) -> str:
    return f"{plan(slug, month_key)}#{concern_id(number)}"


def action(slug: str, month_key: str, concern_number: int, action_index: int) -> str:
    return f"{plan(slug, month_key)}#{action_id(concern_number, action_index)}"


def status_id(status_key: str) -> str:
    """On a plan page: the list of its actions with this status."""
    return f"status-{status_key}"


def owner_id(owner_slug: str) -> str:
    """On a plan page: the list of its actions this owner has."""
    return f"owner-{owner_slug}"


def event_id(kind: str, day, concern: int = 0, action: int = 0) -> str:
    """On a plan page's timeline: one event ("due-2023-07" lists the actions due that month)."""
    if kind == "targets":
        return f"due-{day:%Y-%m}"
    if concern:
        return f"update-{concern}-{action}-{day.isoformat()}"
    return f"timeline-{kind}"


def theme(theme_slug: str, page_number: int = 1) -> str:
    return f"themes/{theme_slug}/" + _page(page_number)


def owner(owner_slug: str, page_number: int = 1) -> str:
    return f"owners/{owner_slug}/" + _page(page_number)


def _page(number: int) -> str:
    """A long listing's later pages: ".../2/", ".../3/"."""
    return "" if number == 1 else f"{number}/"


def establishments_index() -> str:
    return "establishments/"


def themes_index() -> str:
    return "themes/"


def owners_index() -> str:
    return "owners/"


def concerns_index(page_number: int = 1) -> str:
    return "concerns/" + _page(page_number)


def search() -> str:
    return "search/"


def search_bundle() -> str:
    """The folder Pagefind writes its index and scripts into."""
    return "pagefind/"


def timeline() -> str:
    return "timeline/"


def timeline_year(year: int, page_number: int = 1) -> str:
    return f"timeline/{year}/" + _page(page_number)


def establishment_timeline(slug: str) -> str:
    return f"{slug}/timeline/"


def content_page(page_slug: str) -> str:
    """A page written from content/pages/<page-slug>.md."""
    return f"{page_slug}/"


def about() -> str:
    return content_page("about")


def accessibility() -> str:
    return content_page("accessibility")


def not_found() -> str:
    return "404.html"


def sitemap() -> str:
    return "sitemap.xml"


def robots() -> str:
    return "robots.txt"


def feed() -> str:
    return "feed.xml"


def establishment_feed(slug: str) -> str:
    return f"{slug}/feed.xml"


def plan_json(slug: str, month_key: str) -> str:
    return f"{plan(slug, month_key)}plan.json"


def plan_csv(slug: str, month_key: str) -> str:
    return f"{plan(slug, month_key)}plan.csv"


def data_page() -> str:
    return "data/"


def data_plans_json() -> str:
    return "data/plans.json"


def data_actions_csv() -> str:
    return "data/actions.csv"


def data_schema() -> str:
    return "data/plans.schema.json"


def plan_schema() -> str:
    return "schema/plan.schema.json"


def build_marker() -> str:
    """The file that says a build made the folder: only such a folder is ever replaced by a build."""
    return ".actionplans-site"


def asset(name: str) -> str:
    return f"assets/{name}"


def stylesheet() -> str:
    return asset("site.css")


# --- turning paths into files and links ----------------------------------------------------------
def output_file(path: str) -> str:
    """The file a page path is written to: directory pages become index.html."""
    path = path.split("#", 1)[0]
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(target: str, from_page: str) -> str:
    """A link from the page at `from_page` to `target`, both site-root paths, that works under any
    base URL and from file:// too (directory links end in "/", so static hosts serve index.html)."""
    target_path, _, fragment = target.partition("#")
    if target_path == from_page and fragment:
        return "#" + fragment
    top = from_page.partition("/")[0]
    if top and not target_path.startswith(top):  # nothing in common: up to the root, then down (most links)
        rel = _up(from_page) + target_path
        return (rel or "./") + (f"#{fragment}" if fragment else "")
    return _relative(target_path, from_page) + (f"#{fragment}" if fragment else "")


@lru_cache(maxsize=4096)
def _up(from_page: str) -> str:
    return "../" * from_page.count("/")


@lru_cache(maxsize=65536)
def _relative(target_path: str, from_page: str) -> str:
    from_parts = from_page.split("/")[:-1]  # the folders the page is in
    target_parts = target_path.split("/")
    common = 0
    while common < len(from_parts) and common < len(target_parts) - 1 and from_parts[common] == target_parts[common]:
        common += 1
    rel = "../" * (len(from_parts) - common) + "/".join(target_parts[common:])
    return rel or "./"


# --- names the site keeps for itself --------------------------------------------------------------
# Content pages every page links to (the footer): their slugs belong to content/pages/<slug>.md.
_LINKED_PAGES = (about, accessibility)
_NOT_PAGES = ("slugify", "unique", "concern_id", "action_id", "status_id", "owner_id", "event_id", "output_file",
              "relative")  # ids and helpers, not paths
_ARGUMENT = "\0"


def _top_level_names() -> frozenset[str]:
    """The first folder or file of every path a page function makes, except paths that start with
    one of the function's own arguments (an establishment's or a content page's folder): worked
    out from the functions above, so a new site-wide page reserves its folder without a list to update."""
    names = set()
    for name in __all__:
        function = globals().get(name)
        if not inspect.isfunction(function) or name in _NOT_PAGES or function in _LINKED_PAGES:
            continue
        required = [p for p in inspect.signature(function).parameters.values() if p.default is p.empty]
        first = function(*[_ARGUMENT] * len(required)).split("#", 1)[0].split("/", 1)[0]
        if first and first != _ARGUMENT:
            names.add(first)
    return frozenset(names)


# Top-level folders and files of site-wide pages (owners, search, pagefind, data, assets, …): no
# establishment and no content page may take one as its slug, or its pages would overwrite them.
RESERVED_NAMES = _top_level_names()
# The slugs of the content pages the footer links to: no establishment may take one either.
LINKED_PAGE_SLUGS = frozenset(function().strip("/") for function in _LINKED_PAGES)
