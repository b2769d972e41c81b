"""The shipped paraphrase table (spellings and abbreviations) and numbers in words, applied by
the one tokenizer; and WordNet synonyms, matched by the evidence stage."""
from __future__ import annotations

import pytest

from retrieval import Engine, Tokenizer
from retrieval.corpus import article_from_text
from retrieval.text import paraphrases

tokens = Tokenizer().tokens
plain = Tokenizer(paraphrase=False).tokens


@pytest.mark.parametrize("one, other", [
    ("U.S. officials", "American officials"),
    ("US officials", "United States officials"),
    ("the UK government", "the British government"),
    ("a Labor plan", "a Labour plan"),
    ("thirty thousand troops", "30,000 troops"),
    ("a 5 per cent rise", "a 5 percent rise"),
    ("two hundred and fifty", "250"),
    ("1.5 million people", "1,500,000 people"),
    ("defence ministry", "defense ministry"),
])
def test_equivalent_wordings_give_the_same_terms(one, other):
    assert tokens(one) == tokens(other)
    assert plain(one) != plain(other)


def test_words_with_another_sense_keep_their_own_terms():
    assert tokens("the centre of town") == tokens("the center of town") != tokens("the central town")
    assert tokens("no one knows") == ["one", "know"]
    assert tokens("they told us") == ["told", "us"] != tokens("they told the US")


def test_without_the_table_the_tokenizer_is_unchanged():
    assert plain("U.S. troops in the UK") == ["us", "troop", "uk"]
    assert tokens("U.S. troops in the UK") == ["american", "troop", "british"]


def test_settings_fingerprint_the_table(monkeypatch):
    with_table = Tokenizer().settings["paraphrases_sha256"]
    assert len(with_table) == 64 and Tokenizer(paraphrase=False).settings["paraphrases_sha256"] is None
    edited = dict(paraphrases())
    key = next(iter(edited))
    edited[key] = edited[key] + "x"  # same size, other content: a saved index must notice
    monkeypatch.setattr("retrieval.text.paraphrases", lambda: edited)
    assert Tokenizer().settings["paraphrases_sha256"] != with_table


def test_a_question_in_other_words_finds_the_sentence():
    """WordNet synonyms: "commence" for "begin", "gaol" for "jail"."""
    article = article_from_text("jail", "Prison Works Begin\n\nBuilders began work on the new jail on Monday.\n\n"
                                        "Officials expect the building to take a year.\n\nThe council said "
                                        "the work on the site is routine.\n")
    engine = Engine.from_articles([article])
    answer = engine.ask("When did work on the gaol commence?")
    assert answer.citations[0].sentence.startswith("Builders began work on the new jail")
    assert answer.answer == "Monday"
