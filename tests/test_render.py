"""The Jinja environment's keeping globals: what `serve` keeps between rebuilds, and what a build
(with nothing kept) renders every time."""
from __future__ import annotations

from generator.render import make_environment


def environment(tmp_path, kept):
    (tmp_path / "partials").mkdir(parents=True, exist_ok=True)
    (tmp_path / "page.html").write_text(
        "{% for item in items %}{% call keep((item,)) %}<li>{{ made(item) }}</li>{% endcall %}{% endfor %}"
        "|{{ fragment('partials/part.html', ('part',), item=items[0]) }}", encoding="utf-8")
    (tmp_path / "partials" / "part.html").write_text("<p>{{ made(item) }} on {{ page_path }}</p>", encoding="utf-8")
    return make_environment(tmp_path, kept)


def render(env, page_path, items, made):
    return env.get_template("page.html").render(
        page_path=page_path, items=items, made=lambda item: made.append(item) or item)


def test_kept_blocks_and_fragments_are_rendered_once_per_page_and_key(tmp_path):
    kept: dict = {}
    env = environment(tmp_path, kept)
    made: list = []
    first = render(env, "a/", ["x", "y"], made)
    assert first == "<li>x</li><li>y</li>|<p>x on a/</p>" and made == ["x", "y", "x"]
    made.clear()
    assert render(env, "a/", ["x", "y", "z"], made) == "<li>x</li><li>y</li><li>z</li>|<p>x on a/</p>"
    assert made == ["z"]  # only the new key is rendered
    made.clear()
    assert render(env, "b/", ["x"], made) == "<li>x</li>|<p>x on b/</p>"
    assert made == ["x", "x"]  # another page keeps its own: relative links differ from page to page


def test_without_a_store_everything_is_rendered_every_time(tmp_path):
    env = environment(tmp_path, None)
    made: list = []
    assert render(env, "a/", ["x"], made) == render(env, "a/", ["x"], made)
    assert made == ["x", "x", "x", "x"]


def test_a_key_of_none_keeps_nothing(tmp_path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "part.html").write_text("{{ made(1) }}", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        "{% call keep(none) %}{{ made(2) }}{% endcall %}{{ fragment('partials/part.html', none) }}", encoding="utf-8")
    kept: dict = {}
    env = make_environment(tmp_path, kept)
    made: list = []
    for _ in range(2):
        env.get_template("page.html").render(page_path="a/", made=lambda n: made.append(n) or n)
    assert made == [2, 1, 2, 1] and kept == {}
