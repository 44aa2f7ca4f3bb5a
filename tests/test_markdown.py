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


def test_the_fast_path_gives_what_markdown_it_gives_on_any_text_it_takes():
    """Random texts made of prose, line breaks and the characters that matter: whenever the fast
    path takes one, its HTML and its plain words are exactly markdown-it's."""
    import random
    words = ["Plain", "words", "a-b", "x=y", "#3", "(1)", "2.", "3)", "4.5", "it's", '"q"', ">", "!", "~", "+", "–", "é"]
    pieces = words + [" ", " ", "\n", "\n\n", "  \n", "\t", " \n", "- ", "1. ", "> ", "# ", "---", "=="]
    rng = random.Random(7)
    texts = ["", "\n", "Plain words.", "Plain words.\n", "One.\n\nTwo.\n", "a\nb\n", "\n\na\n\n\n", "a - b"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 9))) for _ in range(20_000)]
    fast = [t for t in texts if not markdown._special(t)]
    assert len(fast) > 2_000  # the test says something about the fast path
    for text in fast:
        assert markdown._render_plain(text) == REFERENCE.render(text), repr(text)
        assert markdown.plain_text(text) == _slow_plain_text(text), repr(text)


def _slow_plain_text(text: str) -> str:
    """plain_text as it is for a text that needs markdown-it."""
    saved = markdown._special
    markdown._special = lambda _text: True
    try:
        return markdown.plain_text.__wrapped__(text)
    finally:
        markdown._special = saved


def test_headings_of_a_page_get_ids_from_their_words_each_id_once():
    html = markdown.render_page("## Contact us\n\n## Contact us\n\n## !!!\n\n## Contact us\n")
    assert html.count('id="contact-us"') == 1
    assert 'id="contact-us-2"' in html and 'id="contact-us-3"' in html and 'id="section"' in html

