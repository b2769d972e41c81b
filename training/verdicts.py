"""Train the verdict model (`retrieval/data/verdict-model.json`): what a claim's evidence says.

    python training/verdicts.py [--news CLAIMS ARTICLES] [--scifact PATH] [--climate-fever PATH]
                                [--folds 5] [--features CACHE.json] [--out PATH]

Each claim is checked against its own article with the engine's own code path
(`Engine.claim_features`: coverage, and what the rules found in the best-covering
sentences), and a multinomial logistic regression (L2, Newton's method) learns supported,
contradicted or not in the article. The figures printed are cross-validated by article; the
shipped weights are fitted on everything. `decisive`, the probability under which a
supported or contradicted verdict is only "unverified", is chosen on the held-out
predictions to maximise accuracy less a wrong decisive verdict's extra cost (a wrong verdict
misleads; an "unverified" only withholds).

Data (paths default to ../shared/...), each set weighing a third in all: the news
development claims (BBC/Reuters articles, research use; the product's own kind of text),
SciFact (claims CC BY 4.0, abstracts ODC-By 1.0) and Climate-FEVER (its authors state no
licence; research use). NOT_ENOUGH_INFO is "not in the article".
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.data import BENCHMARKS, NEWS, load_claim_pairs, load_collection, load_dev_claims  # noqa: E402
from retrieval import ArticleError, Engine  # noqa: E402
from retrieval.claims import choose_verdict  # noqa: E402
from retrieval.corpus import article_from_text  # noqa: E402
from training.logistic import save_model, fit_softmax, folds_by_article, predict_softmax, rounded  # noqa: E402

VERDICTS = ("not_in_article", "supported", "contradicted")
LABELS = {"SUPPORTS": "supported", "REFUTES": "contradicted", "NOT_ENOUGH_INFO": "not_in_article",
          "supported": "supported", "contradicted": "contradicted", "not_in_article": "not_in_article"}
L2 = 1.0
# A wrong supported/contradicted costs this much more than withholding the verdict.
WRONG_COST = 1.5


def news_rows(claims: Path, articles: Path) -> list[dict]:
    collection = load_collection(articles)
    engines: dict[str, Engine] = {}
    rows = []
    for item in load_dev_claims(claims):
        engine = engines.setdefault(item.doc_id, Engine.from_articles([collection[item.doc_id]]))
        features = engine.claim_features(item.claim)
        rows.append({"set": "news", "doc": f"news:{item.doc_id}", "features": features, "label": item.label})
    return rows


def pair_rows(path: Path, name: str) -> list[dict]:
    engines: dict[str, Engine | None] = {}
    rows = []
    for pair in load_claim_pairs(path):
        if pair.doc_id not in engines:
            try:
                engines[pair.doc_id] = Engine.from_articles([article_from_text(pair.doc_id, pair.text,
                                                                               title=pair.title)])
            except ArticleError:
                engines[pair.doc_id] = None
        engine = engines[pair.doc_id]
        if engine is None:
            continue
        rows.append({"set": name, "doc": f"{name}:{pair.doc_id}", "features": engine.claim_features(pair.claim),
                     "label": LABELS[pair.label]})
    return rows


def decide(p: np.ndarray, rows: list[dict], decisive: float) -> list[str]:
    """Each claim's verdict as the engine gives it (`claims.choose_verdict`)."""
    return [choose_verdict(dict(zip(VERDICTS, map(float, row))), item["features"], decisive)[0].value
            for row, item in zip(p, rows)]


def score(said: list[str], truth: list[str], strict: bool) -> tuple[float, int]:
    """Accuracy and wrong decisive verdicts. Not strict (the public sets), "unverified" is
    right for a claim the evidence does not settle, as their benchmarks count it."""
    right = sum(s == t or not strict and s == "unverified" and t == "not_in_article" for s, t in zip(said, truth))
    wrong = sum(s in ("supported", "contradicted") and s != t for s, t in zip(said, truth))
    return right / max(len(truth), 1), wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--news", type=Path, nargs=2, metavar=("CLAIMS", "ARTICLES"),
                        default=(NEWS / "dev_claims.jsonl", NEWS / "dev_articles.jsonl"))
    parser.add_argument("--scifact", type=Path, default=BENCHMARKS / "scifact_claims.jsonl.gz")
    parser.add_argument("--climate-fever", type=Path, default=BENCHMARKS / "climate_fever_claims.jsonl.gz")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--features", type=Path, help="reuse (or write) the computed features here")
    parser.add_argument("--out", type=Path, default=ROOT / "retrieval" / "data" / "verdict-model.json")
    args = parser.parse_args()

    if args.features and args.features.exists():
        rows = json.loads(args.features.read_text())
    else:
        rows = (news_rows(*args.news) + pair_rows(args.scifact, "scifact")
                + pair_rows(args.climate_fever, "climate-fever"))
        if args.features:
            args.features.write_text(json.dumps(rows))
    rows = [row for row in rows if row["features"] is not None]
    names = sorted(rows[0]["features"])
    x = np.array([[row["features"][n] for n in names] for row in rows])
    y = np.array([VERDICTS.index(row["label"]) for row in rows])
    sets = sorted({row["set"] for row in rows})
    size = {name: sum(row["set"] == name for row in rows) for name in sets}
    weight = np.array([len(rows) / (len(sets) * size[row["set"]]) for row in rows])
    folds = folds_by_article([row["doc"] for row in rows], args.folds)
    held_out = np.zeros((len(rows), len(VERDICTS)))
    for fold in range(args.folds):
        test = folds == fold
        held_out[test] = predict_softmax(fit_softmax(x[~test], y[~test], len(VERDICTS), weight[~test], L2), x[test])

    truth = [row["label"] for row in rows]
    membership = {name: [i for i, row in enumerate(rows) if row["set"] == name] for name in sets}

    def objective(decisive: float) -> float:
        said = decide(held_out, rows, decisive)
        total = 0.0
        for name in sets:
            accuracy, wrong = score([said[i] for i in membership[name]], [truth[i] for i in membership[name]],
                                    name == "news")
            total += accuracy - WRONG_COST * wrong / size[name]
        return total / len(sets)

    candidates = np.round(np.arange(0.34, 0.96, 0.01), 2)
    decisive = float(max(candidates, key=lambda t: (objective(t), -t)))
    said = decide(held_out, rows, decisive)
    print(f"{len(rows)} claims from {len(set(r['doc'] for r in rows))} documents; decisive {decisive:.2f} "
          f"(cross-validated by article, {args.folds} folds)")
    for name in sets:
        accuracy, wrong = score([said[i] for i in membership[name]], [truth[i] for i in membership[name]],
                                name == "news")
        base = sum(truth[i] == "not_in_article" for i in membership[name]) / size[name]
        print(f"  {name:14} n={size[name]:5}  accuracy {accuracy:.3f} (always not-in-article {base:.3f})  "
              f"wrong verdicts {wrong}")

    mean, scale, w = fit_softmax(x, y, len(VERDICTS), weight, L2)
    model = {
        "names": names, "mean": rounded(mean), "scale": rounded(scale), "verdicts": list(VERDICTS),
        "weights": rounded(w[:, :-1]), "biases": rounded(w[:, -1]), "decisive": decisive,
        "trained_on": {"news": "factbot news development claims over BBC/Reuters articles (research use)",
                       "scifact": "SciFact (claims CC BY 4.0, abstracts ODC-By 1.0)",
                       "climate-fever": "Climate-FEVER (Diggelmann et al. 2020; no licence stated, research use)"},
        "l2": L2, "wrong_cost": WRONG_COST, "script": "training/verdicts.py",
    }
    save_model(args.out, model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
