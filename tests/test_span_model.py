"""The learned span chooser: candidates, the shipped model, and what `Engine.ask` answers with it."""
from __future__ import annotations

import json
import time
from importlib import resources

import numpy as np
import pytest

from retrieval import Engine
from retrieval.corpus import article_from_text
from retrieval.numbers import date_phrases
from retrieval.question import AnswerType, Question, analyse
from retrieval.span_model import (FEATURE_NAMES, RANKED, Candidates, SpanModel, candidates, chooses, eligible,
                                  question_form, shipped_span_model)
from retrieval.spans import SpanExtractor
from retrieval.text import Tokenizer

# Made up for these tests: a plain encyclopaedic article whose questions have no answer type.
MUSEUM_PAGE = """The Harbour Museum

The Harbour Museum opened in the old customs house in 1998.

Its east wing houses a collection of Roman coins donated by a local family.

The museum is run by a charitable trust and admission is free on Sundays.

A restored steam tug called the Marigold is moored beside the museum during the summer.

In 2011 the trust added a library of ship plans, which researchers can visit by appointment.
"""


@pytest.fixture(scope="module")
def museum_engine() -> Engine:
    return Engine.from_articles([article_from_text("museum", MUSEUM_PAGE)])


def test_the_shipped_model_is_the_training_script_s_output_and_names_its_data():
    data = json.loads(resources.files("retrieval").joinpath("data", "span-model.json").read_text("utf-8"))
    assert data["script"] == "training/spans.py"
    assert tuple(data["names"]) == FEATURE_NAMES
    assert "CC BY-SA 4.0" in data["trained_on"]["squad"]
    model = shipped_span_model()
    assert len(model.weights) == len(FEATURE_NAMES) and np.all(model.scale > 0)


def test_ask_answers_with_the_shipped_model_s_best_candidate(museum_engine):
    question = "What does the east wing house?"
    answer = museum_engine.ask(question)
    sentence = next(s for s in museum_engine.corpus.sentences if s.text == answer.citations[0].sentence)
    extractor = SpanExtractor(museum_engine.corpus, museum_engine.tokenizer)
    found = extractor.choices(analyse(question, museum_engine.tokenizer), sentence.position)
    best = int(shipped_span_model().scores(found.features).argmax())
    assert answer.answer == sentence.text[found.starts[best]:found.ends[best]]


def test_a_model_of_other_features_is_refused():
    data = json.loads(resources.files("retrieval").joinpath("data", "span-model.json").read_text("utf-8"))
    with pytest.raises(ValueError, match="training/spans.py"):
        SpanModel.from_json({**data, "names": data["names"][:-1]})


@pytest.mark.parametrize("question, holds", [
    ("What does the east wing house?", "Roman coins"),
    ("What was added in 2011?", "library of ship plans"),
    ("How can researchers visit the library?", "appointment"),
])
def test_a_question_of_no_answer_type_gets_a_phrase_of_the_first_citation(museum_engine, question, holds):
    answer = museum_engine.ask(question)
    assert analyse(question, museum_engine.tokenizer).answer_type is AnswerType.OTHER
    assert answer.found and holds in answer.answer
    assert answer.answer in answer.citations[0].sentence


def test_the_answer_is_never_the_question_s_own_words(museum_engine):
    question = "What did the trust add to the museum?"
    cited = museum_engine.ask(question).citations[0].sentence
    position = next(s.position for s in museum_engine.corpus.sentences if s.text == cited)
    span = SpanExtractor(museum_engine.corpus, museum_engine.tokenizer).choose(
        analyse(question, museum_engine.tokenizer), [position], None)
    assert span is not None and span.text in cited
    assert not set(museum_engine.tokenizer.tokens(span.text)) <= set(museum_engine.tokenizer.tokens(question))


def test_a_date_question_still_gets_a_date(museum_engine):
    answer = museum_engine.ask("When did the Harbour Museum open?")
    assert answer.answer == "1998" and date_phrases(answer.answer)


def test_the_model_decides_which_candidate(museum_engine):
    """A model that prefers long spans and one that prefers short ones choose differently
    among the same candidates: the chooser is the model."""
    question = analyse("What does the east wing house?", museum_engine.tokenizer)
    position = next(s.position for s in museum_engine.corpus.sentences if s.text.startswith("Its east wing"))
    zeros = np.zeros(len(FEATURE_NAMES))

    def preferring(sign: float) -> SpanModel:
        weights = zeros.copy()
        weights[FEATURE_NAMES.index("len_log")] = sign
        return SpanModel(FEATURE_NAMES, zeros, np.ones(len(FEATURE_NAMES)), weights, 0.0)

    longest = SpanExtractor(museum_engine.corpus, museum_engine.tokenizer, preferring(1.0))
    shortest = SpanExtractor(museum_engine.corpus, museum_engine.tokenizer, preferring(-1.0))
    long_span = longest.choose(question, [position], None)
    short_span = shortest.choose(question, [position], None)
    assert len(long_span.text.split()) > len(short_span.text.split()) == 1


def test_candidates_are_verbatim_bounded_and_free_of_the_question_s_words(museum_engine):
    tokenizer = museum_engine.tokenizer
    question = analyse("What does the east wing house?", tokenizer)
    text = "Its east wing houses a collection of Roman coins, donated by a local family."
    found = candidates(text, question, lambda w: frozenset(tokenizer.tokens(w)))
    spans = [text[s:e] for s, e in zip(found.starts, found.ends)]
    assert "Roman coins" in spans and "collection of Roman coins" in spans
    assert not any("," in span for span in spans)
    assert not any(span.split()[0].lower() in ("a", "of", "by") for span in spans)
    assert found.features.shape == (len(spans), len(FEATURE_NAMES))


def test_the_model_chooses_only_where_the_rules_have_no_good_candidate():
    def found(*fits: float) -> Candidates:
        return Candidates(np.arange(len(fits)), np.arange(len(fits)) + 1, np.array(fits),
                          np.zeros((len(fits), len(FEATURE_NAMES))))

    def asking(kind: AnswerType, asks_for_thing: bool = True) -> Question:
        return Question("q", kind, ("q",), ("q",), asks_for_thing=asks_for_thing)

    assert eligible(found(0, 1, 0), asking(AnswerType.QUANTITY), 0) is None
    assert eligible(found(0, 1, 0), asking(AnswerType.DATE), 1) is None
    for kind in RANKED:
        assert eligible(found(0, 2, 1), asking(kind), 2) is None
        assert eligible(found(0, 1, 0), asking(kind), 3).tolist() == [False, True, False]
    assert eligible(found(0, 1, 0), asking(AnswerType.OTHER), 2) is None
    assert eligible(found(0, 1, 0), asking(AnswerType.OTHER), 1).tolist() == [True, True, True]
    assert [chooses(asking(kind), 0) for kind in AnswerType] == [kind in (*RANKED, AnswerType.OTHER)
                                                                 for kind in AnswerType]
    assert not chooses(asking(AnswerType.OTHER), 2) and chooses(asking(AnswerType.PERSON), 3)
    # A keyword search or a yes/no question asks for no thing a short answer could give.
    assert not chooses(asking(AnswerType.OTHER, asks_for_thing=False), 0)
    assert eligible(found(0, 1, 0), asking(AnswerType.OTHER, asks_for_thing=False), 0) is None


@pytest.mark.parametrize("question, form", [
    ("What is the capital?", "what_is"), ("What did she say?", "what_do"), ("What colour is it?", "what_noun"),
    ("Whose book is it?", "who"), ("Which team won?", "which"), ("Name the team.", "other"),
])
def test_question_forms(question, form):
    assert question_form(analyse(question, Tokenizer())) == form


def test_asking_stays_about_a_millisecond(museum_engine):
    questions = ["What does the east wing house?", "What runs the museum?", "Who donated the coins?"]
    museum_engine.ask(questions[0])
    started = time.perf_counter()
    for _ in range(20):
        for question in questions:
            museum_engine.ask(question)
    assert (time.perf_counter() - started) / 60 < 0.01
