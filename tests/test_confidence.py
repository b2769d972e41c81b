"""The learned decisions: the found model's features and probability, the verdict model's."""
from __future__ import annotations

import math

import pytest

from retrieval import Engine, Verdict
from retrieval.claims import choose_verdict
from retrieval.confidence import (FEATURE_NAMES, FoundModel, VerdictModel, shipped_found_model,
                                  shipped_verdict_model)
from retrieval.corpus import article_from_text
from retrieval.spans import Fit

PAGE = """Ferry Line Reopens

The island ferry reopened on Monday after a storm closed the harbour for nine days.

The operator said the crossing takes about 40 minutes and costs 12 euros.

Captain Ana Lind said the new boat carries 300 passengers.
"""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles([article_from_text("ferry", PAGE)])


def test_the_shipped_models_load_with_their_provenance():
    found, verdicts = shipped_found_model(), shipped_verdict_model()
    assert set(found.names) == set(FEATURE_NAMES)
    assert 0 < found.threshold < 1 and 0 < verdicts.decisive < 1
    assert set(verdicts.verdicts) == {"supported", "contradicted", "not_in_article"}


def test_answer_features_are_the_model_s_inputs_and_bounded(engine):
    features = engine.answer_features("How long does the crossing take?")
    assert set(features) == set(FEATURE_NAMES)
    assert all(math.isfinite(v) and -1.0 <= v <= 4.0 for v in features.values())


def test_confidence_is_a_probability_and_decides_found(engine):
    answered = engine.ask("How long does the crossing take?")
    assert answered.found and answered.answer == "about 40 minutes"
    unrelated = engine.ask("Who won the football world cup?")
    assert not unrelated.found
    assert 0 <= unrelated.confidence < shipped_found_model().threshold <= answered.confidence <= 1


def test_same_question_same_answer_and_confidence(engine):
    first = engine.ask("how many passengers does the new boat carry")
    assert [engine.ask("how many passengers does the new boat carry") for _ in range(3)] == [first] * 3


def test_a_logistic_model_reads_standardised_features():
    model = FoundModel(("a", "b"), (1.0, 0.0), (2.0, 1.0), (2.0, -1.0), 0.5, 0.5)
    z = 0.5 + 2.0 * (3.0 - 1.0) / 2.0 - 1.0 * 1.0
    assert model.probability({"a": 3.0, "b": 1.0}) == pytest.approx(1 / (1 + math.exp(-z)))
    assert model.probability({"a": 1e9}) == pytest.approx(1.0)


def test_a_softmax_model_gives_probabilities_that_sum_to_one():
    model = VerdictModel(("x",), (0.0,), (1.0,), ("a", "b", "c"), ((0.0,), (1.0,), (-1.0,)), (0.0, 0.0, 0.0), 0.6)
    p = model.probabilities({"x": 2.0})
    assert sum(p.values()) == pytest.approx(1.0) and max(p, key=p.get) == "b"


def _features(**given) -> dict[str, float]:
    names = shipped_verdict_model().names
    return {name: 0.0 for name in names} | given


def test_the_rules_decide_where_they_are_precise():
    stated = _features(best_figure_differs=1.0, any_differing=1.0, any_contradicting=1.0, coverage=1.0)
    probabilities = {"supported": 0.7, "contradicted": 0.2, "not_in_article": 0.1}
    assert choose_verdict(probabilities, stated, 0.6) == (Verdict.CONTRADICTED, 0.2)


def test_contradicted_needs_a_differing_sentence_and_unsure_is_not_decisive():
    related = _features(best_related=1.0, coverage=0.8)
    assert choose_verdict({"supported": 0.45, "contradicted": 0.5, "not_in_article": 0.05}, related, 0.3)[0] \
        is Verdict.SUPPORTED
    assert choose_verdict({"supported": 0.5, "contradicted": 0.1, "not_in_article": 0.4}, related, 0.6)[0] \
        is Verdict.NOT_IN_ARTICLE


def test_check_reports_the_verdict_model_s_confidence(engine):
    check = engine.check("The crossing costs 20 euros.")
    assert check.verdict is Verdict.CONTRADICTED and "12 euros" in check.explanation
    assert 0 <= check.confidence <= 1


@pytest.mark.parametrize("kind, fit, answered", [
    ("quantity", 0, False), ("date", 0, False), ("person", 0, False), ("place", 0, False),
    ("quantity", Fit.WEAK, False), ("person", Fit.WEAK, False),
    ("quantity", Fit.GOOD, True), ("date", Fit.STRONG, True),
    ("other", 0, True), ("reason", 0, True), ("statement", 0, True),
])
def test_a_question_asking_for_a_kind_of_thing_needs_one_of_good_fit(kind, fit, answered):
    model = shipped_found_model()
    features = {**{name: 0.0 for name in FEATURE_NAMES}, "span": float(fit > 0), "span_fit": fit / Fit.EXACT,
                f"asks_{kind}": 1.0}
    assert model.answers(features, 0.99) is answered
    assert model.answers(features, model.threshold / 2) is False


def test_a_figure_the_article_never_gives_is_not_answered_by_another_figure_s_sentence(engine):
    answer = engine.ask("how many crew work on the new boat?")
    assert answer.found is False and answer.answer is None and answer.citations
