"""Sentence retrieval on SQuAD v1.1 dev: each of the 48 articles is its own corpus.

    python -m benchmarks.squad_sentences [PATH] [--baseline]

PATH defaults to ../shared/benchmarks/squad_v1.1_dev.jsonl.gz. A question is a hit at rank r
when one of the top r citations covers an answer's start offset and contains its text (the
rule of the benchmarks' README). Prints R@1/R@3/R@5 for factbot's `Engine.ask`, and with
`--baseline` for rank-bm25's BM25Okapi over the same sentences and tokens, in the same run.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from rank_bm25 import BM25Okapi

from benchmarks.data import BENCHMARKS, load_qa_docs
from benchmarks.metrics import span_rank_of_hit
from retrieval import Engine
from retrieval.corpus import article_from_text

DEFAULT = BENCHMARKS / "squad_v1.1_dev.jsonl.gz"
RANKS = (1, 3, 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--baseline", action="store_true", help="also score plain BM25Okapi")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args()
    systems = {"factbot": []}
    if args.baseline:
        systems["BM25Okapi (same tokens)"] = []
    started = time.perf_counter()
    asked = 0
    for number, doc in enumerate(load_qa_docs(args.path)):
        if args.limit and number >= args.limit:
            break
        article = article_from_text(doc.doc_id, doc.text, title=doc.title)
        engine = Engine.from_articles([article])
        text = article.text
        baseline = None
        if args.baseline:
            sentences = engine.corpus.sentences
            baseline = BM25Okapi([engine.tokenizer.tokens(s.text) or ["\u2205"] for s in sentences])
        for q in doc.questions:
            asked += 1
            answers = [(a.text, a.start) for a in q.answers]
            answer = engine.ask(q.q, k=max(RANKS))
            spans = [(c.start, c.end) for c in answer.citations]
            systems["factbot"].append(span_rank_of_hit(spans, text, answers))
            if baseline is not None:
                scores = baseline.get_scores(engine.tokenizer.tokens(q.q))
                order = np.lexsort((np.arange(len(scores)), -scores))[:max(RANKS)]
                spans = [(sentences[i].start, sentences[i].end) for i in order]
                systems["BM25Okapi (same tokens)"].append(span_rank_of_hit(spans, text, answers))
    elapsed = time.perf_counter() - started
    print(f"SQuAD v1.1 dev: {asked} questions, {elapsed:.1f} s")
    print(f"{'system':28} " + " ".join(f"R@{r:<5}" for r in RANKS))
    for name, ranks in systems.items():
        n = max(len(ranks), 1)
        recalls = [sum(1 for x in ranks if x and x <= r) / n for r in RANKS]
        print(f"{name:28} " + " ".join(f"{v:.4f}" for v in recalls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
