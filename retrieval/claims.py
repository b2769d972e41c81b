"""Checking a claim against the articles: a verdict, the evidence and a structured reason.

The claim's figures, dates, weekdays and years are its slots; the rest of its words are its
content. Candidate evidence is the BM25 top `CHECK_CANDIDATES` for all the claim's terms; a
sentence's coverage is the idf-weighted share of the claim's content terms it holds (a
country and its demonym count as one: "Ukraine", "Ukrainian"). The best-covering sentence
decides, by rule:
  not_in_article  the claim names a person or place the articles never mention, or no
                  sentence covers `ABOUT_SHARE` of its content;
  contradicted    a figure counting the same thing or a date in the same role differs
                  ("30,000", not "50,000"; "within 30 miles", not "within 5 miles";
                  "until 2035", not "until 2030") in a sentence about the claim; or, in a
                  sentence that states the claim, another date, places after the same
                  preposition, a negation where the claim has none or the reverse ("refused
                  to vote"), or a word of the opposite side of the shipped opposites table
                  ("resisted" for "allowed");
  supported       the sentence states the claim (covers `SUPPORT_SHARE` of its content) and
                  holds every name it gives, every slot agrees with one of the sentence's
                  own, and either it holds all the content or the claim has slots to agree;
  unverified      anything else, after looking for another sentence that supports it:
                  related evidence, but no rule decides.
A sentence is "about" the claim when it covers `SUPPORT_SHARE` of the content words the
articles use at all (a claim's own wording, "run" for "conduct", is not a missing fact).
Figures are compared with their hedges (`numbers.compare_quantities`); a comparison's
baseline ("compared with 55 mln dlrs a year earlier") is not a figure the sentence gives for
its subject, and a forecast's figure ("would fall to 1.60 marks") does not count what a
stated one counts.

`ClaimChecker.check` returns a `Finding`: the verdict, the evidence positions best first,
each with its BM25 relevance and its coverage, and a `Reason` holding the kind of mismatch,
the quoted words, the sentence's ref and its speaker as data. `explain` renders a reason as
the one-line English explanation front ends show.
"""
from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .attribution import attribution
from .confidence import VerdictModel
from .corpus import Corpus
from .errors import QuestionError
from .evidence import CHECK_CANDIDATES, Evidence, coverage
from .lexicon import LOCATIVE_BEFORE_PLACE, SPEECH_VERBS, Lexicon, synonyms
from .models import Sentence, Verdict
from .names import name_chunks
from .question import standard_spelling
from .numbers import (BASELINE_WORDS, CURRENCIES, Agreement, Quantity, compare_dates, compare_quantities,
                      compared_with, date_phrases, find_quantities)
from .text import Tokenizer, stem

ABOUT_SHARE = 0.5
MIN_CLAIM_SPELLED = 6
_SPELLED_CACHE = 65_536
_VOCABULARY_CACHE = 1_024
SUPPORT_SHARE = 0.75
# Negations, and verbs that say an act did not happen ("refused to vote").
_NEGATION = re.compile(r"\b(?:not|never|no|without|nor|neither|cannot|(?:refus|declin|fail)(?:e|es|ed|ing|s)?\s+to)\b"
                       r"|n't\b", re.IGNORECASE)
_NEGATION_SCOPE_WORDS = 4
_DATE_PREPOSITIONS = frozenset({"in", "on", "at", "by", "until", "till", "from", "since", "before", "after", "during"})
_NAME_BEFORE_WORD = re.compile(r"\b([A-Z][\w'-]*)\s+([a-z][\w-]*)")
_NEGATION_REACH_WORDS = 6
_UNTIL = frozenset({"until", "till"})
_SUBJECT_REACH_WORDS = 3
_COUNTED_WORDS = 4
# Modal and forecast verbs: a figure they govern is expected, not stated.
_FORECAST = re.compile(r"will|would|could|might|may|shall|expects?|expected|expecting|predicts?|predicted|"
                       r"predicting|forecasts?|forecasting|projects?|projected|projecting", re.IGNORECASE)
_FORECAST_REACH_WORDS = 6
MONEY, PERCENT = "<money>", "<percent>"
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


class Mismatch(enum.Enum):
    """The kind of reason a verdict rests on."""

    UNKNOWN_NAMES = "unknown names"            # the articles never mention names of the claim
    NO_EVIDENCE = "no evidence"                # no sentence shares a term with the claim
    NOT_ABOUT = "not about"                    # the nearest sentence lacks words of the claim
    FIGURE_DIFFERS = "figure differs"          # a figure counting the same thing differs
    FIGURE_ABSENT = "figure absent"            # the sentence gives no such figure
    FIGURE_ELSEWHERE = "figure elsewhere"      # a differing figure may count something else
    FIGURE_UNSURE = "figure unsure"            # a figure neither confirms nor rules out
    DATE_DIFFERS = "date differs"
    DATE_ABSENT = "date absent"
    OTHER_SUBJECT = "other subject"            # the sentence says it of someone else
    NAMES_ABSENT = "names absent"              # the sentence lacks names of the claim
    RELATED = "related"                        # about the claim, but lacks words of it
    PLACE_DIFFERS = "place differs"
    OPPOSITE = "opposite"                      # the sentence uses a word of opposite meaning
    NEGATED_IN_CLAIM = "negated in claim"      # the claim negates what the sentence affirms
    NEGATED_IN_ARTICLE = "negated in article"  # the sentence negates what the claim affirms
    PARTLY = "partly"                          # states most of it, no figure to agree
    PARAPHRASED = "paraphrased"                # supported by the verdict model: said in other words
    FIGURES_AGREE = "figures agree"            # supported, with the figures and dates stated
    STATED = "stated"                          # supported, the sentence states it


@dataclass(frozen=True)
class Reason:
    """Why a verdict: its kind, the claim's words at issue, the article's words, the
    evidence sentence's ref ("4.1", or "DOC:4.1" over several articles) and who says it."""

    kind: Mismatch
    claimed: tuple[str, ...] = ()
    stated: tuple[str, ...] = ()
    ref: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class ScoredEvidence:
    """An evidence sentence: its BM25 relevance to the claim and its coverage of the claim's content."""

    position: int
    relevance: float
    coverage: float


@dataclass(frozen=True)
class Finding:
    """A verdict on a claim, its evidence best first, the reason, and the verdict model's
    probability for the verdict it gave (None when the rules decided)."""

    verdict: Verdict
    evidence: tuple[ScoredEvidence, ...]
    reason: Reason
    confidence: float | None = None


@dataclass(frozen=True)
class _Judgement:
    """What one evidence sentence says about the claim."""

    verdict: Verdict
    reason: Reason


# Sentences the rules judge for the verdict model: the best-covering few.
JUDGED = 3
# A sentence that refers back by a pronoun may name the claim's subject this many sentences earlier.
COREFERENCE_REACH = 3
_BACK_REFERENCE = re.compile(r"\b(?:he|she|they|it|his|her|their|its|him|them|both|the two|the company|the firm|"
                             r"the group)\b",
                             re.IGNORECASE)
# How a claim is put, not a fact a sentence must hold: reporting verbs ("X says ...") and
# stance adverbs (Biber et al., Longman Grammar of Spoken and Written English, 1999, 10.2:
# "apparently", "reportedly", "actually" ...).
_REPORTING = re.compile(rf"\b(?:{SPEECH_VERBS}|say|reckons?|reckoned|thinks?|believes?|believed|apparently|"
                        r"reportedly|allegedly|supposedly|actually|really|just|basically|obviously|clearly)\b",
                        re.IGNORECASE)
_CONTRADICTING = frozenset({Mismatch.FIGURE_DIFFERS, Mismatch.DATE_DIFFERS, Mismatch.PLACE_DIFFERS, Mismatch.OPPOSITE,
                            Mismatch.NEGATED_IN_CLAIM, Mismatch.NEGATED_IN_ARTICLE})
# A figure or date that differs where the rules were not sure it counts the same thing.
_DIFFERING = _CONTRADICTING | {Mismatch.FIGURE_ELSEWHERE}
_SUPPORTING = frozenset({Mismatch.FIGURES_AGREE, Mismatch.STATED})


@dataclass(frozen=True)
class Assessment:
    """A claim's evidence best first, the rules' judgement of the first `JUDGED`, the
    verdict model's features (None without evidence), and a reason that stops the rules
    early (names the articles never mention, no sentence about the claim)."""

    claim: str
    ranked: tuple[ScoredEvidence, ...]
    judged: tuple[_Judgement, ...]
    features: dict[str, float] | None
    stop: Reason | None

    def _evidence(self, first: int, k: int) -> tuple[ScoredEvidence, ...]:
        order = [self.ranked[first]] + [c for i, c in enumerate(self.ranked) if i != first]
        return tuple(order[:k])

    def by_rules(self, k: int) -> Finding:
        if not self.ranked:
            return Finding(Verdict.NOT_IN_ARTICLE, (), self.stop)
        if self.stop is not None:
            return Finding(Verdict.NOT_IN_ARTICLE, () if self.stop.kind is Mismatch.UNKNOWN_NAMES
                           else self._evidence(0, k), self.stop)
        if self.judged[0].verdict is Verdict.UNVERIFIED:
            for i, (candidate, judgement) in enumerate(zip(self.ranked[1:], self.judged[1:]), 1):
                if candidate.coverage < SUPPORT_SHARE:
                    break
                if judgement.verdict is Verdict.SUPPORTED:
                    return Finding(judgement.verdict, self._evidence(i, k), judgement.reason)
        return Finding(self.judged[0].verdict, self._evidence(0, k), self.judged[0].reason)

    def by_model(self, model: VerdictModel, k: int) -> Finding:
        """The verdict `choose_verdict` gives, resting on the first judged sentence that
        differs from the claim (contradicted), states it (supported; else the best sentence
        is taken to say it in other words), or on the best sentence's reason."""
        verdict, confidence = choose_verdict(model.probabilities(self.features), self.features, model.decisive)
        if verdict is Verdict.CONTRADICTED:
            found = next(i for i, j in enumerate(self.judged) if j.reason.kind in _DIFFERING)
            return Finding(verdict, self._evidence(found, k), self.judged[found].reason, confidence)
        if verdict is Verdict.SUPPORTED:
            found = next((i for i, j in enumerate(self.judged) if j.reason.kind in _SUPPORTING), None)
            if found is not None:
                return Finding(verdict, self._evidence(found, k), self.judged[found].reason, confidence)
            first = self.judged[0].reason
            return Finding(verdict, self._evidence(0, k), Reason(Mismatch.PARAPHRASED, ref=first.ref,
                                                                 speaker=first.speaker), confidence)
        reason = self.stop or self.judged[0].reason
        evidence = () if reason.kind is Mismatch.UNKNOWN_NAMES else self._evidence(0, k)
        return Finding(verdict, evidence, reason, confidence)


def choose_verdict(probabilities: dict[str, float], features: dict[str, float],
                   decisive: float) -> tuple[Verdict, float]:
    """The verdict and its probability. Where the rules decide the best sentence (it states
    the claim, or a figure, date, place, negation or opposite word differs), their verdict
    stands: they are precise there (bundled claims 14/15, no wrong verdict). Otherwise the
    most probable verdict the evidence can name a reason for: contradicted needs a judged
    sentence that differs from the claim; supported a sentence that states it, or one about
    the claim (no unknown names, `ABOUT_SHARE` covered, no word negated or turned to its
    opposite there). A decisive verdict under `decisive`
    is "unverified" when the rules found the claim's specifics stated or contradicted, else
    "not in the article"."""
    for kinds, verdict in ((_SUPPORTING, Verdict.SUPPORTED), (_CONTRADICTING, Verdict.CONTRADICTED)):
        if any(features[f"best_{kind.name.lower()}"] for kind in kinds):
            return verdict, round(probabilities[verdict.value], 4)
    allowed = {
        Verdict.CONTRADICTED.value: features["any_differing"] > 0,
        Verdict.SUPPORTED.value: features["any_supporting"] > 0
        or (not features["unknown_names"] and features["coverage"] >= ABOUT_SHARE and not features["best_conflict"]),
        Verdict.NOT_IN_ARTICLE.value: True,
    }
    verdict = min((v for v in probabilities if allowed[v]), key=lambda v: (-probabilities[v], v))
    confidence = round(probabilities[verdict], 4)
    if verdict != Verdict.NOT_IN_ARTICLE.value and confidence < decisive:
        touched = features["any_supporting"] > 0 or features["any_contradicting"] > 0
        return (Verdict.UNVERIFIED if touched else Verdict.NOT_IN_ARTICLE), confidence
    return Verdict(verdict), confidence


def claim_features(claim: str, ranked: tuple[ScoredEvidence, ...], judged: tuple[_Judgement, ...],
                   weights: dict[str, float], unknown: list[str], held: set[str], best: Sentence,
                   checker: "ClaimChecker") -> dict[str, float]:
    """The verdict model's inputs: how much of the claim the best sentences hold (`held`: the
    best sentence's terms as `ClaimChecker.held` gives them), what the rules found in them
    (agreeing or differing figures, dates, places, negations, opposite words, another
    subject), and the claim's own form. None depends on the corpus's size: words the best
    sentence's article never uses are the claim's own wording, whatever other articles say."""
    known = {t: w for t, w in weights.items() if checker.used_in(best.doc, t)}
    mass = sum(weights.values()) or 1.0
    missing = [w for t, w in weights.items() if t not in held]
    kinds = [j.reason.kind for j in judged]
    features = {
        "coverage": ranked[0].coverage,
        "coverage_known": coverage(known, held) if known else 0.0,
        "coverage_second": ranked[1].coverage if len(ranked) > 1 else 0.0,
        "unknown_share": sum(w for t, w in weights.items() if t not in known) / mass,
        "missing_max": max(missing, default=0.0) / max(weights.values(), default=1.0),
        "unknown_names": float(bool(unknown)),
        "has_figure": float(bool(find_quantities(claim))),
        "has_date": float(bool(date_phrases(claim))),
        "has_name": float(bool(_claim_names(claim))),
        "negated": float(bool(_NEGATION.search(claim))),
        "terms": math.log1p(len(weights)),
        "any_contradicting": float(any(k in _CONTRADICTING for k in kinds)),
        "any_differing": float(any(k in _DIFFERING for k in kinds)),
        "any_supporting": float(any(k in _SUPPORTING for k in kinds)),
        # The best sentence negates a word of the claim or puts its opposite, whether or not
        # the rules found it about the claim.
        "best_conflict": float(bool(_negation_mismatch(claim, best.text, list(weights), checker)
                                    or _opposite_words(claim, best.text, checker.lexicon))),
    }
    for kind in Mismatch:
        features[f"best_{kind.name.lower()}"] = float(kinds[0] is kind)
    return features


def explain(reason: Reason) -> str:
    """The one-line English explanation of a reason."""
    kind, claimed, stated = reason.kind, _listing(list(reason.claimed)), _listing(list(reason.stated))
    ref = f"[{reason.ref}]"
    source = f", according to {reason.speaker}" if reason.speaker else ""
    if kind is Mismatch.UNKNOWN_NAMES:
        return f"the article never mentions {claimed}"
    if kind is Mismatch.NO_EVIDENCE:
        return "no sentence of the article is about this"
    if kind is Mismatch.NOT_ABOUT:
        return f"no sentence of the article is about this; the nearest {ref} does not mention {claimed}"
    if kind in (Mismatch.FIGURE_DIFFERS, Mismatch.DATE_DIFFERS, Mismatch.PLACE_DIFFERS, Mismatch.OPPOSITE):
        return f"the article says {stated}, not {claimed} {ref}{source}"
    if kind in (Mismatch.FIGURE_ABSENT, Mismatch.DATE_ABSENT):
        return f"{ref} does not give {claimed}"
    if kind is Mismatch.FIGURE_ELSEWHERE:
        return f"{ref} says {stated}, not {claimed}, but may be about something else"
    if kind is Mismatch.FIGURE_UNSURE:
        return f"the article says {stated}, which neither confirms nor rules out {claimed} {ref}"
    if kind is Mismatch.OTHER_SUBJECT:
        return f"{ref} says this of {stated}, not of {claimed}"
    if kind is Mismatch.NAMES_ABSENT:
        return f"{ref} does not mention {claimed}"
    if kind is Mismatch.RELATED:
        return f"related, but {ref} does not mention {claimed}"
    if kind is Mismatch.NEGATED_IN_CLAIM:
        return f"the claim says \u201c{claimed}\u201d; the article does not {ref}{source}"
    if kind is Mismatch.NEGATED_IN_ARTICLE:
        return f"the article says \u201c{stated}\u201d {ref}{source}"
    if kind is Mismatch.PARTLY:
        return f"{ref} says most of it, but not {claimed}"
    if kind is Mismatch.FIGURES_AGREE:
        return f"the article says {stated} {ref}{source}"
    if kind is Mismatch.PARAPHRASED:
        return f"the article says this in other words {ref}{source}"
    return f"the article states it {ref}{source}"


class ClaimChecker:
    """Checks claims against one corpus through its evidence stage (see the module doc)."""

    def __init__(self, corpus: Corpus, evidence: Evidence, tokenizer: Tokenizer, lexicon: Lexicon,
                 model: VerdictModel | None = None):
        self.model = model
        self.corpus = corpus
        self.evidence = evidence
        self.tokenizer = tokenizer
        self.lexicon = lexicon
        self.aliases = lexicon.place_aliases(tokenizer)
        self._headlines: dict[str, frozenset[str]] = {}
        self.spelled = lru_cache(maxsize=_SPELLED_CACHE)(self._spelled)
        self.vocabulary = lru_cache(maxsize=_VOCABULARY_CACHE)(self._vocabulary)
        self._alias_sources: dict[str, list[str]] = {}
        for name, place in self.aliases.items():
            self._alias_sources.setdefault(place, []).append(name)

    def terms(self, text: str) -> list[str]:
        """The text's terms, spelled as the articles spell them (`_spelled`), a demonym as its
        place's ("ukrainian" -> "ukrain")."""
        return [self.aliases.get(t, t) for t in map(self.spelled, self.tokenizer.tokens(text))]

    def _spelled(self, term: str) -> str:
        """A term the articles never use, as the most common term one edit away when there is
        one ("yuganskneftega" -> "yuganskneftga"). A claim's verdict rests on its words, so only
        words of at least `MIN_CLAIM_SPELLED` letters are corrected."""
        if self.evidence.known(term):
            return term
        return self.evidence.nearest_known(term, MIN_CLAIM_SPELLED) or term

    def held(self, position: int, names: frozenset[str] = frozenset(),
             wanted: Iterable[str] = ()) -> set[str]:
        """The terms of the sentence at `position`, a demonym as its place's; those of the
        claim's terms `wanted` whose WordNet synonym it has (`lexicon.synonyms`); those of the
        claim's name terms `names` that its article's headline gives (every sentence of an
        article is about its headline's subject); and, when the sentence refers back by a
        pronoun ("he said", "its shares"), those of `names` that the few sentences before it in
        the same article hold."""
        held = {self.aliases.get(t, t) for t in self.evidence.terms_of(position).terms}
        table = synonyms()
        held |= {t for t in wanted if t not in held and not held.isdisjoint(table.get(t, ()))}
        if names - held:
            held |= names & self._headline_terms(self.corpus.sentences[position].doc)
        if names - held and _BACK_REFERENCE.search(self.corpus.sentences[position].text):
            earlier = position
            for _ in range(COREFERENCE_REACH):
                earlier = self.corpus.neighbour(earlier, -1)
                if earlier is None:
                    break
                held |= names & {self.aliases.get(t, t) for t in self.evidence.terms_of(earlier).terms}
        return held

    def used_in(self, doc: str, term: str) -> bool:
        """Whether article `doc` uses the term (a place also by its demonym)."""
        return not self.vocabulary(doc).isdisjoint(self._with_demonyms(term))

    def _with_demonyms(self, term: str) -> tuple[str, ...]:
        """The term and, for a place, the demonyms that stand for it."""
        return (term, *self._alias_sources.get(term, ()))

    def _vocabulary(self, doc: str) -> frozenset[str]:
        return frozenset().union(*(self.evidence.terms_of(p).terms for p in self.corpus.article_sentences(doc)))

    def _headline_terms(self, doc: str) -> frozenset[str]:
        if doc not in self._headlines:
            title = self.corpus.article(doc).title or ""
            self._headlines[doc] = frozenset(self.terms(title))
        return self._headlines[doc]

    def known(self, term: str) -> bool:
        """Whether the articles use the term (a place also by its demonym)."""
        return any(self.evidence.known(t) for t in self._with_demonyms(term))

    def ref(self, sentence: Sentence) -> str:
        """How an explanation names the sentence: "4.1", or "DOC:4.1" over several articles."""
        return sentence.ref if len(self.corpus.articles) == 1 else sentence.sentence_id

    def check(self, claim: str, k: int) -> Finding:
        """A verdict on `claim` with up to `k` evidence sentences: the verdict model's over
        `claim_features` when the checker has one, else the rules'."""
        assessment = self.assess(claim)
        if self.model is None or assessment.features is None:
            return assessment.by_rules(k)
        return assessment.by_model(self.model, k)

    def assess(self, claim: str) -> "Assessment":
        """The claim's evidence, the rules' judgement of its best-covering sentences, and
        the verdict model's features."""
        slots = _slot_spans(claim)
        # "X says ...", "apparently ...": how the claim is put, not a fact a sentence must hold.
        content = self.terms(_REPORTING.sub(" ", standard_spelling(_blank(claim, slots))))
        all_terms = [self.spelled(t) for t in self.tokenizer.tokens(standard_spelling(claim))]
        if not all_terms:
            raise QuestionError("the claim has no searchable words; state something about the article")
        sentences = self.corpus.sentences

        names = frozenset(t for name in _claim_names(claim) for t in self.terms(name))
        hits = self.evidence.candidates(all_terms, CHECK_CANDIDATES)
        if not hits:
            return Assessment(claim, (), (), None, Reason(Mismatch.NO_EVIDENCE))
        headlines = frozenset().union(*(self._headline_terms(sentences[h.position].doc) for h in hits))
        unknown = [name for name in _claim_names(claim)
                   if not any(self.known(t) or t in headlines for t in self.terms(name))]
        weights = self.evidence.weights(content)
        slot_weights = self.evidence.weights(self.terms(claim))
        scored = []
        wanted = frozenset(slot_weights) | frozenset(weights)
        held_at = {hit.position: self.held(hit.position, names, wanted) for hit in hits}
        for hit in hits:
            held = held_at[hit.position]
            scored.append((ScoredEvidence(hit.position, hit.score, coverage(weights, held)),
                           coverage(slot_weights, held)))
        # Best first: the most content, then the most content and figures, then BM25.
        scored.sort(key=lambda c: (-c[0].coverage, -c[1], -c[0].relevance, c[0].position))
        ranked = tuple(c for c, _ in scored)
        judged = tuple(self._judge(claim, sentences[c.position], weights, names) for c in ranked[:JUDGED])
        best = sentences[ranked[0].position]
        if unknown:
            stop = Reason(Mismatch.UNKNOWN_NAMES, tuple(unknown))
        elif ranked[0].coverage < ABOUT_SHARE:
            missing = _missing_words(claim, slots, self, held_at[best.position])
            stop = Reason(Mismatch.NOT_ABOUT, tuple(missing),
                          ref=self.ref(best))
        else:
            stop = None
        features = claim_features(claim, ranked, judged, weights, unknown, held_at[best.position], best, self)
        return Assessment(claim, ranked, judged, features, stop)

    def _judge(self, claim: str, sentence: Sentence, weights: dict[str, float],
               names: frozenset[str] = frozenset()) -> _Judgement:
        """What one sentence says of the claim. It states the claim when it covers
        `SUPPORT_SHARE` of the claim's content, and is about it when it covers that share of the
        content words the articles use at all. Figures are matched by what they count and a
        date by the word before it ("until 2035", "on Monday"), so a difference there
        contradicts a sentence about the claim; other differences (a date in another role, a
        place, a negation, an opposite word) contradict only a sentence that states it."""
        text = sentence.text
        held = self.held(sentence.position, names, weights)
        opposite = _opposite_words(claim, text, self.lexicon)
        place = _place_mismatch(claim, text, self.lexicon)
        # A word the sentence replaces by its opposite, or a place by another, is not missing.
        replaced = set(self.terms(opposite[0])) if opposite else set()
        replaced |= set(self.terms(_listing(place[0]))) if place else set()
        states_it = coverage(weights, held | replaced) >= SUPPORT_SHARE
        # Words the articles never use are the claim's own wording, not facts a sentence lacks.
        about_it = coverage({t: w for t, w in weights.items() if self.known(t)}, held | replaced) >= SUPPORT_SHARE
        ref = self.ref(sentence)
        names = [(m.start(), m.end()) for n in _claim_names(claim) for m in re.finditer(re.escape(n), text)]
        speaker = attribution(sentence, self.corpus,
                              (min(s for s, _ in names), max(e for _, e in names)) if names else None)

        def reason(kind: Mismatch, claimed: Iterable[str] = (), stated: Iterable[str] = (),
                   attributed: bool = False) -> Reason:
            return Reason(kind, tuple(claimed), tuple(stated), ref, speaker if attributed else None)

        agreed: list[str] = []
        for claimed, stated, agreement in _quantity_pairs(claim, text, self):
            if agreement is Agreement.DIFFER and about_it:
                return _Judgement(Verdict.CONTRADICTED, reason(
                    Mismatch.FIGURE_DIFFERS, [_quote(claim, claimed)], [_quote(text, stated)], True))
            if agreement is not Agreement.AGREE:
                return _Judgement(Verdict.UNVERIFIED, _unsure(claim, claimed, text, stated, agreement, reason))
            agreed.append(_quote(text, stated))

        for claimed, stated, agreement, same_role in _date_pairs(claim, text):
            if agreement is Agreement.DIFFER and (same_role and about_it or states_it):
                return _Judgement(Verdict.CONTRADICTED, reason(
                    Mismatch.DATE_DIFFERS, [claim[claimed.start:claimed.end]],
                    [text[stated.start:stated.end]], True))
            if agreement is not Agreement.AGREE:
                return _Judgement(Verdict.UNVERIFIED, reason(Mismatch.DATE_ABSENT,
                                                             [claim[claimed.start:claimed.end]]))
            agreed.append(text[stated.start:stated.end])

        subject = _subject_mismatch(claim, text, self)
        if subject:
            return _Judgement(Verdict.UNVERIFIED, reason(Mismatch.OTHER_SUBJECT, [subject[0]], [subject[1]]))
        missing_names = [n for n in _claim_names(claim) if not set(self.terms(n)) & (held | replaced)]
        if missing_names:
            return _Judgement(Verdict.UNVERIFIED, reason(Mismatch.NAMES_ABSENT, missing_names))
        if place and states_it:
            return _Judgement(Verdict.CONTRADICTED, reason(Mismatch.PLACE_DIFFERS, place[0], [place[1]], True))
        # An opposite word or a negation contradicts a sentence about the claim even when the
        # rest is put in other words ("usually come set to the most secure mode", "are set up
        # with the least secure mode").
        if opposite and (states_it or about_it):
            return _Judgement(Verdict.CONTRADICTED,
                              reason(Mismatch.OPPOSITE, [opposite[0]], [opposite[1]], True))
        negation = _negation_mismatch(claim, text, list(weights), self) if states_it or about_it else None
        if negation:
            kind, words = negation
            return _Judgement(Verdict.CONTRADICTED, reason(
                kind, [words] if kind is Mismatch.NEGATED_IN_CLAIM else [],
                [words] if kind is Mismatch.NEGATED_IN_ARTICLE else [], True))
        if not states_it:
            missing = _missing_words(claim, _slot_spans(claim), self, held)
            return _Judgement(Verdict.UNVERIFIED, reason(Mismatch.RELATED, missing))
        if not agreed and coverage(weights, held) < 1:
            missing = _missing_words(claim, _slot_spans(claim), self, held)
            return _Judgement(Verdict.UNVERIFIED, reason(Mismatch.PARTLY, missing))
        if agreed:
            return _Judgement(Verdict.SUPPORTED, reason(Mismatch.FIGURES_AGREE, stated=agreed, attributed=True))
        return _Judgement(Verdict.SUPPORTED, reason(Mismatch.STATED, attributed=True))


def _quantity_pairs(claim: str, text: str, checker: ClaimChecker):
    """Each claimed figure with the stated figure that counts the same thing ("30,000
    troops", "3,000 additional U.S. troops"), and how they compare; None when none does.
    A stated figure that is only the baseline of a comparison ("100 mln stg, compared with
    a 2.7 billion requirement last year") is not what the claim gives for its own subject,
    unless the claim speaks of the baseline too: the figure it is compared with differs."""
    quantities = find_quantities(text)
    stated_all = [(q, _counted(text, q, checker)) for q in quantities]
    claim_compares = bool(BASELINE_WORDS.search(claim))
    claimed_all = find_quantities(claim)
    for claimed in claimed_all:
        counted = _counted(claim, claimed, checker)
        same = [q for q, _ in stated_all if (q.value, q.high) == (claimed.value, claimed.high)
                and compare_quantities(claimed, q) is Agreement.AGREE]
        if same:
            compared = None if claim_compares or len(same) > 1 or compared_with(claim, claimed, claimed_all) \
                else compared_with(text, same[0], quantities)
            if compared is not None and compare_quantities(claimed, compared) is Agreement.DIFFER:
                yield claimed, compared, Agreement.DIFFER
            else:
                yield claimed, same[0], Agreement.AGREE
            continue
        aligned = [q for q, terms in stated_all if counted and terms
                   and (counted[0] in terms or terms[0] in counted)]
        if not aligned:
            yield claimed, None, Agreement.UNSURE
            continue
        results = [(q, compare_quantities(claimed, q)) for q in aligned]
        agreeing = [r for r in results if r[1] is Agreement.AGREE]
        unsure = [r for r in results if r[1] is Agreement.UNSURE]
        stated, agreement = (agreeing or unsure or results)[0]
        if agreement is Agreement.DIFFER and _forecast(claim, claimed) != _forecast(text, stated):
            agreement = Agreement.UNSURE  # a forecast's figure and a stated one count different things
        yield claimed, stated, agreement


def _forecast(text: str, quantity: Quantity) -> bool:
    """Whether a modal or forecast verb governs the figure: one of the few words before it in
    its clause ("would fall to 1.60 marks", "expects profits of 5 mln dlrs")."""
    clause = re.split(r"[;:]", text[:quantity.start])[-1]
    return any(_FORECAST.fullmatch(w) for w in _WORD.findall(clause)[-_FORECAST_REACH_WORDS:])


def _counted(text: str, quantity: Quantity, checker: ClaimChecker) -> list[str]:
    """What a figure counts: money or a percentage, then the terms of the few words after
    it, up to punctuation."""
    window = re.match(r"(?:\s*[^\W_][\w'.\u2019\-]*){0,%d}" % _COUNTED_WORDS, text[quantity.end:])
    kind = [MONEY] if text[quantity.start:quantity.end].lstrip()[:1] in "$€£" or quantity.unit in CURRENCIES \
        else [PERCENT] if quantity.unit in ("percent", "%") else []
    return kind + (checker.terms(window.group()) if window else [])


def _date_pairs(claim: str, text: str):
    """Each claimed date with the stated date it matches or differs from, compared part by
    part (a weekday only with weekdays, a year with years), and whether both stand in the
    same role: the same word before them, or both a range or list. A date that agrees is
    taken unless only a differing one follows the claim's own verb or noun ("issued in 2008"
    for "issued in 2011", beside "decide in 2011")."""
    stated = [(d, phrase) for phrase in date_phrases(text) for d in phrase.dates]
    for phrase in date_phrases(claim):
        head = _date_head(claim, phrase)
        for claimed in phrase.dates:
            results = [(p, compare_dates(claimed, d)) for d, p in stated]
            agree = [p for p, r in results if r is Agreement.AGREE]
            differ = [p for p, r in results if r is Agreement.DIFFER]
            headed = [p for p in differ if head and _date_head(text, p) == head]
            if agree and headed and not any(_date_head(text, p) == head for p in agree):
                yield phrase, headed[0], Agreement.DIFFER, True
            elif agree:
                yield phrase, agree[0], Agreement.AGREE, True
            elif differ:
                same_role = [p for p in differ if _date_role(claim, phrase) == _date_role(text, p)]
                yield phrase, (same_role or differ)[0], Agreement.DIFFER, bool(same_role)
            else:
                yield phrase, None, Agreement.UNSURE, False


def _date_head(text: str, phrase) -> str:
    """The stem of the word a date follows, past its preposition: "issu" of "issued in 2011"."""
    words = _WORD.findall(text[:phrase.start])[-2:]
    if words and words[-1].lower() in _DATE_PREPOSITIONS:
        words = words[:-1]
    return stem(words[-1].lower()) if words else ""


def _date_role(text: str, phrase) -> str:
    if len(phrase.dates) > 1:
        return "range"
    before = re.search(r"(\w+)\W*$", text[:phrase.start])
    return before.group(1).lower() if before else ""


def _place_mismatch(claim: str, text: str, lexicon: Lexicon) -> tuple[list[str], str] | None:
    """A known place the claim puts after "to/in/from..." where the sentence puts other known
    places after the same word, or a place or its demonym the claim puts before a word where
    the sentence puts another ("a French lawmaker", "a British lawmaker"): (claimed places,
    stated places)."""
    places = lexicon.places
    claimed = _places_after(claim, places)
    stated = _places_after(text, places)
    held = {places[n.lower()] for names in stated.values() for n, _ in names if n.lower() in places} \
        | {places[w.lower()] for w in _WORD.findall(text) if w.lower() in places}
    for preposition, names in claimed.items():
        absent = [n for n, _ in names if places.get(n.lower()) not in held]
        if absent and stated.get(preposition):
            return absent, stated[preposition][0][1]
    stated_before = _places_before(text, places)
    for word, (name, place) in _places_before(claim, places).items():
        if word in stated_before and place not in held:
            return [name], stated_before[word][0]
    return None


def _places_before(text: str, places: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The stem of each lower-case word that a known place or demonym comes right before, with
    that name and its place: {"lawmak": ("British", "United Kingdom")} of "a British lawmaker"."""
    found: dict[str, tuple[str, str]] = {}
    for match in _NAME_BEFORE_WORD.finditer(text):
        place = places.get(match.group(1).lower())
        if place:
            found.setdefault(stem(match.group(2).lower()), (match.group(1), place))
    return found


def _places_after(text: str, places: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Known places after each locative preposition: {"to": [("Poland", "Poland, Romania...")]}."""
    found: dict[str, list[tuple[str, str]]] = {}
    chunks = name_chunks(text)
    i = 0
    while i < len(chunks):
        j = i
        while j + 1 < len(chunks) and re.fullmatch(r",\s*|,?\s+(?:and|or)\s+|,\s*(?:and|or)\s+",
                                                    text[chunks[j][1]:chunks[j + 1][0]]):
            j += 1
        before = re.search(r"(\w+)\s+$", text[:chunks[i][0]])
        names = [text[s:e] for s, e in chunks[i:j + 1]]
        if before and before.group(1).lower() in LOCATIVE_BEFORE_PLACE and all(
                places.get(n.lower()) == n for n in names):
            listing = text[chunks[i][0]:chunks[j][1]]
            found.setdefault(before.group(1).lower(), []).extend((n, listing) for n in names)
        i = j + 1
    return found


def _opposite_words(claim: str, text: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """A claim word absent from the sentence whose opposite the sentence uses."""
    table = lexicon.opposites
    stated = {stem(w.lower()): w for w in _WORD.findall(text)}
    for word in _WORD.findall(claim):
        own = stem(word.lower())
        if own in stated or own not in table:
            continue
        for opposite in table[own]:
            if opposite in stated:
                return word, stated[opposite]
    return None


def _negated_terms(text: str, checker: ClaimChecker,
                   wanted: frozenset[str] = frozenset()) -> tuple[dict[str, str], set[str]]:
    """Terms said under a negation, each with the words that negate it, and the terms said
    outside any negation. A negation ("not", "never", "refused to" ...) negates the first
    content word within `_NEGATION_SCOPE_WORDS` after it, and the first of the `wanted` terms
    within `_NEGATION_REACH_WORDS` ("is not the result of another attack" negates "attack"
    for a claim about an attack). "Not ... until" says when, not whether ("will not start
    until May"): it negates nothing."""
    negated: dict[str, str] = {}
    for match in _NEGATION.finditer(text):
        reach = list(_WORD.finditer(text, match.end()))[:_NEGATION_REACH_WORDS]
        if any(word.group().lower() in _UNTIL for word in reach):
            continue
        said = [(number, word, checker.terms(word.group())) for number, word in enumerate(reach)]
        said = [(number, word, terms) for number, word, terms in said if terms]
        first = [said[0]] if said and said[0][0] < _NEGATION_SCOPE_WORDS else []
        claimed = [next(((n, w, t) for n, w, t in said if wanted.intersection(t)), None)]
        for _, word, terms in first + [c for c in claimed if c is not None]:
            for term in terms:
                negated.setdefault(term, text[match.start():word.end()])
    outside = set(checker.terms(_NEGATION.sub(" ", text))) - set(negated)
    return negated, outside


def _negation_mismatch(claim: str, text: str, content: list[str],
                       checker: ClaimChecker) -> tuple[Mismatch, str] | None:
    """The negating words when the sentence negates what the claim affirms, or the reverse."""
    claim_negated, claim_plain = _negated_terms(claim, checker)
    # When both negate ("no room for X", "no place for X"), only their first words are compared.
    reach = frozenset() if claim_negated else frozenset(claim_plain)
    text_negated, text_plain = _negated_terms(text, checker, reach)
    for term in content:
        if term in claim_negated and term not in claim_plain and term in text_plain and term not in text_negated:
            return Mismatch.NEGATED_IN_CLAIM, claim_negated[term]
        if term in claim_plain and term in text_negated and term not in text_plain:
            return Mismatch.NEGATED_IN_ARTICLE, text_negated[term]
    return None


def _subject_mismatch(claim: str, text: str, checker: ClaimChecker) -> tuple[str, str] | None:
    """When the claim opens with a name and a verb ("Putin visited ..."), the name the
    sentence puts right before that verb ("Emmanuel Macron visited ..."), if another."""
    chunks = name_chunks(claim)
    if not chunks or len(_WORD.findall(claim[:chunks[0][0]])) > 1:
        return None
    subject = claim[chunks[0][0]:chunks[0][1]]
    verb = next((w for w in _WORD.findall(claim[chunks[0][1]:]) if checker.terms(w)), None)
    if verb is None:
        return None
    verb_terms = set(checker.terms(verb))
    subject_terms = set(checker.terms(subject))
    for word in _WORD.finditer(text):
        if set(checker.terms(word.group())) & verb_terms:
            before = [(s, e) for s, e in name_chunks(text[:word.start()])
                      if len(_WORD.findall(text[e:word.start()])) <= _SUBJECT_REACH_WORDS]
            if before and not set(checker.terms(text[before[-1][0]:before[-1][1]])) & subject_terms:
                return subject, text[before[-1][0]:before[-1][1]]
            return None
    return None


def _claim_names(claim: str) -> list[str]:
    """The names a claim gives: its capitalised chunks, less titles at their start."""
    return [claim[s:e] for s, e in name_chunks(claim)]


def _slot_spans(text: str) -> list[tuple[int, int]]:
    spans = [(q.start, q.end) for q in find_quantities(text)]
    spans += [(p.start, p.end) for p in date_phrases(text)]
    return spans


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _missing_words(claim: str, slots, checker: ClaimChecker, held: set[str]) -> list[str]:
    words = []
    for word in _WORD.findall(_blank(claim, slots)):
        terms = checker.terms(word)
        if terms and not set(terms) & held and word not in words and not _REPORTING.fullmatch(word):
            words.append(word)
    return words or ["its details"]


def _quote(text: str, quantity: Quantity) -> str:
    return text[quantity.start:quantity.unit_end if quantity.is_measure else quantity.end]


def _unsure(claim: str, claimed: Quantity, text: str, stated: Quantity | None, agreement: Agreement,
            reason) -> Reason:
    if stated is None:
        return reason(Mismatch.FIGURE_ABSENT, [_quote(claim, claimed)])
    kind = Mismatch.FIGURE_ELSEWHERE if agreement is Agreement.DIFFER else Mismatch.FIGURE_UNSURE
    return reason(kind, [_quote(claim, claimed)], [_quote(text, stated)])


def _listing(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

