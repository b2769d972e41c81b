"""Numbers, measures and dates as news text writes them, and whether two of them agree.

Quantities: "30,000", "30k", "1.5 million", "thirty thousand", "twenty-five", ranges
("between 5 and 10", "5-10", "from 5 to 10"), "hundreds of thousands", each with the hedge
that comes before it ("some", "about", "roughly", "nearly", "more than", "up to", "within"
...) and the word after it ("troops", "miles"). Dates: "Feb. 10", "February 10, 2022",
"10 February", "Feb. 10 and Feb. 20", "December", years ("in 2020", "until 2035") and
weekdays. Offsets point into the text given, so a phrase can be quoted verbatim.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .lexicon import fold


class Hedge(str, enum.Enum):
    EXACT = "exact"
    ABOUT = "about"
    NEARLY = "nearly"
    MORE_THAN = "more than"
    LESS_THAN = "less than"


class Agreement(str, enum.Enum):
    AGREE = "agree"
    DIFFER = "differ"
    UNSURE = "unsure"


_HEDGES: dict[str, Hedge] = {
    "about": Hedge.ABOUT, "around": Hedge.ABOUT, "roughly": Hedge.ABOUT, "some": Hedge.ABOUT,
    "approximately": Hedge.ABOUT, "an estimated": Hedge.ABOUT, "estimated": Hedge.ABOUT,
    "circa": Hedge.ABOUT, "nearly": Hedge.NEARLY, "almost": Hedge.NEARLY, "close to": Hedge.NEARLY,
    "just under": Hedge.NEARLY, "more than": Hedge.MORE_THAN, "over": Hedge.MORE_THAN,
    "at least": Hedge.MORE_THAN, "upwards of": Hedge.MORE_THAN, "just over": Hedge.MORE_THAN,
    "in excess of": Hedge.MORE_THAN, "fewer than": Hedge.LESS_THAN, "less than": Hedge.LESS_THAN,
    "under": Hedge.LESS_THAN, "up to": Hedge.LESS_THAN, "as many as": Hedge.LESS_THAN,
    "as much as": Hedge.LESS_THAN, "at most": Hedge.LESS_THAN, "no more than": Hedge.LESS_THAN,
    "within": Hedge.LESS_THAN,
}
# "about 100" and "nearly 100" stand for a figure within this share of 100.
APPROXIMATION = 0.1

_UNITS = {
    "ones": 1, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
SUFFIX_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}
# Scale words after a figure ("300 mln stg"); "mln" and "bln" are the wire services' forms.
_SCALE_AFTER = {**SCALES, "mln": 1_000_000, "bln": 1_000_000_000}
NUMBER_WORDS = frozenset(_UNITS) - {"ones"} | frozenset(SCALES)

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}
MEASURE_UNITS = frozenset({
    "mile", "miles", "km", "kilometer", "kilometers", "kilometre", "kilometres", "meter", "meters",
    "metre", "metres", "feet", "foot", "ft", "yards", "inches", "acres", "hectares", "square",
    "percent", "per", "%", "percentage", "points", "dollars", "euros", "pounds", "yuan", "rubles",
    "roubles", "tons", "tonnes", "kg", "kilograms", "grams", "litres", "liters", "barrels",
    "gallons", "degrees", "years", "year", "months", "month", "weeks", "week", "days", "day",
    "hours", "hour", "minutes", "seconds", "decades", "centuries", "mph", "knots", "pct", "stg", "dlrs",
    "dlr", "marks", "cents", "pence", "cts",
})
# Currencies as news copy names them after a figure; "stg", "dlrs" and "cts" are the wire
# services' abbreviations (Reuters style) for sterling, dollars and cents.
CURRENCIES = frozenset({"dollars", "euros", "pounds", "yuan", "rubles", "roubles", "yen", "francs", "stg", "dlrs",
                        "dlr", "marks", "cents", "pence", "cts"})
LENGTH_UNITS = frozenset({
    "mile", "miles", "km", "kilometer", "kilometers", "kilometre", "kilometres", "meter",
    "meters", "metre", "metres", "feet", "foot", "ft", "yards", "inches",
})
DURATION_UNITS = frozenset({"years", "year", "months", "month", "weeks", "week", "days", "day",
                            "hours", "hour", "minutes", "seconds", "decades", "centuries"})

# A comparison's baseline follows these words, give or take two ("rose to 12 pct from 10 pct",
# "from above two marks", "compared with a 2.7 billion requirement"); a question or
# claim with words of an earlier time may speak of the baseline itself ("what was it last year").
_BASELINE_MARKER = re.compile(r"\b(?:compared\s+(?:with|to)|against|versus|vs\.?|from)\s+(?:[^\W\d_]+\s+){0,2}$",
                              re.IGNORECASE)
BASELINE_WORDS = re.compile(r"\b(?:last|previous|previously|earlier|ago|prior|before|originally|initially|formerly)\b",
                            re.IGNORECASE)
_BASELINE_REACH_WORDS = 3
_WORDS = re.compile(r"[^\W_]+")
_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_WORD_NUMBER = rf"(?:(?:{_NUMBER_WORD})(?:(?:[\s-]+|(?<=hundred)\s+and\s+)(?:{_NUMBER_WORD}))*)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE_WORD = r"(?:\s+(?:hundred|thousand|million|billion|trillion|mln|bln))?"
_AMOUNT = rf"(?:[$€£]\s?)?(?:{_DIGITS}(?:k|mn|bn|m)?{_SCALE_WORD}|{_WORD_NUMBER})"
_HEDGE = "|".join(sorted((re.escape(h) for h in _HEDGES), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.,-])(?:(?P<hedge>{_HEDGE})\s+)?"
    rf"(?:(?P<range_open>between|from)\s+)?"
    rf"(?P<amount>{_AMOUNT})"
    rf"(?:(?:\s*[-\u2013]\s*|\s+(?:to|or)\s+|(?(range_open)\s+and\s+|(?!)))(?P<high>{_AMOUNT}))?"
    r"(?!\w)(?!-(?!(?:year|month|week|day|hour|minute|second|mile|metre|meter|foot|point|man|strong)s?\b))(?!,\d)",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(?P<amount>(?:hundreds|thousands|millions|billions|tens)"
                    r"(?:\s+of\s+(?:thousands|millions|billions))?)\s+of\b", re.IGNORECASE)
_VAGUE_FLOOR = {"tens": 20, "hundreds": 200, "thousands": 2_000, "millions": 2_000_000,
                "billions": 2_000_000_000}
_NEXT_WORD = re.compile(r"\s*([^\W\d_][\w'.-]*|%)")

_MONTH_NAME = (r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
               r"December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2}|2100)"
_DATE = re.compile(
    rf"(?P<md>(?P<m1>{_MONTH_NAME})\s+(?P<d1>{_DAY})(?!\d)(?:,?\s+(?P<y1>{_YEAR}))?)"
    rf"|(?P<dm>(?P<d2>{_DAY})\s+(?P<m2>{_MONTH_NAME})(?:,?\s+(?P<y2>{_YEAR}))?)"
    rf"|(?P<my>(?P<m3>{_MONTH_NAME})(?:,?\s+(?P<y3>{_YEAR}))?)"
    rf"|(?P<weekday>\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    rf"|(?P<year>(?<![\d,.$€£-]){_YEAR}(?![\d%]|[,.]\d))"
)
_YEAR_CUE = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|of|before|after|through|during|early|late|mid|around|"
    r"circa|year|the|and|or|to|between|summer|spring|autumn|fall|winter|january|february|march|"
    r"april|may|june|july|august|september|october|november|december)\s+|-|')$", re.IGNORECASE)
# A month name alone is a date only after one of these words ("in May", not "May" the verb).
_MONTH_CUE = re.compile(r"\b(?:in|since|until|till|by|from|of|before|after|through|during|early|"
                        r"late|mid|last|next|this|that|each|every|since|between|and|or|to)\s+$",
                        re.IGNORECASE)
_DATE_JOIN = re.compile(r"\s*(?:-|–|to|and|through|until|till|or)\s*$")


@dataclass(frozen=True)
class Quantity:
    """A figure in a text: `text[start:end]` is the hedge and number (or range);
    `unit` is the word after it, folded ("troops", "miles", "%"), ending at `unit_end`."""

    value: float
    high: float | None
    hedge: Hedge
    start: int
    end: int
    unit: str | None
    unit_end: int

    @property
    def low(self) -> float:
        return self.value

    @property
    def is_measure(self) -> bool:
        return self.unit in MEASURE_UNITS


@dataclass(frozen=True)
class DateMention:
    """A date or part of one in a text, `text[start:end]`; absent parts are None."""

    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None


@dataclass(frozen=True)
class DatePhrase:
    """One or more date mentions joined as a list or range ("Feb. 10 and Feb. 20")."""

    start: int
    end: int
    dates: tuple[DateMention, ...]


def compared_with(text: str, quantity: Quantity, quantities: list[Quantity]) -> Quantity | None:
    """The figure `quantity` is the baseline of, when it follows "from", "compared with",
    "against" or "versus" right after another figure of the same unit, or has no unit of its
    own: "12 pct" of "rose to 12 pct from 10 pct", "100 mln stg" of "100 mln stg, compared
    with a 2.7 billion requirement". None when it is no baseline."""
    opening = re.match(r"from\s+", text[quantity.start:quantity.end], re.IGNORECASE)  # read as a range's "from"
    marker = _BASELINE_MARKER.search(text[:quantity.start] + (opening.group() if opening else ""))
    if marker is None:
        return None
    before = [q for q in quantities if q.end <= marker.start()
              and len(_WORDS.findall(text[q.end:marker.start()])) <= _BASELINE_REACH_WORDS]
    if not before or _unit_kind(quantity) not in (None, _unit_kind(before[-1])):
        return None
    return before[-1]


def _unit_kind(quantity: Quantity) -> str | None:
    """A figure's unit when it is a currency or a measure, else None ("a 2.7 billion requirement")."""
    return quantity.unit if quantity.unit in CURRENCIES or quantity.is_measure else None


def parse_number(text: str) -> float | None:
    """The value of one amount: '30,000', '30k', '1.5 million', 'thirty thousand', '$3bn'."""
    words = fold(text).strip().lstrip("$€£").strip()
    match = re.fullmatch(rf"({_DIGITS})(k|mn|bn|m)?(?:\s+(hundred|thousand|million|billion|trillion|mln|bln))?",
                         words)
    if match:
        value = float(match.group(1).replace(",", ""))
        if match.group(2):
            value *= SUFFIX_SCALES[match.group(2)]
        if match.group(3):
            value *= _SCALE_AFTER[match.group(3)]
        return value
    return parse_number_words(words.split())


def parse_number_words(words: list[str]) -> float | None:
    """'thirty thousand' -> 30000, 'two hundred and fifty' -> 250; None if not a number."""
    parts = [p for w in words for p in w.split("-") if p and p != "and"]
    if not parts or any(p not in _UNITS and p not in SCALES for p in parts):
        return None
    total, current = 0, 0
    for part in parts:
        if part in _UNITS:
            current += _UNITS[part]
        elif part == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * SCALES[part]
            current = 0
    return float(total + current)


def find_quantities(text: str) -> list[Quantity]:
    """Every figure in the text that is not part of a date, a year or a name like 'Su-25'."""
    taken = [(m.start, m.end) for m in find_dates(text) if m.month is not None or m.year is not None]
    found = []
    for match in _QUANTITY.finditer(text):
        amount = match.group("amount")
        if amount.lower() == "one" and not match.group("high"):
            continue
        start = match.start("hedge") if match.group("hedge") else match.start("range_open") \
            if match.group("range_open") else match.start("amount")
        if any(s < match.end("amount") and match.start("amount") < e for s, e in taken):
            continue
        value = parse_number(amount)
        high = parse_number(match.group("high")) if match.group("high") else None
        if value is None:
            continue
        end = match.end()
        if match.group("high") and (high is None or high < value):
            high, end = None, match.end("amount")
        hedge = _HEDGES.get(" ".join(match.group("hedge").lower().split()), Hedge.EXACT) \
            if match.group("hedge") else Hedge.EXACT
        unit, unit_end = _unit_after(text, end)
        found.append(Quantity(value, high, hedge, start, end, unit, unit_end))
    for match in _VAGUE.finditer(text):
        words = fold(match.group("amount")).split()
        value = _VAGUE_FLOOR[words[0]] * (SCALES[words[-1][:-1]] if len(words) == 3 else 1)
        unit, unit_end = _unit_after(text, match.end())
        found.append(Quantity(float(value), None, Hedge.MORE_THAN, match.start(), match.end("amount"),
                              unit, unit_end))
    return sorted(found, key=lambda q: q.start)


def _unit_after(text: str, end: int) -> tuple[str | None, int]:
    if text[end:end + 1] == "-" and text[end + 1:end + 2].isalpha():
        end += 1
    match = _NEXT_WORD.match(text, end)
    if not match:
        return None, end
    word = fold(match.group(1))
    if word.rstrip(".") in ("and", "or", "to", "the", "a", "an", "of", "in"):
        return None, end
    if word.endswith(".") and word.count(".") == 1:
        return word[:-1], match.end(1) - 1
    return word, match.end(1)


def find_dates(text: str) -> list[DateMention]:
    """Dates, months, weekdays and years in the text, in order."""
    found = []
    for match in _DATE.finditer(text):
        groups = match.groupdict()
        if groups["md"]:
            found.append(DateMention(match.start(), match.end(), _int(groups["y1"]),
                                     _month(groups["m1"]), _int(groups["d1"])))
        elif groups["dm"]:
            found.append(DateMention(match.start(), match.end(), _int(groups["y2"]),
                                     _month(groups["m2"]), _int(groups["d2"])))
        elif groups["my"]:
            before = text[max(0, match.start() - 12):match.start()]
            if groups["y3"] or _MONTH_CUE.search(before):
                found.append(DateMention(match.start(), match.end(), _int(groups["y3"]),
                                         _month(groups["m3"])))
        elif groups["weekday"]:
            found.append(DateMention(match.start(), match.end(),
                                     weekday=WEEKDAYS[groups["weekday"].lower()]))
        elif groups["year"]:
            before = text[max(0, match.start() - 12):match.start()]
            after = text[match.end():match.end() + 2]
            if _YEAR_CUE.search(before) or not re.match(r"\s+[a-z]", after):
                found.append(DateMention(match.start(), match.end(), year=int(groups["year"])))
    return found


def date_phrases(text: str) -> list[DatePhrase]:
    """Date mentions with lists and ranges joined: 'Feb. 10 and Feb. 20', 'May 3-5'."""
    phrases: list[list[DateMention]] = []
    for mention in find_dates(text):
        if phrases and _DATE_JOIN.fullmatch(text[phrases[-1][-1].end:mention.start]) \
                and _same_grain(phrases[-1][-1], mention):
            phrases[-1].append(mention)
        else:
            phrases.append([mention])
    # "May 3-5": the range's second day is a bare number after the dash.
    joined = []
    for group in phrases:
        last = group[-1]
        tail = re.match(r"\s*(?:-|–|to|through)\s*(\d{1,2})(?![\d,])", text[last.end:])
        if last.day is not None and tail and 1 <= int(tail.group(1)) <= 31:
            end = last.end + tail.end()
            group = group + [DateMention(last.end + tail.start(1), end, last.year, last.month,
                                         int(tail.group(1)))]
        joined.append(DatePhrase(group[0].start, group[-1].end, tuple(group)))
    return joined


def _same_grain(a: DateMention, b: DateMention) -> bool:
    return (a.weekday is None) == (b.weekday is None) and (a.month is None) == (b.month is None)


def _int(text: str | None) -> int | None:
    return int(re.sub(r"\D", "", text)) if text else None


def _month(text: str) -> int:
    return MONTHS[fold(text).rstrip(".")]


def interval(quantity: Quantity) -> tuple[float, float]:
    """The values a figure allows, given its hedge: 'nearly 600' is [540, 600]."""
    low, high = quantity.value, quantity.high if quantity.high is not None else quantity.value
    if quantity.hedge is Hedge.ABOUT:
        return low * (1 - APPROXIMATION), high * (1 + APPROXIMATION)
    if quantity.hedge is Hedge.NEARLY:
        return low * (1 - APPROXIMATION), high
    if quantity.hedge is Hedge.MORE_THAN:
        return low, float("inf")
    if quantity.hedge is Hedge.LESS_THAN:
        return 0.0, high
    return low, high


def compare_quantities(claimed: Quantity, stated: Quantity) -> Agreement:
    """Whether a claimed figure agrees with the figure a text states.

    Equal figures agree unless only one is a bound ("more than 10" against "10": unsure)
    or they are bounds of opposite directions. Two bounds of the same direction ("within
    30 miles", "within 5 miles") are the same kind of statement: they agree only when equal.
    A claimed bound agrees when the stated figure lies inside it ("more than 20,000" against
    "30,000"). An exact or approximate claim agrees when it overlaps the stated figure's range
    ("nearly 600" against "about 590"). A stated bound cannot confirm an exact claim inside it
    ("5 miles" against "within 30 miles"): unsure.
    """
    bounds = (Hedge.MORE_THAN, Hedge.LESS_THAN)
    if claimed.value == stated.value and claimed.high == stated.high:
        if claimed.hedge is stated.hedge or claimed.hedge not in bounds and stated.hedge not in bounds:
            return Agreement.AGREE
        both_bounds = claimed.hedge in bounds and stated.hedge in bounds
        return Agreement.DIFFER if both_bounds else Agreement.UNSURE
    if claimed.hedge in bounds and claimed.hedge is stated.hedge:
        return Agreement.DIFFER
    claim_low, claim_high = interval(claimed)
    stated_low, stated_high = interval(stated)
    overlaps = claim_low <= stated_high and stated_low <= claim_high
    if claimed.hedge in bounds:
        inside = claim_low <= stated_low and stated_high <= claim_high
        return Agreement.AGREE if inside else Agreement.DIFFER if not overlaps else Agreement.UNSURE
    if stated.hedge in bounds:
        return Agreement.UNSURE if overlaps else Agreement.DIFFER
    return Agreement.AGREE if overlaps else Agreement.DIFFER


def compare_dates(claimed: DateMention, stated: DateMention) -> Agreement:
    """Dates agree when every part both name is equal, differ when a shared part differs,
    and are unsure when they share no part (a weekday against a year)."""
    shared = [(a, b) for a, b in ((claimed.year, stated.year), (claimed.month, stated.month),
                                  (claimed.day, stated.day), (claimed.weekday, stated.weekday))
              if a is not None and b is not None]
    if not shared:
        return Agreement.UNSURE
    return Agreement.AGREE if all(a == b for a, b in shared) else Agreement.DIFFER
