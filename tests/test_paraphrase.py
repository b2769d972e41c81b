"""The shipped paraphrase table and numbers in words, applied by the one tokenizer."""
from __future__ import annotations

import pytest

from retrieval import Engine, Tokenizer
from retrieval.corpus import article_from_text
from retrieval.text import paraphrases

tokens = Tokenizer().tokens
plain = Tokenizer(paraphrase=False).tokens


@pytest.mark.parametrize("one, other", [
    ("Russia sent troops", "Russia deployed soldiers"),
    ("joint drills", "joint exercises"),
    ("the border", "the frontier"),
    ("U.S. officials", "American officials"),
    ("US officials", "United States officials"),
    ("a truce", "a cease-fire"),
    ("thirty thousand troops", "30,000 soldiers"),
    ("two hundred and fifty", "250"),
    ("1.5 million people", "1,500,000 people"),
    ("defence ministry", "defense ministry"),
])
def test_equivalent_wordings_give_the_same_terms(one, other):
    assert tokens(one) == tokens(other)
    assert plain(one) != plain(other)


def test_words_with_another_sense_keep_their_own_terms():
    assert tokens("they forced the door") != tokens("troops at the door")
    assert tokens("no one knows") == ["one", "know"]
    assert tokens("they told us") == ["told", "us"] != tokens("they told the US")


def test_without_the_table_the_tokenizer_is_unchanged():
    assert plain("Russia has sent 30,000 troops to Belarus") == ["russia", "sent", "30000", "troop", "belarus"]
    assert tokens("Russia has sent 30,000 troops to Belarus") == ["russia", "deploy", "30000", "troop", "belarus"]


def test_settings_fingerprint_the_table(monkeypatch):
    with_table = Tokenizer().settings["paraphrases_sha256"]
    assert len(with_table) == 64 and Tokenizer(paraphrase=False).settings["paraphrases_sha256"] is None
    edited = dict(paraphrases())
    key = next(iter(edited))
    edited[key] = edited[key] + "x"  # same size, other content: a saved index must notice
    monkeypatch.setattr("retrieval.text.paraphrases", lambda: edited)
    assert Tokenizer().settings["paraphrases_sha256"] != with_table


def test_a_question_in_other_words_finds_the_sentence():
    article = article_from_text("drill", "Army Drills Begin\n\nThe army began drills near the frontier on Monday.\n\n"
                                         "Officials expect the weather to stay dry.\n\nThe ministry said "
                                         "the exercises are routine.\n")
    engine = Engine.from_articles([article])
    answer = engine.ask("When did the military exercises at the border start?")
    assert answer.citations[0].sentence.startswith("The army began drills near the frontier")
