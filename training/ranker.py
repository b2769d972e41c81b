"""Train the ranker's weights (`retrieval/data/ranker-model.json`): which candidate sentence answers?

    python training/ranker.py [--squad PATH] [--folds 5] [--l2 30] [--jobs 2] [--out retrieval/data/ranker-model.json]

Each SQuAD v1.1 dev question is asked of its own article with the ranker's own code path
(`Engine.ranking_features`): BM25's candidate sentences and their `ranking.RANK_FEATURES`.
A candidate is right when it covers a gold answer's start and contains its text (the rule of
`benchmarks/squad_sentences.py`). A conditional logit (a softmax over each question's
candidates, L2, Newton's method, standardised features; the right candidates of a question
share its target) is fitted on the questions with a right candidate; none of the features
depends on the weights, so training reads the same rows whatever weights ship. The figures
printed are cross-validated by article (each article's questions ranked by weights fitted
without it): R@1 and R@3 over every question, beside BM25 alone and the weights shipped now.
The shipped weights are then fitted on everything, unstandardised and divided by BM25's (a
score stays in BM25's units, which the semantic extra's weight is set against), and written as
plain JSON with sorted keys and rounded numbers, so the same data rebuilds the same bytes.

Data (default ../shared/benchmarks/): SQuAD v1.1 dev, 48 Wikipedia articles, 10,570
questions (Rajpurkar et al. 2016; CC BY-SA 4.0).
"""
from __future__ import annotations

import argparse
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.data import BENCHMARKS, QADoc, load_qa_docs  # noqa: E402
from benchmarks.metrics import recall_metrics  # noqa: E402
from retrieval import ArticleError, Engine, EngineConfig  # noqa: E402
from retrieval.corpus import article_from_text  # noqa: E402
from retrieval.ranking import RANK_FEATURES, shipped_rank_weights  # noqa: E402
from training.logistic import fit_conditional, folds_by_article, rounded, save_model  # noqa: E402

L2 = 30.0
BM25 = RANK_FEATURES.index("bm25")


def doc_rows(doc: QADoc) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Each question of `doc` asked of it alone: (article, feature rows, which rows are right)."""
    try:
        engine = Engine.from_articles([article_from_text(doc.doc_id, doc.text, title=doc.title)],
                                      EngineConfig(semantic=False))
    except ArticleError:
        return [(doc.doc_id, np.zeros((0, len(RANK_FEATURES))), np.zeros(0, bool)) for _ in doc.questions]
    rows = []
    for question in doc.questions:
        positions, features = engine.ranking_features(question.q)
        sentences = [engine.corpus.sentences[p] for p in positions]
        right = np.array([any(s.start <= a.start < s.end and a.text in doc.text[s.start:s.end]
                              for a in question.answers) for s in sentences], dtype=bool)
        rows.append((doc.doc_id, features, right))
    return rows


def ranks(rows, weights) -> list[int | None]:
    """Each question's rank of its first right candidate when candidates are ordered by
    features . weights (ties in BM25's order); None when none is right."""
    found = []
    for _, features, right in rows:
        hits = np.flatnonzero(right[np.argsort(-(features @ weights), kind="stable")])
        found.append(int(hits[0]) + 1 if len(hits) else None)
    return found


def recall(ranked: list[int | None]) -> tuple[float, float]:
    scores = recall_metrics(ranked)
    return scores["R@1"], scores["R@3"]


def fitted(rows, l2: float) -> np.ndarray:
    """Weights in the features' own units, BM25's equal to 1."""
    kept = [(f, r) for _, f, r in rows if r.any()]
    x = np.vstack([f for f, _ in kept])
    targets = np.concatenate([r / r.sum() for _, r in kept])
    group = np.repeat(np.arange(len(kept)), [len(r) for _, r in kept])
    _, scale, w = fit_conditional(x, targets, group, l2)
    raw = w / scale
    return raw / raw[BM25]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=BENCHMARKS / "squad_v1.1_dev.jsonl.gz")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--jobs", type=int, default=2, help="processes that ask the questions")
    parser.add_argument("--out", type=Path, default=ROOT / "retrieval" / "data" / "ranker-model.json")
    args = parser.parse_args()
    docs = list(load_qa_docs(args.squad))
    with Pool(args.jobs) as pool:
        rows = [row for rows in pool.map(doc_rows, docs, chunksize=1) for row in rows]
    folds = folds_by_article([doc for doc, _, _ in rows], args.folds)
    held_out: list[int | None] = [None] * len(rows)
    for fold in range(args.folds):
        weights = fitted([r for r, f in zip(rows, folds) if f != fold], args.l2)
        test = [i for i, f in enumerate(folds) if f == fold]
        for i, rank in zip(test, ranks([rows[i] for i in test], weights)):
            held_out[i] = rank
    bm25_alone = np.eye(len(RANK_FEATURES))[BM25]
    print(f"{len(rows)} questions from {len(docs)} articles (cross-validated by article, {args.folds} folds)")
    print("                          R@1     R@3")
    print("  BM25 alone              %.4f  %.4f" % recall(ranks(rows, bm25_alone)))
    print("  weights shipped now     %.4f  %.4f" % recall(ranks(rows, shipped_rank_weights())))
    print("  learned, held out       %.4f  %.4f" % recall(held_out))
    weights = fitted(rows, args.l2)
    for name, w in zip(RANK_FEATURES, weights):
        print(f"  {name:16} {w:+.4f}")
    save_model(args.out, {
        "names": list(RANK_FEATURES), "weights": rounded(weights), "l2": args.l2,
        "trained_on": {"squad": "SQuAD v1.1 dev, 48 Wikipedia articles, 10,570 questions "
                                "(Rajpurkar et al. 2016; CC BY-SA 4.0)"},
        "target": "the candidate sentences that cover a gold answer's start and contain its text",
        "script": "training/ranker.py",
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
