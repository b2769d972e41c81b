"""The retrieval seam: what the stages above BM25 may ask of a sentence index, and the one
home of the idf formulas they weigh terms by.

Okapi idf (Robertson et al., 1994, as rank-bm25 0.2.2 computes it):
    idf(n) = ln(N - n + 0.5) - ln(n + 0.5)   for a term in n of N sentences.
It is zero or negative for a term in half the sentences or more, so coverage and the
"found" rule weigh a term by the shifted weight max(idf, 0) + 1 instead: a held term
always counts, and rarer ones count more. A term the index does not hold at all weighs as
a term in one sentence, the rarest it could have been.
"""
from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import numpy as np

from .models import Hit


@runtime_checkable
class SentenceSearch(Protocol):
    """Ranked search over a corpus's sentences, row i being sentence position i."""

    def __len__(self) -> int:
        """The number of sentences."""

    def search(self, query_terms: list[str], k: int) -> list[Hit]:
        """The k best sentences holding any query term, score descending, then position."""

    def scores_at(self, query_terms: list[str], positions: np.ndarray) -> np.ndarray:
        """The scores of the sentences at `positions` (0.0 where they hold no query term)."""

    def document_frequency(self, term: str) -> int:
        """The number of sentences holding `term` (0 for a term the index does not hold)."""

    def sentence_terms(self, position: int) -> list[str] | None:
        """The terms of the sentence at `position` in order, repeats kept, as the engine's
        tokenizer makes them; None when the backend does not keep them (the caller then
        tokenizes the sentence's text)."""


def okapi_idf(n_sentences: int, document_frequency):
    """Okapi idf of a term in `document_frequency` of `n_sentences` sentences (see the
    module doc); element-wise when `document_frequency` is a numpy array."""
    if isinstance(document_frequency, np.ndarray):
        return np.log(n_sentences - document_frequency + 0.5) - np.log(document_frequency + 0.5)
    return math.log(n_sentences - document_frequency + 0.5) - math.log(document_frequency + 0.5)


def shifted_weight(n_sentences: int, document_frequency: int) -> float:
    """max(idf, 0) + 1, an unseen term (frequency 0) weighing as a term in one sentence."""
    return max(okapi_idf(n_sentences, max(document_frequency, 1)), 0.0) + 1.0


def term_weight(search: SentenceSearch, term: str) -> float:
    """The shifted weight of `term` in `search`'s sentences."""
    return shifted_weight(len(search), search.document_frequency(term))
