"""The retrieval seam: the index implements `SentenceSearch`; the idf formulas."""
from __future__ import annotations

import math

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import SentenceIndex, SentenceSearch
from retrieval.search import okapi_idf, shifted_weight, term_weight

SENTENCES = [["bridg", "council"], ["bridg", "ferri"], ["storm"], ["bridg", "vote", "vote"]]


def test_the_index_is_a_sentence_search():
    index = SentenceIndex.build(SENTENCES)
    assert isinstance(index, SentenceSearch)
    assert len(index) == 4
    assert [index.document_frequency(t) for t in ("bridg", "vote", "storm", "zebra")] == [3, 1, 1, 0]


def test_okapi_idf_is_rank_bm25_s_before_its_floor():
    reference = BM25Okapi(SENTENCES)
    for term in ("vote", "ferri", "storm"):
        assert okapi_idf(4, 1) == pytest.approx(reference.idf[term])
    assert okapi_idf(4, 3) == math.log(1.5) - math.log(3.5)
    assert okapi_idf(4, np.array([1, 3])).tolist() == [okapi_idf(4, 1), okapi_idf(4, 3)]


def test_the_shifted_weight_keeps_every_term_and_weighs_an_unseen_one_as_the_rarest():
    assert shifted_weight(4, 3) == 1.0  # Okapi idf negative, shifted to the floor of 1
    assert shifted_weight(4, 1) == okapi_idf(4, 1) + 1.0
    assert shifted_weight(4, 0) == shifted_weight(4, 1)
    index = SentenceIndex.build(SENTENCES)
    assert term_weight(index, "zebra") == term_weight(index, "vote") > term_weight(index, "bridg")
