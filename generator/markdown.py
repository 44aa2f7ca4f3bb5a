"""Markdown to HTML for content text: CommonMark with raw HTML disabled, so content can never
inject markup or script; plus links for "see Priority Concern 5" style references in a plan.

Most plan text is plain prose, so a fast path renders text without any Markdown syntax directly;
tests check that it gives exactly what markdown-it gives.
"""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import urls

# A concern reference inside text: "see Priority Concern 5", "(priority concern 5)", "key concern 12".
REFERENCE = re.compile(r"\b(?:(priority|key)\s+)?concern\s+(?:no\.?\s*|number\s+)?(\d{1,3})\b", re.IGNORECASE)

# What can make Markdown of plain prose. Anywhere in a line: emphasis, code, links, autolinks,
# entities, escapes, tabs, NUL. Only at a line's start: list, heading, quote, fence and rule markers,
# numbered items, indentation. A text with none of these, and no line ending in whitespace (a hard
# break), is paragraphs of escaped text; tests/test_markdown.py checks that against markdown-it.
_ANYWHERE = frozenset("\\`*_[]<&|\t\0")
_LINE_START = frozenset("-+=#>~")
_ORDERED_ITEM = re.compile(r"\d+[.)]")


def _special(text: str) -> bool:
    """Whether `text` needs markdown-it; plain prose (most plan text) is rendered without it."""
    if not _ANYWHERE.isdisjoint(text):
        return True
    for line in text.strip("\n").split("\n"):
        if not line:
            continue  # a blank line between paragraphs
        first = line[0]
        if (first.isspace() or line[-1].isspace() or first in _LINE_START
                or (first.isdigit() and _ORDERED_ITEM.match(line))):
            return True
    return False


Resolver = Callable[[str | None, int], "str | None"]  # (kind, number) -> href, or None if unknown


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image"])  # content has no images; an image would load from anywhere
    md.core.ruler.push("concern_references", _link_references)
    return md



def render(text: str, resolve: Resolver | None = None) -> str:
    """Render Markdown to HTML; with `resolve`, concern references become links."""
    if resolve is None or "concern" not in text.lower() or not REFERENCE.search(text):  # the cheap test first
        return _render_plain(text)
    return _MD.render(text, {"resolve": resolve})


@lru_cache(maxsize=65536)
def _render_plain(text: str) -> str:
    if not _special(text):
        paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
        return "".join(f"<p>{_escape(p.strip())}</p>\n" for p in paragraphs)
    return _MD.render(text, {})


def _escape(text: str) -> str:
    """Escape as markdown-it does: &, <, > and double quotes."""
    return escape(text, quote=False).replace('"', "&quot;")


def render_page(text: str, links: dict[str, str] | None = None) -> str:
    """A content page (about, accessibility): Markdown with an id on each heading, made from its words
    ("## How repeated concerns are found" -> id="how-repeated-concerns-are-found"), so it can be linked to.
    `links` name addresses the page may link to as [text][name] (the site's contact, from its settings)."""
    env = {"references": {name.upper(): {"href": href, "title": ""} for name, href in (links or {}).items()}}
    tokens = _MD.parse(text, env)
    seen: set[str] = set()
    for at, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", urls.unique(urls.slugify(tokens[at + 1].content) or "section", seen))
    return _MD.renderer.render(tokens, _MD.options, env)


def render_inline(text: str) -> str:
    """One line of Markdown without the paragraph around it (for short fields)."""
    return _MD.renderInline(text)


@lru_cache(maxsize=65536)
def plain_text(text: str) -> str:
    """The words of a Markdown text without its syntax: for summaries and search metadata."""
    if not _special(text):
        return " ".join(text.split())
    tokens = _MD.parse(text)
    words: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            words.extend(child.content if child.type in ("text", "code_inline") else " "
                         for child in token.children if child.type in ("text", "code_inline", "softbreak", "hardbreak"))
            words.append(" ")
    return re.sub(r"\s+", " ", "".join(words)).strip()


def first_words(text: str, limit: int = 160) -> str:
    """The start of a text, cut at a word boundary, with an ellipsis when cut."""
    plain = plain_text(text)
    if len(plain) <= limit:
        return plain
    cut = plain[:limit] if plain[limit] == " " else plain[:limit].rsplit(" ", 1)[0]
    cut = cut.rstrip(",;:")
    return cut + "…"


def _link_references(state) -> None:
    resolve: Resolver | None = state.env.get("resolve")
    if resolve is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type != "text" or inside_link:
                children.append(token)
                continue
            children.extend(_split_text(token, resolve))
        block.children = children


def _split_text(token: Token, resolve: Resolver) -> list[Token]:
    out: list[Token] = []
    position = 0
    for found in REFERENCE.finditer(token.content):
        kind = found.group(1).lower() if found.group(1) else None
        href = resolve(kind, int(found.group(2)))
        if href is None:
            continue
        if found.start() > position:
            out.append(_text(token.content[position:found.start()]))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": href, "class": "concern-ref"}
        out.extend([link, _text(found.group(0)), Token("link_close", "a", -1)])
        position = found.end()
    if position < len(token.content):
        out.append(_text(token.content[position:]))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


_MD = _parser()
