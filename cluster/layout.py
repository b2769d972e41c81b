"""How a sentence index lies in Xapian shard databases; shared by the build and the search.

One Xapian document a sentence, with docid = its row in the shard + 1. Its terms are
factbot's tokens with their counts as wdf (so Xapian's document length is the sentence's
token count, as BM25Okapi's), never Xapian's own stemmer or query parser; a term longer
than Xapian allows is stored as `#h` and its SHA-256. A boolean term `#POSITION` (no wdf,
so no length) finds a sentence by its global position, and value slot 0 holds that
position as 4 big-endian bytes followed by the sentence's text and its terms in order
(JSON `[text, terms]`): ties are ordered by it, and, as the collapse key of every match
(positions are unique, so nothing collapses), it comes back with the match itself, so a
search fetches no document.

Each shard's metadata (not documents, so not in the collection statistics) holds
`factbot:shard` (JSON: format, build id, shard number and count, its first sentence
position and article, the corpus's totals, the tokenizer settings, the BM25 parameters and
the idf floor), `factbot:spans` (the shard's sentence rows as an int32 `.npy` of
article, paragraph, number, start, end; article counted over the whole corpus),
`factbot:docs` (its article ids, JSON) and `factbot:article:N` (article N's record, JSON).
"""
from __future__ import annotations

import hashlib
import json

SHARD_FORMAT = "factbot-xapian-shard"
SHARD_VERSION = 1
SHARD_KEY = "factbot:shard"
SPANS_KEY = "factbot:spans"
DOCS_KEY = "factbot:docs"
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


def sentence_value(position: int, text: str, terms: list[str]) -> bytes:
    return position.to_bytes(4, "big") + json.dumps([text, terms], ensure_ascii=False,
                                                    separators=(",", ":")).encode("utf-8")


def read_sentence_value(value: bytes) -> tuple[int, str, list[str]]:
    """The position, text and terms of a sentence's value (ValueError when damaged)."""
    text, terms = json.loads(value[4:].decode("utf-8"))
    if not (isinstance(text, str) and isinstance(terms, list) and all(isinstance(t, str) for t in terms)):
        raise ValueError("not a sentence's value")
    return int.from_bytes(value[:4], "big"), text, terms
