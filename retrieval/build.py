"""Building a corpus and its index from articles: split, tokenize, index.

Articles are split and tokenized in chunks, by worker processes when the corpus is large
enough for that to pay. Each chunk numbers its terms in the order it first meets them; the
chunks are merged in article order, so the vocabulary, and with it every array of the
index, is the same whatever the number of workers.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .corpus import Corpus, SentenceSpans
from .index import BM25Params, SentenceIndex
from .models import Article
from .sentences import SentenceSplitter
from .text import Tokenizer

# Worker processes pay for themselves above a few million characters of article text.
PARALLEL_MIN_CHARS = 4_000_000
_CHUNK_CHARS = 1_000_000
# Punkt's trainer takes about 1.5 s per million characters: training on a sample of at
# most this size makes its cost the same for any corpus size.
PUNKT_SAMPLE_CHARS = 2_000_000


@dataclass(frozen=True)
class _Chunk:
    spans: SentenceSpans
    terms: list[str]
    term_ids: np.ndarray
    lengths: np.ndarray


def build_corpus_and_index(articles: Sequence[Article], splitter: SentenceSplitter, tokenizer: Tokenizer,
                           params: BM25Params = BM25Params(), workers: int | None = None
                           ) -> tuple[Corpus, SentenceIndex]:
    """The corpus of `articles` split by `splitter`, and its BM25 index. `workers` None
    chooses: one process for a small corpus, one per core (at most 2) for a large one.
    Workers are started with "spawn", so a script that asks for them must guard its entry
    point with `if __name__ == "__main__":`; `EngineConfig` asks for none by default."""
    articles = tuple(articles)
    chunks = _chunked(articles)
    if workers is None:
        large = sum(len(a.text) for a in articles) >= PARALLEL_MIN_CHARS
        workers = min(2, os.cpu_count() or 1) if large else 1
    vocabulary: dict[str, int] = {}
    term_ids, spans, lengths, first_article = [], [], [], 0
    with contextlib.ExitStack() as stack:
        if workers > 1 and len(chunks) > 1:
            context = multiprocessing.get_context("spawn")
            pool = stack.enter_context(context.Pool(workers, _start_worker, (splitter, tokenizer)))
            results = pool.imap(_split_and_tokenize, chunks)
        else:
            results = (_split_and_tokenize_with(chunk, splitter, tokenizer) for chunk in chunks)
        for chunk, result in zip(chunks, results):
            remap = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in result.terms),
                                dtype=np.int32, count=len(result.terms))
            term_ids.append(remap[result.term_ids])
            spans.append(replace(result.spans, article=result.spans.article + first_article))
            lengths.append(result.lengths)
            first_article += len(chunk)
    columns = (np.concatenate([getattr(s, c) for s in spans]).astype(np.int32)
               for c in ("article", "paragraph", "number", "start", "end"))
    corpus = Corpus(articles, SentenceSpans(*columns))
    index = SentenceIndex.from_term_ids(vocabulary, np.concatenate(term_ids),
                                        np.concatenate(lengths).astype(np.int32), params)
    return corpus, index


def trained_splitter(articles: Sequence[Article]) -> SentenceSplitter:
    """A splitter refined on the corpus, or on a sample of it: every n-th article, n
    chosen so the sample is about `PUNKT_SAMPLE_CHARS` long. A corpus shorter than that is
    used whole."""
    total = sum(len(a.text) for a in articles)
    step = max(1, -(-total // PUNKT_SAMPLE_CHARS))
    sample = "\n\n".join(a.text for a in articles[::step])
    return SentenceSplitter.trained_on(sample[:PUNKT_SAMPLE_CHARS])


def _chunked(articles: tuple[Article, ...]) -> list[tuple[Article, ...]]:
    chunks, start, size = [], 0, 0
    for end, article in enumerate(articles, 1):
        size += len(article.text)
        if size >= _CHUNK_CHARS:
            chunks.append(articles[start:end])
            start, size = end, 0
    if start < len(articles) or not chunks:
        chunks.append(articles[start:])
    return chunks


_worker: tuple[SentenceSplitter, Tokenizer] | None = None


def _start_worker(splitter: SentenceSplitter, tokenizer: Tokenizer) -> None:
    global _worker
    _worker = (splitter, tokenizer)


def _split_and_tokenize(chunk: tuple[Article, ...]) -> _Chunk:
    splitter, tokenizer = _worker
    return _split_and_tokenize_with(chunk, splitter, tokenizer)


def _split_and_tokenize_with(chunk: tuple[Article, ...], splitter: SentenceSplitter,
                             tokenizer: Tokenizer) -> _Chunk:
    spans = SentenceSpans.of(chunk, splitter)
    local: dict[str, int] = {}
    term_ids: list[int] = []
    lengths = np.empty(len(spans), dtype=np.int32)
    texts = [a.text for a in chunk]
    for row, (index, start, end) in enumerate(zip(spans.article.tolist(), spans.start.tolist(),
                                                  spans.end.tolist())):
        tokens = tokenizer.tokens(texts[index][start:end])
        lengths[row] = len(tokens)
        term_ids.extend(local.setdefault(t, len(local)) for t in tokens)
    return _Chunk(spans, list(local), np.array(term_ids, dtype=np.int32), lengths)
