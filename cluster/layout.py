"""How a sentence index lies in Xapian shard databases; shared by the build and the search.

One Xapian document a sentence, with docid = its row in the shard + 1. Its terms are
factbot's tokens with their counts as wdf (so Xapian's document length is the sentence's
token count, as BM25Okapi's), never Xapian's own stemmer or query parser; a term longer
than Xapian allows is stored as `#h` and its SHA-256. A boolean term `#POSITION` (no wdf,
so no length) finds a sentence by its global position.

Value slot 1 holds the position as 4 big-endian bytes, by which ties are ordered. Slot 0,
the row (`SentenceValue`), holds the position, the sentence's terms in order and those of
the sentences just before and after it in its article, as 4-byte ids into the vocabulary,
then the sentence's text in UTF-8. The row is every match's collapse key (positions are
unique, so nothing collapses), so it comes back with the match itself: a search fetches no
document, and the neighbours' scores, which the ranker reads next, need no request either.
(Sorting ties by the row itself would send each row twice, as collapse and sort key: at
k = 60 over three remote shards that doubled the time of a search.)

Each shard's metadata (not documents, so not in the collection statistics) holds
`factbot:shard` (JSON: format, build id, shard number and count, its first sentence
position and article, the corpus's totals, the tokenizer settings, the BM25 parameters and
the idf floor), `factbot:spans` (the shard's sentence rows as an int32 `.npy` of article,
paragraph, number, start, end; article counted over the whole corpus), `factbot:docs` (its
article ids, JSON), `factbot:citations` (each of its articles' title, url and date, JSON,
which every citation carries), `factbot:article:N` (article N's record, JSON) and
`factbot:vocabulary` (every term, in id order, with its document frequency over all shards,
JSON `[[term, frequency], ...]`, the same in each shard: a query's idf then costs no request).
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import numpy as np

SHARD_FORMAT = "factbot-xapian-shard"
SHARD_VERSION = 1
SHARD_KEY = "factbot:shard"
SPANS_KEY = "factbot:spans"
DOCS_KEY = "factbot:docs"
CITATIONS_KEY = "factbot:citations"
VOCABULARY_KEY = "factbot:vocabulary"
ROW_SLOT = 0
POSITION_SLOT = 1
# A row value's head: position, and the number of terms of the sentence, of the one before
# and of the one after (_NONE: no such sentence in the article), little-endian.
_HEAD = struct.Struct("<IIII")
_NONE = 0xFFFFFFFF
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
    """What a sentence's row value holds (see the module doc)."""

    position: int
    text: str
    terms: list[str]
    before: list[str] | None
    after: list[str] | None

    def encode(self, term_ids: dict[str, int]) -> bytes:
        """The value, terms as their ids in `term_ids` (the vocabulary's order)."""
        lists = (self.terms, self.before or [], self.after or [])
        head = _HEAD.pack(self.position, len(self.terms), _NONE if self.before is None else len(self.before),
                          _NONE if self.after is None else len(self.after))
        ids = np.fromiter((term_ids[t] for terms in lists for t in terms), dtype="<u4")
        return head + ids.tobytes() + self.text.encode("utf-8")

    @classmethod
    def decode(cls, value: bytes, vocabulary: list[str]) -> "SentenceValue":
        """ValueError (or UnicodeDecodeError) when `value` is not a sentence's value."""
        try:
            position, n_terms, n_before, n_after = _HEAD.unpack_from(value)
            counts = [n_terms, 0 if n_before == _NONE else n_before, 0 if n_after == _NONE else n_after]
            ids = np.frombuffer(value, dtype="<u4", count=sum(counts), offset=_HEAD.size).tolist()
            terms = [vocabulary[i] for i in ids]
        except (struct.error, IndexError) as error:
            raise ValueError("not a sentence's value") from error
        text = value[_HEAD.size + 4 * len(ids):].decode("utf-8")
        before_end = counts[0] + counts[1]
        return cls(position, text, terms[:counts[0]], None if n_before == _NONE else terms[counts[0]:before_end],
                   None if n_after == _NONE else terms[before_end:])
