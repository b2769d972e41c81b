"""Sentence splitting with nltk's Punkt, built offline from shipped parameters.

`nltk.sent_tokenize` needs the downloadable `punkt_tab` model; here the Punkt tokenizer is
built from `PunktParameters` holding the shipped abbreviation list (`data/abbreviations.txt`),
optionally refined by `PunktTrainer` on the corpus itself: the trainer's orthographic context
and frequent sentence starters are kept (they decide whether "Gen. Smith" or "the U.S. The"
ends a sentence), while of the abbreviations it guesses only short alphabetic ones are kept,
so a rare word before a full stop is not mistaken for one.
"""
from __future__ import annotations

from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

from .text import load_word_list

_LEARNED_ABBREVIATION_MAX = 3


@lru_cache(maxsize=1)
def shipped_abbreviations() -> frozenset[str]:
    return load_word_list("abbreviations.txt")


class SentenceSplitter:
    """Splits a paragraph into sentence spans `[start, end)` of the text it was given."""

    def __init__(self, params: PunktParameters | None = None):
        if params is None:
            params = PunktParameters()
            params.abbrev_types = set(shipped_abbreviations())
        self._punkt = PunktSentenceTokenizer(params)

    @classmethod
    def trained_on(cls, text: str) -> "SentenceSplitter":
        """A splitter whose Punkt parameters are refined on `text` (see the module doc)."""
        trainer = PunktTrainer()
        trainer.train(text, finalize=True)
        params = trainer.get_params()
        learned = {
            abbrev for abbrev in params.abbrev_types
            if len(abbrev) <= _LEARNED_ABBREVIATION_MAX and abbrev.replace(".", "").isalpha()
        }
        params.abbrev_types = set(shipped_abbreviations()) | learned
        return cls(params)

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Sentence spans of `text[start:end]`, as offsets into `text`, stripped of blanks."""
        end = len(text) if end is None else end
        found = []
        for s, e in self._punkt.span_tokenize(text[start:end]):
            s, e = start + s, start + e
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                found.append((s, e))
        return found
