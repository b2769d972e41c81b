"""The sparse BM25 index against rank-bm25's BM25Okapi, which defines the scores."""
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import index as index_module
from retrieval.engine import Engine, EngineConfig
from retrieval.index import BM25Params, SentenceIndex

PARAMS = BM25Params(k1=1.2, b=0.75, epsilon=0.25)


def _okapi(tokens: list[list[str]], params: BM25Params = PARAMS) -> BM25Okapi:
    return BM25Okapi(tokens, k1=params.k1, b=params.b, epsilon=params.epsilon)


def _expected_top(okapi: BM25Okapi, tokens: list[list[str]], query: list[str], k: int):
    """BM25Okapi's top k among the sentences holding a query term, ties by position."""
    scores = okapi.get_scores(query)
    wanted = set(query)
    touched = [i for i, sentence in enumerate(tokens) if wanted & set(sentence)]
    return sorted(touched, key=lambda i: (-scores[i], i))[:k], scores


def _assert_parity(index: SentenceIndex, okapi: BM25Okapi, tokens, query, k=10):
    hits = index.search(query, k)
    expected, scores = _expected_top(okapi, tokens, query, k)
    assert [h.position for h in hits] == expected, query
    for hit in hits:
        assert hit.score == pytest.approx(scores[hit.position], abs=1e-6)
    if len(hits) == k and hits[-1].score > 0:
        # No sentence outside the touched ones (score 0) could have entered the top k.
        assert [h.position for h in hits] == np.lexsort((np.arange(len(scores)), -scores))[:k].tolist()


def _zipf_sentences(count: int, vocabulary: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, vocabulary + 1)
    weights /= weights.sum()
    lengths = rng.integers(3, 25, size=count)
    words = rng.choice(vocabulary, size=int(lengths.sum()), p=weights)
    ends = np.cumsum(lengths)
    return [[f"w{w}" for w in words[end - n:end]] for n, end in zip(lengths, ends)]


@pytest.fixture(scope="module")
def bundled():
    engine = Engine.from_paths(None)
    tokens = [engine.tokenizer.tokens(s.text) for s in engine.corpus.sentences]
    return engine, tokens, _okapi(tokens, engine.index.params)


@pytest.fixture(scope="module")
def sample():
    tokens = _zipf_sentences(10_000, 3_000, seed=5)
    return SentenceIndex.build(tokens, PARAMS), tokens, _okapi(tokens)


@pytest.fixture(params=["accumulate", "by_impact"])
def strategy(request, monkeypatch):
    """Run a test with each search strategy: accumulation, and the threshold algorithm
    (forced by treating every query as one of long postings)."""
    if request.param == "by_impact":
        monkeypatch.setattr(index_module, "_ACCUMULATE_MAX", 0)
        monkeypatch.setattr(index_module, "_FIRST_DEPTH", 16)
    return request.param


def test_bundled_article_matches_bm25okapi(bundled, strategy):
    engine, tokens, okapi = bundled
    queries = [engine.tokenizer.tokens(q) for q in (
        "How many troops has Russia sent to Belarus?", "Who is the Polish foreign minister?",
        "missile systems air defense", "NATO eastern flank Poland Lithuania", "Ukraine border")]
    queries += [sentence for sentence in tokens[::5] if sentence]
    for query in queries:
        _assert_parity(engine.index, okapi, tokens, query)


def test_generated_sample_matches_bm25okapi(sample, strategy):
    index, tokens, okapi = sample
    rng = np.random.default_rng(11)
    common = [[f"w{w}" for w in rng.integers(0, 20, size=rng.integers(1, 5))] for _ in range(15)]
    mixed = [[f"w{w}" for w in rng.integers(0, 3_000, size=rng.integers(1, 5))] for _ in range(15)]
    repeated = [["w0", "w0", "w7"], ["w2", "w900", "w2", "w2"]]
    # A rare term with the commonest ones: pruning makes the common ones optional.
    held_by = {t: int(index.offsets[i + 1] - index.offsets[i]) for t, i in index.vocabulary.items()}
    rare_and_common = [[t, "w0", "w1"] for t in sorted(index.vocabulary) if 10 <= held_by[t] <= 30][:5]
    for query in common + mixed + repeated + rare_and_common:
        _assert_parity(index, okapi, tokens, query)


def test_terms_in_most_sentences_get_bm25okapi_floor():
    tokens = [["a", "b"], ["a", "c"], ["a", "d"], ["a", "b", "e"], ["f"]]
    index, okapi = SentenceIndex.build(tokens, PARAMS), _okapi(tokens)
    for query in (["a"], ["a", "b"], ["b", "f"], ["a", "a", "e"]):
        _assert_parity(index, okapi, tokens, query, k=5)


def test_ties_are_broken_by_position(strategy):
    tokens = [["x", "y"], ["z", "q"], ["x", "y"], ["x", "y"], ["q", "r"], ["x", "y"]]
    hits = SentenceIndex.build(tokens).search(["x"], 3)
    assert [h.position for h in hits] == [0, 2, 3]
    assert len({h.score for h in hits}) == 1


def test_empty_and_unknown_queries_find_nothing(sample):
    index, _, _ = sample
    assert index.search([], 10) == []
    assert index.search(["no-such-term"], 10) == []
    assert index.scores_at(["no-such-term"], np.arange(5)).tolist() == [0.0] * 5


def test_k_is_clamped(sample):
    index, tokens, _ = sample
    rare = next(t for t in index.vocabulary if index.offsets[index.vocabulary[t] + 1]
                - index.offsets[index.vocabulary[t]] == 3)
    assert len(index.search([rare], 1_000_000)) == 3
    assert index.search([rare], 0) == []
    assert index.search([rare], -4) == []
    tiny = SentenceIndex.build([["a"], ["a"], ["b"]])
    assert [h.position for h in tiny.search(["a"], 50)] == [0, 1]


def test_scores_at_agree_with_search_and_bm25okapi(sample):
    index, tokens, _ = sample
    query = ["w3", "w40", "w1200"]
    hits = index.search(query, 10)
    assert index.scores_at(query, np.array([h.position for h in hits])).tolist() == [h.score for h in hits]
    reference = _okapi(tokens, index.params)
    positions = np.arange(200)
    expected = reference.get_scores(query)[:200]
    assert np.allclose(index.scores_at(query, positions), expected, atol=1e-6)


def test_search_never_writes_to_the_index_arrays(sample):
    index, _, _ = sample
    frozen = SentenceIndex(index.vocabulary, *(np.array(a) for a in (
        index.offsets, index.positions, index.weights, index.by_impact, index.lengths)), index.params)
    for array in (frozen.offsets, frozen.positions, frozen.weights, frozen.by_impact, frozen.lengths):
        array.flags.writeable = False
    for query in (["w0", "w1", "w2"], ["w77"], ["w5", "w5"]):
        assert frozen.search(query, 10) == index.search(query, 10)


def test_the_forward_index_keeps_each_sentence_s_terms_in_order():
    sentences = [["b", "a", "b"], [], ["c", "a"], ["a"]]
    index = SentenceIndex.build(sentences)
    assert [index.sentence_terms(p) for p in range(len(sentences))] == sentences
    assert index.forward_offsets.tolist() == [0, 3, 3, 5, 6]
    terms, arrays = index.to_arrays()
    again = SentenceIndex.from_arrays(terms, arrays, index.params)
    assert [again.sentence_terms(p) for p in range(len(sentences))] == sentences
    assert SentenceIndex.build([]).forward_offsets.tolist() == [0]


def test_an_index_made_without_a_forward_index_says_so(sample):
    index, _, _ = sample
    bare = SentenceIndex(index.vocabulary, index.offsets, index.positions, index.weights, index.by_impact,
                         index.lengths, index.params)
    assert bare.sentence_terms(0) is None and "forward_terms" not in bare.to_arrays()[1]


def test_sentences_without_terms_and_empty_corpora():
    index = SentenceIndex.build([[], ["a", "b"], [], ["b"], ["c"], ["d"]])
    assert len(index) == 6
    assert [h.position for h in index.search(["b"], 10)] == [3, 1]
    empty = SentenceIndex.build([])
    assert len(empty) == 0 and empty.search(["a"], 10) == []


def test_build_is_the_same_with_worker_processes(monkeypatch):
    from retrieval import build
    from retrieval.corpus import load_bundled
    from retrieval.sentences import SentenceSplitter
    from retrieval.text import Tokenizer

    articles = load_bundled() * 3
    monkeypatch.setattr(build, "_CHUNK_CHARS", 1_000)
    one = build.build_corpus_and_index(articles, SentenceSplitter(), Tokenizer(), workers=1)
    two = build.build_corpus_and_index(articles, SentenceSplitter(), Tokenizer(), workers=2)
    assert one[1].vocabulary == two[1].vocabulary
    for name in ("offsets", "positions", "weights", "by_impact", "lengths", "forward_offsets", "forward_terms"):
        assert np.array_equal(getattr(one[1], name), getattr(two[1], name)), name
    for name in ("article", "paragraph", "number", "start", "end"):
        assert np.array_equal(getattr(one[0].spans, name), getattr(two[0].spans, name)), name


def test_punkt_is_trained_on_a_bounded_sample(monkeypatch):
    from retrieval import build
    from retrieval.corpus import load_bundled
    from retrieval.sentences import SentenceSplitter

    trained_on = []
    original = SentenceSplitter.trained_on.__func__
    monkeypatch.setattr(SentenceSplitter, "trained_on",
                        classmethod(lambda cls, text: trained_on.append(text) or original(cls, text)))
    articles = load_bundled() * 40
    monkeypatch.setattr(build, "PUNKT_SAMPLE_CHARS", 3 * len(articles[0].text))
    build.trained_splitter(articles)
    assert len(trained_on[-1]) <= build.PUNKT_SAMPLE_CHARS
    one = Engine.from_articles(load_bundled(), EngineConfig(train_splitter=True))
    assert trained_on[-1] == articles[0].text  # a corpus under the budget is used whole
    assert len(one.corpus.sentences) > 0
