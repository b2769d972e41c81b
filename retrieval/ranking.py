"""Re-ranking BM25's candidates and deciding whether the corpus answers at all.

Score of a candidate sentence s for question q, over the top `CANDIDATES` BM25 hits:
    bm25(s)
  + NEIGHBOUR * (bm25(previous) + bm25(next)) / 2     sentences of the same article
  + COVERAGE  * best * share of q's idf mass that s holds
  + TYPE      * best * [s holds a thing of q's answer type and not only q's own words]
where `best` is the top BM25 score, so the bonuses scale with the query. Weights were
tuned on SQuAD v1.1 dev and the development questions (benchmarks/squad_sentences.py).

The "found" rule: the question is answered when its best sentence holds enough of the
question's content: the idf mass of content terms that the best sentence holds, over the
mass of all its content terms, is at least `FOUND_SHARE`. A content term the corpus does
not hold at all weighs as much as the rarest term it could have been (idf of a term in one
sentence), so a question about something the article never names ("tanks", "population")
is not answered by sentences that only share its common words.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .answer import holds_answer_type
from .corpus import Corpus
from .index import SentenceIndex, idf_of, top_hits
from .models import Hit
from .question import Question
from .text import Tokenizer

CANDIDATES = 30
NEIGHBOUR = 0.10
COVERAGE = 0.0
TYPE = 0.0
FOUND_SHARE = 0.5


@dataclass(frozen=True)
class Ranking:
    hits: tuple[Hit, ...]
    found: bool


class Ranker:
    def __init__(self, corpus: Corpus, index: SentenceIndex, tokenizer: Tokenizer):
        self.corpus = corpus
        self.index = index
        self.tokenizer = tokenizer
        self._tokens = lru_cache(maxsize=65_536)(self._sentence_terms)

    def _sentence_terms(self, position: int) -> frozenset[str]:
        return frozenset(self.tokenizer.tokens(self.corpus.sentences[position].text))

    def _weight(self, term: str) -> float:
        if term in self.index.vocabulary:
            return max(idf_of(self.index, term), 0.0) + 1.0
        return math.log(len(self.index) - 0.5) - math.log(1.5) + 1.0

    def rank(self, question: Question, k: int) -> Ranking:
        query = list(question.content_terms or question.terms)
        scores = self.index.score_touched(query)
        if not scores:
            return Ranking((), False)
        positions = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        candidates = top_hits(positions, values, CANDIDATES)
        best = candidates[0].score if candidates[0].score > 0 else 1.0
        weights = {t: self._weight(t) for t in set(query)}
        mass = sum(weights.values())
        sentences = self.corpus.sentences
        reranked = []
        for hit in candidates:
            sentence = sentences[hit.position]
            neighbours = [scores.get(p, 0.0) for p in (hit.position - 1, hit.position + 1)
                          if 0 <= p < len(sentences) and sentences[p].doc == sentence.doc]
            held = self._tokens(hit.position)
            coverage = sum(w for t, w in weights.items() if t in held) / mass
            score = hit.score + NEIGHBOUR * sum(neighbours) / 2 + COVERAGE * best * coverage
            if TYPE and holds_answer_type(sentence.text, question):
                score += TYPE * best
            reranked.append(Hit(hit.position, score))
        reranked.sort(key=lambda h: (-h.score, h.position))
        top = reranked[0]
        content = set(question.content_terms or question.terms)
        content_mass = sum(weights.get(t) or self._weight(t) for t in content)
        held = self._tokens(top.position)
        share = sum(weights.get(t) or self._weight(t) for t in content if t in held) / content_mass
        return Ranking(tuple(reranked[:k]), share >= FOUND_SHARE)
