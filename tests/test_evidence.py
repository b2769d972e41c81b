"""The evidence stage: candidates, weights, coverage (exact and by prefix), neighbours."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from retrieval import Engine, Evidence
from retrieval.evidence import Candidate, SentenceTerms, coverage, loose_coverage, holds
from retrieval.question import analyse
from retrieval.ranking import RANK_FEATURES, Ranker, shipped_rank_weights
from retrieval.spans import SpanExtractor


@pytest.fixture(scope="module")
def evidence(two_article_engine: Engine) -> Evidence:
    return Evidence(two_article_engine.corpus, two_article_engine.index, two_article_engine.tokenizer)


def test_coverage_is_exact_or_by_prefix_by_name():
    weights = {"ukrain": 2.0, "troop": 1.0}
    assert coverage(weights, {"ukrainian", "troop"}) == pytest.approx(1 / 3)
    assert loose_coverage(weights, SentenceTerms.of(["ukrainian", "troop"])) == 1.0
    assert holds(SentenceTerms.of(["ukrainian"]), "ukrain")
    assert not holds(SentenceTerms.of(["uk"]), "ukrain")
    assert coverage({}, set()) == 1.0


def test_a_sentence_s_terms_are_made_once(evidence):
    first = evidence.terms_of(0)
    assert evidence.terms_of(0) is first
    tokens = evidence.tokenizer.tokens(evidence.corpus.sentences[0].text)
    assert first.terms == frozenset(tokens) and first.pairs == frozenset(zip(tokens, tokens[1:]))


@pytest.mark.parametrize("engine", ["bundled_engine", "two_article_engine", "port_engine"])
def test_the_forward_index_gives_what_tokenizing_gives(engine, request):
    """Every sentence's terms, pairs and prefixes from the forward index are those that
    tokenizing its text again makes."""
    engine = request.getfixturevalue(engine)
    evidence = Evidence(engine.corpus, engine.index, engine.tokenizer)
    for position, sentence in enumerate(engine.corpus.sentences):
        tokens = engine.tokenizer.tokens(sentence.text)
        assert engine.index.sentence_terms(position) == tokens
        assert evidence.terms_of(position) == SentenceTerms.of(tokens)


def test_a_search_without_a_forward_index_falls_back_to_tokenizing(two_article_engine):
    engine = two_article_engine

    class NoForwardIndex:
        def __init__(self, index):
            self.index = index

        def __getattr__(self, name):
            return getattr(self.index, name)

        def __len__(self):
            return len(self.index)

        def sentence_terms(self, position):
            return None

    evidence = Evidence(engine.corpus, NoForwardIndex(engine.index), engine.tokenizer)
    for position, sentence in enumerate(engine.corpus.sentences):
        assert evidence.terms_of(position) == SentenceTerms.of(engine.tokenizer.tokens(sentence.text))


def test_weights_follow_the_order_given(evidence):
    assert list(evidence.weights(["bridg", "zebra", "council"])) == ["bridg", "zebra", "council"]


def test_neighbour_scores_are_zero_across_articles(evidence):
    corpus = evidence.corpus
    last_of_first = corpus.article_sentences(corpus.docs[0])[-1]
    first_of_second = last_of_first + 1
    terms = evidence.tokenizer.tokens(corpus.sentences[first_of_second].text + " "
                                      + corpus.sentences[last_of_first].text)
    (before, after), = evidence.neighbour_scores(terms, [last_of_first])
    assert after == 0.0 and before == evidence.search.scores_at(terms, [last_of_first - 1])[0]


def test_the_ranker_returns_each_candidate_with_its_features(bundled_engine):
    question = analyse("How many troops has Russia sent to Belarus?", bundled_engine.tokenizer)
    engine = bundled_engine
    ranker = Ranker(engine.corpus, Evidence(engine.corpus, engine.index, engine.tokenizer),
                    SpanExtractor(engine.corpus, engine.tokenizer))
    ranking = ranker.rank(question, 3)
    assert all(isinstance(c, Candidate) for c in ranking.candidates)
    best = ranking.candidates[0]
    assert best.type_match and best.bm25 > 0 and 0 < best.coverage <= 1 and best.score > best.bm25
    assert [h.score for h in ranking.hits] == [c.score for c in ranking.candidates]


def test_the_ranking_scores_the_training_features_with_the_shipped_weights(bundled_engine):
    question = "How many troops has Russia sent to Belarus?"
    positions, features = bundled_engine.ranking_features(question)
    assert features.shape == (len(positions), len(RANK_FEATURES)) and len(positions) > 3
    learned = dict(zip(positions, features @ shipped_rank_weights()))
    cited = bundled_engine.ask(question, k=4).citations
    positions_of = {s.sentence_id: s.position for s in bundled_engine.corpus.sentences}
    scores = [(learned[positions_of[c.sentence_id]], c.score) for c in cited]
    assert [a for a, _ in scores] == sorted((a for a, _ in scores), reverse=True)
    (top, top_score), *rest = scores
    assert all(a / top == pytest.approx(score / top_score, rel=1e-5) for a, score in rest)


def test_the_shipped_ranker_weights_are_the_training_script_s_output_and_name_their_data():
    data = json.loads(resources.files("retrieval").joinpath("data", "ranker-model.json").read_text("utf-8"))
    assert data["script"] == "training/ranker.py" and "CC BY-SA 4.0" in data["trained_on"]["squad"]
    assert tuple(data["names"]) == RANK_FEATURES
    weights = dict(zip(RANK_FEATURES, shipped_rank_weights()))
    assert weights["bm25"] == 1.0 and weights["coverage"] > 0
