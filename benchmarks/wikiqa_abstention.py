"""How well `found` abstains on WikiQA: 1,242 answerable and 1,805 unanswerable questions.

    python benchmarks/wikiqa_abstention.py [PATH]

PATH defaults to ../shared/benchmarks/wikiqa.jsonl.gz. Each document is its own corpus. An
abstention is `found == false`; precision is the share of abstentions on unanswerable
questions, recall the share of unanswerable questions abstained on. Answerable questions
also report R@1 (the top citation covers the answer sentence's start).
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from retrieval import ArticleError, Engine
from retrieval.corpus import article_from_text

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "wikiqa.jsonl.gz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    args = parser.parse_args()
    abstained_unanswerable = abstained_answerable = unanswerable = answerable = top_hits = 0
    with gzip.open(args.path, "rt", encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            try:
                engine = Engine.from_articles([article_from_text(doc["doc_id"], doc["text"], title=doc["title"])])
            except ArticleError:
                continue
            for question in doc["questions"]:
                answer = engine.ask(question["q"], k=1)
                if question["answer"] is None:
                    unanswerable += 1
                    abstained_unanswerable += not answer.found
                else:
                    answerable += 1
                    abstained_answerable += not answer.found
                    start = question["answer_char_start"]
                    top_hits += bool(answer.citations) and answer.citations[0].start <= start < answer.citations[0].end
    abstained = abstained_unanswerable + abstained_answerable
    print(f"WikiQA: {answerable} answerable, {unanswerable} unanswerable questions")
    print(f"abstention precision {abstained_unanswerable / max(abstained, 1):.3f}  "
          f"recall {abstained_unanswerable / max(unanswerable, 1):.3f}  "
          f"(base rate {unanswerable / max(answerable + unanswerable, 1):.3f})")
    print(f"false abstentions {abstained_answerable}/{answerable}; answerable R@1 {top_hits / max(answerable, 1):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
