"""The one tokenizer for sentences, questions and claims.

Text is folded (Unicode compatibility forms, curly quotes and dashes, case), numbers are
normalised ("30,000" and "30000" and "30k" are one token), stop words are dropped and the
rest is stemmed with nltk's Snowball English stemmer, which needs no downloaded data.
Sentences and queries pass through the same `Tokenizer.tokens`, so their terms agree.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from nltk.stem.snowball import SnowballStemmer

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00a0": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
})
_SCALE = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}
_TOKEN = re.compile(
    r"(?P<number>\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<scale>k|mn|m|bn)?(?![a-z])"
    r"|(?P<acronym>(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_])+\.?)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)"
)


def fold(text: str) -> str:
    """Unicode-compatible, quote- and dash-folded, lower-case text."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD).lower()


def normalise_number(digits: str, scale: str | None = None) -> str:
    """'30,000' -> '30000', '30k' -> '30000', '2.50' -> '2.5'."""
    value = digits.replace(",", "")
    if scale:
        number = float(value) * _SCALE[scale]
        return str(int(number)) if number.is_integer() else repr(number)
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value


def load_word_list(name: str) -> frozenset[str]:
    """A shipped word list from `retrieval/data`: one entry a line, '#' comments."""
    text = resources.files("retrieval").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return load_word_list("stopwords-en.txt")


_stemmer = SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stem(word)


@dataclass(frozen=True)
class Tokenizer:
    """Turns text into index terms. Its `settings` are saved with an index and checked
    when the index is loaded, so a query is never tokenized differently from the index."""

    version: int = 1

    @property
    def settings(self) -> dict:
        return {
            "version": self.version,
            "stemmer": "snowball-english",
            "stopwords": "snowball-english",
            "stopword_count": len(stopwords()),
        }

    def tokens(self, text: str) -> list[str]:
        stop = stopwords()
        terms = []
        for match in _TOKEN.finditer(fold(text)):
            if match.group("number"):
                terms.append(normalise_number(match.group("number"), match.group("scale")))
                continue
            word = match.group("word") or match.group("acronym").replace(".", "")
            if word in stop:
                continue
            if word.endswith("'s"):
                word = word[:-2]
            word = word.replace("'", "")
            if word and word not in stop:
                terms.append(stem(word))
        return terms
