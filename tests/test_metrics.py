"""benchmarks/metrics.py: the hit and answer rules of shared/eval/score.py, SQuAD v1.1's EM/F1,
abstention and verdict scores, on small exact fixtures."""
from __future__ import annotations

import pytest

from benchmarks.data import DevClaim, DevQuestion
from benchmarks.metrics import (Reply, abstention_metrics, answer_hit, dev_claim_metrics, dev_question_metrics,
                                exact_match, f1, fold, labelled_claim_metrics, normalize_answer, rank_of_hit,
                                recall_metrics, short_answer_hit, span_rank_of_hit)


def test_fold_plain_quotes_dashes_space_and_case():
    assert fold("  \u201cThe\u00a0Troops\u201d \u2014 it\u2019s\n\tnear ") == '"the troops" - it\'s near'
    assert fold(None) == ""


def test_rank_of_hit_is_the_first_sentence_holding_a_gold_passage():
    sentences = ["Nothing here.", "Russia has sent 30,000 troops to Belarus.", "Again: 30,000 troops."]
    assert rank_of_hit(sentences, ["RUSSIA has sent 30,000  troops"]) == 2
    assert rank_of_hit(sentences, ["30,000 troops", "nothing"]) == 1
    assert rank_of_hit(sentences, ["tanks"]) is None
    assert rank_of_hit([], ["anything"]) is None


def test_rank_of_hit_folds_curly_quotes_in_the_sentence():
    assert rank_of_hit(["He said it\u2019s \u201cover\u201d."], ["it's \"over\""]) == 1


@pytest.mark.parametrize("answer, gold, hit", [
    ("30,000", "30,000", True),
    ("some 30,000 troops", "30,000", True),
    ("30000", "30,000", True),           # thousands commas optional
    ("30,000", "30000", True),
    ("3,000", "30,000", False),
    ("", "30,000", False),
    (None, "30,000", False),
    ("30,000 " + "x" * 40, "30,000", False),  # more than 40 characters longer
    ("30,000 " + "x" * 33, "30,000", True),
])
def test_answer_hit(answer, gold, hit):
    assert answer_hit(answer, gold) is hit


@pytest.mark.parametrize("answer, shorts, hit", [
    ("nine marginal seats", ["nine", "9"], True),
    ("9 seats", ["nine", "9"], True),
    ("19 seats", ["9"], False),          # whole words only
    ("9.5 per cent", ["9"], False),      # not the start of a decimal
    ("1,500 people", ["1500"], True),    # thousands separators folded
    ("1500 people", ["1,500"], True),
    ("Allan Hendry, a former guardsman", ["allan hendry"], True),
    ("Mr. Hendry", ["hendry"], True),
    ("in London.", ["London"], True),
    ("", ["nine"], False),
    (None, ["nine"], False),
    ("nine", [""], False),
])
def test_short_answer_hit(answer, shorts, hit):
    assert short_answer_hit(answer, shorts) is hit


def test_recall_metrics_share_of_all_ranks():
    scores = recall_metrics([1, 2, None, 4])
    assert scores == {"R@1": 0.25, "R@3": 0.5, "MRR": pytest.approx((1 + 0.5 + 0.25) / 4)}


def test_dev_question_metrics_mirror_score_py():
    items = [
        DevQuestion("a", "q?", ("gold one",), short_answers=("nine",)),
        DevQuestion("b", "q?", ("gold two",), answer="30,000"),
        DevQuestion("c", "q?", ("gold three",)),           # answerable, no short answer
        DevQuestion("d", "q?", ()),                        # unanswerable
        DevQuestion("e", "q?", ()),
    ]
    replies = [
        Reply(False, "nine", ("gold one",)),       # abstained: a short answer misses even if it holds it
        Reply(True, "30,000 troops", ("x", "the gold two")),
        Reply(True, None, ("x", "y", "z")),
        Reply(False, None),
        Reply(None, None),                         # refused: not a "doesn't say"
    ]
    scores = dev_question_metrics(items, replies)
    assert scores["R@1"] == pytest.approx(1 / 3)
    assert scores["R@3"] == pytest.approx(2 / 3)
    assert scores["MRR"] == pytest.approx((1 + 0.5) / 3)
    assert scores["answer"] == 0.5
    assert scores["no-answer"] == 0.5
    assert scores["false-abstain"] == 1
    assert (scores["answerable"], scores["unanswerable"]) == (3, 2)


def test_dev_claim_metrics_exact_labels():
    claims = [DevClaim("1", "c", "supported"), DevClaim("2", "c", "contradicted"),
              DevClaim("3", "c", "not_in_article"), DevClaim("4", "c", "not_in_article")]
    scores = dev_claim_metrics(claims, ["supported", "supported", "unverified", "not_in_article"])
    assert scores["accuracy"] == 0.5
    assert scores["wrong-verdicts"] == 1
    assert scores["other-misses"] == 1            # unverified is not not_in_article here
    assert scores["recall:not_in_article"] == 0.5


def test_span_rank_of_hit_covers_the_start_and_holds_the_text():
    text = "Paris is big. The capital is Paris. Lyon too."
    answers = [("Paris", 29)]
    assert span_rank_of_hit([(0, 13), (14, 35)], text, answers) == 2
    assert span_rank_of_hit([(0, 13)], text, [("Paris", 0)]) == 1
    assert span_rank_of_hit([(0, 13)], text, [("Paris is big. The", 0)]) is None   # runs past the span
    assert span_rank_of_hit([(36, 45)], text, answers) is None


# Examples worked from the definition in the official evaluate-v1.1.py.
@pytest.mark.parametrize("text, normalised", [
    ("The Eiffel Tower", "eiffel tower"),
    ("  a   cat, an apple; THE end.", "cat apple end"),
    ("theatre", "theatre"),                      # articles only as whole words
    ("Denver Broncos!", "denver broncos"),
    ("U.S.-led", "usled"),                       # punctuation removed, not split on
    ("", ""),
])
def test_normalize_answer(text, normalised):
    assert normalize_answer(text) == normalised


def test_exact_match_max_over_golds_and_none_scores_zero():
    assert exact_match("the Denver Broncos", ["Denver Broncos", "Broncos"]) == 1.0
    assert exact_match("Broncos.", ["Denver Broncos", "Broncos"]) == 1.0
    assert exact_match("Denver", ["Denver Broncos"]) == 0.0
    assert exact_match(None, ["Denver Broncos"]) == 0.0


def test_f1_token_overlap():
    # prediction "denver broncos team", gold "denver broncos": precision 2/3, recall 1
    assert f1("Denver Broncos team", ["Denver Broncos"]) == pytest.approx(0.8)
    assert f1("the Broncos", ["Denver Broncos"]) == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert f1("Carolina", ["Denver Broncos", "Carolina Panthers"]) == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert f1("Carolina", ["Denver Broncos"]) == 0.0
    assert f1(None, ["Denver Broncos"]) == 0.0
    assert f1("a", ["the"]) == 0.0                 # both normalise to nothing


def test_f1_counts_tokens_as_a_multiset():
    # "x x y" against "x y y": common = {x: 1, y: 1} -> precision 2/3, recall 2/3
    assert f1("x x y", ["x y y"]) == pytest.approx(2 / 3)


def test_abstention_metrics():
    answerable = [True, True, False, False, False]
    found = [True, False, False, True, None]
    scores = abstention_metrics(answerable, found)
    assert scores["accuracy"] == pytest.approx(3 / 5)   # a refusal (None) is not found, yet not an abstention
    assert scores["abstain-precision"] == 0.5
    assert scores["abstain-recall"] == pytest.approx(1 / 3)
    assert scores["false-abstain"] == 1
    assert scores["base-rate"] == pytest.approx(3 / 5)


def test_labelled_claim_metrics_map_not_enough_info_to_either_abstention():
    labels = ["SUPPORTS", "SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO"]
    verdicts = ["supported", "contradicted", "unverified", "not_in_article", "supported"]
    scores = labelled_claim_metrics(labels, verdicts)
    assert scores["accuracy"] == pytest.approx(2 / 5)
    assert scores["always-unverified"] == pytest.approx(2 / 5)
    assert scores["decisive"] == 3
    assert scores["wrong-verdicts"] == 2
    assert scores["precision:supported"] == 0.5
    assert scores["recall:supported"] == 0.5
    assert scores["precision:contradicted"] == 0.0
    assert scores["recall:contradicted"] == 0.0
    assert scores["precision:abstain"] == 0.5
    assert scores["recall:abstain"] == 0.5
