"""Clause-sized answers: what someone said, why something happened, what a thing is called.

Each finder returns `(start, end, fit)` spans of one sentence, verbatim, with the fit scale of
the span candidates (3 the form the question asks for, 2 likely, 1 possible):
  statement  a quotation's words, or the clause reported after a speech verb ("said the
             campaigners would not make any difference", "warned that ..."), or after a
             colon that follows one ("saying: ...");
  reason     the clause after "because (of)", "due to", "owing to", "as a result of", "in order
             to", "so that" (fit 3), "since"/"as" opening a clause, "after" (2), or a purpose
             "to VERB" after a comma (1);
  called     the name after "called", "named", "known as", "dubbed", "nicknamed".
A clause runs to the end of the sentence, or to a semicolon or a closing quotation mark.
"""
from __future__ import annotations

import re

_QUOTE_OPEN = "\"\u201c"
_QUOTE_CLOSE = "\"\u201d"
# Verbs that report what someone said or thinks, in their usual forms (English grammar's
# reporting verbs; Quirk et al., "A Comprehensive Grammar of the English Language", 16.31).
_REPORTING = (r"(?:said|says|say|saying|told|tells|tell|telling|added|adds|warned|warns|warning|"
              r"stated|states|noted|notes|wrote|writes|explained|explains|argued|argues|insisted|"
              r"insists|claimed|claims|claiming|believes|believed|thinks|thought|reckons|reckoned|"
              r"admitted|admits|revealed|reveals|announced|announces|complained|complaining|"
              r"suggested|suggests|predicted|predicts|estimated|estimates|described|describes|"
              r"urged|urges|accused|accuses|denied|denies|confirmed|confirms|"
              r"maintained|maintains|stressed|stresses|concluded|concludes)")
_REPORTED = re.compile(
    rf"\b{_REPORTING}\b(?:\s+(?:[A-Z][\w'.\-]*\s*){{1,4}}|\s+(?:him|her|them|us|me|reporters|journalists))?"
    rf"(?:\s+(?:that|about|of|how|whether))?\s*[,:]?\s*(?P<clause>[^;]{{8,}})")
_REASON = [
    (re.compile(r"\b(?:because(?:\s+of)?|due\s+to|owing\s+to|as\s+a\s+result\s+of|in\s+order\s+to|so\s+that|"
                r"thanks\s+to|on\s+the\s+grounds\s+that|for\s+fear\s+of)\s+(?P<clause>[^;]{3,})", re.IGNORECASE), 3),
    (re.compile(r"(?:^|,\s*)(?:since|as|after|following)\s+(?P<clause>[^,;]{8,})", re.IGNORECASE), 2),
    (re.compile(r",\s*to\s+(?P<clause>[a-z][^,;]{6,})"), 1),
]
_CALLED = re.compile(r"\b(?:called|named|known\s+as|dubbed|nicknamed|entitled|titled)\s+(?P<name>(?:the\s+)?"
                     r"[\"\u201c]?[A-Z][\w'\-]*(?:\s+(?:of\s+|the\s+|&\s+)?[A-Z0-9][\w'\-]*)*[\"\u201d]?)")
_CLAUSE_END = re.compile(r";|\s+-\s+|\s+but\s+|\.\s*$")
_CLAUSE_OR_COMMA_END = re.compile(r"[;,]|\s+-\s+|\s+but\s+|\.\s*$")


def _clause(text: str, start: int, stop_at_comma: bool = False) -> tuple[int, int]:
    """The clause from `start`: up to a semicolon, a dash, "but", a quotation mark that
    closes a quotation opened before the clause, or the sentence's end (a comma too when
    `stop_at_comma`), without the punctuation around it."""
    end_match = (_CLAUSE_OR_COMMA_END if stop_at_comma else _CLAUSE_END).search(text, start)
    end = end_match.start() if end_match else len(text)
    quotes = [i for i in range(start, end) if text[i] in _QUOTE_OPEN + _QUOTE_CLOSE]
    if quotes and (text[quotes[0]] == "\u201d" or text[quotes[0]] == '"' and len(quotes) % 2 == 1):
        end = quotes[0]
    return _trim(text, start, end)


def quotations(text: str) -> list[tuple[int, int]]:
    """The words inside each pair of quotation marks, and a quotation left open at the
    sentence's end or opened before its start (a quotation that runs over sentences)."""
    spans = []
    opened = None
    for i, char in enumerate(text):
        if char in _QUOTE_OPEN and (opened is None or char == "\u201c"):
            opened = i + 1
        elif char in _QUOTE_CLOSE and opened is not None:
            spans.append((opened, i))
            opened = None
        elif char == "\u201d" and opened is None and not spans:
            spans.append((0, i))
    if opened is not None:
        spans.append((opened, len(text)))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e - s >= 3]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` without the spaces and punctuation around it, and without a quotation
    mark at either end that has no partner inside."""
    while start < end and text[start] in " ,:'":
        start += 1
    while end > start and text[end - 1] in " ,.:;'":
        end -= 1
    quotes = _QUOTE_OPEN + _QUOTE_CLOSE
    if start < end and text[start] in quotes and sum(c in quotes for c in text[start:end]) % 2:
        start += 1
    if start < end and text[end - 1] in quotes and sum(c in quotes for c in text[start:end]) % 2:
        end -= 1
    while end > start and text[end - 1] in " ,.:;'":
        end -= 1
    return start, end


def statement_spans(text: str) -> list[tuple[int, int, int]]:
    """What a sentence reports someone as saying (see the module doc)."""
    found = [(s, e, 3) for s, e in quotations(text)]
    for match in _REPORTED.finditer(text):
        start, end = _clause(text, match.start("clause"))
        if end - start >= 8:
            found.append((start, end, 3 if not found else 2))
    return found


def reason_spans(text: str) -> list[tuple[int, int, int]]:
    """Why, as the sentence says it (see the module doc)."""
    found = []
    for pattern, fit in _REASON:
        for match in pattern.finditer(text):
            start, end = _clause(text, match.start("clause"), stop_at_comma=fit < 3)
            if end > start:
                found.append((start, end, fit))
    return found


def called_spans(text: str) -> list[tuple[int, int, int]]:
    """The name a thing is given ("a search system ... called Spotlight")."""
    return [(*_trim(text, m.start("name"), m.end("name")), 3) for m in _CALLED.finditer(text)]
