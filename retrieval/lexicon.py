"""The language knowledge of factbot in one place: the shipped word lists of
`retrieval/data/` (each file names its source) and the short lists of English function
words the extractors and the claim checker read.

The shipped lists are read once, with `importlib.resources`, and cached. `Lexicon` gathers
the tables a stage needs so they can be handed to it rather than read from a global.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

STOPWORDS = "stopwords-en.txt"
ABBREVIATIONS = "abbreviations.txt"
TITLES = "titles-en.txt"
PLACES = "places-en.txt"
OPPOSITES = "opposites-en.txt"
PARAPHRASES = "paraphrases-en.txt"
CHAT = "chat-en.txt"
SYNONYMS = "synonyms-en.txt"

# Curly quotes and dashes as straight ones; no-break spaces as spaces; zero-width marks dropped.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00a0": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
})

# Closed-class English words, written by hand for factbot (no outside list).
# Words that join the parts of a name ("Bank of England", "Charles de Gaulle").
CONNECTORS = frozenset({"of", "de", "del", "della", "da", "di", "van", "von", "der", "den", "al",
                        "bin", "ibn", "la", "le", "du", "dos", "das", "and", "for", "the"})
# Titles written abbreviated before a name, as AP style writes them ("Gen. Mark Milley").
ABBREVIATED_TITLES = frozenset({"mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col",
                                "sgt", "capt", "maj", "adm", "brig", "prof", "rev", "st", "jr"})
# Nouns that make a name an organisation's, not a person's or a place's.
ORGANISATION_WORDS = frozenset({
    "ministry", "department", "party", "union", "council", "committee", "agency", "bank",
    "company", "corp", "inc", "ltd", "group", "organization", "organisation", "university",
    "association", "army", "navy", "forces", "parliament", "congress", "senate", "office",
    "commission", "court", "institute", "foundation", "federation", "alliance", "league",
    "service", "services", "police", "guard", "times", "post", "news", "press", "policy",
    "kremlin", "pentagon", "administration", "government", "assembly", "fund", "board",
})
# Two lists of locative prepositions, kept apart because merging them changes answers:
# before a name, any of these marks it as a place to the answer extractor (and a sentence's
# first word that is one is not part of a name); the claim checker compares the places a
# claim and a sentence put after the same preposition only for the narrower list, where a
# different place means a different fact ("sent to Poland", not "through Poland").
LOCATIVE_BEFORE_NAME = frozenset({"in", "to", "from", "near", "at", "into", "across", "toward", "towards",
                                  "outside", "inside", "throughout", "within", "via", "through", "on"})
LOCATIVE_BEFORE_PLACE = ("to", "in", "from", "into", "near", "at")
# Words that open a sentence without being part of a name that follows ("But Putin ...").
SENTENCE_OPENERS = frozenset({"but", "amid", "while", "during", "following", "after", "as", "for"})
# Verbs that report speech. "told" takes its listener after it, so it only follows a speaker.
SPEECH_VERBS = (r"said|says|added|adds|warned|warns|stated|states|noted|notes|wrote|writes|"
                r"explained|explains|argued|argues|insisted|insists|claimed|claims|acknowledged|"
                r"acknowledges|declared|declares|replied|replies|continued|continues")
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
ARTICLES = frozenset({"the", "a", "an"})


def fold_keeping_case(text: str) -> str:
    """Unicode-compatible, quote- and dash-folded text."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def fold(text: str) -> str:
    """Unicode-compatible, quote- and dash-folded, lower-case text: the one way factbot
    compares words without regard to their typography or case."""
    return fold_keeping_case(text).lower()


def load_data_lines(name: str) -> list[str]:
    """The lines of a shipped file from `retrieval/data`, in order, '#' comments dropped."""
    text = resources.files("retrieval").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def load_word_list(name: str) -> frozenset[str]:
    """A shipped word list from `retrieval/data`: one entry a line, '#' comments."""
    return frozenset(load_data_lines(name))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return load_word_list(STOPWORDS)


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    return load_word_list(ABBREVIATIONS)


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Title words written before a name, folded."""
    return frozenset(fold(line) for line in load_data_lines(TITLES))


@lru_cache(maxsize=1)
def places() -> dict[str, str]:
    """Every shipped place name and demonym, folded -> the place's name."""
    table = {}
    for line in load_data_lines(PLACES):
        names = [name.strip() for name in line.split(",") if name.strip()]
        for name in names:
            table[fold(name)] = names[0]
    return table


def _forms(word: str) -> tuple[str, ...]:
    return word, word + "s", word + "ed", word + "ing"


@lru_cache(maxsize=1)
def opposites() -> dict[str, frozenset[str]]:
    """Stem -> the stems of opposite meaning. Each word also stands for its regular forms,
    whose stems can differ ("rebuff", "rebuffed" -> "rebuf")."""
    from .text import stem  # text reads its word lists from here
    table: dict[str, set[str]] = {}
    for line in load_data_lines(OPPOSITES):
        left, right = ({stem(form) for w in side.split(",") if w.strip() for form in _forms(w.strip().lower())}
                       for side in line.split("|"))
        for word in left:
            table.setdefault(word, set()).update(right)
        for word in right:
            table.setdefault(word, set()).update(left)
    return {word: frozenset(others) for word, others in table.items()}


class Lexicon:
    """The shipped word lists a stage reads, loaded on first use."""

    @property
    def stopwords(self) -> frozenset[str]:
        return stopwords()

    @property
    def titles(self) -> frozenset[str]:
        return titles()

    @property
    def places(self) -> dict[str, str]:
        return places()

    @property
    def opposites(self) -> dict[str, frozenset[str]]:
        return opposites()

    def place_aliases(self, tokenizer) -> dict[str, str]:
        """One-word demonyms and other names -> their place's term ("ukrainian" -> "ukrain")."""
        return _place_aliases(tokenizer)


@lru_cache(maxsize=4)
def _place_aliases(tokenizer) -> dict[str, str]:
    aliases = {}
    for name, place in places().items():
        name_terms, place_terms = tokenizer.tokens(name), tokenizer.tokens(place)
        if len(name_terms) == 1 and len(place_terms) == 1 and name_terms != place_terms:
            aliases[name_terms[0]] = place_terms[0]
    return aliases


SHIPPED = Lexicon()


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Term -> the terms of its one-word WordNet synonyms, all as Snowball stems
    (`training/synonyms.py`)."""
    table = {}
    for line in load_data_lines(SYNONYMS):
        term, *others = line.split()
        table[term] = tuple(others)
    return table


@lru_cache(maxsize=1)
def chat_spellings() -> dict[str, str]:
    """Chat spelling -> the standard English it stands for ("whats" -> "what is")."""
    table = {}
    for line in load_data_lines(CHAT):
        spelling, _, standard = line.partition("=")
        table[spelling.strip()] = standard.strip()
    return table
