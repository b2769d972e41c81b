"""SQuAD v1.1 and the news development questions through a 3-shard Xapian cluster, beside the
in-process index, in one run (issue 11: the cluster must score as the index does).

    python -m benchmarks.cluster_quality [--squad PATH] [--news QUESTIONS ARTICLES] [--shards 3]

Each set's articles make one corpus (all 48 SQuAD dev articles at once, all 30 news articles
at once), indexed in process, written as shard databases and served by `xapian-tcpsrv` on
127.0.0.1. Every question is asked of both engines by words alone; the script prints each
engine's sentence R@1 / R@3 and how many answers (citations, found, short answer and
confidence) are identical. Needs the `xapian` extra and Debian's xapian-tools.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks import metrics
from benchmarks.data import BENCHMARKS, NEWS, load_collection, load_dev_questions, load_qa_docs
from bot import frontend
from cluster import write_shards
from cluster.servers import serving
from cluster.spec import write_cluster_file
from retrieval import ArticleError, Engine, EngineConfig
from retrieval.corpus import article_from_text

WORDS_ONLY = EngineConfig(semantic=False, workers=None)


def _compare(name: str, engine: Engine, shards: int, asked: list[tuple[str, object]], rank_of) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "index"
        started = time.perf_counter()
        write_shards(folder, engine.corpus, engine.index, engine.tokenizer, shards)
        written = time.perf_counter() - started
        with serving([folder / f"shard-{i}" for i in range(1, shards + 1)]) as servers:
            path = Path(tmp) / "cluster.json"
            write_cluster_file(path, [[s.address] for s in servers])
            remote = frontend.load_engine(index=path)
            local_ranks, remote_ranks, same = [], [], 0
            for question, gold in asked:
                here, there = engine.ask(question), remote.ask(question)
                same += here == there
                local_ranks.append(rank_of(here, gold))
                remote_ranks.append(rank_of(there, gold))
    for label, ranks in (("in-process", local_ranks), ("cluster", remote_ranks)):
        scores = metrics.recall_metrics(ranks)
        print(f"{name:5} {label:10} R@1 {scores['R@1']:.4f}  R@3 {scores['R@3']:.4f}")
    print(f"{name:5} {len(asked)} questions, {len(engine.corpus.sentences):,} sentences in {shards} shards "
          f"(written in {written:.1f} s): identical answers {same}/{len(asked)}")


def squad(path: Path, shards: int) -> None:
    docs, articles = [], []
    for doc in load_qa_docs(path):
        try:
            articles.append(article_from_text(doc.doc_id, doc.text, title=doc.title))
            docs.append(doc)
        except ArticleError:
            continue
    engine = Engine.from_articles(articles, WORDS_ONLY)
    asked = [(q.q, (doc, q)) for doc in docs for q in doc.questions]

    def rank_of(answer, gold):
        doc, question = gold
        spans = [(c.start, c.end) if c.doc == doc.doc_id else (0, 0) for c in answer.citations]
        return metrics.span_rank_of_hit(spans, doc.text, [(a.text, a.start) for a in question.answers])

    _compare("squad", engine, shards, asked, rank_of)


def news(questions: Path, articles: Path, shards: int) -> None:
    collection = load_collection(articles)
    engine = Engine.from_articles(list(collection.values()), WORDS_ONLY)
    items = [item for item in load_dev_questions(questions) if item.gold]

    def rank_of(answer, gold):
        return metrics.rank_of_hit([c.sentence for c in answer.citations], [gold])

    _compare("news", engine, shards, [(item.question, item.gold[0]) for item in items], rank_of)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=BENCHMARKS / "squad_v1.1_dev.jsonl.gz")
    parser.add_argument("--news", type=Path, nargs=2, metavar=("QUESTIONS", "ARTICLES"),
                        default=(NEWS / "dev_questions.jsonl", NEWS / "dev_articles.jsonl"))
    parser.add_argument("--shards", type=int, default=3)
    args = parser.parse_args()
    news(*args.news, args.shards)
    squad(args.squad, args.shards)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
