"""What a question asks for: its answer type and the content terms to look for.

The answer type comes from the question's form: "how many/much" asks for a quantity,
"how long/far/close/big/old..." for a measure, "when / what year / what day" for a date,
"who / whom / whose" for a person or organisation, "where / which country|city..." for a
place. Words that only shape the question ("how many", "how close", "what kind of") are
not content: a sentence need not hold them to answer.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .text import Tokenizer, fold

MAX_QUESTION_CHARS = 2000


class AnswerType(str, enum.Enum):
    QUANTITY = "quantity"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    OTHER = "other"


_PLACE_NOUNS = (r"(country|countries|city|cities|town|towns|state|states|nation|nations|region|regions|"
                r"capital|place|places|location|border)")
_TIME_NOUNS = r"(year|years|month|months|day|days|date|dates|time|century|decade|week)"
_FORMS: list[tuple[re.Pattern, AnswerType]] = [
    (re.compile(r"\bhow (many|much)\b"), AnswerType.QUANTITY),
    (re.compile(r"\bhow (long|far|close|big|large|old|high|tall|deep|wide|often|heavy|fast|near)\b"),
     AnswerType.QUANTITY),
    (re.compile(r"\b(what|which) (percentage|percent|number|amount|share|proportion)\b"), AnswerType.QUANTITY),
    (re.compile(rf"\b(when|(what|which|until what|in what) {_TIME_NOUNS})\b"), AnswerType.DATE),
    (re.compile(r"\b(who|whom|whose)\b"), AnswerType.PERSON),
    (re.compile(rf"\b(where|(what|which) {_PLACE_NOUNS})\b"), AnswerType.PLACE),
]
_FORM_WORDS = re.compile(
    r"\bhow (many|much|long|far|close|big|large|old|high|tall|deep|wide|often|heavy|fast|near)\b"
    r"|\b(what|which) (kind|type|sort|number|amount) of\b"
    r"|\b(what|which) (percentage|percent|number|amount|share|proportion)\b"
    rf"|\b(what|which|until what|in what) {_TIME_NOUNS}\b"
    r"|\b(does|did|do) the article (say|mention|state|report)\b"
)


_HOW = re.compile(r"\bhow (many|much|long|far|close|near|big|large|old|high|tall|deep|wide|often|heavy|fast)\b")
_WHICH = re.compile(r"\b(which|what)\s+(.+)")
_TIME_NOUN = re.compile(r"\b(?:what|which|in what|until what)\s+(year|month|day|date|time)\b")
_NAMED = re.compile(r"\s*[Ww]ho\s+(?:is|was|are|were)\s+(?P<name>(?:[A-Z][\w'.\-]*\s*)+)\?*\s*")
_AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "was", "were", "has", "have", "had",
                          "will", "would", "can", "could", "should", "may", "might", "must"})
_AUTHOR = re.compile(
    r"\b(who (wrote|writes|authored|reported|is the (author|writer|reporter))|"
    r"(author|authors|writer|writers|byline) of)\b.*\b(article|story|piece|report|this)\b"
)


@dataclass(frozen=True)
class Question:
    """An analysed question. Beyond its answer type and terms, what its wording asks:
    `how` is the word after "how" ("many", "long" ...); `counted` the terms of the thing
    a "how many/much X" question counts (an answer must be about it); `noun` the terms of
    the X in "which/what X"; `time_noun` the unit in "what year/month/day"; `preposition`
    an opening "until/since/by"; `named` the NAME of "who is NAME?"; `asks_author` marks
    questions about who wrote the piece, answered from its byline."""

    text: str
    answer_type: AnswerType
    terms: tuple[str, ...]
    content_terms: tuple[str, ...]
    how: str | None = None
    counted: frozenset[str] = frozenset()
    noun: frozenset[str] = frozenset()
    time_noun: str | None = None
    preposition: str | None = None
    named: str | None = None
    asks_author: bool = False


def analyse(text: str, tokenizer: Tokenizer) -> Question:
    """The question's answer type, terms, content terms and wording (see `Question`)."""
    folded = fold(text)
    answer_type = next((kind for pattern, kind in _FORMS if pattern.search(folded)), AnswerType.OTHER)
    content = tokenizer.tokens(_FORM_WORDS.sub(" ", folded))
    how = _HOW.search(folded)
    counted = (frozenset(tokenizer.tokens(" ".join(_phrase_after(folded[how.end():]))))
               if how and how.group(1) in ("many", "much") else frozenset())
    which = _WHICH.search(folded)
    noun = (frozenset(tokenizer.tokens(" ".join(_phrase_after(which.group(2))[:3])))
            if which and which.group(2).split()[0] not in _AUXILIARIES else frozenset())
    time_noun = _TIME_NOUN.search(folded)
    words = re.findall(r"[^\W_]+(?:['.\-][^\W_]+)*\.?", folded)
    named = _NAMED.fullmatch(text)
    return Question(
        text, answer_type, tuple(tokenizer.tokens(text)), tuple(content),
        how=how.group(1) if how else None,
        counted=counted,
        noun=noun,
        time_noun=time_noun.group(1) if time_noun else None,
        preposition=next((w for w in words[:3] if w in ("until", "since", "till", "through", "by")), None),
        named=named.group("name").strip() if named else None,
        asks_author=bool(_AUTHOR.search(folded)),
    )


def _phrase_after(text: str) -> list[str]:
    """The words up to the question's verb: 'additional U.S. troops' of '... did Biden deploy?'."""
    phrase = []
    for word in text.split():
        word = word.strip("?,.!;:")
        if not word or word in _AUXILIARIES:
            break
        phrase.append(word)
    return phrase
