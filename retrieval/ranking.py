"""Re-ranking BM25's candidates, with what the found model (`confidence`) reads of them.

Score of a candidate sentence s for question q, over the top `ASK_CANDIDATES` BM25 hits:
    bm25(s)
  + w_before * bm25(previous) + w_after * bm25(next)   in the same article
  + best * w_coverage * share of q's idf mass that s holds
  + best * w_bigram   * share of q's adjacent term pairs that s holds adjacent
  + best * w_good[kind]   * [s holds a thing of q's answer type, of good fit or better]
  + best * w_strong[kind] * [... of strong fit or better]   (`spans.Fit`)
where `best` is the top BM25 score, so the bonuses scale with the query, and `kind` is the
question's answer type (quantity, date, person, place; statements, reasons, names and scores
share one weight). A term is held when the sentence has it, a term with the same first
`evidence.PREFIX` letters ("ukrain" and "ukrainian") or a WordNet synonym ("exercis" for
"drill"; `evidence.holds`). The weights `w` are learned by `training/ranker.py` (a
conditional logit over each question's candidates, SQuAD v1.1 dev, cross-validated by
article) and shipped in `data/ranker-model.json`; the answer type's weights differ by kind
because a figure or a date in a sentence says more than a name does.

Coverage weighs a term by max(idf, 0) + 1, not by BM25's idf
(`search.shifted_weight`): Okapi's idf is zero or negative for a term in half the sentences
or more, which on a short article can zero out every term of a question (rank-bm25's
pathology); shifted, a held term always counts, and rarer ones count more.

With the semantic extra (a `SentenceSimilarity` given to the Ranker), each candidate then gains
  + SEMANTIC * top * cos(question vector, sentence vector)
where `top` is the top score so far (1.0 if it is not positive): all-MiniLM-L6-v2 vectors, w
tuned on SQuAD v1.1 dev only (R@1/R@3 0.741/0.872 -> 0.767/0.898; docs/SEMANTIC.md). It
re-orders BM25's candidates and adds none. Without it the ranking is exactly the lexical one.

Whether the best sentence answers is not decided here: `confidence.FoundModel` reads the
ranking's `RankingContext`. Only a byline answer (found) and a question that matches no
sentence (not found) are decided by the ranker itself.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Protocol

import numpy as np

from .corpus import Corpus
from .evidence import ASK_CANDIDATES, Candidate, Evidence, coverage, loose_coverage, holds
from .models import Hit
from .question import AnswerType, Question
from .spans import Fit, SpanExtractor

SEMANTIC = 1.5
_KINDS = {AnswerType.QUANTITY: 0, AnswerType.DATE: 1, AnswerType.PERSON: 2, AnswerType.PLACE: 3}
_OTHER_KIND = 4
RANK_FEATURES = ("bm25", "before", "after", "coverage", "bigram",
                 *(f"{kind}:{fit}" for kind in ("quantity", "date", "person", "place", "other")
                   for fit in ("good", "strong")))


def _row(bm25: float, before: float, after: float, covered: float, bigram_share: float, answer_fit: int,
         kind: int, best: float) -> list[float]:
    row = [0.0] * len(RANK_FEATURES)
    row[:5] = bm25 / best, before / best, after / best, covered, bigram_share
    row[kind] = float(answer_fit >= Fit.GOOD)
    row[kind + 1] = float(answer_fit >= Fit.STRONG)
    return row


def _top_score(hits: Sequence[Hit]) -> float:
    """The top BM25 score the bonuses scale with; 1.0 when it is not positive (on a tiny
    article Okapi's idf can make every score zero or less)."""
    return hits[0].score if hits and hits[0].score > 0 else 1.0


def _kind_column(question: Question) -> int:
    return 5 + 2 * _KINDS.get(question.answer_type, _OTHER_KIND)


def rank_features(candidates: Sequence[Candidate], question: Question, best: float) -> np.ndarray:
    """One row of `RANK_FEATURES` per candidate: its BM25 and its neighbours' over `best`,
    its coverage and bigram share, and its answer fit in the columns of the question's kind."""
    kind = _kind_column(question)
    return np.array([_row(c.bm25, c.before, c.after, c.coverage, c.bigram_share, c.answer_fit, kind, best)
                     for c in candidates]).reshape(len(candidates), len(RANK_FEATURES))


@lru_cache(maxsize=1)
def shipped_rank_weights() -> tuple[float, ...]:
    """The weights of `RANK_FEATURES` that `training/ranker.py` wrote (bm25's is 1)."""
    data = json.loads(resources.files("retrieval").joinpath("data", "ranker-model.json").read_text(encoding="utf-8"))
    if tuple(data["names"]) != RANK_FEATURES:
        raise ValueError("the ranker's features are not this factbot's; rerun training/ranker.py")
    return tuple(map(float, data["weights"]))


@dataclass(frozen=True)
class RankingContext:
    """What the found model reads of a ranking besides the cited candidates: every
    re-ranked candidate, the question's term weights, which of them the best sentence holds
    (`evidence.holds`) and which the corpus holds at all, and whether it holds a counted thing."""

    ranked: tuple[Candidate, ...]
    weights: dict[str, float]
    held: frozenset[str]
    known: frozenset[str]
    focus_held: bool


@dataclass(frozen=True)
class Ranking:
    """The ranked candidates, best first. `found` is decided here only without a `context`
    (a byline answer, or no sentence matched); with one, the found model decides from it."""

    candidates: tuple[Candidate, ...]
    found: bool | None
    context: RankingContext | None = None

    @property
    def hits(self) -> tuple[Hit, ...]:
        return tuple(c.hit() for c in self.candidates)


class Similarity(Protocol):
    """What the Ranker asks of sentence vectors (`semantic.SentenceSimilarity`)."""

    def similarities(self, text: str, positions: Sequence[int]) -> list[float]:
        """The cosine of the question `text` with each sentence at `positions`, in order."""


class Ranker:
    """Ranks a corpus's sentences for analysed questions (see the module doc); `similarity`
    None ranks by words alone."""

    def __init__(self, corpus: Corpus, evidence: Evidence, spans: SpanExtractor,
                 similarity: Similarity | None = None):
        self.corpus = corpus
        self.evidence = evidence
        self.spans = spans
        self.similarity = similarity

    def _author_candidates(self, doc: str, k: int) -> tuple[Candidate, ...]:
        """Sentences of article `doc` that name one of its authors, bios ("NAME is a ...") first."""
        names = self.corpus.article(doc).authors
        found = []
        for position in self.corpus.article_sentences(doc):
            text = self.corpus.sentences[position].text
            named = [name for name in names if name in text]
            if named:
                found.append(Candidate(position, 0.0, score=2.0 if text.startswith(tuple(named)) else 1.0))
        found.sort(key=lambda c: (-c.score, c.position))
        return tuple(found[:k])

    def rank(self, question: Question, k: int) -> Ranking:
        query = list(question.content_terms or question.terms)
        hits = self.evidence.candidates(query, ASK_CANDIDATES)
        if question.asks_author:
            doc = (self.corpus.sentences[hits[0].position].doc if hits
                   else self.corpus.docs[0] if len(self.corpus.docs) == 1 else None)
            byline = self._author_candidates(doc, k) if doc is not None else ()
            if byline:
                return Ranking(byline, True)
        if not hits:
            return Ranking((), False)
        weights = self.evidence.weights(set(query))
        ranked = self._candidates(question, query, hits, weights, shipped_rank_weights())
        if self.similarity is not None:
            ranked = self._fused(question, ranked)
        ranked.sort(key=lambda c: (-c.score, c.position))
        held = self.evidence.terms_of(ranked[0].position)
        about_focus = not question.counted or any(holds(held, t) for t in question.counted)
        context = RankingContext(tuple(ranked), weights, frozenset(t for t in weights if holds(held, t)),
                                 frozenset(t for t in weights if self.evidence.known(t)), about_focus)
        return Ranking(tuple(ranked[:k]), None, context)

    def features(self, question: Question) -> tuple[tuple[Candidate, ...], np.ndarray]:
        """BM25's candidates for `question`, unscored, and their `rank_features` rows (for
        `training/ranker.py`)."""
        query = list(question.content_terms or question.terms)
        hits = self.evidence.candidates(query, ASK_CANDIDATES)
        ranked = self._candidates(question, query, hits, self.evidence.weights(set(query)), None)
        return tuple(ranked), rank_features(ranked, question, _top_score(hits))

    def _candidates(self, question: Question, query: list[str], hits: list[Hit], weights: dict[str, float],
                    rank_weights: Sequence[float] | None) -> list[Candidate]:
        """The candidates with their features, scored by `rank_weights` (0.0 when None)."""
        best = _top_score(hits)
        kind = _kind_column(question)
        if rank_weights is not None:
            w_bm25, w_before, w_after, w_coverage, w_bigram = rank_weights[:5]
            w_good, w_strong = rank_weights[kind:kind + 2]
        bigrams = set(zip(query, query[1:]))
        around = self.evidence.neighbour_scores(query, [h.position for h in hits])
        ranked = []
        for hit, (before, after) in zip(hits, around):
            held = self.evidence.terms_of(hit.position)
            covered = loose_coverage(weights, held)
            bigram_share = len(bigrams & held.pairs) / len(bigrams) if bigrams else 0.0
            answer_fit = self.spans.answer_fit(hit.position, question)
            score = 0.0
            if rank_weights is not None:  # `_row` . `rank_weights` times `best`, term by term
                score = (w_bm25 * hit.score + w_before * before + w_after * after
                         + best * (w_coverage * covered + w_bigram * bigram_share
                                   + w_good * (answer_fit >= Fit.GOOD) + w_strong * (answer_fit >= Fit.STRONG)))
            ranked.append(Candidate(hit.position, hit.score, before, after, covered, coverage(weights, held.terms),
                                    bigram_share, answer_fit, score))
        return ranked

    def _fused(self, question: Question, ranked: list[Candidate]) -> list[Candidate]:
        top = max(c.score for c in ranked)
        top = top if top > 0 else 1.0
        cosines = self.similarity.similarities(question.text, [c.position for c in ranked])
        return [replace(c, similarity=cos, score=c.score + SEMANTIC * top * cos) for c, cos in zip(ranked, cosines)]

    def spelled(self, question: Question) -> Question:
        """The question with each term the corpus never uses replaced by the most common
        corpus term one edit away ("troup" -> "troop"), when there is one."""
        fixes = {t: self.evidence.nearest_known(t) for t in set(question.terms) if not self.evidence.known(t)}
        fixes = {t: f for t, f in fixes.items() if f}
        if not fixes:
            return question
        return replace(question, terms=tuple(fixes.get(t, t) for t in question.terms),
                       content_terms=tuple(fixes.get(t, t) for t in question.content_terms),
                       counted=frozenset(fixes.get(t, t) for t in question.counted),
                       noun=frozenset(fixes.get(t, t) for t in question.noun))
