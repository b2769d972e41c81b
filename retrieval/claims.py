"""Checking a claim against the articles: a verdict, the evidence and a one-line reason.

The claim's figures, dates, weekdays and years are its slots; the rest of its words are its
content. Candidate evidence is the BM25 top `CANDIDATES` for all the claim's terms; a
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
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .answer import attribution, name_chunks, places
from .errors import QuestionError
from .models import ClaimCheck, Sentence, Verdict
from .numbers import (CURRENCIES, Agreement, Quantity, compare_dates, compare_quantities,
                      date_phrases, find_quantities)
from .text import load_data_lines, stem

CANDIDATES = 30
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
_LOCATIVE = ("to", "in", "from", "into", "near", "at")


@dataclass(frozen=True)
class _Finding:
    """What one evidence sentence says about the claim."""

    verdict: Verdict
    reason: str


@lru_cache(maxsize=1)
def _opposites() -> dict[str, frozenset[str]]:
    """Stem -> the stems of opposite meaning, from `data/opposites-en.txt`. Each word also
    stands for its regular forms, whose stems can differ ("rebuff", "rebuffed" -> "rebuf")."""
    table: dict[str, set[str]] = {}
    for line in load_data_lines("opposites-en.txt"):
        left, right = ({stem(form) for w in side.split(",") if w.strip() for form in _forms(w.strip().lower())}
                       for side in line.split("|"))
        for word in left:
            table.setdefault(word, set()).update(right)
        for word in right:
            table.setdefault(word, set()).update(left)
    return {word: frozenset(others) for word, others in table.items()}


def _forms(word: str) -> tuple[str, ...]:
    return word, word + "s", word + "ed", word + "ing"


class _Checker:
    def __init__(self, engine):
        self.engine = engine
        self.tokenizer = engine.tokenizer
        self.index = engine.index
        self.aliases = _place_aliases(self.tokenizer)

    def terms(self, text: str) -> list[str]:
        return [self.aliases.get(t, t) for t in self.tokenizer.tokens(text)]

    def weight(self, term: str) -> float:
        n_docs = len(self.index)
        term_id = self.index.vocabulary.get(term)
        count = 0 if term_id is None else int(self.index.offsets[term_id + 1] - self.index.offsets[term_id])
        idf = math.log(n_docs - max(count, 1) + 0.5) - math.log(max(count, 1) + 0.5)
        return max(idf, 0.0) + 1.0

    def known(self, term: str) -> bool:
        """Whether the articles use the term (a place also by its demonym)."""
        return term in self.index.vocabulary or any(
            t in self.index.vocabulary for t in _alias_sources(self.aliases).get(term, ()))


@lru_cache(maxsize=4)
def _place_aliases(tokenizer) -> dict[str, str]:
    """One-word demonyms and other names -> their place's term ("ukrainian" -> "ukrain")."""
    aliases = {}
    for name, place in places().items():
        name_terms, place_terms = tokenizer.tokens(name), tokenizer.tokens(place)
        if len(name_terms) == 1 and len(place_terms) == 1 and name_terms != place_terms:
            aliases[name_terms[0]] = place_terms[0]
    return aliases


def _alias_sources(aliases: dict[str, str]) -> dict[str, list[str]]:
    sources: dict[str, list[str]] = {}
    for name, place in aliases.items():
        sources.setdefault(place, []).append(name)
    return sources


def check(claim: str, engine, k: int) -> ClaimCheck:
    """A verdict on `claim` against `engine`'s corpus with up to `k` evidence sentences."""
    checker = _Checker(engine)
    slots = _slot_spans(claim)
    content = checker.terms(_blank(claim, slots))
    all_terms = engine.tokenizer.tokens(claim)
    if not all_terms:
        raise QuestionError("the claim has no searchable words; state something about the article")
    sentences = engine.corpus.sentences

    unknown = [name for name in _claim_names(claim) if not any(checker.known(t) for t in checker.terms(name))]
    if unknown:
        return ClaimCheck(claim, Verdict.NOT_IN_ARTICLE, (),
                          f"the article never mentions {_listing(unknown)}")

    hits = engine.index.search(all_terms, CANDIDATES)
    if not hits:
        return ClaimCheck(claim, Verdict.NOT_IN_ARTICLE, (), "no sentence of the article is about this")
    weights = {t: checker.weight(t) for t in content}
    slot_weights = {t: checker.weight(t) for t in checker.terms(claim)}
    scored = []
    for hit in hits:
        held = set(checker.terms(sentences[hit.position].text))
        scored.append((_coverage(weights, held), _coverage(slot_weights, held), hit.score, hit.position))
    # Best first: the most content, then the most content and figures, then BM25.
    scored.sort(key=lambda c: (-c[0], -c[1], -c[2], c[3]))
    scored = [(coverage, score, position) for coverage, _, score, position in scored]
    best_coverage, _, best_position = scored[0]
    best = sentences[best_position]

    def evidence(first: Sentence) -> tuple:
        order = [first.position] + [p for _, _, p in scored if p != first.position]
        return tuple(engine.cite(sentences[p], round(c, 6)) for p, c in
                     ((p, next(c for c, _, q in scored if q == p)) for p in order[:k]))

    if best_coverage < ABOUT_SHARE:
        missing = _missing_words(claim, slots, checker, set(checker.terms(best.text)))
        return ClaimCheck(claim, Verdict.NOT_IN_ARTICLE, evidence(best),
                          f"no sentence of the article is about this; the nearest [{_ref(best, engine)}] "
                          f"does not mention {_listing(missing)}")

    finding = _judge(claim, best, weights, checker, engine)
    if finding.verdict is Verdict.UNVERIFIED:
        for coverage, _, position in scored[1:]:
            if coverage < SUPPORT_SHARE:
                break
            other = _judge(claim, sentences[position], weights, checker, engine)
            if other.verdict is Verdict.SUPPORTED:
                return ClaimCheck(claim, other.verdict, evidence(sentences[position]), other.reason)
    return ClaimCheck(claim, finding.verdict, evidence(best), finding.reason)


def _judge(claim: str, sentence: Sentence, weights: dict[str, float], checker: _Checker,
           engine) -> _Finding:
    """What one sentence says of the claim. It states the claim when it covers
    `SUPPORT_SHARE` of the claim's content, and is about it when it covers that share of the
    content words the articles use at all. Figures are matched by what they count and a
    date by the word before it ("until 2035", "on Monday"), so a difference there
    contradicts a sentence about the claim; other differences (a date in another role, a
    place, a negation, an opposite word) contradict only a sentence that states it."""
    text = sentence.text
    held = set(checker.terms(text))
    opposite = _opposite_words(claim, text)
    place = _place_mismatch(claim, text)
    # A word the sentence replaces by its opposite, or a place by another, is not missing.
    replaced = set(checker.terms(opposite[0])) if opposite else set()
    replaced |= set(checker.terms(place[0])) if place else set()
    states_it = _coverage(weights, held | replaced) >= SUPPORT_SHARE
    # Words the articles never use are the claim's own wording, not facts a sentence lacks.
    about_it = _coverage({t: w for t, w in weights.items() if checker.known(t)}, held | replaced) >= SUPPORT_SHARE
    ref = f"[{_ref(sentence, engine)}]"
    names = [(m.start(), m.end()) for n in _claim_names(claim) for m in re.finditer(re.escape(n), text)]
    speaker = attribution(sentence, engine.corpus,
                          (min(s for s, _ in names), max(e for _, e in names)) if names else None)
    source = f", according to {speaker}" if speaker else ""
    agreed: list[str] = []

    for claimed, stated, agreement in _quantity_pairs(claim, text, checker):
        if agreement is Agreement.DIFFER and about_it:
            return _Finding(Verdict.CONTRADICTED, f"the article says {_quote(text, stated)}, not "
                                                  f"{_quote(claim, claimed)} {ref}{source}")
        if agreement is not Agreement.AGREE:
            return _Finding(Verdict.UNVERIFIED, _unsure(claim, claimed, text, stated, agreement, ref))
        agreed.append(_quote(text, stated))

    for claimed, stated, agreement, same_role in _date_pairs(claim, text):
        if agreement is Agreement.DIFFER and (same_role and about_it or states_it):
            return _Finding(Verdict.CONTRADICTED, f"the article says {text[stated.start:stated.end]}, "
                                                  f"not {claim[claimed.start:claimed.end]} {ref}{source}")
        if agreement is not Agreement.AGREE:
            return _Finding(Verdict.UNVERIFIED, f"{ref} does not give {claim[claimed.start:claimed.end]}")
        agreed.append(text[stated.start:stated.end])

    subject = _subject_mismatch(claim, text, checker)
    if subject:
        return _Finding(Verdict.UNVERIFIED, f"{ref} says this of {subject[1]}, not of {subject[0]}")
    missing_names = [n for n in _claim_names(claim) if not set(checker.terms(n)) & (held | replaced)]
    if missing_names:
        return _Finding(Verdict.UNVERIFIED, f"{ref} does not mention {_listing(missing_names)}")
    if not states_it:
        missing = _missing_words(claim, _slot_spans(claim), checker, held)
        return _Finding(Verdict.UNVERIFIED, f"related, but {ref} does not mention {_listing(missing)}")

    if place:
        return _Finding(Verdict.CONTRADICTED, f"the article says {place[1]}, not {place[0]} {ref}{source}")
    if opposite:
        return _Finding(Verdict.CONTRADICTED,
                        f"the article says {opposite[1]}, not {opposite[0]} {ref}{source}")
    negation = _negation_mismatch(claim, text, list(weights), checker)
    if negation:
        return _Finding(Verdict.CONTRADICTED, f"{negation} {ref}{source}")
    if not agreed and _coverage(weights, held) < 1:
        missing = _missing_words(claim, _slot_spans(claim), checker, held)
        return _Finding(Verdict.UNVERIFIED, f"{ref} says most of it, but not {_listing(missing)}")
    says = f"the article says {_listing(agreed)} {ref}" if agreed else f"the article states it {ref}"
    return _Finding(Verdict.SUPPORTED, says + source)


def _coverage(weights: dict[str, float], held: set[str]) -> float:
    """The idf-weighted share of the claim's content terms that `held` holds."""
    mass = sum(weights.values())
    return sum(w for t, w in weights.items() if t in held) / mass if mass else 1.0


def _quantity_pairs(claim: str, text: str, checker: _Checker):
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


def _counted(text: str, quantity: Quantity, checker: _Checker) -> list[str]:
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


def _place_mismatch(claim: str, text: str) -> tuple[str, str] | None:
    """A known place the claim puts after "to/in/from..." where the sentence puts other known
    places after the same word: (claimed places, stated places)."""
    claimed = _places_after(claim)
    stated = _places_after(text)
    held = {places()[n.lower()] for names in stated.values() for n, _ in names if n.lower() in places()} \
        | {places()[w.lower()] for w in _WORD.findall(text) if w.lower() in places()}
    for preposition, names in claimed.items():
        absent = [n for n, _ in names if places().get(n.lower()) not in held]
        if absent and stated.get(preposition):
            return _listing(absent), stated[preposition][0][1]
    return None


def _places_after(text: str) -> dict[str, list[tuple[str, str]]]:
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
        if before and before.group(1).lower() in _LOCATIVE and all(
                places().get(n.lower()) == n for n in names):
            listing = text[chunks[i][0]:chunks[j][1]]
            found.setdefault(before.group(1).lower(), []).extend((n, listing) for n in names)
        i = j + 1
    return found


def _opposite_words(claim: str, text: str) -> tuple[str, str] | None:
    """A claim word absent from the sentence whose opposite the sentence uses."""
    table = _opposites()
    stated = {stem(w.lower()): w for w in _WORD.findall(text)}
    for word in _WORD.findall(claim):
        own = stem(word.lower())
        if own in stated or own not in table:
            continue
        for opposite in table[own]:
            if opposite in stated:
                return word, stated[opposite]
    return None


def _negated_terms(text: str, checker: _Checker) -> tuple[dict[str, str], set[str]]:
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


def _negation_mismatch(claim: str, text: str, content: list[str], checker: _Checker) -> str | None:
    """What the sentence says when it negates what the claim affirms, or the reverse."""
    claim_negated, claim_plain = _negated_terms(claim, checker)
    text_negated, text_plain = _negated_terms(text, checker)
    for term in content:
        if term in claim_negated and term not in claim_plain and term in text_plain and term not in text_negated:
            return f"the claim says \u201c{claim_negated[term]}\u201d; the article does not"
        if term in claim_plain and term in text_negated and term not in text_plain:
            return f"the article says \u201c{text_negated[term]}\u201d"
    return None


def _subject_mismatch(claim: str, text: str, checker: _Checker) -> tuple[str, str] | None:
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


def _missing_words(claim: str, slots, checker: _Checker, held: set[str]) -> list[str]:
    words = []
    for word in _WORD.findall(_blank(claim, slots)):
        terms = checker.terms(word)
        if terms and not set(terms) & held and word not in words:
            words.append(word)
    return words or ["its details"]


def _quote(text: str, quantity: Quantity) -> str:
    return text[quantity.start:quantity.unit_end if quantity.is_measure else quantity.end]


def _unsure(claim: str, claimed: Quantity, text: str, stated: Quantity | None, agreement: Agreement,
            ref: str) -> str:
    if stated is None:
        return f"{ref} does not give {_quote(claim, claimed)}"
    if agreement is Agreement.DIFFER:
        return f"{ref} says {_quote(text, stated)}, not {_quote(claim, claimed)}, but may be about something else"
    return f"the article says {_quote(text, stated)}, which neither confirms nor rules out " \
           f"{_quote(claim, claimed)} {ref}"


def _listing(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ref(sentence: Sentence, engine) -> str:
    return sentence.ref if len(engine.corpus.articles) == 1 else sentence.sentence_id
