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
Figures are compared with their hedges (`numbers.compare_quantities`).

`ClaimChecker.check` returns a `Finding`: the verdict, the evidence positions best first,
each with its BM25 relevance and its coverage, and a `Reason` holding the kind of mismatch,
the quoted words, the sentence's ref and its speaker as data. `explain` renders a reason as
the one-line English explanation front ends show.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .attribution import attribution
from .corpus import Corpus
from .errors import QuestionError
from .evidence import CHECK_CANDIDATES, Evidence, coverage
from .lexicon import LOCATIVE_BEFORE_PLACE, Lexicon
from .models import Sentence, Verdict
from .names import name_chunks
from .numbers import (CURRENCIES, Agreement, Quantity, compare_dates, compare_quantities,
                      date_phrases, find_quantities)
from .text import Tokenizer, stem

ABOUT_SHARE = 0.5
SUPPORT_SHARE = 0.75
# Negations, and verbs that say an act did not happen ("refused to vote").
_NEGATION = re.compile(r"\b(?:not|never|no|without|nor|neither|cannot|(?:refus|declin|fail)(?:e|es|ed|ing|s)?\s+to)\b"
                       r"|n't\b", re.IGNORECASE)
_NEGATION_SCOPE_WORDS = 4
_SUBJECT_REACH_WORDS = 3
_COUNTED_WORDS = 4
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
    """A verdict on a claim, its evidence best first, and the reason."""

    verdict: Verdict
    evidence: tuple[ScoredEvidence, ...]
    reason: Reason


@dataclass(frozen=True)
class _Judgement:
    """What one evidence sentence says about the claim."""

    verdict: Verdict
    reason: Reason


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
    return f"the article states it {ref}{source}"


class ClaimChecker:
    """Checks claims against one corpus through its evidence stage (see the module doc)."""

    def __init__(self, corpus: Corpus, evidence: Evidence, tokenizer: Tokenizer, lexicon: Lexicon):
        self.corpus = corpus
        self.evidence = evidence
        self.tokenizer = tokenizer
        self.lexicon = lexicon
        self.aliases = lexicon.place_aliases(tokenizer)
        self._alias_sources: dict[str, list[str]] = {}
        for name, place in self.aliases.items():
            self._alias_sources.setdefault(place, []).append(name)

    def terms(self, text: str) -> list[str]:
        """The text's terms, a demonym as its place's ("ukrainian" -> "ukrain")."""
        return [self.aliases.get(t, t) for t in self.tokenizer.tokens(text)]

    def held(self, position: int) -> set[str]:
        """The terms of the sentence at `position`, a demonym as its place's."""
        return {self.aliases.get(t, t) for t in self.evidence.terms_of(position).terms}

    def known(self, term: str) -> bool:
        """Whether the articles use the term (a place also by its demonym)."""
        return self.evidence.known(term) or any(
            self.evidence.known(t) for t in self._alias_sources.get(term, ()))

    def ref(self, sentence: Sentence) -> str:
        """How an explanation names the sentence: "4.1", or "DOC:4.1" over several articles."""
        return sentence.ref if len(self.corpus.articles) == 1 else sentence.sentence_id

    def check(self, claim: str, k: int) -> Finding:
        """A verdict on `claim` with up to `k` evidence sentences."""
        slots = _slot_spans(claim)
        content = self.terms(_blank(claim, slots))
        all_terms = self.tokenizer.tokens(claim)
        if not all_terms:
            raise QuestionError("the claim has no searchable words; state something about the article")
        sentences = self.corpus.sentences

        unknown = [name for name in _claim_names(claim) if not any(self.known(t) for t in self.terms(name))]
        if unknown:
            return Finding(Verdict.NOT_IN_ARTICLE, (), Reason(Mismatch.UNKNOWN_NAMES, tuple(unknown)))

        hits = self.evidence.candidates(all_terms, CHECK_CANDIDATES)
        if not hits:
            return Finding(Verdict.NOT_IN_ARTICLE, (), Reason(Mismatch.NO_EVIDENCE))
        weights = self.evidence.weights(content)
        slot_weights = self.evidence.weights(self.terms(claim))
        scored = []
        for hit in hits:
            held = self.held(hit.position)
            scored.append((ScoredEvidence(hit.position, hit.score, coverage(weights, held)),
                           coverage(slot_weights, held)))
        # Best first: the most content, then the most content and figures, then BM25.
        scored.sort(key=lambda c: (-c[0].coverage, -c[1], -c[0].relevance, c[0].position))
        ranked = [c for c, _ in scored]
        best = sentences[ranked[0].position]

        def evidence(first: int) -> tuple[ScoredEvidence, ...]:
            order = [c for c in ranked if c.position == first] + [c for c in ranked if c.position != first]
            return tuple(order[:k])

        if ranked[0].coverage < ABOUT_SHARE:
            missing = _missing_words(claim, slots, self, self.held(best.position))
            return Finding(Verdict.NOT_IN_ARTICLE, evidence(best.position),
                           Reason(Mismatch.NOT_ABOUT, tuple(missing), ref=self.ref(best)))

        judgement = self._judge(claim, best, weights)
        if judgement.verdict is Verdict.UNVERIFIED:
            for other in ranked[1:]:
                if other.coverage < SUPPORT_SHARE:
                    break
                second = self._judge(claim, sentences[other.position], weights)
                if second.verdict is Verdict.SUPPORTED:
                    return Finding(second.verdict, evidence(other.position), second.reason)
        return Finding(judgement.verdict, evidence(best.position), judgement.reason)

    def _judge(self, claim: str, sentence: Sentence, weights: dict[str, float]) -> _Judgement:
        """What one sentence says of the claim. It states the claim when it covers
        `SUPPORT_SHARE` of the claim's content, and is about it when it covers that share of the
        content words the articles use at all. Figures are matched by what they count and a
        date by the word before it ("until 2035", "on Monday"), so a difference there
        contradicts a sentence about the claim; other differences (a date in another role, a
        place, a negation, an opposite word) contradict only a sentence that states it."""
        text = sentence.text
        held = self.held(sentence.position)
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
        if not states_it:
            missing = _missing_words(claim, _slot_spans(claim), self, held)
            return _Judgement(Verdict.UNVERIFIED, reason(Mismatch.RELATED, missing))

        if place:
            return _Judgement(Verdict.CONTRADICTED, reason(Mismatch.PLACE_DIFFERS, place[0], [place[1]], True))
        if opposite:
            return _Judgement(Verdict.CONTRADICTED,
                              reason(Mismatch.OPPOSITE, [opposite[0]], [opposite[1]], True))
        negation = _negation_mismatch(claim, text, list(weights), self)
        if negation:
            kind, words = negation
            return _Judgement(Verdict.CONTRADICTED, reason(
                kind, [words] if kind is Mismatch.NEGATED_IN_CLAIM else [],
                [words] if kind is Mismatch.NEGATED_IN_ARTICLE else [], True))
        if not agreed and coverage(weights, held) < 1:
            missing = _missing_words(claim, _slot_spans(claim), self, held)
            return _Judgement(Verdict.UNVERIFIED, reason(Mismatch.PARTLY, missing))
        if agreed:
            return _Judgement(Verdict.SUPPORTED, reason(Mismatch.FIGURES_AGREE, stated=agreed, attributed=True))
        return _Judgement(Verdict.SUPPORTED, reason(Mismatch.STATED, attributed=True))


def _quantity_pairs(claim: str, text: str, checker: ClaimChecker):
    """Each claimed figure with the stated figure that counts the same thing ("30,000
    troops", "3,000 additional U.S. troops"), and how they compare; None when none does."""
    stated_all = [(q, _counted(text, q, checker)) for q in find_quantities(text)]
    for claimed in find_quantities(claim):
        counted = _counted(claim, claimed, checker)
        same = [q for q, _ in stated_all if (q.value, q.high) == (claimed.value, claimed.high)
                and compare_quantities(claimed, q) is Agreement.AGREE]
        if same:
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
        yield claimed, stated, agreement


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
    same role: the same word before them, or both a range or list."""
    stated = [(d, phrase) for phrase in date_phrases(text) for d in phrase.dates]
    for phrase in date_phrases(claim):
        for claimed in phrase.dates:
            results = [(p, compare_dates(claimed, d)) for d, p in stated]
            agree = [p for p, r in results if r is Agreement.AGREE]
            differ = [p for p, r in results if r is Agreement.DIFFER]
            if agree:
                yield phrase, agree[0], Agreement.AGREE, True
            elif differ:
                same_role = [p for p in differ if _date_role(claim, phrase) == _date_role(text, p)]
                yield phrase, (same_role or differ)[0], Agreement.DIFFER, bool(same_role)
            else:
                yield phrase, None, Agreement.UNSURE, False


def _date_role(text: str, phrase) -> str:
    if len(phrase.dates) > 1:
        return "range"
    before = re.search(r"(\w+)\W*$", text[:phrase.start])
    return before.group(1).lower() if before else ""


def _place_mismatch(claim: str, text: str, lexicon: Lexicon) -> tuple[list[str], str] | None:
    """A known place the claim puts after "to/in/from..." where the sentence puts other known
    places after the same word: (claimed places, stated places)."""
    places = lexicon.places
    claimed = _places_after(claim, places)
    stated = _places_after(text, places)
    held = {places[n.lower()] for names in stated.values() for n, _ in names if n.lower() in places} \
        | {places[w.lower()] for w in _WORD.findall(text) if w.lower() in places}
    for preposition, names in claimed.items():
        absent = [n for n, _ in names if places.get(n.lower()) not in held]
        if absent and stated.get(preposition):
            return absent, stated[preposition][0][1]
    return None


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


def _negated_terms(text: str, checker: ClaimChecker) -> tuple[dict[str, str], set[str]]:
    """Terms said under a negation (the first content word within a few words after "not",
    "never", "refused to" ...), each with the words that negate it, and the terms said
    outside any negation."""
    negated: dict[str, str] = {}
    for match in _NEGATION.finditer(text):
        for word in list(_WORD.finditer(text, match.end()))[:_NEGATION_SCOPE_WORDS]:
            terms = checker.terms(word.group())
            if terms:
                for term in terms:
                    negated.setdefault(term, text[match.start():word.end()])
                break
    outside = set(checker.terms(_NEGATION.sub(" ", text))) - set(negated)
    return negated, outside


def _negation_mismatch(claim: str, text: str, content: list[str],
                       checker: ClaimChecker) -> tuple[Mismatch, str] | None:
    """The negating words when the sentence negates what the claim affirms, or the reverse."""
    claim_negated, claim_plain = _negated_terms(claim, checker)
    text_negated, text_plain = _negated_terms(text, checker)
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
        if terms and not set(terms) & held and word not in words:
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

