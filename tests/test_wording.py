"""How dates, counts and the small repeated pieces of a page are written."""
from __future__ import annotations

import datetime as dt

from generator.markdown import first_words
from generator.views import fragments
from generator.wording import day, day_text, month, month_text, plural, span


def test_dates_as_gov_uk_writes_them_and_as_time_elements_read_them():
    assert day_text(dt.date(2023, 6, 5)) == "5 June 2023" and month_text(dt.date(2023, 6, 5)) == "June 2023"
    assert (day(dt.date(2023, 6, 5)).iso, month(dt.date(2023, 6, 5)).iso) == ("2023-06-05", "2023-06")


def test_a_span_names_the_month_and_year_once():
    assert [(s.start.text, s.end.text) for s in (
        span(dt.date(2023, 2, 13), dt.date(2023, 2, 23)), span(dt.date(2023, 2, 28), dt.date(2023, 3, 9)),
        span(dt.date(2023, 12, 28), dt.date(2024, 1, 5)))] == [
        ("13", "23 February 2023"), ("28 February", "9 March 2023"), ("28 December 2023", "5 January 2024")]


def test_plural():
    assert (plural(1, "concern"), plural(3, "concern"), plural(2, "action has", "actions have")) == \
        ("1 concern", "3 concerns", "2 actions have")
    assert plural(1200, "action") == "1,200 actions"


def test_first_words_cut_at_a_word_and_drop_markdown():
    assert first_words("**Violence** was too high.", 100) == "Violence was too high."
    assert first_words("Violence was far too high in every wing.", 20) == "Violence was far too…"


def test_the_pieces_a_page_repeats_escape_what_they_are_given():
    assert str(fragments.owner("<b>Governor</b>", "../owners/x/")) == '<a href="../owners/x/">&lt;b&gt;Governor&lt;/b&gt;</a>'
    assert str(fragments.owner("", "")) == "No owner published"
    assert str(fragments.target("", "")) == "No target date published"
    assert str(fragments.target("August 2023", "Target moved from August 2023 to March 2024")) == \
        'August 2023 <span class="moved">(Target moved from August 2023 to March 2024)</span>'
    assert 'data-title="a &amp; &quot;b&quot;"' in str(fragments.data_attributes({"title": 'a & "b"', "empty": ""}))
