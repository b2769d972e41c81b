"""General rules that turn a scraped news page into its title, byline and body paragraphs.

Nothing here knows any particular article. The rules:
- a paragraph is a line; a line break inside a sentence is joined back: in text whose
  paragraphs are set apart by blank lines, any single line break after a line that does not
  end a sentence; elsewhere, one followed by a lower-case letter (hard-wrapped text);
- the title is the first paragraph when it is short and does not end a sentence;
- the standfirst is a short paragraph right after the title;
- the byline is a "By ..." line, else the names of the authors of bios ("NAME is a ...
  reporter at ..."), never a bio sentence itself; bios are kept as body text, since
  readers ask who wrote a piece;
- a photo credit ("NAME/AGENCY via Getty Images", "AP Photo/NAME", "Photo: ...",
  "(Reuters)") and a social-media handle ("Twitter: @name") are not text: dropped when
  they are a whole line, cut off when they end one (a caption's credit, a bio's handle);
- site prompts (subscribe, comment, share, sign in, newsletter ...) are dropped, and a
  teaser heading ("More from ...", "Related", "Recommended", "Read more", "Most popular")
  is dropped with everything after it;
- exact and near-duplicate paragraphs (the repeated lead or photo caption) keep one copy:
  the longest, at the place of the first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold

_PROMPT = re.compile(
    r"^(subscribe|sign up|sign in|log in|register|join us|follow us|share|download|click|tap)\b"
    r"|\b(already a subscriber|subscribe (now|today|to|for)|sign up (for|to|now)|newsletter|"
    r"join the conversation|comment guidelines|commenting (on|as)|you are commenting|not your account|"
    r"share this (article|story|page|post)|share on (facebook|twitter|x|linkedin|whatsapp|email)|"
    r"follow us|click here|all rights reserved|cookie (policy|settings)|uses? cookies|privacy policy|"
    r"terms of (use|service)|download the app|benefit of an? [\w ]*subscription)\b"
    r"|^advertisement$"
)
_TEASER = re.compile(
    r"^(more from\b|related( articles| stories| coverage| content)?:?$|recommended( for you)?:?$|"
    r"read more\b|read next\b|most (popular|read)\b|you (may|might) also like|trending( now)?:?$|"
    r"further reading:?$|see also:?$)"
)
_BYLINE = re.compile(r"^(?i:by)\s+[A-Z][\w.'-]+")
_BIO = re.compile(
    r"^(?P<name>(?:[A-Z][\w'.-]+\s){1,3}?[A-Z][\w'-]+) (?:is|was) (?:a|an|the)\b[^.]{0,160}?\b"
    r"(reporter|correspondent|editor|writer|columnist|journalist|contributor|analyst|"
    r"author|producer|fellow|critic|editor-at-large)s?\b"
)
# A credit is recognised by its structure, not by who is credited: a label ("Photo:",
# "Photograph by"), a wire agency name alone, "... via AGENCY", or a person or agency and
# another name joined by slashes, three words or more ("Sergei Gapon/AFP",
# "REUTERS/Kevin Lamarque"), which a short heading like "Israel/Palestine" is not.
_AGENCY = (r"(?:Getty Images|AP|AFP|Reuters|EPA(?:-EFE)?|Bloomberg|Shutterstock|Alamy|"
           r"Associated Press|Agence France-Presse|Xinhua|Anadolu(?: Agency)?|Sipa|Pool|TASS|Sputnik)")
_NAME_WORD = r"[A-Z][\w.'’&-]*"
_CREDIT = re.compile(
    r"^\(?(?:"
    r"(?i:(?:photo(?:graph)?|image|picture|illustration|video|(?:(?:photo|image|picture) )?credit)s?\s*:"
    r"|(?:photo(?:graph)?|image|picture|illustration|video)s?\s+by)\s*\S.{0,100}"
    rf"|(?:{_NAME_WORD}(?:\s*/\s*|\s+)){{1,6}}via\s+{_AGENCY}"
    rf"|{_AGENCY}(?:\s+Photo)?"
    rf"|(?=(?:[^\s/]+[\s/]+){{2}}[^\s/])(?:{_NAME_WORD}\s+){{0,2}}{_NAME_WORD}"
    rf"(?:\s*/\s*(?:{_NAME_WORD}\s+){{0,2}}{_NAME_WORD})+"
    r")\)?$"
)
_HANDLE = re.compile(
    r"^(?i:(?:twitter|x|instagram|threads|bluesky|mastodon|tiktok|facebook|linkedin)\s*:\s*@[\w.@-]+"
    r"|(?:follow|find) (?:\w+ ){1,3}on (?:twitter|x|instagram|threads|bluesky|mastodon|tiktok)\b.{0,40}"
    r"|@\w{1,30})\.?$"
)
# Where a line's last sentence starts: after a sentence end and white space.
_LAST_PART = re.compile(r"(?<=[.!?\u201d\"])\s+(?=\S[^.!?]*$)")
_AUTHOR_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", "\u201d", '"', ":", ";")
_TITLE_MAX = 200
_STANDFIRST_MAX = 300
_PROMPT_MAX = 200
_NEAR_DUPLICATE = 0.8
_CONTAINED = 0.9
_CONTAINED_MIN_WORDS = 8


@dataclass(frozen=True)
class CleanedPage:
    title: str | None
    standfirst: str | None
    byline: str | None
    authors: tuple[str, ...]
    paragraphs: tuple[tuple[int, int], ...]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """One span a line, with hard-wrapped lines joined and blanks stripped."""
    spans: list[tuple[int, int]] = []
    blank_separated = re.search(r"\n[ \t\r]*\n", text) is not None
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        if spans and _is_wrapped(text, spans[-1], start, blank_separated):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _is_wrapped(text: str, previous: tuple[int, int], start: int, blank_separated: bool) -> bool:
    return (
        text.count("\n", previous[1], start) == 1
        and text[previous[1] - 1] not in ".!?:;\"'\u201d\u2019)"
        and (blank_separated or text[start].islower())
    )


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(text)))


def _is_near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    shared = len(a & b)
    if shared / len(a | b) >= _NEAR_DUPLICATE:
        return True
    smaller = min(len(a), len(b))
    return smaller >= _CONTAINED_MIN_WORDS and shared / smaller >= _CONTAINED


def _authors_from(line: str) -> tuple[str, ...]:
    names = re.sub(r"^by\s+", "", line.strip(), flags=re.IGNORECASE)
    names = re.split(r"\s*[|\u2022]\s*|\s+-\s+", names)[0]
    return tuple(n.strip(" .") for n in _AUTHOR_SPLIT.split(names) if n.strip(" ."))


def _is_credit_or_handle(part: str) -> bool:
    part = part.strip()
    if not 0 < len(part) <= 120:
        return False
    return bool(_HANDLE.match(part)) or (not part.endswith((".", "!", "?")) and bool(_CREDIT.match(part)))


def _without_credit(text: str, start: int, end: int) -> int:
    """Where paragraph `text[start:end]` ends once a trailing photo credit or handle is cut
    off; `start` when the whole paragraph is one."""
    if _is_credit_or_handle(text[start:end]):
        return start
    tail = _LAST_PART.search(text, start, end)
    if tail and _is_credit_or_handle(text[tail.end():end]):
        return tail.start()
    return end


def _names(authors: list[str]) -> str:
    return authors[0] if len(authors) == 1 else f"{', '.join(authors[:-1])} and {authors[-1]}"


def clean_page(text: str, known_title: str | None = None) -> CleanedPage:
    """Find the title, standfirst and byline of a page and the paragraphs worth indexing.

    `known_title` is the title when known from elsewhere (a collection's field, a Markdown
    heading), so the first paragraph is body text unless it repeats that title."""
    spans = paragraph_spans(text)
    title = standfirst = byline = None
    authors: list[str] = []
    body_start = 0
    if spans and not known_title:
        first = text[spans[0][0]:spans[0][1]]
        if len(first) <= _TITLE_MAX and not first.endswith(_SENTENCE_END[:3]):
            title = first
            body_start = 1
            if len(spans) > 2:
                second = text[spans[1][0]:spans[1][1]]
                if len(second) <= _STANDFIRST_MAX and not _BYLINE.match(second):
                    standfirst = second

    kept: list[tuple[int, int]] = []
    kept_words: list[frozenset[str]] = []
    for start, end in spans[body_start:]:
        end = _without_credit(text, start, end)
        if end == start:
            continue
        paragraph = text[start:end]
        folded = fold(paragraph)
        if _TEASER.match(folded) and len(paragraph) <= _PROMPT_MAX:
            break
        if (_BYLINE.match(paragraph) and len(paragraph) <= _PROMPT_MAX
                and not paragraph.endswith(_SENTENCE_END[:3])):
            byline = byline or paragraph
            authors.extend(a for a in _authors_from(paragraph) if a not in authors)
            continue
        if len(paragraph) <= _PROMPT_MAX and _PROMPT.search(folded):
            continue
        if (title or known_title) and folded.lstrip("#").strip() == fold(title or known_title):
            continue
        bio = _BIO.match(paragraph)
        if bio and bio.group("name") not in authors:
            authors.append(bio.group("name"))
        words = _words(paragraph)
        twin = next((i for i, w in enumerate(kept_words) if _is_near_duplicate(w, words)), None)
        if twin is None:
            kept.append((start, end))
            kept_words.append(words)
        elif end - start > kept[twin][1] - kept[twin][0]:
            kept[twin] = (start, end)
            kept_words[twin] = words
    if byline is None and authors:
        byline = _names(authors)
    return CleanedPage(title, standfirst, byline, tuple(authors), tuple(kept))
