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

from .lexicon import chat_spellings, fold, stopwords
from .text import Tokenizer

MAX_QUESTION_CHARS = 2000


class AnswerType(str, enum.Enum):
    QUANTITY = "quantity"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    STATEMENT = "statement"
    REASON = "reason"
    NAME = "name"
    SCORE = "score"
    OTHER = "other"


_PLACE_NOUNS = (r"(country|countries|city|cities|town|towns|state|states|nation|nations|region|regions|"
                r"capital|place|places|location|border)")
_TIME_NOUNS = r"(year|years|month|months|day|days|date|dates|time|century|decade|week)"
# Nouns that name an amount of money or a rate: "what's the price of ...", "whats the starting
# bid" ask for a figure as "how much" does. General English (not any article's topic).
_AMOUNT_NOUNS = (r"(price|prices|cost|costs|bid|offer|value|worth|fee|fees|salary|wage|wages|pay|bill|"
                 r"budget|revenue|revenues|profit|profits|loss|losses|fine|rate|amount|sum|stake|deficit|"
                 r"debt|debts|total|figure|tally|valuation|turnover|income|earnings|bail|grant|grants)")
# What kind of figure a "how much" question wants: a share, or an amount of money.
_PERCENT_WORDS = re.compile(r"%|\bper ?cent(?:age)?\b|\bpct\b|\bproportion\b")
_MONEY_WORDS = re.compile(r"[$\u00a3\u20ac]|\b(?:price|prices|cost|costs|costing|bid|bids|"
                          r"offer|offers|offered|offering|pay|pays|paying|paid|worth|fee|fees|salary|wages?|"
                          r"bill|fine|budget|revenues?|profits?|loss|losses|debts?|value|valuation|dollars|pounds|"
                          r"euros|money|spend|spends|spending|spent|raise|raises|raising|raised|earn|earns|earned|"
                          r"earning|earnings)\b")
_WH_IS = r"(?:what|whats|what's|what is|what was|what are|what were)"
_SPEECH = (r"(say|said|saying|says|tell|told|telling|think|thinks|thought|reckon|reckons|claim|claimed|claims|"
           r"call|warn|warned|warning|describe|described|argue|argued|mean|admit|admitted|reveal|revealed|"
           r"predict|predicted|suggest|suggested|complain|complained|blame|blamed)")
_FORMS: list[tuple[re.Pattern, AnswerType]] = [
    (re.compile(r"\bwhy\b|\bhow come\b|\bwhat(?:'s|s| is| was)? (?:the )?reasons?\b|\bwhat (?:caused|led to)\b"),
     AnswerType.REASON),
    (re.compile(r"\b(?:what|whats|what's)\b.*\b(?:called|named|known as)\s*\W*$"), AnswerType.NAME),
    (re.compile(rf"\b{_WH_IS} (?:the )?(?:final |half-time |full-time )?(?:score|scoreline|result)\b"
                r"|\bwhat did .+ (?:beat|win|won|lose|lost|draw|drew)(?: .+)? by\b"), AnswerType.SCORE),
    (re.compile(rf"^(?:(?:so|and|but|ok|okay)\s+)?(?:according to .+,\s*)?what\b.*\b{_SPEECH}\b"
                r"|^according to .+\bwhat\b"), AnswerType.STATEMENT),
    (re.compile(r"\bhow (many|much)\b"), AnswerType.QUANTITY),
    (re.compile(rf"\b{_WH_IS} (?:the |its |their |his |her |a )?(?:[\w'-]+ ){{0,2}}{_AMOUNT_NOUNS}\b"
                r"|\bwhat (?:%|percent|per cent)"), AnswerType.QUANTITY),
    (re.compile(r"\bhow (long|far|close|big|large|old|high|low|small|tall|deep|wide|often|heavy|fast|near)\b"),
     AnswerType.QUANTITY),
    (re.compile(r"\b(what|which) (percentage|percent|number|amount|share|proportion)\b"), AnswerType.QUANTITY),
    # "what's the most they can own": a superlative standing for an amount, before its clause.
    (re.compile(rf"\b{_WH_IS} (?:the )?(?:most|least|maximum|minimum)\s+(?=(?:the|a|an|they|you|he|she|it|we|i|one|"
                r"anyone|someone|people)\b)"), AnswerType.QUANTITY),
    # "when" asks for a date unless another question word came first ("what song were they
    # playing when the fight started?" asks for a song).
    (re.compile(rf"^(?:(?!\b(?:what|whats|which|who|whom|whose|where|why|how)\b).)*\bwhen\b"
                rf"|\b((what|which|until what|in what) {_TIME_NOUNS})\b"
                rf"|\b{_WH_IS} (?:the )?(?:deadline|cutoff|cut-off|closing date|start date|release date)\b"),
     AnswerType.DATE),
    (re.compile(r"\b(who|whom|whose)\b"), AnswerType.PERSON),
    (re.compile(rf"^(?:which|what) (?:[\w'-]+ ){{1,3}}{_SPEECH}\b"), AnswerType.PERSON),
    (re.compile(rf"\b(where|(what|which) {_PLACE_NOUNS})\b"), AnswerType.PLACE),
]
_FORM_WORDS = re.compile(
    r"\bhow (many|much|long|far|close|big|large|old|high|low|small|tall|deep|wide|often|heavy|fast|near)\b"
    r"|\b(what|which) (kind|type|sort|number|amount) of\b"
    r"|\b(what|which) (percentage|percent|number|amount|share|proportion)\b"
    rf"|\b(what|which|until what|in what) {_TIME_NOUNS}\b"
    r"|\bwhy\b|\bhow come\b"
    r"|\b(does|did|do) the article (say|mention|state|report)\b"
)


_HOW = re.compile(r"\bhow (many|much|long|far|close|near|big|large|old|high|low|small|tall|deep|wide|often|heavy|"
                  r"fast)\b")
_WHICH = re.compile(r"\b(which|what)\s+(.+)")
_TIME_NOUN = re.compile(r"\b(?:what|which|in what|until what)\s+(year|month|day|date|time)\b")
_NAMED = re.compile(r"\s*who\s+(?:is|was|are|were)\s+(?P<name>(?:[\w'.\-]+\s*){1,4}?)\W*")
AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "was", "were", "has", "have", "had",
                         "will", "would", "can", "could", "should", "may", "might", "must"})
_CHOICE = re.compile(r"(?:[^\W\d_][\w'-]*,\s+)*[^\W\d_][\w'-]*,?\s+or\s+(?:(?:a|an|the)\s+)?[^\W\d_][\w'-]*")
_QUESTION_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b|^\W*(?:name|list|identify)\b")
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
    questions about who wrote the piece, answered from its byline; `asks_for_thing` is False
    for a keyword search or a yes/no question ("russian troops belarus", "did russia send
    troops?": no question word, no opening "name/list"), answered by its sentences alone;
    `alternatives` the two words a choice question offers ("high-voltage or low-voltage?")."""

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
    asks_speaker: bool = False
    how_is: bool = False
    wants: str | None = None
    asks_for_thing: bool = True
    alternatives: tuple[str, ...] = ()


# "us" typed for "U.S.": any "us" but the object of a verb or preposition that takes a person.
_COUNTRY_US = re.compile(r"(?<!\btell )(?<!\btells )(?<!\btold )(?<!\bgive )(?<!\bgave )(?<!\bshow )(?<!\blet )"
                         r"(?<!\bhelp )(?<!\bfor )(?<!\bwith )(?<!\bask )(?<!\basked )(?<!\bbetween )(?<!\bamong )"
                         r"(?<!\bsend )(?<!\bsent )(?<!\bmake )(?<!\bmade )\bus\b(?!\.)")


def standard_spelling(text: str) -> str:
    """`text` folded, with chat spellings ("whats", "r", "ppl") in standard English."""
    table = chat_spellings()
    text = re.sub(r"(?<![\w'.])[\w/]+(?![\w']|\.\w)", lambda m: table.get(m.group(), m.group()), fold(text))
    return _COUNTRY_US.sub("u.s.", text)


def analyse(text: str, tokenizer: Tokenizer) -> Question:
    """The question's answer type, terms, content terms and wording (see `Question`)."""
    folded = standard_spelling(text)
    answer_type = next((kind for pattern, kind in _FORMS if pattern.search(folded)), AnswerType.OTHER)
    shaped = _FORM_WORDS.sub(" ", folded)
    if answer_type is AnswerType.STATEMENT:
        shaped = re.sub(rf"\b{_SPEECH}\b|\baccording to\b", " ", shaped)
    content = tokenizer.tokens(shaped)
    how = _HOW.search(folded)
    how_word = how.group(1) if how else None
    if answer_type is AnswerType.QUANTITY and how_word in (None, "big", "large", "high", "low", "small") \
            and re.search(rf"\b{_AMOUNT_NOUNS}\b|%|\bper ?cent", folded):
        how_word = "much"
    counted = (frozenset(tokenizer.tokens(" ".join(_phrase_after(folded[how.end():]))))
               if how and how.group(1) in ("many", "much") else frozenset())
    which = _WHICH.search(folded)
    noun = (frozenset(tokenizer.tokens(" ".join(_phrase_after(which.group(2))[:3])))
            if which and which.group(2).split()[0] not in AUXILIARIES else frozenset())
    time_noun = _TIME_NOUN.search(folded)
    words = re.findall(r"[^\W_]+(?:['.\-][^\W_]+)*\.?", folded)
    named = _NAMED.fullmatch(folded)
    asks_for_thing = bool(_QUESTION_WORD.search(folded))
    if named and any(word in stopwords() for word in named.group("name").split()):
        named = None
    return Question(
        text, answer_type, tuple(tokenizer.tokens(folded)), tuple(content),
        how=how_word,
        counted=counted,
        noun=noun,
        time_noun=time_noun.group(1) if time_noun else None,
        preposition=next((w for w in words[:3] if w in ("until", "since", "till", "through", "by")), None),
        named=named.group("name").strip() if named else None,
        asks_author=bool(_AUTHOR.search(folded)),
        how_is=bool(re.search(r"\bhow \w+ (?:is|are|was|were)\b", folded)),
        wants=("percent" if _PERCENT_WORDS.search(folded) else "money" if _MONEY_WORDS.search(folded) else None)
        if answer_type is AnswerType.QUANTITY else None,
        asks_speaker=answer_type is AnswerType.PERSON and bool(re.search(rf"\b{_SPEECH}\b", folded)),
        asks_for_thing=asks_for_thing,
        # A choice is asked in a yes/no question's form ("were they high-voltage or low-voltage?");
        # in a wh-question "or" joins words of one phrase ("upper or lower bounds").
        alternatives=() if asks_for_thing else _alternatives(folded),
    )


def _alternatives(text: str) -> tuple[str, ...]:
    """The words a choice question offers ("high-voltage or low-voltage?", "predators,
    vegetarian or parasitic?"), none of them a stop word; () when it offers none."""
    for choice in _CHOICE.finditer(text):
        words = tuple(re.split(r",?\s+or\s+(?:(?:a|an|the)\s+)?|,\s+", choice.group()))
        if not set(words) & stopwords():
            return words
    return ()


def _phrase_after(text: str) -> list[str]:
    """The words up to the question's verb: 'additional U.S. troops' of '... did Biden deploy?'."""
    phrase = []
    for word in text.split():
        word = word.strip("?,.!;:")
        if not word or word in AUXILIARIES:
            break
        phrase.append(word)
    return phrase
