"""The one tokenizer: folding, numbers, acronyms, possessives, stop words, stems."""
from __future__ import annotations

import pytest

from retrieval import Tokenizer
from retrieval.text import fold, normalise_number, stopwords

tokens = Tokenizer().tokens


def test_fold_quotes_dashes_case_and_compatibility_forms():
    assert fold("\u201cQuoted\u201d \u2018it\u2019s\u2019 \u2014 A\u2013B") == "\"quoted\" 'it's' - a-b"
    assert fold("\uff26\uff35\uff2c\uff2c\u00a0width") == "full width"


@pytest.mark.parametrize("written", ["30,000", "30000", "30k", "30K", "30,000.0"])
def test_numbers_written_differently_are_one_token(written):
    assert tokens(f"{written} troops") == ["30000", "troop"]


@pytest.mark.parametrize("digits, scale, expected", [
    ("30,000", None, "30000"), ("2.50", None, "2.5"), ("3.0", None, "3"),
    ("2.5", "bn", "2500000000"), ("1.5", "k", "1500"), ("12", "m", "12000000"),
])
def test_normalise_number(digits, scale, expected):
    assert normalise_number(digits, scale) == expected


@pytest.mark.parametrize("text, expected", [
    ("10am", ["10"]),
    ("the 1990s", ["1990", "s"]),
    ("4th", ["4", "th"]),
    ("30km", ["30", "km"]),
    ("10mph", ["10", "mph"]),
    ("30,000km", ["30000", "km"]),
])
def test_a_number_followed_by_letters_keeps_all_its_digits(text, expected):
    assert tokens(text) == expected


def test_a_number_ends_at_punctuation():
    assert tokens("In 2035, the vote.") == ["2035", "vote"]
    assert tokens("between Feb. 10 and Feb. 20.") == ["feb", "10", "feb", "20"]


@pytest.mark.parametrize("written", ["U.S.", "US", "U.S", "u.s."])
def test_acronym_with_and_without_dots_match(written):
    assert tokens(f"{written} troops") == tokens("US troops")


def test_dotted_acronyms_of_any_length():
    assert tokens("U.K.") == tokens("UK")
    assert tokens("the U.S.S.R. fell") == tokens("the USSR fell")


@pytest.mark.parametrize("possessive", ["Russia's", "Russia\u2019s", "RUSSIA'S"])
def test_possessive_is_the_noun(possessive):
    assert tokens(f"{possessive} troops") == tokens("Russia troops")


def test_stop_words_are_dropped_and_stop_word_contractions_too():
    assert tokens("the and of it is") == []
    assert tokens("it's what they don\u2019t know") == ["know"]


def test_stopword_list_is_the_snowball_list():
    words = stopwords()
    assert {"the", "and", "of", "what", "which", "who"} <= words
    assert not any(word.startswith("#") for word in words)
    assert "troops" not in words


def test_snowball_stems_join_word_forms():
    assert tokens("deploy deployed deploying deployment") == ["deploy"] * 3 + ["deploy"]
    assert tokens("sanctions") == tokens("sanction")


def test_hyphenated_words_and_model_numbers_split_into_parts():
    assert tokens("Su-25 warplanes") == ["su", "25", "warplan"]
    assert tokens("co-operate") == ["co", "oper"]


def test_unicode_letters_stay_in_words():
    assert tokens("caf\u00e9 Zelensky") == ["caf\u00e9", "zelenski"]


def test_empty_and_punctuation_only_text_have_no_tokens():
    assert tokens("") == []
    assert tokens("?!... \u2014 ,;") == []


def test_a_question_and_the_sentence_that_answers_it_share_their_terms():
    sentence = "Russia has sent 30,000 troops to Belarus."
    question = "Has Russia\u2019s army sent 30k TROOPS to Belarus?"
    assert set(tokens(question)) - set(tokens(sentence)) == {"armi"}


def test_settings_describe_the_tokenizer():
    settings = Tokenizer().settings
    assert settings["stemmer"] == "snowball-english"
    assert len(settings["stopwords_sha256"]) == 64
