"""Short verbatim answer spans of the asked kind, and who said them."""
from __future__ import annotations

import pytest

from retrieval import Engine
from retrieval.answer import Span, attribution, extract, holds_answer_type, name_chunks
from retrieval.corpus import article_from_text
from retrieval.question import analyse
from retrieval.text import Tokenizer

# Made up for these tests: figures, dates, titled names, a list of places, quotations whose
# speaker is named in a neighbouring sentence, a pronoun speaker and a surname alone.
PORT_PAGE = """Port Expansion Approved

The regional council approved the port expansion on Thursday, officials said.

The expansion will cost 2.4 billion dollars and add nearly 900 jobs, according to port authority officials.

Ships will be able to dock within 12 miles of the new rail terminal between March 3 and March 9, 2026.

"We expect the first cranes to arrive in June," said Maria Lopez, the head of the port authority. "Nobody will be left behind."

Lopez told reporters that the work would be finished by 2028.

"It is a fair deal for the city," she added.

Transport Minister Tomas Berg visited Rotterdam, Hamburg, and Antwerp to study their harbours.

The plan is backed by the shipping company Nordline and three unions.
"""


@pytest.fixture(scope="module")
def port_engine() -> Engine:
    return Engine.from_articles([article_from_text("port", PORT_PAGE)])


def sentence(engine: Engine, starts: str):
    return next(s for s in engine.corpus.sentences if s.text.startswith(starts))


def span_from(engine: Engine, question: str, *starts: str) -> Span | None:
    parsed = analyse(question, engine.tokenizer)
    return extract(parsed, [sentence(engine, s) for s in starts], engine.corpus)


@pytest.mark.parametrize("question, cited, expected", [
    ("How many jobs will the expansion add?", "The expansion will cost", "nearly 900"),
    ("How much will the expansion cost?", "The expansion will cost", "2.4 billion dollars"),
    ("How close to the rail terminal can ships dock?", "Ships will be able", "within 12 miles"),
    ("When can ships dock at the terminal?", "Ships will be able", "March 3 and March 9, 2026"),
    ("On what day did the council approve the expansion?", "The regional council", "Thursday"),
    ("By what year will the work be finished?", "Lopez told", "2028"),
    ("Who is the transport minister?", "Transport Minister", "Tomas Berg"),
    ("Which cities did the minister visit?", "Transport Minister", "Rotterdam, Hamburg, and Antwerp"),
    ("Where did Tomas Berg go?", "Transport Minister", "Rotterdam, Hamburg, and Antwerp"),
    ("Which company backs the plan?", "The plan is backed", "Nordline"),
    ("Who is Maria Lopez?", '"We expect', "the head of the port authority"),
])
def test_the_answer_is_a_verbatim_span_of_the_asked_kind(port_engine, question, cited, expected):
    span = span_from(port_engine, question, cited)
    assert span is not None and span.text == expected
    assert span.text in sentence(port_engine, cited).text


@pytest.mark.parametrize("question, cited", [
    ("How many cranes will arrive?", "The expansion will cost"),
    ("How close to the rail terminal can ships dock?", "The expansion will cost"),
    ("In what year was the port built?", "The regional council"),
    ("Who is the transport minister?", "The expansion will cost"),
    ("Why was the port expanded?", "The plan is backed"),
])
def test_no_span_when_no_cited_sentence_holds_one_of_the_asked_kind(port_engine, question, cited):
    assert span_from(port_engine, question, cited) is None


def test_never_a_span_from_an_uncited_sentence(port_engine):
    assert span_from(port_engine, "How many jobs will the expansion add?", "Ships will be able") is None


def test_the_question_s_own_words_are_not_an_answer(port_engine):
    assert span_from(port_engine, "Who is Tomas Berg?", "Transport Minister") == Span("Transport Minister")
    assert span_from(port_engine, "Who visited Rotterdam?", "Transport Minister") == Span("Tomas Berg")


def test_a_count_of_the_asked_thing_beats_a_better_ranked_bare_figure(port_engine):
    span = span_from(port_engine, "How many jobs will be added?", "Ships will be able", "The expansion will cost")
    assert span.text == "nearly 900"


def test_a_surname_is_completed_from_another_cited_sentence(port_engine):
    span = span_from(port_engine, "Who told reporters about the work?", "Lopez told", '"We expect')
    assert span.text == "Maria Lopez"


@pytest.mark.parametrize("starts, speaker", [
    ("The expansion will cost", "port authority officials"),
    ("The regional council", "officials"),
    ('"We expect', "Maria Lopez"),
    ('"Nobody will', "Maria Lopez"),
    ("Lopez told", "Maria Lopez"),
    ('"It is a fair deal', "Maria Lopez"),
    ("Ships will be able", None),
    ("Transport Minister", None),
])
def test_attribution(port_engine, starts, speaker):
    assert attribution(sentence(port_engine, starts), port_engine.corpus) == speaker


def test_the_answer_carries_its_attribution(port_engine):
    answer = port_engine.ask("How many jobs will the port expansion add?")
    assert (answer.answer, answer.attribution) == ("nearly 900", "port authority officials")


def test_no_attribution_when_the_answer_is_the_speaker(port_engine):
    span = span_from(port_engine, "Who is the head of the port authority?", '"We expect')
    assert span == Span("Maria Lopez", None)


def test_name_chunks_split_titles_connectors_and_sentence_starts():
    text = "But Polish Foreign Minister Zbigniew Rau told Foreign Policy about the Bank of England."
    assert [text[s:e] for s, e in name_chunks(text)] == [
        "Polish Foreign Minister Zbigniew Rau", "Foreign Policy", "Bank of England"]


@pytest.mark.parametrize("question, text, holds", [
    ("How many troops were sent?", "Russia sent 30,000 troops.", True),
    ("How many troops were sent?", "Russia sent troops.", False),
    ("When did it happen?", "It happened on Feb. 10.", True),
    ("Who is the president?", "The president visited Minsk.", False),
    ("Who is the president?", "President Joe Biden spoke.", True),
])
def test_holds_answer_type(question, text, holds):
    assert holds_answer_type(text, analyse(question, Tokenizer())) is holds


@pytest.mark.parametrize("question, expected, speaker", [
    ("How many soldiers did Russia send to Belarus?", "30,000", "NATO officials"),
    ("Where will the additional American soldiers go?", "Poland, Romania, and Germany", None),
    ("Who is the French president?", "Emmanuel Macron", None),
])
def test_pinned_answers_on_the_bundled_article(bundled_engine, question, expected, speaker):
    answer = bundled_engine.ask(question)
    assert (answer.answer, answer.attribution) == (expected, speaker)
