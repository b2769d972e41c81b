"""Re-ranking BM25's candidates and deciding whether the corpus answers at all.

Score of a candidate sentence s for question q, over the top `CANDIDATES` BM25 hits:
    bm25(s)
  + NEIGHBOUR * bm25(previous) + NEIGHBOUR_NEXT * bm25(next)   in the same article
  + COVERAGE  * best * share of q's idf mass that s holds
  + BIGRAM    * best * share of q's adjacent term pairs that s holds adjacent
  + TYPE      * best * [s holds a thing of q's answer type and not only q's own words]
where `best` is the top BM25 score, so the bonuses scale with the query. A term is held
when the sentence has it or a term with the same first PREFIX letters ("ukrain" and
"ukrainian"). The weights were tuned on SQuAD v1.1 dev (benchmarks/squad_sentences.py:
R@1/R@3 0.697/0.845 for BM25Okapi on the same tokens, 0.741/0.872 with them) and checked
on the development questions.

Coverage and the found rule weigh a term by max(idf, 0) + 1, not by BM25's idf: Okapi's
idf is zero or negative for a term in half the sentences or more, which on a short article
can zero out every term of a question (rank-bm25's pathology); shifted, a held term always
counts, and rarer ones count more.

The "found" rule: the question is answered when its best sentence holds enough of the
question's content: the idf mass of content terms that the best sentence holds, over the
mass of all its content terms, is over `FOUND_SHARE`. A content term the corpus does
not hold at all weighs as much as the rarest term it could have been (idf of a term in one
sentence), so a question about something the article never names ("tanks", "population")
is not answered by sentences that only share its common words. And a "how many X"
question is answered only by a sentence that holds a term of X: a count of something else is not
its answer. On WikiQA (benchmarks/wikiqa_abstention.py) this rule abstains with precision
0.74 and recall 0.50 against a base rate of 0.59.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .answer import holds_answer_type
from .confidence import RankedEvidence
from .corpus import Corpus
from .index import SentenceIndex, idf_of
from .models import Hit
from .question import Question
from .text import Tokenizer

CANDIDATES = 50
NEIGHBOUR = 0.30
NEIGHBOUR_NEXT = 0.15
COVERAGE = 0.5
TYPE = 0.3
BIGRAM = 0.3
PREFIX = 4
FOUND_SHARE = 0.5
# Terms shorter than this are not spell-corrected: short words have too many neighbours.
MIN_SPELLED = 4


def _one_edit(term: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion of a letter away
    from `term` (Damerau-Levenshtein distance 1; Norvig's spelling corrector)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters}) - {term}


@dataclass(frozen=True)
class RankingContext:
    """What the found model reads of a ranking: every re-ranked candidate, the question's
    term weights, which of them the best sentence holds and which the corpus knows."""

    ranked: tuple[RankedEvidence, ...]
    weights: dict[str, float]
    held: frozenset[str]
    known: frozenset[str]
    focus_held: bool


@dataclass(frozen=True)
class Ranking:
    hits: tuple[Hit, ...]
    found: bool
    context: RankingContext | None = None


def _holds(held: frozenset[str], term: str) -> bool:
    if term in held:
        return True
    if PREFIX and len(term) >= PREFIX:
        return any(h[:PREFIX] == term[:PREFIX] for h in held)
    return False


class Ranker:
    """Ranks a corpus's sentences for analysed questions (see the module doc)."""

    def __init__(self, corpus: Corpus, index: SentenceIndex, tokenizer: Tokenizer):
        self.corpus = corpus
        self.index = index
        self.tokenizer = tokenizer
        self._tokens = lru_cache(maxsize=65_536)(self._sentence_terms)

    def _sentence_terms(self, position: int) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
        tokens = self.tokenizer.tokens(self.corpus.sentences[position].text)
        return frozenset(tokens), frozenset(zip(tokens, tokens[1:]))

    def _author_hits(self, doc: str, k: int) -> tuple[Hit, ...]:
        """Sentences of article `doc` that name one of its authors, bios ("NAME is a ...") first."""
        names = self.corpus.article(doc).authors
        hits = []
        for position in self.corpus.article_sentences(doc):
            text = self.corpus.sentences[position].text
            named = [name for name in names if name in text]
            if named:
                hits.append(Hit(position, 2.0 if text.startswith(tuple(named)) else 1.0))
        hits.sort(key=lambda h: (-h.score, h.position))
        return tuple(hits[:k])

    def _weight(self, term: str) -> float:
        if term in self.index.vocabulary:
            return max(idf_of(self.index, term), 0.0) + 1.0
        return max(math.log(len(self.index) - 0.5) - math.log(1.5), 0.0) + 1.0

    def spelled(self, question: Question) -> Question:
        """The question with each term the corpus never uses replaced by the most common
        corpus term one edit away ("troup" -> "troop"), when there is one."""
        fixes = {t: self._nearest_term(t) for t in set(question.terms) if t not in self.index.vocabulary}
        fixes = {t: f for t, f in fixes.items() if f}
        if not fixes:
            return question
        return replace(question, terms=tuple(fixes.get(t, t) for t in question.terms),
                       content_terms=tuple(fixes.get(t, t) for t in question.content_terms),
                       counted=frozenset(fixes.get(t, t) for t in question.counted),
                       noun=frozenset(fixes.get(t, t) for t in question.noun))

    def _nearest_term(self, term: str) -> str | None:
        if len(term) < MIN_SPELLED or not term.isalpha():
            return None
        vocabulary = self.index.vocabulary
        known = [t for t in _one_edit(term) if t in vocabulary]
        return max(known, key=lambda t: (self._document_frequency(t), t)) if known else None

    def _document_frequency(self, term: str) -> int:
        term_id = self.index.vocabulary[term]
        return int(self.index.offsets[term_id + 1] - self.index.offsets[term_id])

    def rank(self, question: Question, k: int) -> Ranking:
        query = list(question.content_terms or question.terms)
        candidates = self.index.search(query, CANDIDATES)
        if question.asks_author:
            doc = (self.corpus.sentences[candidates[0].position].doc if candidates
                   else self.corpus.docs[0] if len(self.corpus.docs) == 1 else None)
            byline = self._author_hits(doc, k) if doc is not None else ()
            if byline:
                return Ranking(byline, True)
        if not candidates:
            return Ranking((), False)
        best = candidates[0].score if candidates[0].score > 0 else 1.0
        weights = {t: self._weight(t) for t in set(query)}
        mass = sum(weights.values())
        bigrams = set(zip(query, query[1:]))
        around = self._neighbour_scores(query, [h.position for h in candidates])
        sentences = self.corpus.sentences
        ranked = []
        for hit, (before, after) in zip(candidates, around):
            held, pairs = self._tokens(hit.position)
            coverage = sum(w for t, w in weights.items() if _holds(held, t)) / mass
            bigram = len(bigrams & pairs) / len(bigrams) if bigrams else 0.0
            typed = bool(TYPE) and holds_answer_type(sentences[hit.position].text, question)
            score = (hit.score + NEIGHBOUR * before + NEIGHBOUR_NEXT * after + COVERAGE * best * coverage
                     + BIGRAM * best * bigram + (TYPE * best if typed else 0.0))
            exact = sum(w for t, w in weights.items() if t in held) / mass
            ranked.append(RankedEvidence(hit.position, score, hit.score, before, after, coverage, exact, bigram,
                                         typed))
        ranked.sort(key=lambda r: (-r.score, r.position))
        held = self._tokens(ranked[0].position)[0]
        about_focus = not question.counted or any(_holds(held, t) for t in question.counted)
        context = RankingContext(tuple(ranked), weights, frozenset(t for t in weights if _holds(held, t)),
                                 frozenset(t for t in weights if t in self.index.vocabulary), about_focus)
        hits = tuple(Hit(r.position, r.score) for r in ranked[:k])
        return Ranking(hits, ranked[0].coverage > FOUND_SHARE and about_focus, context)

    def _neighbour_scores(self, query: list[str], positions: list[int]) -> list[tuple[float, float]]:
        """BM25 of the sentences just before and after each position, 0.0 across articles."""
        at = np.asarray(positions, dtype=np.int64)
        article = self.corpus.spans.article
        last = len(article) - 1
        before, after = np.maximum(at - 1, 0), np.minimum(at + 1, last)
        scores = self.index.scores_at(query, np.concatenate([before, after]))
        same_before = (at > 0) & (article[before] == article[at])
        same_after = (at < last) & (article[after] == article[at])
        n = len(at)
        return list(zip(np.where(same_before, scores[:n], 0.0).tolist(),
                        np.where(same_after, scores[n:], 0.0).tolist()))
