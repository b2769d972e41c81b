"""How a sentence index lies in Xapian shard databases; shared by the build and the search.

One Xapian document a sentence, with docid = its row in the shard + 1. Its terms are
factbot's tokens with their counts as wdf (so Xapian's document length is the sentence's
token count, as BM25Okapi's), never Xapian's own stemmer or query parser; a term longer
than Xapian allows is stored as `#h` and its SHA-256. A boolean term `#POSITION` (no wdf,
so no length) finds a sentence by its global position, and value slot 0 holds that
position as 4 big-endian bytes, by which ties are ordered. The document data is the
sentence's terms in order, as a JSON list.

Each shard's metadata (not documents, so not in the collection statistics) holds
`factbot:shard` (JSON: format, build id, shard number and count, its first sentence
position and article, the corpus's totals, the tokenizer settings, the BM25 parameters and
the idf floor), `factbot:spans` (the shard's sentence rows as an int32 `.npy` of
article, paragraph, number, start, end; article counted over the whole corpus),
`factbot:docs` (its article ids, JSON) and `factbot:article:N` (article N's record, JSON).
"""
from __future__ import annotations

import hashlib

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


def position_value(position: int) -> bytes:
    return position.to_bytes(4, "big")
