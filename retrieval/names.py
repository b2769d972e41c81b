"""Names in news text: runs of capitalised words, the titles before a name, and places.

A name chunk is a run of capitalised words ("Polish Foreign Minister Zbigniew Rau"),
joined over "of", "de", "al" ... when a capital follows; a sentence's first word joins only
when it is not a common word, and a possessive ends a run. Titles come from the shipped
`data/titles-en.txt`, places and demonyms from `data/places-en.txt` (see `lexicon`).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .lexicon import (ABBREVIATED_TITLES, CONNECTORS, LOCATIVE_BEFORE_NAME, SENTENCE_OPENERS, fold,
                      places, stopwords, titles)
from .models import Sentence
from .numbers import MONTHS, WEEKDAYS

_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:['\u2019\-][^\W_]+)*")


class Token(NamedTuple):
    """A word of a text and its offsets in it (a named tuple: the span extractors make
    dozens a candidate sentence, and a frozen dataclass costs half as much again)."""

    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def bare(word: str) -> str:
    """A word without its possessive and abbreviation dots, folded."""
    word = fold(word)
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace(".", "")


def name_chunks(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words ("Polish Foreign Minister Zbigniew Rau", "NATO and European
    Union Department" is two), joined over "of", "de", "al" ... when a capital follows.
    A sentence's first word joins only when it is not a common word; a possessive ends a run."""
    words = tokens(text)
    chunks = []
    i = 0
    while i < len(words):
        if not is_capitalised(words[i].text) or is_month_or_weekday(words[i].text):
            i += 1
            continue
        j = i
        while j + 1 < len(words):
            gap = text[words[j].end:words[j + 1].start]
            after_title = gap in (". ", ".") and bare(words[j].text) in ABBREVIATED_TITLES
            if gap != " " and not after_title or words[j].text.endswith(("'s", "\u2019s")):
                break
            nxt = words[j + 1].text
            if is_capitalised(nxt) and not is_month_or_weekday(nxt):
                j += 1
            elif (nxt in CONNECTORS and nxt != "and" and j + 2 < len(words)
                  and is_capitalised(words[j + 2].text)
                  and text[words[j + 1].end:words[j + 2].start] == " "):
                j += 2
            else:
                break
        first = i
        if _starts_sentence(text, words[i]) and _is_common_word(words[i].text):
            first = i + 1
        if first <= j:
            end = words[j].end
            if words[j].text.endswith(("'s", "\u2019s")):
                end -= 2
            chunks.append((words[first].start, end))
        i = j + 1
    return chunks


def _starts_sentence(text: str, token: Token) -> bool:
    return not text[:token.start].strip(" \"'\u201c\u2018([")


def _is_common_word(word: str) -> bool:
    lowered = fold(word)
    return (lowered in stopwords() or lowered.endswith(("ly", "ing")) or lowered in LOCATIVE_BEFORE_NAME
            or lowered in SENTENCE_OPENERS)


def is_month_or_weekday(word: str) -> bool:
    return bare(word) in MONTHS or bare(word) in WEEKDAYS


def strip_leading(text: str, start: int, end: int, drop) -> int:
    """The start of `text[start:end]` past its leading words that `drop` accepts."""
    for token in tokens(text[start:end]):
        if not drop(token.text):
            return start + token.start
    return end


def after_title(text: str, start: int, end: int) -> int:
    """Where the name starts in a chunk that may open with a title: past the last title word
    that has words after it ("Polish Foreign Minister | Zbigniew Rau"), else past leading
    demonyms and place names ("French | Macron")."""
    words = tokens(text[start:end])
    last_title = max((i for i, t in enumerate(words[:-1]) if bare(t.text) in titles()), default=None)
    if last_title is not None:
        return start + words[last_title + 1].start
    return strip_leading(text, start, end, lambda w: fold(w) in places() or bare(w) in places())


def is_demonym(name: str) -> bool:
    return places().get(fold(name), name) != name


def fuller_name(name: str, sentences: list[Sentence]) -> str:
    """A one-word name ("Rau") as it is written in full in one of `sentences` ("Zbigniew Rau")."""
    if " " in name:
        return name
    for sentence in sentences:
        for start, end in name_chunks(sentence.text):
            chunk = sentence.text[start:end]
            if chunk.endswith(" " + name):
                first = after_title(sentence.text, start, end)
                if first < end - len(name):
                    return sentence.text[first:end]
    return name
