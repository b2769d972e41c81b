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
the corpus, is pruned in two steps. First, as in the threshold algorithm (Fagin, Lotem and
Naor, 2003), it scores the sentences among the first postings of each term in impact order
(weight descending, then position), and stops there when the k-th of them beats the best
score any other sentence could reach. Otherwise that k-th score is a threshold for
MaxScore (Turtle and Flood, 1995): terms whose best weights together stay below it cannot
bring a sentence into the top k alone, so only the other terms' postings are accumulated,
and the rest only add to sentences those touched. Every score is summed in query order, as
accumulation sums it, so the top k and its scores are exactly those of scoring every sentence.

Beside the postings the index keeps a forward index: each sentence's term ids in order,
repeats kept, so the stages above read a candidate's terms without tokenizing it again.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .models import Hit
from .search import okapi_idf

# k1 and b tuned for sentence-length documents on SQuAD v1.1 dev (benchmarks/squad_sentences.py):
# short documents saturate term frequency early and need little length normalisation.
K1 = 0.7
B = 0.3
EPSILON = 0.25
# A query touching at most this many postings is answered by accumulation; a longer one
# first scores the sentences among the first _FIRST_DEPTH postings of each term in impact order.
_ACCUMULATE_MAX = 32_768
_FIRST_DEPTH = 256
_SEARCH_RATIO = 16


@dataclass(frozen=True)
class BM25Params:
    k1: float = K1
    b: float = B
    epsilon: float = EPSILON


class SentenceIndex:
    """BM25 postings over tokenized sentences (row i is sentence position i).

    Term t's postings are `positions[offsets[t]:offsets[t+1]]` (ascending) with their
    `weights`; `by_impact[offsets[t]:offsets[t+1]]` lists the same postings, as offsets
    from `offsets[t]`, by weight descending then position. Sentence i's terms, in order,
    are the ids `forward_terms[forward_offsets[i]:forward_offsets[i+1]]` (an index made
    without them has no forward index: `sentence_terms` gives None). The arrays may be
    read-only memory maps: a search never writes to them."""

    def __init__(self, vocabulary: dict[str, int], offsets: np.ndarray, positions: np.ndarray,
                 weights: np.ndarray, by_impact: np.ndarray, lengths: np.ndarray, params: BM25Params,
                 forward_offsets: np.ndarray | None = None, forward_terms: np.ndarray | None = None,
                 terms: list[str] | None = None):
        """`terms`: the vocabulary in term-id order, when the caller has it already."""
        self.vocabulary = vocabulary
        self.offsets = offsets
        self.positions = positions
        self.weights = weights
        self.by_impact = by_impact
        self.lengths = lengths
        self.params = params
        self.forward_offsets = forward_offsets
        self.forward_terms = forward_terms
        self._terms = terms
        self._scores = np.zeros(len(lengths), dtype=np.float64)
        self._seen = np.zeros(len(lengths), dtype=bool)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.lengths)

    def to_arrays(self) -> tuple[list[str], dict[str, np.ndarray]]:
        """The terms in term-id order and the named arrays that `from_arrays` takes back
        (the forward index's two only when the index has one)."""
        arrays = {"offsets": self.offsets, "positions": self.positions, "weights": self.weights,
                  "by_impact": self.by_impact, "lengths": self.lengths}
        if self.forward_terms is not None:
            arrays.update(forward_offsets=self.forward_offsets, forward_terms=self.forward_terms)
        return list(self._id_terms()), arrays

    @classmethod
    def from_arrays(cls, terms: list[str], arrays: dict[str, np.ndarray], params: BM25Params) -> "SentenceIndex":
        """The index of `to_arrays`'s terms and arrays (which may be read-only memory maps)."""
        return cls({term: i for i, term in enumerate(terms)}, arrays["offsets"], arrays["positions"],
                   arrays["weights"], arrays["by_impact"], arrays["lengths"], params,
                   arrays.get("forward_offsets"), arrays.get("forward_terms"), terms)

    def sentence_terms(self, position: int) -> list[str] | None:
        """The terms of the sentence at `position` in order, repeats kept, as the tokenizer
        made them at build time; None when the index has no forward index."""
        if self.forward_terms is None:
            return None
        terms = self._id_terms()
        lo, hi = int(self.forward_offsets[position]), int(self.forward_offsets[position + 1])
        return [terms[i] for i in self.forward_terms[lo:hi].tolist()]

    def _id_terms(self) -> list[str]:
        if self._terms is None:
            terms = [""] * len(self.vocabulary)
            for term, term_id in self.vocabulary.items():
                terms[term_id] = term
            self._terms = terms
        return self._terms

    @property
    def n_postings(self) -> int:
        return len(self.positions)

    def document_frequency(self, term: str) -> int:
        """The number of sentences holding `term` (0 for a term the index does not hold)."""
        term_id = self.vocabulary.get(term)
        return 0 if term_id is None else self._length(term_id)

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
        keys = term_ids.astype(np.int64)
        keys *= max(n_sentences, 1)
        keys += np.repeat(np.arange(n_sentences, dtype=np.int64), lengths)
        keys.sort()
        run_starts = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=run_starts[1:])
        run_starts = np.flatnonzero(run_starts)
        tfs = np.diff(run_starts, append=len(keys)).astype(np.float64)
        keys = keys[run_starts]
        del run_starts
        posting_terms, positions = np.divmod(keys, max(n_sentences, 1))
        del keys
        posting_terms, positions = posting_terms.astype(np.int32), positions.astype(np.int32)
        counts = np.bincount(posting_terms, minlength=n_terms)
        offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        weights = _bm25_weights(counts, positions, tfs, lengths, params)
        del tfs
        # Stable, so postings of equal weight stay in position order.
        order = np.lexsort((-weights, posting_terms))
        by_impact = (order - offsets[posting_terms]).astype(np.int32)
        forward_offsets = np.zeros(n_sentences + 1, dtype=np.int64)
        np.cumsum(lengths, out=forward_offsets[1:])
        return cls(vocabulary, offsets, positions, weights, by_impact, lengths.astype(np.int32), params,
                   forward_offsets, term_ids.astype(np.int32, copy=False))

    def search(self, query_terms: list[str], k: int) -> list[Hit]:
        """The k best sentences holding any query term, score descending, then position."""
        k = max(0, min(k, len(self)))
        term_ids = self._term_ids(query_terms)
        if k == 0 or not term_ids:
            return []
        distinct = list(dict.fromkeys(term_ids))
        touched = sum(self._length(t) for t in distinct)
        if touched > _ACCUMULATE_MAX and all(self._least_weight(t) > 0 for t in distinct):
            return self._search_pruned(term_ids, distinct, k)
        positions, values = self._accumulate(term_ids)
        return top_hits(positions, values, k)

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

    def _search_pruned(self, term_ids: list[int], distinct: list[int], k: int) -> list[Hit]:
        """The top k of a query with long postings, in two steps (see the module doc).
        Needs every weight of the query's terms to be positive."""
        counts = {t: term_ids.count(t) for t in distinct}
        firsts, ceiling, next_positions, best = [], {}, {}, {}
        for term_id in distinct:
            lo, length = int(self.offsets[term_id]), self._length(term_id)
            best[term_id] = float(self.weights[lo + int(self.by_impact[lo])])
            firsts.append(self.positions[lo + self.by_impact[lo:lo + min(_FIRST_DEPTH, length)]])
            if _FIRST_DEPTH < length:
                next_posting = lo + int(self.by_impact[lo + _FIRST_DEPTH])
                ceiling[term_id] = float(self.weights[next_posting])
                next_positions[term_id] = int(self.positions[next_posting])
        candidates = np.unique(np.concatenate(firsts))
        hits = top_hits(candidates, self._scores_at(term_ids, candidates), k)
        # The best score of a sentence outside the candidates, summed in query order as
        # the exact scores are, so that rounding cannot put it above its bound.
        bound = 0.0
        for term_id in term_ids:
            bound += ceiling.get(term_id, 0.0)
        if not ceiling or len(hits) == k and (hits[-1].score > bound or (
                hits[-1].score == bound and hits[-1].position < max(next_positions.values()))):
            return hits
        threshold = hits[-1].score if len(hits) == k else 0.0
        # MaxScore: a sentence holding only terms whose best weights sum below the
        # threshold cannot reach the top k, so those terms are optional: only the other,
        # essential, terms' postings are candidates, and the optional ones only add to
        # them. Which terms to make optional is a knapsack (skip the most postings within
        # the threshold), solved greedily by postings skipped per unit of best weight.
        length = {t: self._length(t) for t in distinct}
        optional, reach = set(), 0.0
        for term_id in sorted(distinct, key=lambda t: -length[t] / (counts[t] * best[t])):
            if (reach + counts[term_id] * best[term_id]) * (1 + 1e-9) < threshold:
                optional.add(term_id)
                reach += counts[term_id] * best[term_id]
        spans = {t: (int(self.offsets[t]), int(self.offsets[t + 1])) for t in distinct}
        essential = [self.positions[lo:hi] for t, (lo, hi) in spans.items() if t not in optional]
        # An optional term much longer than the candidates is looked up by binary search
        # for each candidate; a shorter one is filtered against the candidates' marks.
        searched = {t for t in optional if _SEARCH_RATIO * sum(map(len, essential)) < length[t]}
        candidates = (essential[0] if len(essential) == 1 else np.unique(np.concatenate(essential))
                      if searched else None)
        marked = bool(optional - searched)
        found_positions, found_values = [], []
        with self._lock:
            for held in essential if marked else ():
                self._seen[held] = True
            for term_id in term_ids:
                lo, hi = spans[term_id]
                held, weights = self.positions[lo:hi], self.weights[lo:hi]
                if term_id in searched:
                    at = np.minimum(np.searchsorted(held, candidates), hi - lo - 1)
                    inside = held[at] == candidates
                    held, weights = candidates[inside], weights[at[inside]]
                elif term_id in optional:
                    inside = self._seen[held]
                    held, weights = held[inside], weights[inside]
                self._scores[held] += weights
            # Read back and reset list by list; a sentence in several lists is read once,
            # as its score is 0 once reset (and every touched score is positive).
            for held in essential:
                values = self._scores[held]
                keep = (values >= threshold) & (values > 0)
                found_positions.append(held[keep])
                found_values.append(values[keep])
                self._scores[held] = 0.0
                if marked:
                    self._seen[held] = False
        return top_hits(np.concatenate(found_positions), np.concatenate(found_values), k)


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
    idf = okapi_idf(n_docs, counts)
    if len(idf):
        floor = params.epsilon * float(idf.sum()) / len(idf)
        idf = np.where(idf < 0, floor, idf)
    total_length = float(lengths.sum())
    avgdl = total_length / n_docs if total_length else 1.0
    norm = params.k1 * (1 - params.b + params.b * lengths[positions] / avgdl)
    return np.repeat(idf, counts) * tfs * (params.k1 + 1) / (tfs + norm)

