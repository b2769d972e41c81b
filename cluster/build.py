"""Writing an engine's corpus and BM25 index as Xapian shard databases (see `layout`).

Articles are cut into `n` runs of consecutive articles holding about equal numbers of
sentences, so an article's sentences stay in one shard and shard by shard the sentences
keep their corpus positions. The idf floor of BM25Okapi (epsilon times the mean idf over
the whole vocabulary) depends on every shard's terms, so it is computed here, once, and
stored with each shard.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xapian

from retrieval import Corpus, SentenceIndex, Tokenizer
from retrieval.search import okapi_idf

from .errors import ClusterError
from .layout import (ARTICLE_FIELDS, CITATIONS_KEY, DOCS_KEY, VOCABULARY_KEY, POSITION_SLOT, ROW_SLOT, SHARD_FORMAT,
                     SHARD_KEY,
                     SHARD_VERSION, SPANS_KEY, SentenceValue, article_key, position_term, xapian_term)
from .spec import write_cluster_file

MANIFEST = "manifest.json"
CLUSTER_FILE = "cluster.json"
BUILD_FORMAT = "factbot-xapian-build"


@dataclass(frozen=True)
class ShardPlan:
    """Shard i holds articles `article_cuts[i]:article_cuts[i+1]` and sentences
    `sentence_cuts[i]:sentence_cuts[i+1]`."""

    article_cuts: tuple[int, ...]
    sentence_cuts: tuple[int, ...]


def plan_shards(sentence_counts: list[int], n_shards: int) -> ShardPlan:
    """Runs of consecutive articles, about equal in sentences, one a shard (a shard may be
    empty when there are fewer articles than shards)."""
    if n_shards < 1:
        raise ClusterError("a cluster needs at least one shard")
    ends = np.cumsum(sentence_counts, dtype=np.int64)
    total = int(ends[-1]) if len(ends) else 0
    cuts = [0]
    for shard in range(1, n_shards):
        cut = int(np.searchsorted(ends, total * shard / n_shards)) + 1
        cuts.append(min(max(cut, cuts[-1]), len(sentence_counts)))
    cuts.append(len(sentence_counts))
    sentence_cuts = tuple(int(ends[c - 1]) if c else 0 for c in cuts)
    return ShardPlan(tuple(cuts), sentence_cuts)


def vocabulary(index: SentenceIndex) -> list[list]:
    """Every term, in term-id order, with its document frequency."""
    terms, arrays = index.to_arrays()
    return [list(pair) for pair in zip(terms, np.diff(arrays["offsets"]).tolist())]


def idf_floor(index: SentenceIndex) -> float:
    """BM25Okapi's idf for a term whose idf is negative: epsilon times the mean idf."""
    terms, arrays = index.to_arrays()
    if not terms:
        return 0.0
    idf = okapi_idf(len(index), np.diff(arrays["offsets"]))
    return index.params.epsilon * float(idf.sum()) / len(idf)


def write_shards(folder: str | Path, corpus: Corpus, index: SentenceIndex, tokenizer: Tokenizer,
                 n_shards: int) -> ShardPlan:
    """Write `corpus` and `index` as `n_shards` Xapian databases `shard-1` ... in the folder
    `folder` (replacing a build there), with `manifest.json` and a `cluster.json` that
    lists them as local paths."""
    target = Path(folder)
    if target.exists() and not (target / MANIFEST).is_file() and any(target.iterdir()):
        raise ClusterError(f"{target} exists and is not a factbot shard build; choose a new folder")
    plan = plan_shards(corpus.sentence_counts(), n_shards)
    build = secrets.token_hex(8)
    floor = idf_floor(index)
    terms = vocabulary(index)
    term_ids = {term: number for number, (term, _) in enumerate(terms)}
    terms_json = json.dumps(terms, ensure_ascii=False, separators=(",", ":"))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        names = []
        for shard in range(n_shards):
            names.append(f"shard-{shard + 1}")
            header = {
                "format": SHARD_FORMAT, "version": SHARD_VERSION, "build": build,
                "shard": shard, "shards": n_shards,
                "first_sentence": plan.sentence_cuts[shard], "first_article": plan.article_cuts[shard],
                "sentences": plan.sentence_cuts[shard + 1] - plan.sentence_cuts[shard],
                "articles": plan.article_cuts[shard + 1] - plan.article_cuts[shard],
                "total_sentences": len(index), "total_articles": len(corpus.docs),
                "tokenizer": tokenizer.settings,
                "bm25": {"k1": index.params.k1, "b": index.params.b, "epsilon": index.params.epsilon},
                "idf_floor": floor,
            }
            _write_shard(staging / names[-1], corpus, index, plan, shard, header, terms_json, term_ids)
        write_cluster_file(staging / CLUSTER_FILE, [[name] for name in names])
        manifest = {"format": BUILD_FORMAT, "version": SHARD_VERSION, "build": build, "shards": names,
                    "sentences": list(np.diff(plan.sentence_cuts).tolist()),
                    "articles": list(np.diff(plan.article_cuts).tolist())}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _swap_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return plan


def _write_shard(path: Path, corpus: Corpus, index: SentenceIndex, plan: ShardPlan, shard: int,
                 header: dict, vocabulary_json: str, term_ids: dict[str, int]) -> None:
    first, last = plan.sentence_cuts[shard], plan.sentence_cuts[shard + 1]
    database = xapian.WritableDatabase(str(path), xapian.DB_CREATE_OR_OVERWRITE)
    try:
        for position in range(first, last):
            terms = index.sentence_terms(position)
            document = xapian.Document()
            for term, count in Counter(terms).items():
                document.add_term(xapian_term(term), count)
            document.add_boolean_term(position_term(position))
            before, after = (corpus.neighbour(position, step) for step in (-1, 1))
            value = SentenceValue(position, corpus.sentences[position].text, terms,
                                  None if before is None else index.sentence_terms(before),
                                  None if after is None else index.sentence_terms(after))
            document.add_value(ROW_SLOT, value.encode(term_ids))
            document.add_value(POSITION_SLOT, position.to_bytes(4, "big"))
            database.replace_document(position - first + 1, document)
        spans = corpus.spans
        rows = np.stack([column[first:last] for column in
                         (spans.article, spans.paragraph, spans.number, spans.start, spans.end)], axis=1)
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(rows, dtype=np.int32), allow_pickle=False)
        database.set_metadata(SPANS_KEY, buffer.getvalue())
        articles = range(plan.article_cuts[shard], plan.article_cuts[shard + 1])
        database.set_metadata(DOCS_KEY, json.dumps([corpus.docs[a] for a in articles], ensure_ascii=False))
        database.set_metadata(CITATIONS_KEY, json.dumps([corpus.citation_fields(corpus.docs[a]) for a in articles],
                                                        ensure_ascii=False))
        for number in articles:
            article = corpus.articles[number]
            record = {field: getattr(article, field) for field in ARTICLE_FIELDS}
            database.set_metadata(article_key(number), json.dumps(record, ensure_ascii=False))
        database.set_metadata(VOCABULARY_KEY, vocabulary_json)
        database.set_metadata(SHARD_KEY, json.dumps(header, ensure_ascii=False))
        database.commit()
    finally:
        database.close()


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; a build already there is renamed aside first and
    removed once the new one is in place."""
    if not target.exists():
        os.rename(staging, target)
        return
    aside = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(target, aside)
    os.rename(staging, target)
    shutil.rmtree(aside, ignore_errors=True)
