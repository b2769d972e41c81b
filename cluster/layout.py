"""How a sentence index lies in Xapian shard databases; shared by the build and the search.

One Xapian document a sentence, with docid = its row in the shard + 1. Its terms are
factbot's tokens with their counts as wdf (so Xapian's document length is the sentence's
token count, as BM25Okapi's), never Xapian's own stemmer or query parser; a term longer
than Xapian allows is stored as `#h` and its SHA-256. A boolean term `#POSITION` (no wdf,
so no length) finds a sentence by its global position, and value slot 0 holds that
position as 4 big-endian bytes followed by the sentence's text, its terms in order and
those of the sentences just before and after it in its article (JSON `[text, terms,
before, after]`, `null` at the article's ends): ties are ordered by it, and, as the
collapse key of every match (positions are unique, so nothing collapses), it comes back
with the match itself, so a search fetches no document, and the neighbours' scores, which
the ranker reads next, need no request either.

Each shard's metadata (not documents, so not in the collection statistics) holds
`factbot:shard` (JSON: format, build id, shard number and count, its first sentence
position and article, the corpus's totals, the tokenizer settings, the BM25 parameters and
the idf floor), `factbot:spans` (the shard's sentence rows as an int32 `.npy` of
article, paragraph, number, start, end; article counted over the whole corpus),
`factbot:docs` (its article ids, JSON), `factbot:citations` (each of its articles'
title, url and date, JSON, which every citation carries), `factbot:article:N` (article N's record, JSON) and
`factbot:frequencies` (every term's document frequency over all shards, JSON, the same in
each shard: a query's idf then costs no round trip).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

SHARD_FORMAT = "factbot-xapian-shard"
SHARD_VERSION = 1
SHARD_KEY = "factbot:shard"
SPANS_KEY = "factbot:spans"
DOCS_KEY = "factbot:docs"
CITATIONS_KEY = "factbot:citations"
FREQUENCIES_KEY = "factbot:frequencies"
POSITION_SLOT = 0
# Xapian's glass backend holds terms of at most 245 bytes.
_MAX_TERM_BYTES = 240
ARTICLE_FIELDS = ("doc", "title", "text", "paragraphs", "standfirst", "byline", "authors", "url", "date", "source")


def article_key(article: int) -> str:
    return f"factbot:article:{article}"


def xapian_term(term: str) -> str:
    """The Xapian term of a factbot token (tokens hold no '#')."""
    if len(term.encode("utf-8")) <= _MAX_TERM_BYTES:
        return term
    return "#h" + hashlib.sha256(term.encode("utf-8")).hexdigest()


def position_term(position: int) -> str:
    return f"#{position}"


@dataclass(frozen=True)
class SentenceValue:
    """What a sentence's value holds (see the module doc)."""

    position: int
    text: str
    terms: list[str]
    before: list[str] | None
    after: list[str] | None

    def encode(self) -> bytes:
        return self.position.to_bytes(4, "big") + json.dumps(
            [self.text, self.terms, self.before, self.after], ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def decode(cls, value: bytes) -> "SentenceValue":
        """ValueError (or UnicodeDecodeError) when `value` is not a sentence's value."""
        text, terms, before, after = json.loads(value[4:].decode("utf-8"))
        if not (isinstance(text, str) and all(_is_terms(t) for t in (terms, before or [], after or []))):
            raise ValueError("not a sentence's value")
        return cls(int.from_bytes(value[:4], "big"), text, terms, before, after)


def _is_terms(value) -> bool:
    return isinstance(value, list) and all(isinstance(t, str) for t in value)
