"""Eager sparse BM25 over sentences, scoring exactly as rank-bm25's `BM25Okapi`.

Okapi BM25 (Robertson et al., 1994; as implemented by rank-bm25 0.2.2, the reference):
    idf(t)   = ln(N - n_t + 0.5) - ln(n_t + 0.5), and where that is negative,
               epsilon * mean idf over the vocabulary;
    score(d) = sum over query terms t (repeats count) of
               idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl)).
Every (term, sentence) weight is computed once at build time and stored as per-term
postings (CSR arrays, positions ascending), so a query only touches the sentences that
hold its terms. Ties are broken by sentence position, so results are deterministic.

A query whose postings are short adds them into an accumulator and takes the top k of the
touched sentences by partial sort. A query of common terms, whose postings cover much of
the corpus, is answered by the threshold algorithm (Fagin, Lotem and Naor, 2003) over each
term's postings in impact order (weight descending, then position): it scores exactly the
sentences among the first m postings of every term, and stops when the k-th of them beats
the best score any unseen sentence could reach; otherwise it deepens m. The result is the
same top k, with the same scores, as scoring every sentence.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from .models import Hit

# k1 and b tuned for sentence-length documents on SQuAD v1.1 dev (benchmarks/squad_sentences.py):
# short documents saturate term frequency early and need little length normalisation.
K1 = 0.7
B = 0.3
EPSILON = 0.25
# A query touching at most this many postings is answered by accumulation; longer ones by
# the threshold algorithm, which starts at depth FIRST_DEPTH and gives up (accumulating
# after all) when its candidates would reach a quarter of the postings.
_ACCUMULATE_MAX = 32_768
_FIRST_DEPTH = 256
_DEPTH_GROWTH = 4


@dataclass(frozen=True)
class BM25Params:
    k1: float = K1
    b: float = B
    epsilon: float = EPSILON


class SentenceIndex:
    """BM25 postings over tokenized sentences (row i is sentence position i).

    Term t's postings are `positions[offsets[t]:offsets[t+1]]` (ascending) with their
    `weights`; `by_impact[offsets[t]:offsets[t+1]]` lists the same postings, as offsets
    from `offsets[t]`, by weight descending then position. The arrays may be read-only
    memory maps: a search never writes to them."""

    def __init__(self, vocabulary: dict[str, int], offsets: np.ndarray, positions: np.ndarray,
                 weights: np.ndarray, by_impact: np.ndarray, lengths: np.ndarray, params: BM25Params):
        self.vocabulary = vocabulary
        self.offsets = offsets
        self.positions = positions
        self.weights = weights
        self.by_impact = by_impact
        self.lengths = lengths
        self.params = params
        self._scores = np.zeros(len(lengths), dtype=np.float64)
        self._seen = np.zeros(len(lengths), dtype=bool)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, sentences_tokens: list[list[str]], params: BM25Params = BM25Params()) -> "SentenceIndex":
        vocabulary: dict[str, int] = {}
        term_ids = np.fromiter(
            (vocabulary.setdefault(t, len(vocabulary)) for tokens in sentences_tokens for t in tokens),
            dtype=np.int32)
        lengths = np.fromiter((len(t) for t in sentences_tokens), dtype=np.int32,
                              count=len(sentences_tokens))
        return cls.from_term_ids(vocabulary, term_ids, lengths, params)

    @classmethod
    def from_term_ids(cls, vocabulary: dict[str, int], term_ids: np.ndarray, lengths: np.ndarray,
                      params: BM25Params = BM25Params()) -> "SentenceIndex":
        """The index of sentences given as one flat array of term ids, sentence after
        sentence, with each sentence's token count in `lengths`."""
        n_sentences, n_terms = len(lengths), len(vocabulary)
        sentence_of = np.repeat(np.arange(n_sentences, dtype=np.int64), lengths)
        keys = term_ids.astype(np.int64) * max(n_sentences, 1) + sentence_of
        del sentence_of
        keys.sort()
        run_starts = np.flatnonzero(np.diff(keys, prepend=-1))
        tfs = np.diff(run_starts, append=len(keys)).astype(np.float64)
        keys = keys[run_starts]
        del run_starts
        posting_terms, positions = np.divmod(keys, max(n_sentences, 1))
        del keys
        counts = np.bincount(posting_terms, minlength=n_terms)
        offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        positions = positions.astype(np.int32)
        weights = _bm25_weights(counts, positions, tfs, lengths, params)
        del tfs
        order = np.lexsort((positions, -weights, posting_terms))
        by_impact = (order - offsets[posting_terms]).astype(np.int32)
        return cls(vocabulary, offsets, positions, weights, by_impact, lengths.astype(np.int32), params)

    def search(self, query_terms: list[str], k: int) -> list[Hit]:
        """The k best sentences holding any query term, score descending, then position."""
        k = max(0, min(k, len(self)))
        term_ids = self._term_ids(query_terms)
        if k == 0 or not term_ids:
            return []
        distinct = list(dict.fromkeys(term_ids))
        touched = sum(self._length(t) for t in distinct)
        if touched > _ACCUMULATE_MAX and all(self._least_weight(t) > 0 for t in distinct):
            hits = self._search_by_impact(term_ids, distinct, k, touched)
            if hits is not None:
                return hits
        positions, values = self._accumulate(term_ids)
        return top_hits(positions, values, k)

    def score_touched(self, query_terms: list[str]) -> dict[int, float]:
        """BM25 score of every sentence holding at least one query term."""
        positions, values = self._accumulate(self._term_ids(query_terms))
        return dict(zip(positions.tolist(), values.tolist()))

    def scores_at(self, query_terms: list[str], positions: np.ndarray) -> np.ndarray:
        """BM25 scores of the sentences at `positions` (0.0 where they hold no query term)."""
        return self._scores_at(self._term_ids(query_terms), np.asarray(positions, dtype=np.int32))

    def _term_ids(self, query_terms: list[str]) -> list[int]:
        return [self.vocabulary[t] for t in query_terms if t in self.vocabulary]

    def _length(self, term_id: int) -> int:
        return int(self.offsets[term_id + 1] - self.offsets[term_id])

    def _least_weight(self, term_id: int) -> float:
        lo, hi = int(self.offsets[term_id]), int(self.offsets[term_id + 1])
        return float(self.weights[lo + int(self.by_impact[hi - 1])])

    def _accumulate(self, term_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Every touched position, once, and its score."""
        if not term_ids:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
        spans = [(int(self.offsets[t]), int(self.offsets[t + 1])) for t in term_ids]
        with self._lock:
            touched = []
            for lo, hi in dict.fromkeys(spans):
                held = self.positions[lo:hi]
                if touched:
                    held = held[~self._seen[held]]
                self._seen[held] = True
                touched.append(held)
            touched = np.concatenate(touched)
            self._seen[touched] = False
            for lo, hi in spans:
                self._scores[self.positions[lo:hi]] += self.weights[lo:hi]
            values = self._scores[touched]
            self._scores[touched] = 0.0
        return touched, values

    def _scores_at(self, term_ids: list[int], positions: np.ndarray) -> np.ndarray:
        scores = np.zeros(len(positions), dtype=np.float64)
        for term_id in term_ids:
            lo, hi = int(self.offsets[term_id]), int(self.offsets[term_id + 1])
            held = self.positions[lo:hi]
            at = np.minimum(np.searchsorted(held, positions), hi - lo - 1)
            scores += np.where(held[at] == positions, self.weights[lo:hi][at], 0.0)
        return scores

    def _search_by_impact(self, term_ids: list[int], distinct: list[int], k: int,
                          touched: int) -> list[Hit] | None:
        """The threshold algorithm (see the module doc); None when it would cost as much
        as accumulating. Needs every weight of the query's terms to be positive."""
        depth = max(_FIRST_DEPTH, 4 * k)
        while len(distinct) * depth * 4 < touched:
            seen, ceiling, next_positions = [], {}, {}
            for term_id in distinct:
                lo, length = int(self.offsets[term_id]), self._length(term_id)
                first = lo + self.by_impact[lo:lo + min(depth, length)]
                seen.append(self.positions[first])
                if depth < length:
                    next_posting = lo + int(self.by_impact[lo + depth])
                    ceiling[term_id] = float(self.weights[next_posting])
                    next_positions[term_id] = int(self.positions[next_posting])
            candidates = np.unique(np.concatenate(seen))
            values = self._scores_at(term_ids, candidates)
            hits = top_hits(candidates, values, k)
            if not ceiling:
                return hits
            # The best score of a sentence outside the candidates, summed in query order as
            # the exact scores are, so that rounding cannot put it above its bound.
            bound = 0.0
            for term_id in term_ids:
                bound += ceiling.get(term_id, 0.0)
            if len(hits) == k and (hits[-1].score > bound or (
                    hits[-1].score == bound and hits[-1].position < max(next_positions.values(), default=0))):
                return hits
            depth *= _DEPTH_GROWTH
        return None


def top_hits(positions: np.ndarray, values: np.ndarray, k: int) -> list[Hit]:
    """Top k of parallel arrays by value descending, ties by position ascending."""
    if len(values) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]
        keep = values >= kth
        positions, values = positions[keep], values[keep]
    order = np.lexsort((positions, -values))[:k]
    return [Hit(int(positions[i]), float(values[i])) for i in order]


def _bm25_weights(counts, positions, tfs, lengths, params: BM25Params) -> np.ndarray:
    n_docs = len(lengths)
    if n_docs == 0:
        return tfs
    idf = np.log(n_docs - counts + 0.5) - np.log(counts + 0.5)
    if len(idf):
        floor = params.epsilon * float(idf.sum()) / len(idf)
        idf = np.where(idf < 0, floor, idf)
    total_length = float(lengths.sum())
    avgdl = total_length / n_docs if total_length else 1.0
    norm = params.k1 * (1 - params.b + params.b * lengths[positions] / avgdl)
    return np.repeat(idf, counts) * tfs * (params.k1 + 1) / (tfs + norm)


def idf_of(index: SentenceIndex, term: str) -> float:
    """The index's idf for a term (0.0 for a term it does not hold)."""
    term_id = index.vocabulary.get(term)
    if term_id is None:
        return 0.0
    n = int(index.offsets[term_id + 1] - index.offsets[term_id])
    return math.log(len(index) - n + 0.5) - math.log(n + 0.5)
