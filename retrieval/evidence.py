"""The evidence stage that `ask` and `check` both stand on: BM25 candidates, term weights,
how much of a query a sentence holds, and the scores of its neighbours.

Term weights are the shifted idf of `search.shifted_weight`. A sentence's coverage of a
query is the weighted share of the query's terms it holds; `loose_coverage` counts a term
as held, as the ranker does, when the sentence has it, a term with the same first `PREFIX`
letters ("ukrain" and "ukrainian"), or a WordNet synonym ("exercis" for "drill";
`lexicon.synonyms`). A sentence's terms are read from the
search's forward index (kept at build time, so a candidate is never tokenized again), or,
from a search without one, made with the engine's one tokenizer; either way, cached.

`Candidate` is one candidate sentence with every feature the ranker scores it by, so a
later model can read the same features.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .corpus import Corpus
from .lexicon import synonyms
from .models import Hit
from .search import SentenceSearch, term_weight
from .spans import Fit
from .text import Tokenizer

PREFIX = 4
# Terms shorter than this are not spell-corrected: short words have too many neighbours.
MIN_SPELLED = 4
# BM25 candidates a question's ranking re-scores, and a claim's evidence is chosen from.
ASK_CANDIDATES = 50
CHECK_CANDIDATES = 30
_TERMS_CACHE = 65_536


@dataclass(frozen=True)
class SentenceTerms:
    """A sentence's terms, its adjacent pairs of terms, and the first `PREFIX` letters of
    its terms at least that long (so a prefix match is one set look-up)."""

    terms: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    prefixes: frozenset[str]

    @classmethod
    def of(cls, tokens: list[str]) -> "SentenceTerms":
        return cls(frozenset(tokens), frozenset(zip(tokens, tokens[1:])),
                   frozenset(t[:PREFIX] for t in tokens if len(t) >= PREFIX))


@dataclass(frozen=True)
class Candidate:
    """A candidate sentence for a question and the features it is ranked by: its BM25
    score, the BM25 scores of the sentences just before and after it in the same article,
    its coverage of the question (by prefix, and exactly), the share of the question's adjacent term pairs it holds,
    how well its best thing of the question's answer type fits (`answer_fit`, a `spans.Fit`; 0
    for none), the cosine `similarity` of its sentence vector with the question's (0.0 without
    the semantic extra), and its final `score`."""

    position: int
    bm25: float
    before: float = 0.0
    after: float = 0.0
    coverage: float = 0.0
    exact_coverage: float = 0.0
    bigram_share: float = 0.0
    answer_fit: int = 0
    score: float = 0.0
    similarity: float = 0.0

    @property
    def type_match(self) -> bool:
        """Whether it holds a thing of the question's answer type of at least good fit."""
        return self.answer_fit >= Fit.GOOD

    def hit(self) -> Hit:
        return Hit(self.position, self.score)


def _one_edit(term: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion of a letter away
    from `term` (Damerau-Levenshtein distance 1, as in Norvig's spelling corrector)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters}) - {term}


def holds(held: SentenceTerms, term: str) -> bool:
    """Whether `held` has `term`, a term with the same first `PREFIX` letters, or a synonym."""
    return (term in held.terms or len(term) >= PREFIX and term[:PREFIX] in held.prefixes
            or not held.terms.isdisjoint(synonyms().get(term, ())))


def coverage(weights: dict[str, float], held: Iterable[str]) -> float:
    """The weighted share of `weights`' terms that `held` holds exactly (1.0 when none weigh)."""
    mass = sum(weights.values())
    return sum(w for t, w in weights.items() if t in held) / mass if mass else 1.0


def loose_coverage(weights: dict[str, float], held: SentenceTerms) -> float:
    """The weighted share of `weights`' terms that `held` holds by `holds`."""
    mass = sum(weights.values())
    return sum(w for t, w in weights.items() if holds(held, t)) / mass if mass else 1.0


class Evidence:
    """Candidate sentences and what they hold, over one corpus and its search."""

    def __init__(self, corpus: Corpus, search: SentenceSearch, tokenizer: Tokenizer):
        self.corpus = corpus
        self.search = search
        self.tokenizer = tokenizer
        self.terms_of = lru_cache(maxsize=_TERMS_CACHE)(self._terms_of)

    def candidates(self, terms: list[str], n: int) -> list[Hit]:
        """The BM25 top `n` sentences for `terms`."""
        return self.search.search(terms, n)

    def weights(self, terms: Iterable[str]) -> dict[str, float]:
        """Each term's shifted weight, in the order `terms` gives them."""
        return {t: term_weight(self.search, t) for t in terms}

    def known(self, term: str) -> bool:
        """Whether any sentence holds `term`."""
        return self.search.document_frequency(term) > 0

    def nearest_known(self, term: str, shortest: int = MIN_SPELLED) -> str | None:
        """The most common term of the corpus one edit from `term` ("troup" -> "troop"), for
        a word of letters at least `shortest` long; None when there is none."""
        if len(term) < shortest or not term.isalpha():
            return None
        frequency = self.search.document_frequency
        best = max(((frequency(t), t) for t in _one_edit(term)), default=(0, None))
        return best[1] if best[0] > 0 else None

    def _terms_of(self, position: int) -> SentenceTerms:
        tokens = self.search.sentence_terms(position)
        if tokens is None:
            tokens = self.tokenizer.tokens(self.corpus.sentences[position].text)
        return SentenceTerms.of(tokens)

    def neighbour_scores(self, terms: list[str], positions: list[int]) -> list[tuple[float, float]]:
        """BM25 of the sentences just before and after each position, 0.0 across articles."""
        around = [(self.corpus.neighbour(p, -1), self.corpus.neighbour(p, 1)) for p in positions]
        present = [p for pair in around for p in pair if p is not None]
        scores = iter(self.search.scores_at(terms, np.asarray(present, dtype=np.int32)).tolist())
        return [tuple(0.0 if p is None else next(scores) for p in pair) for pair in around]
