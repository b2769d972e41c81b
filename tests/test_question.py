"""What a question asks for, as people type it in a channel."""
from __future__ import annotations

import pytest

from retrieval.question import AnswerType, analyse, standard_spelling
from retrieval.text import Tokenizer

TOKENIZER = Tokenizer()


@pytest.mark.parametrize("question, kind", [
    ("what song were they playing when the fight started?", AnswerType.OTHER),
    ("who spoke when the meeting began", AnswerType.PERSON),
    ("and when did the drills start", AnswerType.DATE),
    ("what did the minister say about the strike?", AnswerType.STATEMENT),
    ("whats the union saying about pay", AnswerType.STATEMENT),
    ("according to the report, what happens next?", AnswerType.STATEMENT),
    ("why did the bank raise rates", AnswerType.REASON),
    ("what's the new phone called", AnswerType.NAME),
    ("what was the final score?", AnswerType.SCORE),
    ("what did the home side win by", AnswerType.SCORE),
    ("whats the price of a ticket", AnswerType.QUANTITY),
    ("what % of the shares does it own", AnswerType.QUANTITY),
    ("whats the most the top 10 shareholders can own", AnswerType.QUANTITY),
    ("what is the least they will accept", AnswerType.QUANTITY),
    ("what is the most popular song", AnswerType.OTHER),
    ("who said the plant would close", AnswerType.PERSON),
    ("where r the talks being held", AnswerType.PLACE),
])
def test_answer_type_from_the_question_form(question, kind):
    assert analyse(question, TOKENIZER).answer_type is kind


def test_money_questions_ask_how_much():
    assert analyse("how big is the tax bill", TOKENIZER).how == "much"
    assert analyse("whats the starting bid", TOKENIZER).how == "much"


def test_chat_spellings_read_as_standard_english():
    assert standard_spelling("whos the ceo, r they leaving?") == "who is the ceo, are they leaving?"
    assert standard_spelling("U.S. troops") == "u.s. troops"


@pytest.mark.parametrize("question, country", [
    ("how many us troops are there", True), ("the us embassy said what", True),
    ("can you tell us more", False), ("what did they give us", False),
])
def test_us_is_the_country_unless_a_verb_takes_it(question, country):
    assert ("american" in analyse(question, TOKENIZER).terms) is country


def test_who_is_name_in_any_case():
    assert analyse("who is kira rudik", TOKENIZER).named == "kira rudik"
    assert analyse("Who is Kira Rudik?", TOKENIZER).named == "kira rudik"
    assert analyse("who is the president", TOKENIZER).named is None


def test_speech_verbs_are_not_content_of_a_statement_question():
    assert "said" not in analyse("what did the mayor say about taxes", TOKENIZER).content_terms
    assert "say" not in analyse("what did the mayor say about taxes", TOKENIZER).content_terms


def test_which_noun_said_asks_for_the_speaker():
    question = analyse("which labour mp said the plan would fail", TOKENIZER)
    assert question.answer_type is AnswerType.PERSON and question.asks_speaker


@pytest.mark.parametrize("question, wants", [
    ("whats the price of the stake", "money"), ("how much did they pay", "money"),
    ("how much is the company offering for the stake?", "money"), ("how much are they paying", "money"),
    ("what % did the buyer get", "percent"), ("what percentage of shares is sold", "percent"),
    ("how many troops", None),
])
def test_how_much_questions_say_which_kind_of_figure(question, wants):
    assert analyse(question, TOKENIZER).wants == wants


@pytest.mark.parametrize("text, asks_for_thing", [
    ("russian troops belarus", False),
    ("troops in belarus?", False),
    ("did russia send troops to belarus?", False),
    ("is lukashenko staying until 2035", False),
    ("how many troops", True),
    ("whos rau", True),
    ("did they say when the troops leave?", True),
    ("name one other fault", True),
])
def test_a_keyword_search_or_a_yes_no_question_asks_for_no_thing(text, asks_for_thing):
    assert analyse(text, Tokenizer()).asks_for_thing is asks_for_thing


@pytest.mark.parametrize("text, alternatives", [
    ("Were Tesla's experiments high-voltage or low-voltage?", ("high-voltage", "low-voltage")),
    ("are ctenophores predators, vegetarian or parasitic", ("predators", "vegetarian", "parasitic")),
    # In a wh-question "or" joins words of one phrase; "this or that" offers no content word.
    ("What expression is used to convey upper or lower bounds?", ()),
    ("is it this or that?", ()),
])
def test_a_choice_question_offers_its_alternatives(text, alternatives):
    assert analyse(text, Tokenizer()).alternatives == alternatives
