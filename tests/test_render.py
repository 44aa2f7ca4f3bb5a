"""The Jinja environment: everything escaped, nothing undefined passes silently, mistakes at file:line."""
from __future__ import annotations

import pytest

from generator.render import Renderer, TemplateProblem


def renderer(tmp_path, **templates: str) -> Renderer:
    for name, text in templates.items():
        path = tmp_path / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Renderer(tmp_path)


def test_values_are_escaped_and_markup_is_kept(tmp_path):
    from markupsafe import Markup
    page = renderer(tmp_path, **{"page.html": "{{ text }}|{{ html }}"})
    assert page.render("page.html", text="<b>x</b> & 'y'", html=Markup("<em>z</em>")) == \
        b"&lt;b&gt;x&lt;/b&gt; &amp; &#39;y&#39;|<em>z</em>"


def test_an_undefined_value_is_a_template_problem_with_its_file_and_line(tmp_path):
    page = renderer(tmp_path, **{"layouts__page.html": "line one\n{{ page.missing }}\n"})
    with pytest.raises(TemplateProblem) as caught:
        page.render("layouts/page.html", page=object())
    problem = caught.value
    assert (problem.file, problem.line) == (f"{tmp_path.name}/layouts/page.html", 2)
    assert problem.format().startswith(f"{tmp_path.name}/layouts/page.html:2: template error:")


def test_a_syntax_error_and_a_missing_template_are_template_problems(tmp_path):
    page = renderer(tmp_path, **{"bad.html": "{% if %}\n", "uses.html": '{% include "nowhere.html" %}'})
    with pytest.raises(TemplateProblem) as caught:
        page.render("bad.html")
    assert caught.value.line == 1
    with pytest.raises(TemplateProblem) as caught:
        page.render("uses.html")
    assert "nowhere.html" in caught.value.message
