"""Claim verdicts on public fact-checking data: each claim against its own evidence document.

    python -m benchmarks.claims_bench [PATH ...] [--limit N] [--show N]

PATH defaults to ../shared/benchmarks/climate_fever_claims.jsonl.gz; SciFact
(scifact_claims.jsonl.gz) has the same schema. Labels map SUPPORTS -> supported, REFUTES ->
contradicted, NOT_ENOUGH_INFO -> unverified or not_in_article (either counts as right).
Prints accuracy, the confusion table and the wrong verdicts (supported for a refuted claim,
contradicted for a supported one, or either for a claim the evidence does not settle), and
beside them the figures of always answering "unverified". These sets need real inference
(paraphrase, world knowledge), so factbot's rules mostly abstain: the figures are a
reference, not a target. `benchmarks/quality.py` reports the same accuracy with per-class
precision and recall (sets `scifact`, `climate-fever`).
"""
from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from pathlib import Path

from benchmarks.data import BENCHMARKS, load_claim_pairs
from benchmarks.metrics import EXPECTED_VERDICTS
from retrieval import ArticleError, Engine, Verdict
from retrieval.corpus import article_from_text

DEFAULT = BENCHMARKS / "climate_fever_claims.jsonl.gz"
EXPECTED = {label: {Verdict(v) for v in verdicts} for label, verdicts in EXPECTED_VERDICTS.items()}
DECISIVE = {Verdict.SUPPORTED, Verdict.CONTRADICTED}


def score(path: str, limit: int, show: int) -> None:
    confusion: Counter[tuple[str, str]] = Counter()
    wrong_examples = []
    started = time.perf_counter()
    for item in itertools.islice(load_claim_pairs(path), limit or None):
        try:
            article = article_from_text(item.doc_id, item.text, title=item.title)
        except ArticleError:
            continue
        check = Engine.from_articles([article]).check(item.claim, 3)
        confusion[item.label, check.verdict.value] += 1
        if check.verdict in DECISIVE and check.verdict not in EXPECTED[item.label]:
            wrong_examples.append((item.label, check.verdict.value, item.claim, check.explanation))
    elapsed = time.perf_counter() - started
    total = sum(confusion.values())
    right = sum(n for (label, verdict), n in confusion.items() if Verdict(verdict) in EXPECTED[label])
    decisive = sum(n for (_, verdict), n in confusion.items() if Verdict(verdict) in DECISIVE)
    wrong = len(wrong_examples)
    labels = Counter()
    for (label, _), n in confusion.items():
        labels[label] += n
    print(f"{Path(path).name}: {total} claims in {elapsed:.1f} s")
    print(f"  factbot            accuracy={right / max(total, 1):.3f}  decisive={decisive}  "
          f"wrong-verdicts={wrong}  precision-of-decisive={(decisive - wrong) / max(decisive, 1):.3f}")
    print(f"  always unverified  accuracy={labels['NOT_ENOUGH_INFO'] / max(total, 1):.3f}  decisive=0")
    verdicts = [v.value for v in Verdict]
    print("  " + " " * 16 + "".join(f"{v:>16}" for v in verdicts))
    for label in EXPECTED:
        print(f"  {label:<16}" + "".join(f"{confusion[label, v]:>16}" for v in verdicts))
    for label, verdict, claim, explanation in wrong_examples[:show]:
        print(f"  WRONG {label} -> {verdict}: {claim[:90]!r}\n        {explanation[:140]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=[str(DEFAULT)], metavar="PATH")
    parser.add_argument("--limit", type=int, default=0, help="only the first N claims of each file")
    parser.add_argument("--show", type=int, default=10, help="wrong verdicts to print")
    args = parser.parse_args()
    for path in args.paths:
        score(path, args.limit, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
