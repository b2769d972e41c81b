"""Train the span model (`retrieval/data/span-model.json`): which candidate span answers?

    python training/spans.py [--squad PATH] [--folds 5] [--jobs 2] [--out retrieval/data/span-model.json]

Each SQuAD v1.1 dev question is asked of its own article with the engine's own code path
(`Engine.span_choices`): the candidates of its first cited sentence, with their features.
A candidate's target is its SQuAD F1 against the gold answers (official normalisation) cubed,
and a logistic regression (L2, Newton's method, standardised features; soft targets; each
question weighs the same) is fitted on the candidates the model may choose
(`span_model.eligible`: where the rules hold no good candidate, any for a question of no
answer type, the rules' weak ones for a person or place) of the questions where one of them
overlaps the gold. The figures printed are cross-validated by article (each article's
questions are answered by a model trained without it): per answer type, the model against
the rules alone on the questions it answers; and SQuAD EM/F1 over every question as the
engine answers (a question the found model abstains on scores 0), beside the rules alone.
The shipped weights are then fitted on everything; the output is plain JSON with sorted keys
and rounded numbers, so the same data rebuilds the same bytes.

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
from benchmarks.metrics import exact_match, f1  # noqa: E402
from retrieval import ArticleError, Engine, EngineConfig  # noqa: E402
from retrieval.corpus import article_from_text  # noqa: E402
from retrieval.span_model import FEATURE_NAMES  # noqa: E402
from training.logistic import fit_binary, folds_by_article, rounded, save_model  # noqa: E402

L2 = 10.0
# The target is a candidate's F1 cubed, which leans toward the exact span: cross-validated, SQuAD
# F1 0.365 as with F1 itself, EM 0.270 against 0.259.
TARGET_POWER = 3


def doc_rows(doc: QADoc) -> list[dict]:
    """Each question of `doc` asked of it alone: the candidates the model may choose, their
    features and targets, and the rules' answer."""
    try:
        engine = Engine.from_articles([article_from_text(doc.doc_id, doc.text, title=doc.title)],
                                      EngineConfig(semantic=False))
    except ArticleError:
        return [{"doc": doc.doc_id, "golds": [], "found": False, "texts": ()} for _ in doc.questions]
    rows = []
    for question in doc.questions:
        golds = [a.text for a in question.answers]
        choices = engine.span_choices(question.q)
        row = {"doc": doc.doc_id, "golds": golds, "found": bool(choices and choices.found),
               "answer": choices.answer if choices else None, "texts": ()}
        if choices is not None and choices.eligible is not None and choices.eligible.any():
            texts = [t for t, ok in zip(choices.texts, choices.eligible) if ok]
            row.update(type=choices.answer_type, texts=tuple(texts), features=choices.features[choices.eligible],
                       targets=np.array([f1(t, golds) for t in texts]))
        rows.append(row)
    return rows


def scores(rows: list[dict], chosen: list[str | None]) -> tuple[float, float]:
    """SQuAD EM and F1 over `rows` with answers `chosen` (None scores 0)."""
    n = max(len(rows), 1)
    return (sum(exact_match(a, r["golds"]) for r, a in zip(rows, chosen)) / n,
            sum(f1(a, r["golds"]) for r, a in zip(rows, chosen)) / n)


def stacked(rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, targets (F1 to `TARGET_POWER`) and weights of the candidates of `rows`, each
    question weighing 1."""
    x = np.vstack([r["features"] for r in rows])
    y = np.concatenate([r["targets"] for r in rows]) ** TARGET_POWER
    weight = np.concatenate([np.full(len(r["texts"]), 1.0 / len(r["texts"])) for r in rows])
    return x, y, weight * len(y) / weight.sum()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=BENCHMARKS / "squad_v1.1_dev.jsonl.gz")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="processes that ask the questions")
    parser.add_argument("--out", type=Path, default=ROOT / "retrieval" / "data" / "span-model.json")
    args = parser.parse_args()

    docs = list(load_qa_docs(args.squad))
    with Pool(args.jobs) as pool:
        rows = [row for rows in pool.imap(doc_rows, docs) for row in rows]
    chosen = [i for i, r in enumerate(rows) if r["texts"]]
    folds = folds_by_article([rows[i]["doc"] for i in chosen], args.folds)
    picked: dict[int, str] = {}
    for fold in range(args.folds):
        train = [rows[i] for i, f in zip(chosen, folds) if f != fold and rows[i]["targets"].max() > 0]
        mean, scale, w = fit_binary(*stacked(train), L2)
        for i, f in zip(chosen, folds):
            if f == fold:
                picked[i] = rows[i]["texts"][int((((rows[i]["features"] - mean) / scale) @ w[:-1]).argmax())]

    print(f"{len(rows)} questions from {len(docs)} articles; the span model chooses for {len(chosen)} "
          f"(cross-validated by article, {args.folds} folds)")
    print("  answer type     n    model EM / F1    rules EM / F1   (questions the found model answers)")
    for kind in sorted({rows[i]["type"] for i in chosen}):
        items = [i for i in chosen if rows[i]["type"] == kind and rows[i]["found"]]
        model = scores([rows[i] for i in items], [picked[i] for i in items])
        ruled = scores([rows[i] for i in items], [rows[i]["answer"] for i in items])
        print(f"  {kind:10} {len(items):6}    {model[0]:.3f} / {model[1]:.3f}    {ruled[0]:.3f} / {ruled[1]:.3f}")
    engine = [picked.get(i, r["answer"]) if r["found"] else None for i, r in enumerate(rows)]
    print("  SQuAD, every question as the engine answers:  EM %.3f  F1 %.3f" % scores(rows, engine))
    print("  SQuAD, rules alone:                           EM %.3f  F1 %.3f"
          % scores(rows, [r["answer"] if r["found"] else None for r in rows]))
    print("  SQuAD, were the found model never to abstain: EM %.3f  F1 %.3f"
          % scores(rows, [picked.get(i, r["answer"]) for i, r in enumerate(rows)]))

    mean, scale, w = fit_binary(*stacked([rows[i] for i in chosen if rows[i]["targets"].max() > 0]), L2)
    model = {
        "names": list(FEATURE_NAMES), "mean": rounded(mean), "scale": rounded(scale),
        "weights": rounded(w[:-1]), "bias": round(float(w[-1]), 6),
        "trained_on": {"squad": "SQuAD v1.1 dev, 48 Wikipedia articles, 10,570 questions "
                                "(Rajpurkar et al. 2016; CC BY-SA 4.0)"},
        "target": f"the candidate's SQuAD F1 against the gold answers, to the power {TARGET_POWER}", "l2": L2,
        "script": "training/spans.py",
    }
    save_model(args.out, model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
