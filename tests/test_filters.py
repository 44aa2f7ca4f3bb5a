"""Each Jinja filter in generator/filters/, one test each."""
from __future__ import annotations

import datetime as dt

from generator.filters.date import date_text, month_text
from generator.filters.datetime_attr import iso
from generator.filters.first_words import first_words
from generator.filters.markdown import markdown
from generator.filters.plural import plural
from generator.render import make_environment

from conftest import REPO


def test_date_text_and_month_text():
    assert date_text(dt.date(2023, 6, 5)) == "5 June 2023"
    assert month_text(dt.date(2023, 6, 5)) == "June 2023"


def test_iso_gives_the_datetime_attribute():
    assert iso(dt.date(2023, 6, 5)) == "2023-06-05"
    assert iso(dt.date(2023, 6, 5), month=True) == "2023-06"


def test_first_words_cuts_at_a_word_and_drops_markdown():
    assert first_words("**Violence** was too high.", 100) == "Violence was too high."
    assert first_words("Violence was far too high in every wing.", 20) == "Violence was far too…"


def test_markdown_escapes_html_and_links_references_within_the_plan():
    from generator.model import Action, Concern, Inspection, Plan, Source, Target
    concern = Concern(5, "priority", "x", (Action(1, "y", "Governor", Target.parse("Complete")),))
    plan = Plan("HMP X", Inspection(dt.date(2023, 1, 2), dt.date(2023, 1, 9)), dt.date(2023, 4, 1),
                dt.date(2023, 5, 1), Source("t"), (concern,), "x.yaml")
    html = str(markdown("<script>x</script> (see Priority Concern 5) and Key Concern 5", plan))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="#concern-5" class="concern-ref">Priority Concern 5</a>' in html
    assert "Key Concern 5" in html and html.count("<a ") == 1  # concern 5 is a priority concern


def test_plural():
    assert (plural(1, "concern"), plural(3, "concern"), plural(2, "owner", "owners")) == \
        ("1 concern", "3 concerns", "2 owners")
    assert plural(1200, "action") == "1,200 actions"


def test_rel_links_relative_to_the_page_being_rendered():
    env = make_environment(REPO / "templates")
    template = env.from_string("{{ 'themes/safety/' | rel }}")
    assert template.render(page_path="hmp-leicester/2023-02/") == "../../themes/safety/"
    assert template.render(page_path="404.html", link_root="/plans/") == "/plans/themes/safety/"
