"""`XapianSearch`: the `SentenceSearch` of a sentence index in Xapian shards (see `layout`),
scoring exactly as `SentenceIndex` (BM25Okapi as rank-bm25 computes it), and the corpus the
engine reads from the same shards.

Xapian's BM25 (`BM25Weight`, Robertson's formula) has Okapi's saturation and length
normalisation but another idf: ln((N - n + 0.5) / (n + 0.5)), raised where that ratio is
below 2 (a term in over about a third of the sentences) to ln(ratio / 2 + 1) so it stays
positive, where BM25Okapi floors a negative idf at epsilon times the mean idf. So each query
term is scaled (`OP_SCALE_WEIGHT`) by its Okapi idf over Xapian's, times its count in the
query: Xapian then ranks by the Okapi score up to rounding, over the global statistics of
all shards, ties by sentence position (value slot 1). The k + `MARGIN` best come back with
their text and terms (value slot 0, as each match's collapse key), are rescored exactly
from those terms and the global statistics, and ordered by score, then position. Text and
terms are kept for the last `_CACHE_SENTENCES` sentences read, which the stages above BM25
read next (`sentence_terms`, and the corpus's sentence text).

A query whose terms include one of negative idf (only in tiny corpora, where the mean idf
itself is negative) cannot be ranked by Xapian, which refuses negative weights; it fetches
every matching sentence instead.
"""
from __future__ import annotations

import io
import json
import math
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np
import xapian

from retrieval import Article, BM25Params, Corpus, Hit, Sentence, Tokenizer
from retrieval.corpus import SentenceSpans
from retrieval.search import okapi_idf

from .connection import Shards
from .errors import ClusterError
from .layout import (CITATIONS_KEY, DOCS_KEY, VOCABULARY_KEY, POSITION_SLOT, ROW_SLOT, SPANS_KEY, SentenceValue,
                     article_key, position_term, xapian_term)
from .spec import ClusterSpec, read_cluster_file

MARGIN = 10
_CACHE_SENTENCES = 65_536
_CACHE_ARTICLES = 4096


@dataclass(frozen=True)
class _Row:
    """A sentence's text (None when only its terms were read, as a neighbour's) and terms."""

    text: str | None
    terms: list[str]


class _SentenceRows:
    """Sentences' text and terms, read from the shards by position and kept, the most
    recently read `_CACHE_SENTENCES`; shared by the search, which fills it, and the corpus."""

    def __init__(self, shards: Shards, vocabulary: list[str]):
        self._shards = shards
        self._vocabulary = vocabulary
        self._rows: OrderedDict[int, _Row] = OrderedDict()

    def read(self, mset: xapian.MSet) -> dict[int, _Row]:
        """The matches of `mset` (made with the row slot as collapse key), in order,
        kept with their neighbours' terms."""
        found, around = {}, {}
        for item in mset:
            try:
                value = SentenceValue.decode(item.collapse_key, self._vocabulary)
            except (ValueError, UnicodeDecodeError):
                raise ClusterError("a shard holds a damaged sentence; rebuild the index") from None
            found[value.position] = _Row(value.text, value.terms)
            for step, terms in ((-1, value.before), (1, value.after)):
                if terms is not None and value.position + step not in self._rows:
                    around[value.position + step] = _Row(None, terms)
        around.update(found)
        self._rows.update(around)
        while len(self._rows) > _CACHE_SENTENCES:
            self._rows.popitem(last=False)
        return found

    def text(self, position: int) -> str | None:
        row = self._rows.get(position)
        return None if row is None else row.text

    def get(self, positions: list[int], n_sentences: int) -> dict[int, _Row]:
        """The rows at `positions`, those not kept read in one query."""
        kept = {p: row for p in set(positions) if (row := self._rows.get(p)) is not None}
        missing = sorted(set(positions) - kept.keys())
        if missing:
            if missing[0] < 0 or missing[-1] >= n_sentences:
                raise IndexError("sentence position out of range")
            query = xapian.Query(xapian.Query.OP_OR, [xapian.Query(position_term(p)) for p in missing])

            def fetch() -> dict[int, _Row]:
                enquire = _enquire(self._shards.combined, query)
                enquire.set_weighting_scheme(xapian.BoolWeight())
                enquire.set_sort_by_value(POSITION_SLOT, False)
                return self.read(enquire.get_mset(0, len(missing)))

            kept.update(self._shards.run(fetch))
        return {p: kept[p] for p in positions}


class XapianSearch:
    """Ranked BM25Okapi search over the sentences of a cluster's shards, row i being global
    sentence position i (shard by shard, as the build laid them)."""

    def __init__(self, shards: Shards, vocabulary: list[tuple[str, int]], rows: _SentenceRows | None = None):
        """`vocabulary`: every term, in id order, with its document frequency, as the build stored them."""
        self._shards = shards
        self._frequencies = dict(vocabulary)
        self._rows = rows or _SentenceRows(shards, [term for term, _ in vocabulary])
        header = shards.headers[0]
        self.params = BM25Params(**header["bm25"])
        self._floor = float(header["idf_floor"])
        self._n_sentences = int(header["total_sentences"])
        self._average_length = shards.run(self._read_average_length)

    def __len__(self) -> int:
        return self._n_sentences

    def document_frequency(self, term: str) -> int:
        """The number of sentences holding `term` (0 for a term the index does not hold)."""
        return self._frequencies_of([term])[term]

    def sentence_terms(self, position: int) -> list[str] | None:
        """The terms of the sentence at `position` in order, repeats kept."""
        return list(self._rows.get([position], len(self))[position].terms)

    def search(self, query_terms: list[str], k: int) -> list[Hit]:
        """The k best sentences holding any query term, score descending, then position."""
        k = max(0, min(k, len(self)))
        frequencies = self._frequencies_of(query_terms)
        known = [t for t in query_terms if frequencies[t] > 0]
        if k == 0 or not known:
            return []
        idf = self._idf(known, frequencies)
        counts = Counter(known)
        fetch_all = any(idf[t] < 0 for t in counts)
        query = xapian.Query(xapian.Query.OP_OR, [
            xapian.Query(xapian.Query.OP_SCALE_WEIGHT, xapian.Query(xapian_term(t)),
                         counts[t] * max(idf[t], 0.0) / _xapian_idf(len(self), frequencies[t]))
            for t in counts])

        def ranked() -> dict[int, _Row]:
            enquire = _enquire(self._shards.combined, query)
            enquire.set_weighting_scheme(xapian.BM25Weight(self.params.k1, 0, 0, self.params.b, 0))
            enquire.set_sort_by_relevance_then_value(POSITION_SLOT, False)
            return self._rows.read(enquire.get_mset(0, len(self) if fetch_all else k + MARGIN))

        found = self._shards.run(ranked)
        scored = [(self._score(known, idf, row.terms), position) for position, row in found.items()]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [Hit(position, score) for score, position in scored[:k]]

    def scores_at(self, query_terms: list[str], positions: np.ndarray) -> np.ndarray:
        """The scores of the sentences at `positions` (0.0 where they hold no query term)."""
        positions = [int(p) for p in np.asarray(positions).tolist()]
        frequencies = self._frequencies_of(query_terms)
        known = [t for t in query_terms if frequencies[t] > 0]
        if not known or not positions:
            return np.zeros(len(positions), dtype=np.float64)
        idf = self._idf(known, frequencies)
        rows = self._rows.get(positions, len(self))
        return np.array([self._score(known, idf, rows[p].terms) for p in positions], dtype=np.float64)

    def _idf(self, terms: list[str], frequencies: dict[str, int]) -> dict[str, float]:
        """BM25Okapi's idf of each term: Okapi's, or the stored floor where that is negative."""
        idf = {t: okapi_idf(len(self), frequencies[t]) for t in terms}
        return {t: self._floor if value < 0 else value for t, value in idf.items()}

    def _score(self, query_terms: list[str], idf: dict[str, float], terms: list[str]) -> float:
        """BM25Okapi's score, summed in query order as `SentenceIndex` sums it."""
        k1, b = self.params.k1, self.params.b
        held = Counter(terms)
        norm = k1 * (1 - b + b * len(terms) / self._average_length)
        score = 0.0
        for term in query_terms:
            tf = held.get(term)
            if tf:
                score += idf[term] * tf * (k1 + 1) / (tf + norm)
        return score

    def _read_average_length(self) -> float:
        combined = self._shards.combined
        total = float(combined.get_total_length())
        return total / combined.get_doccount() if total else 1.0

    def _frequencies_of(self, terms: list[str]) -> dict[str, int]:
        return {t: self._frequencies.get(t, 0) for t in terms}


def _enquire(database: xapian.Database, query: xapian.Query) -> xapian.Enquire:
    """An enquiry whose matches carry their sentence's value (see `layout`)."""
    enquire = xapian.Enquire(database)
    enquire.set_query(query)
    enquire.set_collapse_key(ROW_SLOT, 1)
    return enquire


def _xapian_idf(n_sentences: int, frequency: int) -> float:
    """Xapian 1.4's BM25 term weight before its (k1 + 1) factor (`BM25Weight::init`)."""
    ratio = (n_sentences - frequency + 0.5) / (frequency + 0.5)
    if ratio < 2:
        ratio = ratio * 0.5 + 1
    return math.log(ratio)


class _ClusterCorpus(Corpus):
    """A corpus whose sentence rows and article ids are held here and whose sentence texts
    and articles are read from the shards when asked for."""

    def __init__(self, articles: "_ClusterArticles", spans: SentenceSpans, docs: list[str], rows: _SentenceRows,
                 citations: list[tuple[str, str | None, str | None]]):
        super().__init__(articles, spans, docs)
        self._rows = rows
        self._citations = citations

    def citation_fields(self, doc: str) -> tuple[str, str | None, str | None]:
        """Read at open with the article ids, so a citation costs no request."""
        return self._citations[self._article_index[doc]]

    def sentence(self, position: int) -> Sentence:
        """The sentence, its text as a search read it, else from its article (one request to
        one shard, and the article kept for its other sentences)."""
        text = self._rows.text(position)
        if text is None:
            return super().sentence(position)
        spans = self.spans
        return Sentence(position, self.docs[int(spans.article[position])], int(spans.paragraph[position]),
                        int(spans.number[position]), int(spans.start[position]), int(spans.end[position]), text)


class _ClusterArticles:
    """The cluster's articles, each read from its shard's metadata when first asked for."""

    def __init__(self, shards: Shards):
        self._shards = shards
        self._first = np.array([h["first_article"] for h in shards.headers], dtype=np.int64)
        self._count = int(shards.headers[0]["total_articles"])
        self._cache: OrderedDict[int, Article] = OrderedDict()

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if not -len(self) <= index < len(self):
            raise IndexError("article index out of range")
        index = int(index) % len(self)
        article = self._cache.get(index)
        if article is None:
            shard = int(np.searchsorted(self._first, index, side="right")) - 1
            raw = self._shards.run(lambda: self._shards.shard(shard).get_metadata(article_key(index)))
            article = _article(raw, shard)
            with self._shards.lock:
                self._cache[index] = article
                while len(self._cache) > _CACHE_ARTICLES:
                    self._cache.popitem(last=False)
        return article


def _article(raw: bytes, shard: int) -> Article:
    try:
        record = json.loads(raw.decode("utf-8"))
        return Article(**{**record, "paragraphs": tuple(map(tuple, record["paragraphs"])),
                          "authors": tuple(record["authors"])})
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError, KeyError):
        raise ClusterError(f"shard {shard + 1} holds a damaged article record; rebuild the index") from None


def open_cluster(spec: ClusterSpec) -> tuple[Corpus, XapianSearch, Tokenizer]:
    """The corpus, search and tokenizer of the cluster `spec` describes: every shard
    connected and checked to be of one build, its sentence rows and article ids read."""
    shards = Shards(spec)
    try:
        headers = shards.headers
        _check_headers(headers, len(spec.shards))
        tokenizer = Tokenizer.from_settings(headers[0]["tokenizer"])
        if tokenizer is None:
            raise ClusterError("the cluster's index was built with other tokenizer settings; rebuild it")
        rows, docs, citations = [], [], []
        for shard, header in enumerate(headers):
            rows.append(_spans(shards, shard, header))
            docs.extend(_docs(shards, shard, header))
            citations.extend(_citations(shards, shard, header))
        table = np.concatenate(rows)
        spans = SentenceSpans(*(np.ascontiguousarray(table[:, i]) for i in range(5)))
        vocabulary = _vocabulary(shards, len(table))
        rows = _SentenceRows(shards, [term for term, _ in vocabulary])
        search = XapianSearch(shards, vocabulary, rows)
        return _ClusterCorpus(_ClusterArticles(shards), spans, docs, rows, citations), search, tokenizer
    except BaseException:
        shards.close()
        raise


def open_cluster_file(path) -> tuple[Corpus, XapianSearch, Tokenizer]:
    return open_cluster(read_cluster_file(path))


def _check_headers(headers: list[dict], n_shards: int) -> None:
    first_sentence = first_article = 0
    for shard, header in enumerate(headers):
        if (header.get("build") != headers[0].get("build") or header.get("shard") != shard
                or header.get("shards") != n_shards):
            raise ClusterError(f"shard {shard + 1} of the cluster file holds shard {header.get('shard', -1) + 1} "
                               f"of {header.get('shards')} of build {header.get('build')}, not shard {shard + 1} "
                               f"of {n_shards} of build {headers[0].get('build')}; check the cluster file")
        if header["first_sentence"] != first_sentence or header["first_article"] != first_article:
            raise ClusterError(f"shard {shard + 1}'s sentences do not follow shard {shard}'s; rebuild the index")
        first_sentence += header["sentences"]
        first_article += header["articles"]
    if first_sentence != headers[0]["total_sentences"] or first_article != headers[0]["total_articles"]:
        raise ClusterError("the shards do not add up to the index's totals; rebuild the index")


def _spans(shards: Shards, shard: int, header: dict) -> np.ndarray:
    raw = shards.run(lambda: shards.shard(shard).get_metadata(SPANS_KEY))
    try:
        rows = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError):
        rows = None
    first, count = header["first_article"], header["articles"]
    if (rows is None or rows.dtype != np.int32 or rows.shape != (header["sentences"], 5)
            or (len(rows) and (rows[:, 0].min() < first or rows[:, 0].max() >= first + count
                               or (np.diff(rows[:, 0]) < 0).any() or (rows[:, 1:3] < 1).any()
                               or (rows[:, 3] > rows[:, 4]).any()))):
        raise ClusterError(f"shard {shard + 1} holds damaged sentence rows; rebuild the index")
    return rows


def _vocabulary(shards: Shards, n_sentences: int) -> list[tuple[str, int]]:
    raw = shards.run(lambda: shards.shard(0).get_metadata(VOCABULARY_KEY))
    try:
        pairs = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        pairs = None
    if not (isinstance(pairs, list) and all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], int)
            and 0 < p[1] <= n_sentences for p in pairs)):
        raise ClusterError("shard 1 holds a damaged vocabulary; rebuild the index")
    return [tuple(p) for p in pairs]


def _citations(shards: Shards, shard: int, header: dict) -> list[tuple[str, str | None, str | None]]:
    raw = shards.run(lambda: shards.shard(shard).get_metadata(CITATIONS_KEY))
    try:
        rows = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        rows = None
    if not (isinstance(rows, list) and len(rows) == header["articles"]
            and all(isinstance(r, list) and len(r) == 3 and isinstance(r[0], str)
                    and all(v is None or isinstance(v, str) for v in r[1:]) for r in rows)):
        raise ClusterError(f"shard {shard + 1} holds damaged citation fields; rebuild the index")
    return [tuple(r) for r in rows]


def _docs(shards: Shards, shard: int, header: dict) -> list[str]:
    raw = shards.run(lambda: shards.shard(shard).get_metadata(DOCS_KEY))
    try:
        docs = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        docs = None
    if not (isinstance(docs, list) and len(docs) == header["articles"] and all(isinstance(d, str) for d in docs)):
        raise ClusterError(f"shard {shard + 1} holds a damaged article list; rebuild the index")
    return docs
