"""Content Markdown: raw HTML is never passed through, and the fast path for plain prose gives
exactly what markdown-it gives."""
from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from generator import markdown
from generator.loader import load
from generator.project import Project

from conftest import REPO

REFERENCE = MarkdownIt("commonmark", {"html": False}).disable(["image"])

TRICKY = ["Plain prose.", "Two\n\nparagraphs\n", 'Quotes "x" and it\'s', "a & b &amp; c", "<b>x</b>",
          "- a\n- b", "1. a", "*x* _y_", "line  \nbreak", "x\n\n\n\ny", "   indented", "#not a heading",
          "100% (SO's) – “curly”", "trailing space \nnext", "tab\tinside", "[a](javascript:alert(1))", "![i](x.png)"]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_path_matches_markdown_it(text):
    assert markdown.render(text) == REFERENCE.render(text)


def test_fast_path_matches_markdown_it_on_all_real_content():
    for plan in load(Project(REPO)).content.plans:
        for concern in plan.concerns:
            for text in [concern.text] + [a.text for a in concern.actions]:
                assert markdown.render(text) == REFERENCE.render(text), (plan.path, concern.number)


def test_raw_html_and_javascript_links_never_reach_the_page():
    html = markdown.render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=y>")
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


def test_the_quick_plain_text_check_agrees_with_its_pattern():
    """_special answers what _SPECIAL.search would, on texts made of the characters that matter."""
    import random
    from generator.markdown import _SPECIAL, _special
    alphabet = list("ab 1.)\n\t\r\x0b\x0c\xa0\u2003-*_9") + ["\u00b2", "\u0663"]
    rng = random.Random(7)
    texts = ["", "\n", "Plain words.", "Plain words.\n", "1. A list", "a\n\nb", "a  \nb", " a", "a\n 2) b"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 9))) for _ in range(50_000)]
    assert [t for t in texts if _special(t) != bool(_SPECIAL.search(t))] == []
