"""Sentence splitting with nltk's Punkt, built offline from shipped parameters.

`nltk.sent_tokenize` needs the downloadable `punkt_tab` model; here the Punkt tokenizer is
built from `PunktParameters` holding the shipped abbreviation list (`data/abbreviations.txt`),
optionally refined by `PunktTrainer` on the corpus itself: the trainer's orthographic context
and frequent sentence starters are kept (they decide whether "Gen. Smith" or "the U.S. The"
ends a sentence), while of the abbreviations it guesses only short alphabetic ones seen at least
twice with their full stop are kept, so a rare word before a full stop is not mistaken for one.
Two general corrections to Punkt: capitalised function words ("The", "But", "In" ...) count
as sentence starters after an abbreviation, and a lower-case continuation after "?" or "!"
("'Why?' he asked.") stays in the sentence it continues.
"""
from __future__ import annotations

import re
from functools import lru_cache

from nltk.tokenize.punkt import (_ORTHO_BEG_UC, _ORTHO_MID_LC, _ORTHO_UNK_LC, PunktParameters,
                                 PunktSentenceTokenizer, PunktTrainer)

from .lexicon import abbreviations, stopwords

_LEARNED_ABBREVIATION_MAX = 3
# Punkt takes a short word seen once, before a full stop, for an abbreviation: on one news
# article it learned "lab", "too", "had", "set", "bid", ... and joined the sentences after them.
_LEARNED_ABBREVIATION_SEEN = 2
_ENDS_QUESTION_OR_EXCLAMATION = re.compile(r"[?!][\"'\u201d\u2019)\]]*$")


def _times_stopped(word: str, text: str) -> int:
    """How often `word` stands in `text` followed by a full stop (any case)."""
    return len(re.findall(rf"(?<![^\W\d_]){re.escape(word)}\.", text, re.IGNORECASE))


@lru_cache(maxsize=1)
def shipped_abbreviations() -> frozenset[str]:
    return abbreviations()


class SentenceSplitter:
    """Splits a paragraph into sentence spans `[start, end)` of the text it was given."""

    def __init__(self, params: PunktParameters | None = None):
        if params is None:
            params = PunktParameters()
            params.abbrev_types = set(shipped_abbreviations())
        params.sent_starters = set(params.sent_starters) | stopwords()
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
            and _times_stopped(abbrev, text) >= _LEARNED_ABBREVIATION_SEEN
        }
        params.abbrev_types = set(shipped_abbreviations()) | learned
        # Punkt takes a capitalised word it has also seen in lower case for a sentence start,
        # which splits "a senior U.S. State Department official" when "state" occurs elsewhere;
        # that evidence only counts for words also seen capitalised at a sentence start.
        for word, flags in list(params.ortho_context.items()):
            if not flags & _ORTHO_BEG_UC:
                params.ortho_context[word] = flags & ~(_ORTHO_MID_LC | _ORTHO_UNK_LC)
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
            if s == e:
                continue
            continues = found and text[s].islower() and _ENDS_QUESTION_OR_EXCLAMATION.search(
                text, found[-1][0], found[-1][1])
            if continues:
                found[-1] = (found[-1][0], e)
            else:
                found.append((s, e))
        return found
