"""Eager sparse BM25 over sentences, scoring exactly as rank-bm25's `BM25Okapi`.

Okapi BM25 (Robertson et al., 1994; as implemented by rank-bm25 0.2.2, the reference):
    idf(t)   = ln(N - n_t + 0.5) - ln(n_t + 0.5), and where that is negative,
               epsilon * mean idf over the vocabulary;
    score(d) = sum over query terms t (repeats count) of
               idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl)).
Every (term, sentence) weight is computed once at build time and stored as per-term
postings (CSR arrays), so a query only touches the sentences that hold its terms: it adds
their postings into an accumulator, reads the touched scores back, and takes the top k by
partial sort. Ties are broken by sentence position, so results are deterministic.
"""
from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .models import Hit

K1 = 1.2
B = 0.75
EPSILON = 0.25


@dataclass(frozen=True)
class BM25Params:
    k1: float = K1
    b: float = B
    epsilon: float = EPSILON


class SentenceIndex:
    """BM25 postings over a list of tokenized sentences (row i is sentence position i)."""

    def __init__(self, vocabulary: dict[str, int], offsets: np.ndarray, positions: np.ndarray,
                 weights: np.ndarray, lengths: np.ndarray, params: BM25Params):
        self.vocabulary = vocabulary
        self.offsets = offsets
        self.positions = positions
        self.weights = weights
        self.lengths = lengths
        self.params = params
        self._scores = np.zeros(len(lengths), dtype=np.float64)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, sentences_tokens: list[list[str]], params: BM25Params = BM25Params()) -> "SentenceIndex":
        vocabulary: dict[str, int] = {}
        postings: list[list[tuple[int, int]]] = []
        lengths = np.fromiter((len(t) for t in sentences_tokens), dtype=np.int32,
                              count=len(sentences_tokens))
        for position, tokens in enumerate(sentences_tokens):
            for term, tf in Counter(tokens).items():
                term_id = vocabulary.setdefault(term, len(vocabulary))
                if term_id == len(postings):
                    postings.append([])
                postings[term_id].append((position, tf))
        counts = np.fromiter((len(p) for p in postings), dtype=np.int64, count=len(postings))
        offsets = np.zeros(len(postings) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        positions = np.empty(int(offsets[-1]), dtype=np.int32)
        tfs = np.empty(int(offsets[-1]), dtype=np.float64)
        for term_id, plist in enumerate(postings):
            lo = offsets[term_id]
            for j, (position, tf) in enumerate(plist):
                positions[lo + j] = position
                tfs[lo + j] = tf
        weights = _bm25_weights(counts, offsets, positions, tfs, lengths, params)
        return cls(vocabulary, offsets, positions, weights, lengths, params)

    def search(self, query_terms: list[str], k: int) -> list[Hit]:
        """The k best sentences holding any query term, score descending, then position."""
        k = max(0, min(k, len(self)))
        scores = self.score_touched(query_terms)
        if k == 0 or not scores:
            return []
        positions = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        return top_hits(positions, values, k)

    def score_touched(self, query_terms: list[str]) -> dict[int, float]:
        """BM25 score of every sentence holding at least one query term."""
        term_ids = [self.vocabulary[t] for t in query_terms if t in self.vocabulary]
        if not term_ids:
            return {}
        spans = [(self.offsets[t], self.offsets[t + 1]) for t in term_ids]
        with self._lock:
            touched = np.concatenate([self.positions[lo:hi] for lo, hi in spans])
            for lo, hi in spans:
                self._scores[self.positions[lo:hi]] += self.weights[lo:hi]
            touched = np.unique(touched)
            values = self._scores[touched].copy()
            self._scores[touched] = 0.0
        return dict(zip(touched.tolist(), values.tolist()))


def top_hits(positions: np.ndarray, values: np.ndarray, k: int) -> list[Hit]:
    """Top k of parallel arrays by value descending, ties by position ascending."""
    if len(values) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]
        keep = values >= kth
        positions, values = positions[keep], values[keep]
    order = np.lexsort((positions, -values))[:k]
    return [Hit(int(positions[i]), float(values[i])) for i in order]


def _bm25_weights(counts, offsets, positions, tfs, lengths, params: BM25Params) -> np.ndarray:
    n_docs = len(lengths)
    if n_docs == 0:
        return tfs
    idf = np.log(n_docs - counts + 0.5) - np.log(counts + 0.5)
    if len(idf):
        floor = params.epsilon * float(idf.sum()) / len(idf)
        idf = np.where(idf < 0, floor, idf)
    avgdl = float(lengths.sum()) / n_docs if lengths.sum() else 1.0
    per_posting_idf = np.repeat(idf, counts)
    norm = params.k1 * (1 - params.b + params.b * lengths[positions] / avgdl)
    return per_posting_idf * tfs * (params.k1 + 1) / (tfs + norm)


def idf_of(index: SentenceIndex, term: str) -> float:
    """The index's idf for a term (0.0 for a term it does not hold)."""
    term_id = index.vocabulary.get(term)
    if term_id is None:
        return 0.0
    n = int(index.offsets[term_id + 1] - index.offsets[term_id])
    return math.log(len(index) - n + 0.5) - math.log(n + 0.5)
