"""Clause-sized answers: what someone said, why, what a thing is called."""
from __future__ import annotations

import pytest

from retrieval.clauses import called_spans, quotations, reason_spans, statement_spans


def texts(text: str, spans) -> list[str]:
    return [text[s:e] for s, e, *_ in spans]


@pytest.mark.parametrize("sentence, expected", [
    ("The mayor said the bridge would not open before the summer.", "the bridge would not open before the summer"),
    ('She said: "We will rebuild every house on the coast.', "We will rebuild every house on the coast"),
    ('"Prices will keep rising," the governor warned.', "Prices will keep rising"),
    ('The coach said he would "keep working on the defence" with his players.', "keep working on the defence"),
    ("Regulators are warning about letters that ask people to pay fees in advance.",
     "letters that ask people to pay fees in advance"),
])
def test_statements_are_the_reported_words(sentence, expected):
    assert texts(sentence, statement_spans(sentence))[0] == expected


def test_a_sentence_without_reported_speech_has_no_statement():
    assert statement_spans("The bridge opened in 2019 after four years of work.") == []


@pytest.mark.parametrize("sentence, expected", [
    ("The bank said growth would slow because exports fell sharply.", "exports fell sharply"),
    ("Flights were cancelled due to heavy snow in the north.", "heavy snow in the north"),
    ('He took the kicks because they were "too far for me" but missed them all.', 'they were "too far for me"'),
])
def test_reasons_follow_their_connective(sentence, expected):
    assert texts(sentence, reason_spans(sentence))[0] == expected


def test_called_names_the_thing():
    sentence = "The firm launched a new phone called Nimbus X that ships in May."
    assert texts(sentence, called_spans(sentence)) == ["Nimbus X"]


def test_quotations_open_at_the_end_or_before_the_start():
    assert [("He said: \u201cWe won.")[s:e] for s, e in quotations("He said: \u201cWe won.")] == ["We won"]
    assert [("we lost today,\u201d he said.")[s:e] for s, e in quotations("we lost today,\u201d he said.")] \
        == ["we lost today"]
