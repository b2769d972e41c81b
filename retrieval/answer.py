"""Short verbatim answers from cited sentences, and who said them.

An answer is a span of one of the cited sentences, of the kind the question asks for:
  quantity  a figure with its hedge, and its unit when that is a measure ("30,000",
            "some 100,000", "nearly 600 miles"); for "how many X" one that counts X, for
            "how long/far/close" one in miles or days;
  date      a date, date list or range, year, month or weekday ("Feb. 10 and Feb. 20",
            "2035", "Monday"); for "what year" one with a year;
  person    a name chunk with titles and the question's own words stripped ("Zbigniew
            Rau" from "Polish Foreign Minister Zbigniew Rau"); for "who is NAME" the
            description next to the name ("the head of ... ministry");
  place     a country or region, or names after "in/to/from/near ...", lists kept whole
            ("Poland, Romania, and Germany");
  other     for "which/what NOUN" the name set beside that noun ("the party Golos").
Candidates made only of the question's own words are dropped. The best candidate has the
best fit to the question's form, then stands in the best-ranked sentence, then nearest
the question's words. No candidate, no answer: a span is never taken from an uncited
sentence.

Attribution: a sentence that reports speech ("according to NATO officials", "Rau told
Foreign Policy", "said a senior U.S. State Department official") names who says it; a
quotation without a speaker takes the speaker of the neighbouring sentence of the same
article. A pronoun speaker ("he added") is resolved to the last speaker named before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .clauses import called_spans, reason_spans, statement_spans
from .models import Sentence
from .numbers import (DURATION_UNITS, LENGTH_UNITS, MONTHS, WEEKDAYS, date_phrases,
                      find_quantities)
from .question import AnswerType, Question
from .text import Tokenizer, fold, load_data_lines, stopwords

_tokenizer = Tokenizer()

_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:['\u2019\-][^\W_]+)*")
_CONNECTORS = frozenset({"of", "de", "del", "della", "da", "di", "van", "von", "der", "den", "al",
                         "bin", "ibn", "la", "le", "du", "dos", "das", "and", "for", "the"})
_ABBREVIATED_TITLES = frozenset({"mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col",
                                 "sgt", "capt", "maj", "adm", "brig", "prof", "rev", "st", "jr"})
_ORGANISATION_WORDS = frozenset({
    "ministry", "department", "party", "union", "council", "committee", "agency", "bank",
    "company", "corp", "inc", "ltd", "group", "organization", "organisation", "university",
    "association", "army", "navy", "forces", "parliament", "congress", "senate", "office",
    "commission", "court", "institute", "foundation", "federation", "alliance", "league",
    "service", "services", "police", "guard", "times", "post", "news", "press", "policy",
    "kremlin", "pentagon", "administration", "government", "assembly", "fund", "board",
})
_DIRECTION_ADJECTIVES = frozenset({"western", "eastern", "northern", "southern", "central",
                                   "northeastern", "northwestern", "southeastern", "southwestern"})
_LOCATIVE = frozenset({"in", "to", "from", "near", "at", "into", "across", "toward", "towards",
                       "outside", "inside", "throughout", "within", "via", "through", "on"})
# A named site after "at/in/on/near ...": "at the London School of Economics", "in La Manga",
# "at the Science Museum's Dana Centre", "on the New York Stock Exchange".
_SITE = re.compile(r"\b(?:[Aa]t|[Ii]n|[Oo]n|[Nn]ear|[Ii]nside|[Oo]utside|[Ww]ithin)\s+(?P<site>(?:the\s+)?"
                   r"[A-Z][\w\-&.]*(?:['\u2019]s)?(?:\s+(?:of\s+(?:the\s+)?|de\s+|la\s+|&\s+)?[A-Z][\w\-&.]*"
                   r"(?:['\u2019]s)?)*)(?<!['\u2019]s)")
_RELATIVE_DATE = re.compile(
    r"\b(?:(?:this|last|next|earlier this|later this)\s+(?:week|month|year|spring|summer|fall|autumn|"
    r"winter|weekend)|yesterday|today|tomorrow)\b", re.IGNORECASE)

# Verbs that report speech. "told" takes its listener after it, so it only follows a speaker.
_SPEECH_VERBS = (r"said|says|added|adds|warned|warns|stated|states|noted|notes|wrote|writes|"
                 r"explained|explains|argued|argues|insisted|insists|claimed|claims|acknowledged|"
                 r"acknowledges|declared|declares|replied|replies|continued|continues")
# A speaker ends at a comma, colon, quote or full stop; "U.S." and "J." are not full stops.
_SPEAKER_END = r"(?=\s*(?:[,;:\"]|(?<!\b[A-Z])\.(?:\s|$)|$))"
_ACCORDING_TO = re.compile(rf"\baccording to (?P<speaker>[^,;:\"]+?){_SPEAKER_END}")
_SPEAKER_AFTER_VERB = re.compile(
    rf"(?:,\s*\"?|[?!]\"|\")\s*(?:{_SPEECH_VERBS})\s+(?P<speaker>[^,;:\"]+?){_SPEAKER_END}(?P<rest>[^\"]*)")
_SPEAKER_BEFORE_VERB = re.compile(
    rf"(?:^|\"\s*|,\s*)(?P<speaker>[^,;:\"]+?)(?P<rest>,[^\"]*?,)?\s+(?:{_SPEECH_VERBS}|told|tells)\b")
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_ADVERB_TAIL = re.compile(r"(?:\s+(?:[a-z]+ly|on \w+day|last \w+|this \w+|today|yesterday))+$")
_MAX_SPEAKER_WORDS = 9
_PRONOUN_LOOKBACK = 3
_ARTICLES = frozenset({"the", "a", "an"})
_MAX_COMMON_SPEAKER_WORDS = 5
# Candidates that fit the question's form this well are taken from the best-ranked sentence
# holding one; weaker ones only when no cited sentence holds a strong one.
_STRONG_FIT = 2
_QUOTATION_REACH = 3
_CLAUSE_FINDERS = {AnswerType.STATEMENT: statement_spans, AnswerType.REASON: reason_spans,
                   AnswerType.NAME: called_spans}
# A match result: "18-17", "4-1", "five-four", "a goalless draw", "nil-nil".
_SCORE = re.compile(r"\b\d{1,3}-\d{1,3}\b(?!-)|\b(?:a\s+)?(?:goalless|scoreless|score-less)\s+draw\b|\bnil-nil\b"
                    r"|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|nil)-(?:zero|one|two|three|four|"
                    r"five|six|seven|eight|nine|ten|nil)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """An answer: `text` is verbatim from a cited sentence; `attribution` says who says it."""

    text: str
    attribution: str | None = None
    fit: int = field(default=0, compare=False)
    rank: int = field(default=0, compare=False)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    fit: int


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    return frozenset(fold(line) for line in load_data_lines("titles-en.txt"))


@lru_cache(maxsize=1)
def places() -> dict[str, str]:
    """Every shipped place name and demonym, folded -> the place's name."""
    table = {}
    for line in load_data_lines("places-en.txt"):
        names = [name.strip() for name in line.split(",") if name.strip()]
        for name in names:
            table[fold(name)] = names[0]
    return table


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _bare(word: str) -> str:
    """A word without its possessive and abbreviation dots, folded."""
    word = fold(word)
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace(".", "")


def name_chunks(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words ("Polish Foreign Minister Zbigniew Rau", "NATO and European
    Union Department" is two), joined over "of", "de", "al" ... when a capital follows.
    A sentence's first word joins only when it is not a common word; a possessive ends a run."""
    tokens = _tokens(text)
    chunks = []
    i = 0
    while i < len(tokens):
        if not _is_capitalised(tokens[i].text) or _is_month_or_weekday(tokens[i].text):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens):
            gap = text[tokens[j].end:tokens[j + 1].start]
            after_title = gap in (". ", ".") and _bare(tokens[j].text) in _ABBREVIATED_TITLES
            if gap != " " and not after_title or tokens[j].text.endswith(("'s", "\u2019s")):
                break
            nxt = tokens[j + 1].text
            if _is_capitalised(nxt) and not _is_month_or_weekday(nxt):
                j += 1
            elif (nxt in _CONNECTORS and nxt != "and" and j + 2 < len(tokens)
                  and _is_capitalised(tokens[j + 2].text)
                  and text[tokens[j + 1].end:tokens[j + 2].start] == " "):
                j += 2
            else:
                break
        first = i
        if _starts_sentence(text, tokens[i]) and _is_common_word(tokens[i].text):
            first = i + 1
        if first <= j:
            end = tokens[j].end
            if tokens[j].text.endswith(("'s", "\u2019s")):
                end -= 2
            chunks.append((tokens[first].start, end))
        i = j + 1
    return chunks


def _starts_sentence(text: str, token: _Token) -> bool:
    return not text[:token.start].strip(" \"'\u201c\u2018([")


def _is_common_word(word: str) -> bool:
    lowered = fold(word)
    return (lowered in stopwords() or lowered.endswith(("ly", "ing")) or lowered in _LOCATIVE
            or lowered in {"but", "amid", "while", "during", "following", "after", "as", "for"})


def _is_month_or_weekday(word: str) -> bool:
    return _bare(word) in MONTHS or _bare(word) in WEEKDAYS


@lru_cache(maxsize=65_536)
def _terms(text: str) -> frozenset[str]:
    return frozenset(_tokenizer.tokens(text))


def _quantity_candidates(text: str, question: Question) -> list[_Candidate]:
    found = []
    for quantity in find_quantities(text):
        unit = quantity.unit
        span_end = quantity.unit_end if quantity.is_measure else quantity.end
        following = _terms(text[quantity.end:_window_end(text, quantity.end)])
        if question.how in ("many", "much"):
            if question.counted and question.counted & following:
                fit = 3
            elif (question.how == "much" and quantity.is_measure
                  or text[:quantity.start].rstrip().endswith(("$", "€", "£"))
                  or re.match(r"[$€£]", text[quantity.start:quantity.end])):
                fit = 2
            elif quantity.is_measure or unit and unit.isalpha() and unit not in stopwords() and question.counted:
                continue
            else:
                fit = 1
        elif question.how == "long":
            # "How long will they stay" asks for a time; "how long is X" for a time or a length.
            if unit in DURATION_UNITS or re.match(r"-(?:year|month|week|day|hour|minute)", text[quantity.end:]):
                fit = 3
            elif unit in LENGTH_UNITS:
                fit = 3 if question.how_is else 1
            else:
                continue
        elif question.how in ("far", "close", "near", "wide", "deep", "high", "tall"):
            if unit not in LENGTH_UNITS:
                continue
            fit = 3
        elif question.how == "old":
            if unit not in ("years", "year") and not re.match(r"-year-old", text[quantity.end:]):
                continue
            fit = 3
        elif question.how == "often":
            continue
        else:
            fit = 2 if quantity.is_measure or unit in ("percent", "%") else 1
        found.append(_Candidate(quantity.start, span_end, fit))
    return found


def _window_end(text: str, start: int, words: int = 4) -> int:
    """The end of the next few words after `start`, stopping at punctuation."""
    match = re.match(rf"(?:\s*[^\W_][\w'.\u2019\-]*){{0,{words}}}", text[start:])
    return start + (match.end() if match else 0)


def _date_candidates(text: str, question: Question) -> list[_Candidate]:
    found = []
    for phrase in date_phrases(text):
        dates = phrase.dates
        has_year = any(d.year is not None for d in dates)
        has_day = any(d.day is not None or d.weekday is not None for d in dates)
        has_month = any(d.month is not None for d in dates)
        if question.time_noun == "year":
            if not has_year:
                continue
            fit = 3
        elif question.time_noun == "month":
            if not has_month:
                continue
            fit = 3
        elif question.time_noun in ("day", "date"):
            if not has_day:
                continue
            fit = 3
        else:
            fit = 3
        if question.preposition and re.search(rf"\b{question.preposition}\s+$", text[:phrase.start], re.IGNORECASE):
            fit += 1
        found.append(_Candidate(phrase.start, phrase.end, fit))
    if question.time_noun is None:
        found.extend(_Candidate(m.start(), m.end(), 1) for m in _RELATIVE_DATE.finditer(text))
    return found


def _strip_leading(text: str, start: int, end: int, drop) -> int:
    """The start of `text[start:end]` past its leading words that `drop` accepts."""
    for token in _tokens(text[start:end]):
        if not drop(token.text):
            return start + token.start
    return end


def _person_candidates(text: str, question_terms: set[str]) -> list[_Candidate]:
    found = []
    for start, end in name_chunks(text):
        titled = _after_title(text, start, end)
        first = _strip_leading(text, titled, end, lambda w: _terms(w) <= question_terms)
        if first >= end:
            continue
        name = text[first:end]
        words = name.split()
        bare_words = [_bare(w) for w in words]
        if fold(name) in places() or all(_is_month_or_weekday(w) for w in words):
            continue
        if any(w in _ORGANISATION_WORDS for w in bare_words) or name.isupper():
            fit = 1
        elif titled > start or len(words) >= 2 or _speaks(text, end):
            fit = 3 if titled > start or _speaks(text, end) else 2
        else:
            fit = 1
        found.append(_Candidate(first, end, fit))
    return found


def _after_title(text: str, start: int, end: int) -> int:
    """Where the name starts in a chunk that may open with a title: past the last title word
    that has words after it ("Polish Foreign Minister | Zbigniew Rau"), else past leading
    demonyms and place names ("French | Macron")."""
    tokens = _tokens(text[start:end])
    last_title = max((i for i, t in enumerate(tokens[:-1]) if _bare(t.text) in _titles()), default=None)
    if last_title is not None:
        return start + tokens[last_title + 1].start
    return _strip_leading(text, start, end, lambda w: fold(w) in places() or _bare(w) in places())


def _speaks(text: str, end: int) -> bool:
    return re.match(rf"\s*(?:,[^,]{{0,120}},\s*)?(?:{_SPEECH_VERBS})\b", text[end:]) is not None


def _description_candidates(text: str, name: str) -> list[_Candidate]:
    """For "who is NAME" (NAME as typed, any case): the title before the name in the
    sentence, or the description set beside it."""
    found = []
    wanted = fold(name).split()
    for start, end in name_chunks(text):
        words = [_bare(w) for w in text[start:end].split()]
        if len(words) < len(wanted) or words[-len(wanted):] != [w.replace(".", "") for w in wanted]:
            continue
        name_start = start + len(" ".join(text[start:end].split()[:len(words) - len(wanted)])) + \
            (1 if len(words) > len(wanted) else 0)
        after = re.match(r"(?:,\s*(?P<what>(?:a|an|the)\s[^,;\"\u201d]+?)"
                         r"|\s+(?:is|was)\s+(?P<is>(?:a|an|the)\s[^,;\"]+?))"
                         r"(?=[,;\"\u201d]|\.(?:\s|$)|$)", text[end:])
        if after:
            group = "what" if after.group("what") else "is"
            found.append(_Candidate(end + after.start(group), end + after.end(group), 3))
        if name_start > start:
            titled = _after_title(text, start, end)
            found.append(_Candidate(start, min(titled, name_start) - 1 if titled > start else name_start - 1, 2))
    return found


def _place_candidates(text: str, question_terms: set[str]) -> list[_Candidate]:
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
        locative = before is not None and fold(before.group(1)) in _LOCATIVE
        known = [m for m in members if fold(m) in place_names and not _is_demonym(m)]
        own = all(_terms(m) <= question_terms for m in members)
        if not own:
            if known and len(known) == len(members):
                found.append(_Candidate(start, end, 3 if locative else 2))
            elif (locative or len(members) > 1) and not any(
                    w in _ORGANISATION_WORDS or w in _titles() for m in members for w in map(_bare, m.split())):
                found.append(_Candidate(start, end, 2 if len(members) > 1 else 1))
        i = j + 1
    for match in _SITE.finditer(text):
        start, end = match.start("site"), match.end("site")
        if text[end - 1] == "." and text[start:end - 1].count(".") == 0:
            end -= 1
        words = text[start:end].split()
        if any(_is_month_or_weekday(w) for w in words) or _terms(text[start:end]) <= question_terms:
            continue
        found.append(_Candidate(start, end, 3))
    return found


def _is_demonym(name: str) -> bool:
    return places().get(fold(name), name) != name


def _named_thing_candidates(text: str, question: Question, question_terms: set[str]) -> list[_Candidate]:
    """For "which/what NOUN": a name right after the noun ("the political party Golos",
    "the party, Golos,"), or a name led by the question's words ("French President
    Emmanuel Macron" for "which French president")."""
    found = []
    if not question.noun:
        return found
    for start, end in name_chunks(text):
        found.append(_Candidate(start, end, 1))
        before = re.search(r"([^\W\d_]+)\s*,?\s+$", text[:start])
        if before and _terms(before.group(1)) & question.noun and not _terms(text[start:end]) & question.noun:
            found.append(_Candidate(start, end, 2))
            continue
        first = _strip_leading(text, start, end, lambda w: _terms(w) <= question_terms)
        if start < first < end and _terms(text[start:first]) & question.noun:
            found.append(_Candidate(first, end, 2))
    return found


def _candidates(text: str, question: Question, question_terms: set[str]) -> list[_Candidate]:
    kind = question.answer_type
    if kind is AnswerType.QUANTITY:
        found = _quantity_candidates(text, question)
    elif kind is AnswerType.DATE:
        found = _date_candidates(text, question)
    elif kind is AnswerType.PERSON:
        found = (_description_candidates(text, question.named) if question.named
                 else _person_candidates(text, question_terms))
    elif kind is AnswerType.PLACE:
        found = _place_candidates(text, question_terms)
    elif kind in _CLAUSE_FINDERS:
        found = [_Candidate(*span) for span in _CLAUSE_FINDERS[kind](text)]
    elif kind is AnswerType.SCORE:
        found = [_Candidate(m.start(), m.end(), 3) for m in _SCORE.finditer(text)]
    else:
        found = _named_thing_candidates(text, question, question_terms)
    if kind is AnswerType.PERSON and question.asks_speaker:
        speaker = _speaker(text)
        if speaker is not None:
            first = text.find(speaker[0], speaker[1][0])
            found.append(_Candidate(first, first + len(speaker[0]), 3))
    if question.named:
        return found
    return [c for c in found if not _terms(text[c.start:c.end]) <= question_terms]


def holds_answer_type(sentence_text: str, question: Question) -> bool:
    """Whether the sentence holds a thing of the question's answer type that is not made
    only of the question's own words."""
    if question.answer_type is AnswerType.OTHER:
        return False
    return any(c.fit >= 2 for c in _candidates(sentence_text, question, set(question.terms)))


def extract(question: Question, sentences: list[Sentence], corpus) -> Span | None:
    """The answer span from the cited `sentences` (best first), or None when none fits.
    `corpus` gives the sentences around each, to find a quotation's speaker."""
    question_terms = set(question.terms)
    best: tuple | None = None
    for rank, sentence in enumerate(sentences):
        text = sentence.text
        anchors = [t.start for t in _tokens(text) if _terms(t.text) & question_terms]
        for candidate in _candidates(text, question, question_terms):
            distance = min((abs(a - candidate.start) for a in anchors), default=len(text))
            key = (candidate.fit >= _STRONG_FIT, -rank, candidate.fit, -distance)
            if best is None or key > best[0]:
                best = (key, sentence, candidate)
    if best is None:
        return None
    key, sentence, candidate = best
    start, end = candidate.start, candidate.end
    text = _fuller_name(sentence.text[start:end], sentences) \
        if question.answer_type is AnswerType.PERSON and not question.named else sentence.text[start:end]
    return Span(text, attribution(sentence, corpus, (start, end)), candidate.fit, -key[1])


def _fuller_name(name: str, sentences: list[Sentence]) -> str:
    """A one-word name ("Rau") as it is written in full in a cited sentence ("Zbigniew Rau")."""
    if " " in name:
        return name
    for sentence in sentences:
        for start, end in name_chunks(sentence.text):
            chunk = sentence.text[start:end]
            if chunk.endswith(" " + name):
                first = _after_title(sentence.text, start, end)
                if first < end - len(name):
                    return sentence.text[first:end]
    return name


def attribution(sentence: Sentence, corpus, about: tuple[int, int] | None = None) -> str | None:
    """Who says what `sentence` reports, if it reports speech; None otherwise, and None when
    the words at `about` (offsets in the sentence) are inside the attributing words
    themselves ("Polish Foreign Minister Zbigniew Rau told ..." does not attribute "Rau")."""
    found = _speaker(sentence.text)
    if found is not None:
        speaker, (start, end) = found
        if about is not None and start <= about[0] and about[1] <= end:
            return None
        return _full_speaker(speaker, sentence, corpus)
    if _is_quotation(sentence.text):
        return _neighbour_speaker(sentence, corpus)
    return None


def _speaker(text: str) -> tuple[str, tuple[int, int]] | None:
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
    return (_is_capitalised(words) and folded[0] not in _ARTICLES or folded[-1] in ("officials", "official")
            or len(folded) == 1 and folded[0] in _PRONOUNS
            or folded[0] in _ARTICLES and len(folded) <= _MAX_COMMON_SPEAKER_WORDS)


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _is_quotation(text: str) -> bool:
    stripped = text.strip().translate(_QUOTES)
    return stripped.startswith('"') or stripped.endswith('"') or stripped.count('"') % 2 == 1


def _neighbours(sentence: Sentence, corpus, offsets) -> list[Sentence]:
    sentences = corpus.sentences
    return [sentences[p] for p in (sentence.position + o for o in offsets)
            if 0 <= p < len(sentences) and sentences[p].doc == sentence.doc]


def _neighbour_speaker(sentence: Sentence, corpus) -> str | None:
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
            found = _speaker(current.text)
            if found is not None and (_is_quotation(current.text) or after_quote and found[1][0] == 0):
                return _full_speaker(found[0], current, corpus)
            if not _is_quotation(current.text):
                break
    return None


def _full_speaker(speaker: str, sentence: Sentence, corpus) -> str | None:
    """A pronoun resolved to the last speaker named before it; a surname completed from
    the same article ("Rau" -> "Zbigniew Rau")."""
    if fold(speaker) in _PRONOUNS:
        for earlier in _neighbours(sentence, corpus, range(-1, -_PRONOUN_LOOKBACK - 1, -1)):
            found = _speaker(earlier.text)
            if found is not None and fold(found[0]) not in _PRONOUNS:
                return _full_speaker(found[0], earlier, corpus)
        return None
    if " " in speaker or not _is_capitalised(speaker):
        return speaker
    same_doc = [corpus.sentences[p] for p in corpus.article_sentences(sentence.doc)]
    return _fuller_name(speaker, same_doc)
