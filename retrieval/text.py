"""The one tokenizer for sentences, questions and claims.

Text is folded (Unicode compatibility forms, curly quotes and dashes, case), numbers are
normalised ("30,000", "30000", "30k" and "thirty thousand" are one token), stop words are
dropped and the rest is stemmed with nltk's Snowball English stemmer, which needs no
downloaded data. A shipped paraphrase table (`data/paraphrases-en.txt`) then maps news
synonyms to one term ("soldiers" and "troops", "U.S." and "American"). Sentences and
queries pass through the same `Tokenizer.tokens`, so their terms agree.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from nltk.stem.snowball import SnowballStemmer

from .lexicon import PARAPHRASES, fold, fold_keeping_case, load_data_lines, stopwords
from .numbers import NUMBER_WORDS, SCALES, SUFFIX_SCALES, parse_number_words

__all__ = ["Tokenizer", "fold", "normalise_number", "paraphrases", "stem", "stopwords"]

_TOKEN = re.compile(
    r"(?<!\d)(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)(?!\d)(?:(?P<scale>k|mn|m|bn)(?![a-z]))?"
    r"|(?P<acronym>(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_])+\.?)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)"
)


def normalise_number(digits: str, scale: str | None = None) -> str:
    """'30,000' -> '30000', '30k' -> '30000', '2.50' -> '2.5'."""
    value = digits.replace(",", "")
    if scale:
        number = float(value) * SUFFIX_SCALES[scale]
        return str(int(number)) if number.is_integer() else repr(number)
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value


_stemmer = SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stem(word)


_MAX_ACRONYM_LETTERS = 5


class _Word(NamedTuple):
    """A word or number of the text: `key` is how the paraphrase table looks it up
    ("u.s." for "U.S." and "US"), `word` what its term is made from. A named tuple, as a
    sentence makes dozens: a frozen dataclass costs several times more to make."""

    key: str
    word: str
    is_number: bool = False


def _words(text: str) -> list[_Word]:
    cased = fold_keeping_case(text)
    folded = cased.lower()
    if len(folded) != len(cased):
        cased = folded
    words = []
    for match in _TOKEN.finditer(folded):
        if match.group("number"):
            digits = normalise_number(match.group("number"), match.group("scale"))
            words.append(_Word(digits, digits, True))
        elif match.group("acronym"):
            dotted = match.group("acronym")
            words.append(_Word(dotted if dotted.endswith(".") else dotted + ".", dotted.replace(".", "")))
        else:
            original = cased[match.start("word"):match.end("word")]
            lowered = match.group("word")
            word = "" if lowered in stopwords() else lowered.removesuffix("'s").replace("'", "")
            capitals = original.isupper() and 2 <= len(original) <= _MAX_ACRONYM_LETTERS
            words.append(_Word(".".join(word) + "." if capitals and word else word or lowered, word))
    return words


def _spelled_numbers(words: list[_Word]) -> list[_Word]:
    """'thirty thousand' and '30 thousand' become the number token '30000'."""
    merged: list[_Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.is_number and i + 1 < len(words) and words[i + 1].word in SCALES:
            digits = normalise_number(str(float(word.word) * SCALES[words[i + 1].word]))
            merged.append(_Word(digits, digits, True))
            i += 2
            continue
        run = []
        while i < len(words) and (words[i].word in NUMBER_WORDS or words[i].key == "and" and run
                                  and run[-1] == "hundred" and i + 1 < len(words)
                                  and words[i + 1].word in NUMBER_WORDS):
            run.append(words[i].word)
            i += 1
        if run == ["one"]:
            merged.append(words[i - 1])
        elif run:
            digits = normalise_number(str(parse_number_words(run)))
            merged.append(_Word(digits, digits, True))
        else:
            merged.append(word)
            i += 1
    return merged


@lru_cache(maxsize=1)
def paraphrases() -> dict[tuple[str, ...], str]:
    """The shipped paraphrase table: a phrase's lookup keys -> its group's term."""
    table: dict[tuple[str, ...], str] = {}
    for line in load_data_lines(PARAPHRASES):
        entries = [[w.key for w in _words(entry)] for entry in line.split(",") if entry.strip()]
        term = stem(_words(line.split(",")[0])[0].word)
        for keys in entries:
            table[tuple(keys)] = term
    return table


@lru_cache(maxsize=1)
def _phrase_lengths() -> dict[str, int]:
    """For each first key of a paraphrase entry, the length of the longest entry it starts."""
    lengths: dict[str, int] = {}
    for keys in paraphrases():
        lengths[keys[0]] = max(lengths.get(keys[0], 0), len(keys))
    return lengths


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Tokenizer:
    """Turns text into index terms. Its `settings` are saved with an index and checked
    when the index is loaded, so a query is never tokenized differently from the index.
    `paraphrase` applies the shipped paraphrase table and reads numbers in words."""

    version: int = 2
    paraphrase: bool = True

    @property
    def settings(self) -> dict:
        return {
            "version": self.version,
            "stemmer": "snowball-english",
            "stopwords": "snowball-english",
            "stopwords_sha256": _digest(sorted(stopwords())),
            "paraphrases_sha256": _digest(sorted(map(repr, paraphrases().items()))) if self.paraphrase else None,
        }

    @classmethod
    def from_settings(cls, settings: dict) -> "Tokenizer | None":
        """The tokenizer whose `settings` these are, or None when this factbot has none
        (another tokenizer version, or other shipped word lists)."""
        return next((tokenizer for tokenizer in (cls(), cls(paraphrase=False))
                     if tokenizer.settings == settings), None)

    def tokens(self, text: str) -> list[str]:
        stop = stopwords()
        words = _words(text)
        if self.paraphrase:
            words = _spelled_numbers(words)
        table = paraphrases() if self.paraphrase else {}
        lengths = _phrase_lengths() if self.paraphrase else {}
        terms = []
        i = 0
        while i < len(words):
            word = words[i]
            if word.is_number:
                terms.append(word.word)
                i += 1
                continue
            longest = max(lengths.get(word.key, 0), (word.word,) in table)
            for length in range(min(longest, len(words) - i), 0, -1):
                term = table.get(tuple(w.key for w in words[i:i + length]))
                if term is None and length == 1:
                    term = table.get((word.word,))
                if term is not None:
                    terms.append(term)
                    i += length
                    break
            else:
                if word.word and word.word not in stop:
                    terms.append(stem(word.word))
                i += 1
        return terms
