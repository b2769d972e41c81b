"""A learned choice among candidate answer spans of a sentence.

Candidates are the rule extractors' spans (`spans.EXTRACTORS`) and general ones: every run
of up to `MAX_WORDS` words inside one stretch of the sentence that no punctuation cuts,
neither starting nor ending with a stop word (numbers may), and without the question's own
content words but for one that may end it ("Pulfrich effect" for "what effect"). A
capitalised chunk, a figure with its unit, a quoted or bracketed phrase and the phrase after
a preposition are all such runs; the features say which.

Each candidate is described by general features (`FEATURE_NAMES`): its length, case and
digits; the words around it (a preposition, "is/was", a determiner, a question word); word
endings standing in for parts of speech; how far it stands from the question's words in the
sentence and on which side they are; the rule extractors' fit; and some of these crossed
with the question's form ("what is",
"what NOUN", "which", "who" ...). `SpanModel` scores them with weights learned by
`training/spans.py` (logistic regression over SQuAD v1.1 dev, L2), shipped as plain JSON in
`data/span-model.json` with the data and licence it was trained on. Everything is computed
with numpy over the sentence's words at once, so a sentence costs well under a millisecond.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .lexicon import SPEECH_VERBS, fold
from .question import AUXILIARIES, AnswerType, Question

MAX_WORDS = 8
# The answer types whose weak rule candidates the model ranks, where the first citation holds
# no good one: person and place gained in `training/spans.py`'s cross-validated figures;
# quantities and dates are left to the rules.
RANKED = frozenset({AnswerType.PERSON, AnswerType.PLACE})
_GOOD = 2  # spans.Fit.GOOD (spans imports this module)
_WORD = re.compile(r"[$\u00a3\u20ac]?\d+(?:[,.]\d+)*%?|(?:[^\W\d_]\.){2,}|[^\W_]+(?:['\u2019\-][^\W_]+)*")
# Closed-class words, all of them in the Snowball English stop word list
# (snowballstem.org/algorithms/english/stop.txt), grouped by what they signal before a phrase.
_PREPOSITIONS = frozenset({"about", "above", "after", "against", "at", "before", "below", "between", "by",
                           "during", "for", "from", "in", "into", "of", "off", "on", "out", "over", "through",
                           "to", "under", "until", "up", "with"})
_COPULAS = frozenset({"is", "are", "was", "were", "be", "been", "being", "as"})  # "as" as in "known as"
_DETERMINERS = frozenset({"a", "an", "the"})
_AUXILIARIES = AUXILIARIES - _COPULAS
_RELATIVES = frozenset({"which", "that", "who", "whom", "whose", "where", "when"})
_CONJUNCTIONS = frozenset({"and", "or"})
_SPEECH = re.compile(SPEECH_VERBS)
_YEAR = re.compile(r"1\d{3}|20\d{2}")
_WH = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b(?:\s+(\S+))?")
FORMS = ("what_is", "what_noun", "what_do", "which", "who", "when", "where", "why", "how", "other")
_CROSSED = ("len1", "len2", "len3", "len_log", "first_cap", "cap_share", "digit", "year", "after_preposition",
            "after_copula", "noun_beside", "near", "whole_stretch", "rule", "before_copula", "question_near_left",
            "question_near_right", "after_question_word", "before_question_word", "holds_question_word", "lower",
            "last_plural", "stop_inside")
_PLAIN = ("len1", "len2", "len3", "len4", "len5", "len6", "len7", "len8", "len_log", "first_cap", "cap_share",
          "all_caps", "lower", "digit", "year", "number", "stop_inside", "after_preposition", "after_copula",
          "after_determiner", "after_question_word", "before_question_word", "starts_stretch", "ends_stretch",
          "whole_stretch", "left_distance", "right_distance", "left_question_word", "right_question_word", "near",
          "question_left", "question_right", "bracketed", "quoted", "ends_sentence", "after_comma", "rule",
          "rule_fit", "noun_beside", "noun_last", "position", "stretch_has_question_word", "holds_noun",
          "holds_question_word", "question_near_left", "question_near_right", "before_copula", "before_relative",
          "after_of", "after_by", "after_conjunction", "before_conjunction", "first_ed", "first_ing", "first_ly",
          "last_ed", "last_ing", "last_ly", "last_plural", "inner_ed", "speech_verb")
FEATURE_NAMES = (*_PLAIN, *(f"{form}:{name}" for form in FORMS for name in _CROSSED))
_COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}

Terms = Callable[[str], frozenset[str]]
_FLAGS = ("stop", "asked", "noun", "digit", "capital", "caps", "year", "ed", "ing", "ly", "plural", "speech",
          "preposition", "copula", "determiner", "relative", "of", "by", "conjunction")


@lru_cache(maxsize=65_536)
def _word_shape(word: str) -> tuple[bool, ...]:
    """A word's flags that do not depend on the question, in the order of `_FLAGS` from
    "digit". Word endings stand in for parts of speech (no tagger data ships): a lower-case
    word in -ed is mostly a verb, in -ly an adverb, in -ing a verb or gerund, in -s a plural."""
    lowered = fold(word)
    long_lower = word.islower() and len(word) > 4
    return (any(c.isdigit() for c in word), word[:1].isupper(), len(word) > 1 and word.isupper(),
            _YEAR.fullmatch(word) is not None, long_lower and word.endswith("ed"),
            long_lower and word.endswith("ing"), long_lower and word.endswith("ly"), long_lower and word.endswith("s"),
            _SPEECH.fullmatch(lowered) is not None, lowered in _PREPOSITIONS, lowered in _COPULAS,
            lowered in _DETERMINERS, lowered in _RELATIVES, lowered == "of", lowered == "by", lowered in _CONJUNCTIONS)


def question_form(question: Question) -> str:
    """The question's form among `FORMS`: its wh-word, with "what" split by the word after it."""
    match = _WH.search(fold(question.text))
    if match is None:
        return "other"
    wh, after = match.group(1), (match.group(2) or "").strip("?,.!")
    if wh == "what":
        if after in _COPULAS or after in ("'s", "s") or after.endswith("'s"):
            return "what_is"
        return "what_do" if after in _AUXILIARIES else "what_noun"
    return {"whom": "who", "whose": "who"}.get(wh, wh)


@dataclass(frozen=True)
class Candidates:
    """A sentence's candidate spans: `starts[i]:ends[i]` of its text, the rules' fit of it
    (0 when no rule found it), and feature row i."""

    starts: np.ndarray
    ends: np.ndarray
    fits: np.ndarray
    features: np.ndarray


_NONE = Candidates(np.zeros(0, int), np.zeros(0, int), np.zeros(0), np.zeros((0, len(FEATURE_NAMES))))


def chooses(question: Question, ruled_fit: int) -> bool:
    """Whether the span model may choose for `question` whose rules' answer has fit
    `ruled_fit` (0 for none): not for a keyword search or a yes/no question (no thing is asked
    for: `Question.asks_for_thing`), nor for the answer types it leaves to the rules, nor for a
    question of no answer type where the rules' answer is good in any cited sentence (a name
    set beside the asked noun, "the party Golos", is precise wherever it stands)."""
    if not question.asks_for_thing:
        return False
    if question.answer_type is AnswerType.OTHER:
        return ruled_fit < _GOOD
    return question.answer_type in RANKED


def eligible(found: Candidates, question: Question, ruled_fit: int) -> np.ndarray | None:
    """Which of `found` (the first cited sentence's candidates) the span model may choose, or
    None where the rules answer alone: where it does not choose (`chooses`), and where the
    first cited sentence holds a rules' candidate of at least GOOD fit. Otherwise any candidate
    for a question of no answer type; the rules' weak ones for a type in `RANKED`, even when
    the rules' answer is a good one from a lower citation (mostly another person or place:
    SQuAD F1 0.05 against 0.51 for the model's choice in the first)."""
    if not chooses(question, ruled_fit) or found.fits.max(initial=0) >= _GOOD:
        return None
    if question.answer_type is AnswerType.OTHER:
        return np.ones(len(found.starts), dtype=bool)
    return found.fits > 0


def candidates(text: str, question: Question, terms: Terms,
               rule_spans: Sequence[tuple[int, int, int]] = ()) -> Candidates:
    """The candidate spans of `text` for `question` and their features; `rule_spans` are the
    rule extractors' (start, end, fit) in this text, kept as candidates and marked."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    n = len(words)
    if n == 0:
        return _NONE
    question_terms = set(question.terms)
    starts = np.array([s for s, _ in words])
    ends = np.array([e for _, e in words])
    flags = np.array([(not t, bool(t) and t <= question_terms, bool(t & question.noun), *_word_shape(w))
                      for w, t in ((w, terms(w)) for w in (text[s:e] for s, e in words))],
                     dtype=bool).reshape(n, len(_FLAGS))
    flag = {name: flags[:, k] for k, name in enumerate(_FLAGS)}
    stop, asked, digit, noun = flag["stop"], flag["asked"], flag["digit"], flag["noun"]
    gaps = [text[:starts[0]], *(text[ends[i]:starts[i + 1]] for i in range(n - 1)), text[ends[-1]:]]
    cut = np.array([bool(g.strip()) for g in gaps])  # cut[i]: punctuation before word i (i == n: after the last)
    stretch = np.cumsum(cut[:n])
    asked_sum = np.concatenate([[0], np.cumsum(asked)])

    first, offset = np.divmod(np.arange(n * MAX_WORDS), MAX_WORDS)
    last = first + offset
    inside = last < n
    first, last = first[inside], last[inside]
    bounded = ~stop | digit
    plain_run = (bounded[first] & ~asked[first] & bounded[last] & (stretch[last] == stretch[first])
                 & (asked_sum[last + 1] == asked_sum[first]))
    first, last = first[plain_run], last[plain_run]
    # A run may take one question word after it ("Pulfrich effect" for "what effect").
    grown = last + 1 < n
    grown[grown] &= asked[last[grown] + 1] & (stretch[last[grown] + 1] == stretch[first[grown]])
    grown &= last + 1 - first < MAX_WORDS
    keys = np.concatenate([first * n + last, first[grown] * n + last[grown] + 1])
    ruled_keys, ruled_fits = [], []
    for start, end, fit in rule_spans:
        i, j = np.searchsorted(starts, start), np.searchsorted(ends, end)
        if i <= j < n and starts[i] == start and ends[j] == end:
            ruled_keys.append(i * n + j)
            ruled_fits.append(fit)
    keys = np.unique(np.concatenate([keys, ruled_keys]).astype(int))
    if not len(keys):
        return _NONE
    first, last = np.divmod(keys, n)
    fit = np.zeros(len(keys))
    np.maximum.at(fit, np.searchsorted(keys, np.array(ruled_keys, dtype=int)), np.array(ruled_fits, dtype=float))
    length = last - first + 1

    totals = np.zeros((n + 1, len(_FLAGS)))
    totals[1:] = np.cumsum(flags, axis=0)
    inside_counts = totals[last + 1] - totals[first]
    count = {name: inside_counts[:, k] for k, name in enumerate(_FLAGS)}
    padded = np.zeros((n + 2, len(_FLAGS)), dtype=bool)
    padded[1:n + 1] = flags
    before_flags = padded[first] & ~cut[first, None]  # the word before the span, in its stretch
    after_flags = padded[last + 2] & ~cut[last + 1, None]
    before = {name: before_flags[:, k] for k, name in enumerate(_FLAGS)}
    after = {name: after_flags[:, k] for k, name in enumerate(_FLAGS)}
    gap_flags = np.array([(g.rstrip().endswith(("(", "[")), g.rstrip().endswith(('"', "\u201c", "'", "\u2018")),
                           g.lstrip().startswith(('"', "\u201d", "'", "\u2019")), g.strip().endswith((",", ";", ":")))
                          for g in gaps], dtype=bool)

    asked_at = np.flatnonzero(asked)
    left = np.searchsorted(asked_at, first) - 1
    right = np.searchsorted(asked_at, last, side="right")
    has_left = left >= 0
    has_right = right < len(asked_at)
    left_distance = np.where(has_left, first - asked_at[np.clip(left, 0, None)] if len(asked_at) else 0, n)
    right_distance = np.where(has_right, asked_at[np.clip(right, 0, len(asked_at) - 1)] - last
                              if len(asked_at) else 0, n)
    asked_total = max(len(asked_at), 1)
    stretch_asked = np.bincount(stretch, weights=asked, minlength=stretch.max() + 1)
    window = 3
    near_left = (asked_sum[first] - asked_sum[np.maximum(first - window, 0)]) / window
    near_right = (asked_sum[np.minimum(last + 1 + window, n)] - asked_sum[last + 1]) / window
    plain = {
        **{f"len{k}": (length == k) | ((k == MAX_WORDS) & (length > MAX_WORDS)) for k in range(1, 9)},
        "len_log": np.log(length),
        "first_cap": flag["capital"][first],
        "cap_share": count["capital"] / length,
        "all_caps": count["caps"] == length,
        "lower": count["capital"] == 0,
        "digit": count["digit"] > 0,
        "year": count["year"] > 0,
        "number": count["digit"] == length,
        "stop_inside": count["stop"] / length,
        "after_preposition": before["preposition"],
        "after_copula": before["copula"],
        "after_determiner": before["determiner"],
        "after_question_word": before["asked"],
        "before_question_word": after["asked"],
        "starts_stretch": cut[first],
        "ends_stretch": cut[last + 1],
        "whole_stretch": cut[first] & cut[last + 1],
        "left_distance": np.log1p(left_distance),
        "right_distance": np.log1p(right_distance),
        "left_question_word": has_left,
        "right_question_word": has_right,
        "near": 1.0 / (1.0 + np.minimum(left_distance, right_distance)),
        "question_left": (left + 1) / asked_total,
        "question_right": (len(asked_at) - right) / asked_total,
        "bracketed": gap_flags[first, 0],
        "quoted": gap_flags[first, 1] & gap_flags[last + 1, 2],
        "ends_sentence": last == n - 1,
        "after_comma": gap_flags[first, 3],
        "rule": fit > 0,
        "rule_fit": fit / 4,
        "noun_beside": before["noun"] | after["noun"],
        "noun_last": noun[last],
        "position": first / n,
        "stretch_has_question_word": stretch_asked[stretch[first]] > 0,
        "holds_noun": count["noun"] > 0,
        "holds_question_word": count["asked"] > 0,
        "question_near_left": near_left,
        "question_near_right": near_right,
        "before_copula": after["copula"],
        "before_relative": after["relative"],
        "after_of": before["of"],
        "after_by": before["by"],
        "after_conjunction": before["conjunction"],
        "before_conjunction": after["conjunction"],
        "first_ed": flag["ed"][first],
        "first_ing": flag["ing"][first],
        "first_ly": flag["ly"][first],
        "last_ed": flag["ed"][last],
        "last_ing": flag["ing"][last],
        "last_ly": flag["ly"][last],
        "last_plural": flag["plural"][last],
        "inner_ed": count["ed"] > 0,
        "speech_verb": count["speech"] > 0,
    }
    x = np.zeros((len(first), len(FEATURE_NAMES)))
    for name, values in plain.items():
        x[:, _COLUMN[name]] = values
    form = question_form(question)
    for name in _CROSSED:
        x[:, _COLUMN[f"{form}:{name}"]] = plain[name]
    return Candidates(starts[first], ends[last], fit, x)


@dataclass(frozen=True)
class SpanChoices:
    """What `training/spans.py` learns from for one question: the candidates of its first
    cited sentence (their texts, features, and which the model may choose: `eligible`), its
    answer type, whether it is answered, and the rules' answer."""

    texts: tuple[str, ...]
    features: np.ndarray
    eligible: np.ndarray | None
    answer_type: str
    found: bool
    answer: str | None


@dataclass(frozen=True)
class SpanModel:
    """A logistic model over `FEATURE_NAMES`: standardised features, weights, bias."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def scores(self, features: np.ndarray) -> np.ndarray:
        """Each candidate's log-odds of being the answer."""
        return ((features - self.mean) / self.scale) @ self.weights + self.bias

    @classmethod
    def from_json(cls, data: dict) -> "SpanModel":
        if tuple(data["names"]) != FEATURE_NAMES:
            raise ValueError("the span model's features are not this factbot's; rerun training/spans.py")
        return cls(tuple(data["names"]), np.array(data["mean"], dtype=float), np.array(data["scale"], dtype=float),
                   np.array(data["weights"], dtype=float), float(data["bias"]))


@lru_cache(maxsize=1)
def shipped_span_model() -> SpanModel:
    text = resources.files("retrieval").joinpath("data", "span-model.json").read_text(encoding="utf-8")
    return SpanModel.from_json(json.loads(text))
