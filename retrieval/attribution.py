"""Who says what a sentence reports.

A sentence that reports speech ("according to NATO officials", "Rau told Foreign Policy",
"said a senior U.S. State Department official") names who says it; a quotation without a
speaker takes the speaker of the neighbouring sentence of the same quotation in the same
article. A pronoun speaker ("he added") is resolved to the last speaker named before it,
and a surname is completed from the same article ("Rau" -> "Zbigniew Rau").
"""
from __future__ import annotations

import re

from .corpus import Corpus
from .lexicon import ARTICLES, PRONOUNS, SPEECH_VERBS, fold
from .models import Sentence
from .names import fuller_name, is_capitalised

# A speaker ends at a comma, colon, quote or full stop; "U.S." and "J." are not full stops.
_SPEAKER_END = r"(?=\s*(?:[,;:\"]|(?<!\b[A-Z])\.(?:\s|$)|$))"
_ACCORDING_TO = re.compile(rf"\baccording to (?P<speaker>[^,;:\"]+?){_SPEAKER_END}")
_SPEAKER_AFTER_VERB = re.compile(
    rf"(?:,\s*\"?|[?!]\"|\")\s*(?:{SPEECH_VERBS})\s+(?P<speaker>[^,;:\"]+?){_SPEAKER_END}(?P<rest>[^\"]*)")
_SPEAKER_BEFORE_VERB = re.compile(
    rf"(?:^|\"\s*|,\s*)(?P<speaker>[^,;:\"]+?)(?P<rest>,[^\"]*?,)?\s+(?:{SPEECH_VERBS}|told|tells)\b")
_ADVERB_TAIL = re.compile(r"(?:\s+(?:[a-z]+ly|on \w+day|last \w+|this \w+|today|yesterday))+$")
_MAX_SPEAKER_WORDS = 9
_PRONOUN_LOOKBACK = 3
_MAX_COMMON_SPEAKER_WORDS = 5
_QUOTATION_REACH = 3
# Curly quotes as straight ones, one for one, so offsets in the result are the text's.
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def attribution(sentence: Sentence, corpus: Corpus, about: tuple[int, int] | None = None) -> str | None:
    """Who says what `sentence` reports, if it reports speech; None otherwise, and None when
    the words at `about` (offsets in the sentence) are inside the attributing words
    themselves ("Polish Foreign Minister Zbigniew Rau told ..." does not attribute "Rau")."""
    found = find_speaker(sentence.text)
    if found is not None:
        speaker, (start, end) = found
        if about is not None and start <= about[0] and about[1] <= end:
            return None
        return _full_speaker(speaker, sentence, corpus)
    if _is_quotation(sentence.text):
        return _neighbour_speaker(sentence, corpus)
    return None


def find_speaker(text: str) -> tuple[str, tuple[int, int]] | None:
    """The speaker a sentence names, by 'according to X', '..." said X' or 'X said', and
    the span of the words that attribute (speaker, description and verb)."""
    folded = text.translate(_QUOTES)
    for pattern in (_ACCORDING_TO, _SPEAKER_AFTER_VERB, _SPEAKER_BEFORE_VERB):
        for match in pattern.finditer(folded):
            speaker = _ADVERB_TAIL.sub("", match.group("speaker").strip())
            speaker = re.sub(r"^(?:and|but|so|then)\s+", "", speaker, flags=re.IGNORECASE)
            words = speaker.split()
            if not words or len(words) > _MAX_SPEAKER_WORDS:
                continue
            if pattern is _SPEAKER_BEFORE_VERB and not _is_speaker(speaker):
                continue
            return speaker, (match.start("speaker"), match.end())
    return None


def _is_speaker(words: str) -> bool:
    """Whether the words before "said" name a speaker: a name, a pronoun, officials, or a
    short noun phrase with an article ("the water agency")."""
    folded = fold(words).split()
    return (is_capitalised(words) and folded[0] not in ARTICLES or folded[-1] in ("officials", "official")
            or len(folded) == 1 and folded[0] in PRONOUNS
            or folded[0] in ARTICLES and len(folded) <= _MAX_COMMON_SPEAKER_WORDS)


def _is_quotation(text: str) -> bool:
    stripped = text.strip().translate(_QUOTES)
    return stripped.startswith('"') or stripped.endswith('"') or stripped.count('"') % 2 == 1


def _neighbours(sentence: Sentence, corpus: Corpus, offsets) -> list[Sentence]:
    found = (corpus.neighbour(sentence.position, o) for o in offsets)
    return [corpus.sentences[p] for p in found if p is not None]


def _neighbour_speaker(sentence: Sentence, corpus: Corpus) -> str | None:
    """The speaker named by the nearest sentence of the same quotation: the sentences next
    to it, and past them those of the same paragraph that are quotations too; or, right
    after a closing quotation mark, a sentence that opens with its speaker ("Kira Rudik,
    a member of parliament, told Foreign Policy.")."""
    for step in (1, -1):
        current = sentence
        for _ in range(_QUOTATION_REACH):
            neighbours = _neighbours(current, corpus, (step,))
            if not neighbours or neighbours[0].paragraph != sentence.paragraph:
                break
            after_quote = step == 1 and current.text.rstrip().translate(_QUOTES).endswith('"')
            current = neighbours[0]
            found = find_speaker(current.text)
            if found is not None and (_is_quotation(current.text) or after_quote and found[1][0] == 0):
                return _full_speaker(found[0], current, corpus)
            if not _is_quotation(current.text):
                break
    return None


def _full_speaker(speaker: str, sentence: Sentence, corpus: Corpus) -> str | None:
    """A pronoun resolved to the last speaker named before it; a surname completed from
    the same article ("Rau" -> "Zbigniew Rau")."""
    if fold(speaker) in PRONOUNS:
        for earlier in _neighbours(sentence, corpus, range(-1, -_PRONOUN_LOOKBACK - 1, -1)):
            found = find_speaker(earlier.text)
            if found is not None and fold(found[0]) not in PRONOUNS:
                return _full_speaker(found[0], earlier, corpus)
        return None
    if " " in speaker or not is_capitalised(speaker):
        return speaker
    same_doc = [corpus.sentences[p] for p in corpus.article_sentences(sentence.doc)]
    return fuller_name(speaker, same_doc)
