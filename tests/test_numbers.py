"""Figures and dates as news text writes them, and whether a claimed one agrees with a stated one."""
from __future__ import annotations

import pytest

from retrieval.numbers import (Agreement, DateMention, Hedge, compare_dates, compare_quantities,
                               date_phrases, find_dates, find_quantities, interval, parse_number)


def only(text: str):
    (quantity,) = find_quantities(text)
    return quantity


@pytest.mark.parametrize("written, value", [
    ("30,000", 30_000), ("30000", 30_000), ("30k", 30_000), ("30K", 30_000), ("2.5", 2.5),
    ("1.5 million", 1_500_000), ("$3bn", 3_000_000_000), ("thirty thousand", 30_000),
    ("twenty-five", 25), ("two hundred and fifty", 250), ("a dozen", None), ("troops", None),
])
def test_parse_number(written, value):
    assert parse_number(written) == value


@pytest.mark.parametrize("text, phrase, value, hedge, unit", [
    ("Russia has sent 30,000 troops to Belarus", "30,000", 30_000, Hedge.EXACT, "troops"),
    ("Some 100,000 Russian troops have deployed", "Some 100,000", 100_000, Hedge.ABOUT, "russian"),
    ("the country's nearly 600 miles of shared border", "nearly 600", 600, Hedge.NEARLY, "miles"),
    ("more than two decades in power", "more than two", 2, Hedge.MORE_THAN, "decades"),
    ("within 30 miles of the border", "within 30", 30, Hedge.LESS_THAN, "miles"),
    ("roughly thirty thousand soldiers", "roughly thirty thousand", 30_000, Hedge.ABOUT, "soldiers"),
    ("an aid package of $3.5 billion.", "$3.5 billion", 3_500_000_000, Hedge.EXACT, None),
    ("about 4,000 residents", "about 4,000", 4_000, Hedge.ABOUT, "residents"),
])
def test_a_figure_keeps_its_hedge_and_the_word_it_counts(text, phrase, value, hedge, unit):
    quantity = only(text)
    assert text[quantity.start:quantity.end] == phrase
    assert (quantity.value, quantity.hedge, quantity.unit) == (value, hedge, unit)


@pytest.mark.parametrize("text, low, high", [
    ("between 5 and 10 people", 5, 10), ("from five to ten days", 5, 10), ("5-10 percent", 5, 10),
])
def test_ranges(text, low, high):
    quantity = only(text)
    assert (quantity.value, quantity.high) == (low, high)


def test_and_joins_a_range_only_after_between():
    assert [q.value for q in find_quantities("Poland sent 200 and Romania 300")] == [200, 300]


def test_vague_plurals_are_lower_bounds():
    quantity = only("hundreds of thousands of Belarusians took to the streets")
    assert (quantity.value, quantity.hedge, quantity.unit) == (200_000, Hedge.MORE_THAN, "belarusians")


@pytest.mark.parametrize("text", [
    "Su-25 warplanes and S-400 systems", "in 2020 and 2021", "on Feb. 10", "one of the officials",
])
def test_model_names_years_dates_and_lone_one_are_not_figures(text):
    assert find_quantities(text) == []


def test_a_measure_unit_ends_at_a_full_stop():
    text = "The work will take three weeks."
    quantity = only(text)
    assert text[quantity.start:quantity.unit_end] == "three weeks"


@pytest.mark.parametrize("text, parts", [
    ("between Feb. 10 and Feb. 20, simulating", [(None, 2, 10, None), (None, 2, 20, None)]),
    ("on Sept. 20, 2017. Sergei", [(2017, 9, 20, None)]),
    ("10 February 2022", [(2022, 2, 10, None)]),
    ("In December, the party", [(None, 12, None, None)]),
    ("visited Moscow on Monday", [(None, None, None, 0)]),
    ("remain in office until 2035.", [(2035, None, None, None)]),
    ("May 3-5 at the venue", [(None, 5, 3, None), (None, 5, 5, None)]),
])
def test_dates(text, parts):
    mentions = [m for phrase in date_phrases(text) for m in phrase.dates]
    assert [(m.year, m.month, m.day, m.weekday) for m in mentions] == parts


def test_list_of_dates_is_one_phrase_verbatim():
    text = "conduct joint military exercises between Feb. 10 and Feb. 20, simulating"
    (phrase,) = date_phrases(text)
    assert text[phrase.start:phrase.end] == "Feb. 10 and Feb. 20"


@pytest.mark.parametrize("text", [
    "Mayor Ana Ruiz said", "you may go", "sent 2000 troops", "a march on the capital",
])
def test_words_that_only_look_like_dates(text):
    assert find_dates(text) == []


def test_interval_of_hedges():
    assert interval(only("nearly 600 miles")) == pytest.approx((540, 600))
    assert interval(only("about 100 people")) == pytest.approx((90, 110))
    assert interval(only("more than 20 people"))[1] == float("inf")


@pytest.mark.parametrize("claimed, stated, expected", [
    ("30,000 troops", "30,000 troops", Agreement.AGREE),
    ("50,000 troops", "30,000 troops", Agreement.DIFFER),
    ("nearly 600 miles", "600 miles", Agreement.AGREE),
    ("600 miles", "nearly 600 miles", Agreement.AGREE),
    ("900 miles", "nearly 600 miles", Agreement.DIFFER),
    ("about 100,000 troops", "some 100,000 troops", Agreement.AGREE),
    ("more than 20,000 troops", "30,000 troops", Agreement.AGREE),
    ("more than 40,000 troops", "30,000 troops", Agreement.DIFFER),
    ("within 5 miles", "within 30 miles", Agreement.DIFFER),
    ("within 30 miles", "within 30 miles", Agreement.AGREE),
    ("10 times", "more than 10 times", Agreement.UNSURE),
    ("more than 10 times", "less than 10 times", Agreement.DIFFER),
    ("5 miles", "within 30 miles", Agreement.UNSURE),
    ("50 miles", "within 30 miles", Agreement.DIFFER),
])
def test_compare_quantities(claimed, stated, expected):
    assert compare_quantities(only(claimed), only(stated)) is expected


@pytest.mark.parametrize("claimed, stated, expected", [
    (DateMention(0, 0, month=2, day=10), DateMention(0, 0, month=2, day=10), Agreement.AGREE),
    (DateMention(0, 0, month=3, day=1), DateMention(0, 0, month=2, day=10), Agreement.DIFFER),
    (DateMention(0, 0, year=2030), DateMention(0, 0, year=2035), Agreement.DIFFER),
    (DateMention(0, 0, month=2, day=10), DateMention(0, 0, year=2022, month=2, day=10), Agreement.AGREE),
    (DateMention(0, 0, weekday=0), DateMention(0, 0, weekday=1), Agreement.DIFFER),
    (DateMention(0, 0, weekday=0), DateMention(0, 0, year=2022), Agreement.UNSURE),
])
def test_compare_dates(claimed, stated, expected):
    assert compare_dates(claimed, stated) is expected


def test_a_year_before_a_comma_is_a_date():
    assert [(p.start, p.end) for p in date_phrases("In 2004, the firm grew.")] == [(3, 7)]
    assert [(p.start, p.end) for p in date_phrases("issued in 2008, and later")] == [(10, 14)]
    assert date_phrases("costs 2,008,000 dollars") == []
