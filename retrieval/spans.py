"""Short verbatim answers from cited sentences: span candidates per answer type.

An answer is a span of one of the cited sentences, of the kind the question asks for:
  quantity  a figure with its hedge, and its unit when that is a measure ("30,000",
            "some 100,000", "nearly 600 miles"); for "how many X" one that counts X, for
            "how long/far/close" one in miles or days; a comparison's baseline only weakly
            ("two marks" of "to 1.80 marks from above two marks");
  date      a date, date list or range, year, month or weekday ("Feb. 10 and Feb. 20",
            "2035", "Monday"); for "what year" one with a year;
  person    a name chunk with titles and the question's own words stripped ("Zbigniew
            Rau" from "Polish Foreign Minister Zbigniew Rau"); for "who is NAME" the
            description next to the name ("the head of ... ministry");
  place     a country or region, or names after "in/to/from/near ...", lists kept whole
            ("Poland, Romania, and Germany"), or a named site after "at/in/on" ("the London
            School of Economics");
  statement what someone said: a quotation or the clause after a speech verb (`clauses`);
  reason    the clause after "because", "due to", "in order to" ... (`clauses`);
  name      what a thing is called ("called Spotlight");
  score     a match result ("18-17", "a goalless draw");
  other     for "which/what NOUN" the name set beside that noun ("the party Golos"), or
            weakly any name the question does not give; for a choice question ("high-voltage
            or low-voltage?") the one alternative the sentence uses.
"Who said ..." questions also take the sentence's speaker.
Each candidate has a `Fit` to the question's form. Candidates made only of the question's
own words are dropped. The best candidate is one of at least `Fit.GOOD` in the best-ranked
sentence holding one, then the best fit, then nearest the question's words; weaker ones are
taken only when no cited sentence holds a good one. No candidate, no answer: a span is
never taken from an uncited sentence.
Where the rules hold no good candidate (`span_model.eligible` says where exactly), the
learned `span_model` chooses in the first cited sentence instead (`SpanExtractor.choose`):
for a question of no answer type among all its phrases, for a person or place among the
rules' weak candidates there. The found model reads the rules' span (`extract`), so its
inputs do not depend on the learned choice.

`SpanExtractor` finds a sentence's candidates once per question, so the ranker's answer-type
check and `extract` share them.
"""
from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .attribution import attribution, find_speaker
from .clauses import called_spans, reason_spans, statement_spans
from .corpus import Corpus
from .lexicon import LOCATIVE_BEFORE_NAME, ORGANISATION_WORDS, SPEECH_VERBS, fold, places, stopwords, titles
from .names import (after_title, bare, fuller_name, is_demonym, is_month_or_weekday, name_chunks,
                    strip_leading, tokens)
from .numbers import (BASELINE_WORDS, CURRENCIES, DURATION_UNITS, LENGTH_UNITS, compared_with, date_phrases,
                      find_quantities)
from .question import AUXILIARIES, AnswerType, Question
from .span_model import Candidates, SpanModel, candidates, chooses, eligible, shipped_span_model
from .text import Tokenizer

_RELATIVE_DATE = re.compile(
    r"\b(?:(?:this|last|next|earlier this|later this)\s+(?:week|month|year|spring|summer|fall|autumn|"
    r"winter|weekend)|yesterday|today|tomorrow)\b", re.IGNORECASE)
_CACHE = 65_536
# A citation below the first lends an answer only this many words or fewer from one of the
# question's words: farther, the thing belongs to another clause ("a wave of protests challenged
# his grip on power in 2020 and ... station Russian troops" is no answer to "when will the troops
# leave"). On the development sets: news no-answer +1 question, SQuAD F1 -0.001.
LOWER_CITATION_REACH = 10
_LIST_GAP = re.compile(r",\s*|,?\s+(?:and|or)\s+")
# An age set in commas after a name, as news copy gives it: "Doherty, 25, had to ...";
# matched on the text up to the figure's end, reversed.
_AGE_APPOSITION = re.compile(r",\d{1,3} ,[A-Za-z]")
# "the end of 2004", "by the end of the decade", "early next year": a time the sentence
# gives relative to a year or period.
_PERIOD = re.compile(r"\b(?:(?:by|at|before|until|towards?)\s+)?the\s+(?:end|start|beginning|middle|turn)\s+of\s+"
                     r"(?:the\s+)?(?:\d{4}|year|decade|month|week|century|summer|spring|autumn|winter)\b"
                     r"|\b(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?\d{4}\b", re.IGNORECASE)
# A named site after "at/in/on/near ...": "at the London School of Economics", "in La Manga",
# "at the Science Museum's Dana Centre", "on the New York Stock Exchange".
_SITE = re.compile(r"\b(?:[Aa]t|[Ii]n|[Oo]n|[Nn]ear|[Ii]nside|[Oo]utside|[Ww]ithin)\s+(?P<site>(?:the\s+)?"
                   r"[A-Z][\w\-&.]*(?:['\u2019]s)?(?:\s+(?:of\s+(?:the\s+)?|de\s+|la\s+|&\s+)?[A-Z][\w\-&.]*"
                   r"(?:['\u2019]s)?)*)(?<!['\u2019]s)")
# A match result: "18-17", "24–10" (typeset with a dash), "five-four", "a goalless draw", "nil-nil".
_SCORE = re.compile(r"\b\d{1,3}[-\u2013\u2014]\d{1,3}\b(?![-\u2013\u2014])"
                    r"|\b(?:a\s+)?(?:goalless|scoreless|score-less)\s+draw\b|\bnil-nil\b"
                    r"|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|nil)-(?:zero|one|two|three|four|"
                    r"five|six|seven|eight|nine|ten|nil)\b", re.IGNORECASE)

Terms = Callable[[str], frozenset[str]]


class Fit(enum.IntEnum):
    """How well a candidate fits the question's form."""

    WEAK = 1    # of the right kind only loosely (a bare number for "how many X")
    GOOD = 2    # of the right kind (a measure, a two-word name, a known place)
    STRONG = 3  # what the form asks for (a figure counting X, a titled name, a place after "in")
    EXACT = 4   # and after the question's own preposition ("until 2035" for "until when")


@dataclass(frozen=True)
class Span:
    """An answer: `text` is verbatim from a cited sentence; `attribution` says who says it."""

    text: str
    attribution: str | None = None
    fit: int = field(default=0, compare=False)
    rank: int = field(default=0, compare=False)


@dataclass(frozen=True)
class SpanCandidate:
    """A candidate answer at `text[start:end]` of a sentence, and its fit."""

    start: int
    end: int
    fit: Fit


def _quantity_candidates(text: str, question: Question, question_terms: set[str],
                         terms: Terms) -> list[SpanCandidate]:
    found = []
    quantities = find_quantities(text)
    baseline_asked = BASELINE_WORDS.search(question.text) is not None
    for quantity in quantities:
        unit = quantity.unit
        duration = unit in DURATION_UNITS or bool(unit) and unit.split("-")[0] in DURATION_UNITS
        span_end = quantity.unit_end if quantity.is_measure or duration else quantity.end
        if question.how in ("many", "much"):
            if question.counted and question.counted & terms(text[quantity.end:_window_end(text, quantity.end)]):
                fit = Fit.STRONG
            elif duration:  # "how many days" counts days (above); otherwise a duration answers "how long"
                continue
            elif question.wants and _figure_kind(text, quantity) == question.wants:
                fit = Fit.STRONG
            elif question.wants and _figure_kind(text, quantity):
                fit = Fit.WEAK
            elif question.how == "much" and (quantity.is_measure or _has_currency_sign(text, quantity)):
                fit = Fit.GOOD
            elif quantity.is_measure or unit and unit.isalpha() and unit not in stopwords() and question.counted:
                continue
            elif question.counted and question.counted & terms(re.split(r"[;:]", text[:quantity.start])[-1]):
                fit = Fit.GOOD  # the counted thing named before a bare figure ("hotspots ..., with more than 1,000")
            else:
                fit = Fit.WEAK
        elif question.how == "long":
            # "How long will they stay" asks for a time; "how long is X" for a time or a length.
            if duration:
                fit = Fit.STRONG
            elif unit in LENGTH_UNITS:
                fit = Fit.STRONG if question.how_is else Fit.WEAK
            else:
                continue
        elif question.how in ("far", "close", "near", "wide", "deep", "high", "tall"):
            if unit not in LENGTH_UNITS:
                continue
            fit = Fit.STRONG
        elif question.how == "old":
            if unit in ("years", "year", "year-old") or re.match(r"-year-old", text[quantity.end:]) \
                    or re.search(r"\baged\s+$", text[:quantity.start], re.IGNORECASE) and 0 < quantity.value < 125:
                fit = Fit.STRONG
            elif _AGE_APPOSITION.match(text[:quantity.end + 1][::-1]) and 0 < quantity.value < 125:
                fit = Fit.GOOD
            else:
                continue
        elif question.how == "often":
            continue
        else:
            fit = Fit.GOOD if quantity.is_measure or unit in ("percent", "%") else Fit.WEAK
        # The baseline of a comparison ("to 1.80 marks from above two marks") is not the
        # figure asked for, unless the question asks about the earlier one.
        if fit > Fit.WEAK and not baseline_asked and compared_with(text, quantity, quantities):
            fit = Fit.WEAK
        found.append(SpanCandidate(quantity.start, span_end, fit))
    return found


def _has_currency_sign(text: str, quantity) -> bool:
    """Whether a currency sign stands in the figure or just before it ("$3bn", "£ 5")."""
    return (re.search(r"[$€£]", text[quantity.start:quantity.end]) is not None
            or text[:quantity.start].rstrip().endswith(("$", "€", "£")))


def _figure_kind(text: str, quantity) -> str | None:
    """"money" for a sum (a currency sign or word), "percent" for a share, else None."""
    if quantity.unit in ("percent", "%", "pct", "per"):
        return "percent"
    if quantity.unit in CURRENCIES or _has_currency_sign(text, quantity):
        return "money"
    return None


def _window_end(text: str, start: int, words: int = 4) -> int:
    """The end of the next few words after `start`, stopping at punctuation."""
    match = re.match(rf"(?:\s*[^\W_][\w'.\u2019\-]*){{0,{words}}}", text[start:])
    return start + (match.end() if match else 0)


def _date_candidates(text: str, question: Question, question_terms: set[str],
                     terms: Terms) -> list[SpanCandidate]:
    found = []
    for phrase in date_phrases(text):
        dates = phrase.dates
        has_year = any(d.year is not None for d in dates)
        has_day = any(d.day is not None or d.weekday is not None for d in dates)
        has_month = any(d.month is not None for d in dates)
        if question.time_noun == "year":
            if not has_year:
                continue
            fit = Fit.STRONG
        elif question.time_noun == "month":
            if not has_month:
                continue
            fit = Fit.STRONG
        elif question.time_noun in ("day", "date"):
            if not has_day:
                continue
            fit = Fit.STRONG
        else:
            fit = Fit.STRONG
        if question.preposition and re.search(rf"\b{question.preposition}\s+$", text[:phrase.start], re.IGNORECASE):
            fit = Fit.EXACT
        found.append(SpanCandidate(phrase.start, phrase.end, fit))
    if question.time_noun is None:
        found.extend(SpanCandidate(m.start(), m.end(), Fit.WEAK) for m in _RELATIVE_DATE.finditer(text))
    if question.time_noun in (None, "year"):
        found.extend(SpanCandidate(m.start(), m.end(), Fit.EXACT) for m in _PERIOD.finditer(text))
    return found


def _person_candidates(text: str, question: Question, question_terms: set[str],
                       terms: Terms) -> list[SpanCandidate]:
    if question.named:
        return _description_candidates(text, question.named)
    found = []
    for start, end in name_chunks(text):
        titled = after_title(text, start, end)
        first = strip_leading(text, titled, end, lambda w: terms(w) <= question_terms)
        if first >= end:
            continue
        name = text[first:end]
        words = name.split()
        bare_words = [bare(w) for w in words]
        if fold(name) in places() or all(is_month_or_weekday(w) for w in words):
            continue
        if any(w in ORGANISATION_WORDS for w in bare_words) or name.isupper():
            fit = Fit.WEAK
        elif titled > start or len(words) >= 2 or _speaks(text, end):
            fit = Fit.STRONG if titled > start or _speaks(text, end) else Fit.GOOD
        else:
            fit = Fit.WEAK
        found.append(SpanCandidate(first, end, fit))
    if question.asks_speaker:
        said = find_speaker(text)
        if said is not None:
            first = text.find(said[0], said[1][0])
            found.append(SpanCandidate(first, first + len(said[0]), Fit.STRONG))
    return found


def _speaks(text: str, end: int) -> bool:
    return re.match(rf"\s*(?:,[^,]{{0,120}},\s*)?(?:{SPEECH_VERBS})\b", text[end:]) is not None


def _description_candidates(text: str, name: str) -> list[SpanCandidate]:
    """For "who is NAME" (NAME as typed, any case): the title before the name in the
    sentence, or the description set beside it."""
    found = []
    wanted = [w.replace(".", "") for w in fold(name).split()]
    for start, end in name_chunks(text):
        words = text[start:end].split()
        if len(words) < len(wanted) or [bare(w) for w in words[-len(wanted):]] != wanted:
            continue
        after = re.match(r"(?:,\s*(?P<what>(?:a|an|the)\s[^,;\"\u201d]+?)"
                         r"|\s+(?:is|was)\s+(?P<is>(?:a|an|the)\s[^,;\"]+?))"
                         r"(?=[,;\"\u201d]|\.(?:\s|$)|$)", text[end:])
        if after:
            group = "what" if after.group("what") else "is"
            found.append(SpanCandidate(end + after.start(group), end + after.end(group), Fit.STRONG))
        if len(words) > len(wanted):
            name_start = start + len(" ".join(words[:len(words) - len(wanted)])) + 1
            titled = after_title(text, start, end)
            found.append(SpanCandidate(start, (min(titled, name_start) if titled > start else name_start) - 1,
                                       Fit.GOOD))
    return found


def _place_candidates(text: str, question: Question, question_terms: set[str],
                      terms: Terms) -> list[SpanCandidate]:
    found = []
    place_names = places()
    chunks = name_chunks(text)
    i = 0
    while i < len(chunks):
        start, end = chunks[i]
        j = i
        while j + 1 < len(chunks) and re.fullmatch(r",\s*|,?\s+(?:and|or)\s+|,\s*(?:and|or)\s+",
                                                    text[chunks[j][1]:chunks[j + 1][0]]):
            j += 1
        members = [text[s:e] for s, e in chunks[i:j + 1]]
        end = chunks[j][1]
        before = re.search(r"(\w+)\s+$", text[:start])
        locative = before is not None and fold(before.group(1)) in LOCATIVE_BEFORE_NAME
        known = [m for m in members if fold(m) in place_names and not is_demonym(m)]
        own = all(terms(m) <= question_terms for m in members)
        if not own:
            if known and len(known) == len(members):
                found.append(SpanCandidate(start, end, Fit.STRONG if locative else Fit.GOOD))
            elif (locative or len(members) > 1) and not any(
                    w in ORGANISATION_WORDS or w in titles() for m in members for w in map(bare, m.split())):
                found.append(SpanCandidate(start, end, Fit.GOOD if len(members) > 1 else Fit.WEAK))
        i = j + 1
    for match in _SITE.finditer(text):
        start, end = match.start("site"), match.end("site")
        if text[end - 1] == "." and text[start:end - 1].count(".") == 0:
            end -= 1
        if any(is_month_or_weekday(w) for w in text[start:end].split()) or terms(text[start:end]) <= question_terms:
            continue
        found.append(SpanCandidate(start, end, Fit.STRONG))
    return found


def _named_thing_candidates(text: str, question: Question, question_terms: set[str],
                            terms: Terms) -> list[SpanCandidate]:
    """For "which/what NOUN": a name right after the noun ("the political party Golos",
    "the party, Golos,"), a name whose last word is the noun ("United Airlines" for "which
    airline"), or a name led by the question's words ("French President Emmanuel Macron" for
    "which French president"); weakly, any name or list of names the question does not give."""
    if question.alternatives:
        return _choice_candidates(text, question.alternatives, terms)
    found = []
    if not question.noun:
        return found
    chunks = name_chunks(text)
    for start, end in _name_lists(text, chunks):
        if not terms(text[start:end]) & question_terms:
            found.append(SpanCandidate(start, end, Fit.WEAK))
    for start, end in chunks:
        before = re.search(r"([^\W\d_]+)\s*,?\s+$", text[:start])
        if before and terms(before.group(1)) & question.noun and not terms(text[start:end]) & question.noun:
            found.append(SpanCandidate(start, end, Fit.GOOD))
            continue
        words = text[start:end].split()
        if len(words) > 1 and terms(words[-1]) & question.noun and not terms(" ".join(words[:-1])) <= question_terms:
            found.append(SpanCandidate(start, end, Fit.GOOD))
            continue
        first = strip_leading(text, start, end, lambda w: terms(w) <= question_terms)
        if start < first < end and terms(text[start:first]) & question.noun:
            found.append(SpanCandidate(first, end, Fit.GOOD))
    return found


def _choice_candidates(text: str, alternatives: tuple[str, ...], terms: Terms) -> list[SpanCandidate]:
    """For a choice question ("high-voltage or low-voltage?"): the word of the sentence that
    is one of the alternatives by its terms ("successfully" for "success"), when the
    sentence uses exactly one of them; nothing when it uses several or none."""
    offered = [terms(a) for a in alternatives]
    used = {}
    for token in tokens(text):
        said = terms(token.text)
        for number, wanted in enumerate(offered):
            if wanted and said == wanted:
                used.setdefault(number, token)
    if len(used) != 1:
        return []
    token = next(iter(used.values()))
    return [SpanCandidate(token.start, token.end, Fit.STRONG)]


def _name_lists(text: str, chunks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each name, and each list of names ("Barcelona and Liverpool", "A, B and C"), as spans."""
    spans = list(chunks)
    i = 0
    while i < len(chunks):
        j = i
        while j + 1 < len(chunks) and _LIST_GAP.fullmatch(text[chunks[j][1]:chunks[j + 1][0]]):
            j += 1
        if j > i:
            spans.append((chunks[i][0], chunks[j][1]))
        i = j + 1
    return spans


def _clause_candidates(finder: Callable[[str], list[tuple[int, int, int]]]):
    def candidates(text: str, question: Question, question_terms: set[str], terms: Terms) -> list[SpanCandidate]:
        return [SpanCandidate(start, end, Fit(fit)) for start, end, fit in finder(text)]
    return candidates


def _score_candidates(text: str, question: Question, question_terms: set[str], terms: Terms) -> list[SpanCandidate]:
    return [SpanCandidate(m.start(), m.end(), Fit.STRONG) for m in _SCORE.finditer(text)]


# The extractor of each answer type: (sentence text, question, question terms, terms of) -> candidates.
EXTRACTORS: dict[AnswerType, Callable[[str, Question, set[str], Terms], list[SpanCandidate]]] = {
    AnswerType.QUANTITY: _quantity_candidates,
    AnswerType.DATE: _date_candidates,
    AnswerType.PERSON: _person_candidates,
    AnswerType.PLACE: _place_candidates,
    AnswerType.STATEMENT: _clause_candidates(statement_spans),
    AnswerType.REASON: _clause_candidates(reason_spans),
    AnswerType.NAME: _clause_candidates(called_spans),
    AnswerType.SCORE: _score_candidates,
    AnswerType.OTHER: _named_thing_candidates,
}


class SpanExtractor:
    """Answer spans from a corpus's sentences, with the engine's tokenizer; `model` (the
    shipped span model when None) chooses where the rules hold no good candidate (`choose`)."""

    def __init__(self, corpus: Corpus, tokenizer: Tokenizer, model: SpanModel | None = None):
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.model = model
        self.terms: Terms = lru_cache(maxsize=_CACHE)(self._terms)
        self.candidates = lru_cache(maxsize=_CACHE)(self._candidates)

    def _terms(self, text: str) -> frozenset[str]:
        return frozenset(self.tokenizer.tokens(text))

    def _candidates(self, position: int, question: Question) -> tuple[SpanCandidate, ...]:
        """The answer candidates of the sentence at `position` for `question`."""
        text = self.corpus.sentences[position].text
        question_terms = set(question.terms)
        found = EXTRACTORS[question.answer_type](text, question, question_terms, self.terms)
        if question.named:
            return tuple(found)
        # The alternatives of a choice question are the question's own words, and its answer.
        own = question_terms.difference(*map(self.terms, question.alternatives))
        return tuple(c for c in found if not self.terms(text[c.start:c.end]) <= own)

    def answer_fit(self, position: int, question: Question) -> int:
        """How well the sentence's best thing of the question's answer type fits it (a `Fit`,
        0 when it holds none that is not made only of the question's own words, or the
        question asks for no type)."""
        if question.answer_type is AnswerType.OTHER:
            return 0
        return max((int(c.fit) for c in self.candidates(position, question)), default=0)

    def extract(self, question: Question, positions: list[int]) -> Span | None:
        """The answer span from the cited sentences at `positions` (best first), or None
        when none fits."""
        question_terms = set(question.terms)
        topic = set(question.content_terms) - AUXILIARIES
        sentences = [self.corpus.sentences[p] for p in positions]
        best: tuple | None = None
        for rank, sentence in enumerate(sentences):
            found = self.candidates(sentence.position, question)
            if not found:
                continue
            text = sentence.text
            words = [(t.start, self.terms(t.text)) for t in tokens(text)]
            if rank and not any(terms & topic for _, terms in words):
                continue  # cited for its neighbours: nothing in it is what the question is about
            starts = [start for start, _ in words]
            anchor_words = [i for i, (_, terms) in enumerate(words) if terms & question_terms]
            anchors = [starts[i] for i in anchor_words]
            for candidate in found:
                distance = min((abs(a - candidate.start) for a in anchors), default=len(text))
                at = bisect.bisect_right(starts, candidate.start) - 1
                if rank and min((abs(a - at) for a in anchor_words), default=LOWER_CITATION_REACH + 1) \
                        > LOWER_CITATION_REACH:
                    continue
                key = (candidate.fit >= Fit.GOOD, -rank, candidate.fit, -distance)
                if best is None or key > best[0]:
                    best = (key, sentence, candidate)
        if best is None:
            return None
        key, sentence, candidate = best
        start, end = candidate.start, candidate.end
        text = fuller_name(sentence.text[start:end], sentences) \
            if question.answer_type is AnswerType.PERSON and not question.named else sentence.text[start:end]
        return Span(text, attribution(sentence, self.corpus, (start, end)), int(candidate.fit), -key[1])

    def choices(self, question: Question, position: int) -> Candidates:
        """The span model's candidates in the sentence at `position`, the rules' among them."""
        rules = [(c.start, c.end, int(c.fit)) for c in self.candidates(position, question)]
        return candidates(self.corpus.sentences[position].text, question, self.terms, rules)

    def choose(self, question: Question, positions: list[int], ruled: Span | None) -> Span | None:
        """The answer from the cited sentences at `positions` (best first), given the rules'
        span `ruled`: the span model's best candidate of the first cited sentence among those
        `span_model.eligible` allows (of the asked kind for a typed question); `ruled` where
        the rules answer alone (a good candidate of theirs, or an answer type the model leaves
        to them) or the sentence has no candidate."""
        ruled_fit = ruled.fit if ruled else 0
        if not positions or not chooses(question, ruled_fit):
            return ruled
        found = self.choices(question, positions[0])
        allowed = eligible(found, question, ruled_fit)
        if allowed is None or not allowed.any():
            return ruled
        scores = (self.model or shipped_span_model()).scores(found.features)
        best = int(np.where(allowed, scores, -np.inf).argmax())
        sentences = [self.corpus.sentences[p] for p in positions]
        start, end = int(found.starts[best]), int(found.ends[best])
        text = sentences[0].text[start:end]
        if question.answer_type is AnswerType.PERSON and not question.named:
            text = fuller_name(text, sentences)
        return Span(text, attribution(sentences[0], self.corpus, (start, end)))
