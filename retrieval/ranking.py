"""Re-ranking BM25's candidates, with what the found model (`confidence`) reads of them.

Score of a candidate sentence s for question q, over the top `ASK_CANDIDATES` BM25 hits:
    bm25(s)
  + NEIGHBOUR * bm25(previous) + NEIGHBOUR_NEXT * bm25(next)   in the same article
  + COVERAGE  * best * share of q's idf mass that s holds
  + BIGRAM    * best * share of q's adjacent term pairs that s holds adjacent
  + TYPE      * best * [s holds a thing of q's answer type and not only q's own words]
where `best` is the top BM25 score, so the bonuses scale with the query. A term is held
when the sentence has it, a term with the same first `evidence.PREFIX` letters ("ukrain" and
"ukrainian") or a WordNet synonym ("exercis" for "drill"; `evidence.holds`). The weights
were tuned on SQuAD v1.1 dev (benchmarks/squad_sentences.py:
R@1/R@3 0.697/0.845 for BM25Okapi on the same tokens, 0.741/0.872 with them) and checked
on the development questions.

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

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from .corpus import Corpus
from .evidence import ASK_CANDIDATES, Candidate, Evidence, coverage, loose_coverage, holds
from .models import Hit
from .question import Question
from .spans import SpanExtractor

NEIGHBOUR = 0.30
NEIGHBOUR_NEXT = 0.15
COVERAGE = 0.5
TYPE = 0.3
BIGRAM = 0.3
SEMANTIC = 1.5


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
        best = hits[0].score if hits[0].score > 0 else 1.0
        weights = self.evidence.weights(set(query))
        bigrams = set(zip(query, query[1:]))
        around = self.evidence.neighbour_scores(query, [h.position for h in hits])
        ranked = []
        for hit, (before, after) in zip(hits, around):
            held = self.evidence.terms_of(hit.position)
            covered = loose_coverage(weights, held)
            shared_pairs = len(bigrams & held.pairs)
            type_match = bool(TYPE) and self.spans.holds_answer_type(hit.position, question)
            score = (hit.score + NEIGHBOUR * before + NEIGHBOUR_NEXT * after
                     + COVERAGE * best * covered)
            if BIGRAM and bigrams:
                score += BIGRAM * best * shared_pairs / len(bigrams)
            if type_match:
                score += TYPE * best
            bigram_share = shared_pairs / len(bigrams) if bigrams else 0.0
            ranked.append(Candidate(hit.position, hit.score, before, after, covered, coverage(weights, held.terms),
                                    bigram_share, type_match, score))
        if self.similarity is not None:
            ranked = self._fused(question, ranked)
        ranked.sort(key=lambda c: (-c.score, c.position))
        held = self.evidence.terms_of(ranked[0].position)
        about_focus = not question.counted or any(holds(held, t) for t in question.counted)
        context = RankingContext(tuple(ranked), weights, frozenset(t for t in weights if holds(held, t)),
                                 frozenset(t for t in weights if self.evidence.known(t)), about_focus)
        return Ranking(tuple(ranked[:k]), None, context)

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
