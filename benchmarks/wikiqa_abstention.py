"""How well `found` abstains on WikiQA: 1,242 answerable and 1,805 unanswerable questions.

    python -m benchmarks.wikiqa_abstention [PATH]

PATH defaults to ../shared/benchmarks/wikiqa.jsonl.gz. Each document is its own corpus. An
abstention is `found == false`; precision is the share of abstentions on unanswerable
questions, recall the share of unanswerable questions abstained on. Answerable questions
also report R@1 (the top citation covers the answer sentence's start). The same figures are
the `wikiqa` set of `benchmarks/quality.py`.
"""
from __future__ import annotations

import argparse
import sys

from benchmarks.data import BENCHMARKS, load_qa_docs
from benchmarks.quality import answer_qa_docs, default_engine_factory, wikiqa_metrics

DEFAULT = BENCHMARKS / "wikiqa.jsonl.gz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    args = parser.parse_args()
    results, _ = answer_qa_docs(load_qa_docs(args.path), default_engine_factory)
    answerable = sum(r.question.answerable for r in results)
    scores = wikiqa_metrics(results)
    print(f"WikiQA: {answerable} answerable, {len(results) - answerable} unanswerable questions")
    print(f"abstention precision {scores['abstain-precision']:.3f}  recall {scores['abstain-recall']:.3f}  "
          f"(base rate {scores['base-rate']:.3f})")
    print(f"false abstentions {scores['false-abstain']}/{answerable}; answerable R@1 {scores['answerable R@1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
