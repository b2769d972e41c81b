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


_PLACE_NOUNS = r"(country|countries|city|cities|town|towns|state|states|nation|nations|region|regions|capital|place|places|location|border)"
_TIME_NOUNS = r"(year|years|month|months|day|days|date|dates|time|century|decade|week)"
_FORMS: list[tuple[re.Pattern, AnswerType]] = [
    (re.compile(r"\bhow (many|much)\b"), AnswerType.QUANTITY),
    (re.compile(r"\bhow (long|far|close|big|large|old|high|tall|deep|wide|often|heavy|fast|near)\b"), AnswerType.QUANTITY),
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


_COUNTED = re.compile(r"\bhow (?:many|much) (\S+)")
_MEASURE = re.compile(r"\bhow (long|far|close|near|big|large|high|tall|deep|wide|heavy|fast)\b")
_AUTHOR = re.compile(
    r"\b(who (wrote|writes|authored|reported|is the (author|writer|reporter))|"
    r"(author|authors|writer|writers|byline) of)\b.*\b(article|story|piece|report|this)\b"
)


@dataclass(frozen=True)
class Question:
    """`focus` is the thing counted in "how many X" questions: an answer must be about it.
    `measure` marks "how long/far/close..." questions, answered by a number with a unit.
    `asks_author` marks questions about who wrote the piece, answered from its byline."""

    text: str
    answer_type: AnswerType
    terms: tuple[str, ...]
    content_terms: tuple[str, ...]
    focus: str | None = None
    measure: bool = False
    asks_author: bool = False


def analyse(text: str, tokenizer: Tokenizer) -> Question:
    """The question's answer type, all its terms, and its content terms."""
    folded = fold(text)
    answer_type = next((kind for pattern, kind in _FORMS if pattern.search(folded)), AnswerType.OTHER)
    content = tokenizer.tokens(_FORM_WORDS.sub(" ", folded))
    counted = _COUNTED.search(folded)
    focus = next(iter(tokenizer.tokens(counted.group(1))), None) if counted else None
    return Question(text, answer_type, tuple(tokenizer.tokens(text)), tuple(content), focus,
                    measure=bool(_MEASURE.search(folded)), asks_author=bool(_AUTHOR.search(folded)))
