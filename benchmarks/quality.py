"""Every development set and public benchmark against the engine, in process, in one table.

    python -m benchmarks.quality [--only SET,SET] [--skip SET,SET] [--limit N] [--jobs N]
                                 [--json-out PATH] [--eval DIR] [--benchmarks DIR] [--no-semantic]

Run from the project root. DIRs default to ../shared/eval and ../shared/benchmarks. Sets:
bundled-questions, bundled-claims (the bundled article), news-questions, news-claims (each
news article alone as the corpus, as score.py runs them), news-questions-together,
news-claims-together (all 30 articles as one corpus, score.py --together), squad (SQuAD
v1.1 dev: sentence R@1/R@3, short-answer EM/F1), squad2 (SQuAD 2.0 dev part: answer or
abstain), wikiqa (abstention), scifact, climate-fever (claim verdicts). `--limit N` keeps the
first N items of each set; `--jobs N` runs N sets at a time in worker processes (default 2;
`--jobs 1` for seconds that do not share the machine). The engine ranks with sentence vectors
when the `semantic` extra is installed, as the CLI does; `--no-semantic` ranks by words alone
(`EngineConfig(semantic=False)`). docs/QUALITY.md says what each figure means.

For reuse on held-out folds, each set is two steps: an `answer_*` / `check_*` function that
runs any `engine_factory(articles) -> answerer` over the items (one corpus per article, as
here) and a metric function of `benchmarks.metrics` that scores what came back.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TypeVar

from benchmarks import data, metrics
from benchmarks.data import ClaimPair, DevClaim, DevQuestion, QADoc, QAQuestion
from benchmarks.metrics import Reply
from retrieval import (DEFAULT_K, Answer, Article, ArticleError, ClaimCheck, Engine, EngineConfig, FactbotError,
                       load_bundled)
from retrieval.corpus import article_from_text


class Answerer(Protocol):
    def ask(self, question: str, k: int) -> Answer: ...

    def check(self, claim: str, k: int) -> ClaimCheck: ...


EngineFactory = Callable[[list[Article]], Answerer]
Item = TypeVar("Item", DevQuestion, DevClaim)
Result = TypeVar("Result")
Scores = dict[str, float | int]


def default_engine_factory(articles: list[Article]) -> Engine:
    """The shipped engine over `articles`, built in this process (no worker pool); with
    sentence vectors when the semantic extra is installed."""
    return Engine.from_articles(articles, EngineConfig(workers=1))


def lexical_engine_factory(articles: list[Article]) -> Engine:
    """As `default_engine_factory`, ranking by words alone whether or not the extra is installed."""
    return Engine.from_articles(articles, EngineConfig(workers=1, semantic=False))


def reply_of(answerer: Answerer, question: str, k: int = DEFAULT_K) -> Reply:
    """The answer as the metrics read it; a refused question (`FactbotError`) is the CLI's
    error row: found None, no answer, no citations."""
    try:
        answer = answerer.ask(question, k)
    except FactbotError:
        return Reply(None, None)
    return Reply(answer.found, answer.answer, tuple(c.sentence for c in answer.citations),
                 tuple((c.start, c.end) for c in answer.citations))


def verdict_of(answerer: Answerer, claim: str, k: int = DEFAULT_K) -> str | None:
    """The verdict's value, or None when the claim is refused (`FactbotError`)."""
    try:
        return answerer.check(claim, k).verdict.value
    except FactbotError:
        return None


# --- the development sets ------------------------------------------------------------------

def _by_article(items: Sequence[DevQuestion | DevClaim]) -> dict[str | None, list[int]]:
    groups: dict[str | None, list[int]] = {}
    for n, item in enumerate(items):
        groups.setdefault(item.doc_id, []).append(n)
    return groups


def answer_dev_questions(items: Sequence[DevQuestion], engine_factory: EngineFactory,
                         articles: Mapping[str, Article] | None = None, together: bool = False) -> list[Reply]:
    """Each item asked with its article alone as the corpus (`articles` by doc id), or with
    every article at once when `together`; with `articles` None, of the bundled article."""
    return _per_article(items, engine_factory, articles, together, lambda engine, item: reply_of(engine, item.question))


def check_dev_claims(items: Sequence[DevClaim], engine_factory: EngineFactory,
                     articles: Mapping[str, Article] | None = None, together: bool = False) -> list[str | None]:
    """Each claim's verdict, its corpus chosen as in `answer_dev_questions`."""
    return _per_article(items, engine_factory, articles, together, lambda engine, item: verdict_of(engine, item.claim))


def _per_article(items: Sequence[Item], engine_factory: EngineFactory, articles: Mapping[str, Article] | None,
                 together: bool, run: Callable[[Answerer, Item], Result]) -> list[Result]:
    if articles is None:
        engine = engine_factory(load_bundled())
        return [run(engine, item) for item in items]
    if together:
        engine = engine_factory(list(articles.values()))
        return [run(engine, item) for item in items]
    results: list = [None] * len(items)
    for doc_id, numbers in _by_article(items).items():
        engine = engine_factory([articles[doc_id]])
        for n in numbers:
            results[n] = run(engine, items[n])
    return results


# --- the public benchmarks -----------------------------------------------------------------

@dataclass(frozen=True)
class QAResult:
    doc: QADoc
    question: QAQuestion
    reply: Reply


def first_questions(docs: Iterable[QADoc], limit: int) -> Iterator[QADoc]:
    """The documents holding the first `limit` questions (all when `limit` is 0)."""
    left = limit or -1
    for doc in docs:
        if left == 0:
            return
        if left > 0:
            doc = replace(doc, questions=doc.questions[:left])
            left -= len(doc.questions)
        yield doc


def answer_qa_docs(docs: Iterable[QADoc], engine_factory: EngineFactory) -> tuple[list[QAResult], int]:
    """Every question asked with its document alone as the corpus; also the number of questions
    skipped because their document is not an article (`ArticleError`: nothing left after cleaning)."""
    results, skipped = [], 0
    for doc in docs:
        try:
            article = article_from_text(doc.doc_id, doc.text, title=doc.title)
        except ArticleError:
            skipped += len(doc.questions)
            continue
        engine = engine_factory([article])
        results.extend(QAResult(doc, q, reply_of(engine, q.q)) for q in doc.questions)
    return results, skipped


def squad_metrics(results: Sequence[QAResult]) -> Scores:
    """Sentence R@1, R@3, MRR (the cited sentence covers an answer's start and holds its text)
    and short-answer EM and F1 (official SQuAD v1.1 rules; no answer scores 0), over answerable questions."""
    answerable = [r for r in results if r.question.answerable]
    n = max(len(answerable), 1)
    golds = [[a.text for a in r.question.answers] for r in answerable]
    scores: Scores = dict(metrics.recall_metrics([_span_rank(r) for r in answerable]))
    scores["EM"] = sum(metrics.exact_match(r.reply.answer, g) for r, g in zip(answerable, golds)) / n
    scores["F1"] = sum(metrics.f1(r.reply.answer, g) for r, g in zip(answerable, golds)) / n
    scores["found"] = sum(r.reply.found is True for r in answerable) / n
    return scores


def _span_rank(result: QAResult) -> int | None:
    return metrics.span_rank_of_hit(result.reply.spans, result.doc.text,
                                    [(a.text, a.start) for a in result.question.answers])


def squad2_metrics(results: Sequence[QAResult]) -> Scores:
    """Answer or abstain (`metrics.abstention_metrics`) over all questions, and the answerable
    questions' sentence R@1 and short-answer EM/F1 (SQuAD rules)."""
    scores = metrics.abstention_metrics([r.question.answerable for r in results], [r.reply.found for r in results])
    answered = squad_metrics(results)
    scores.update({"answerable R@1": answered["R@1"], "answerable EM": answered["EM"],
                   "answerable F1": answered["F1"]})
    return scores


def wikiqa_metrics(results: Sequence[QAResult]) -> Scores:
    """Abstention (`metrics.abstention_metrics`) and the answerable questions' R@1: the top
    citation covers the start of the dataset's answer sentence."""
    scores = metrics.abstention_metrics([r.question.answerable for r in results], [r.reply.found for r in results])
    answerable = [r for r in results if r.question.answerable]
    top = sum(bool(r.reply.spans) and r.reply.spans[0][0] <= r.question.answer_char_start < r.reply.spans[0][1]
              for r in answerable)
    scores["answerable R@1"] = top / max(len(answerable), 1)
    return scores


def check_claim_pairs(pairs: Iterable[ClaimPair], engine_factory: EngineFactory
                      ) -> tuple[list[tuple[ClaimPair, str | None]], int]:
    """Each claim checked against its own document alone; a document's engine is built once
    for all its claims. Also the number of claims skipped because their document is not an
    article (`ArticleError`)."""
    groups: dict[tuple[str, str | None, str], list[ClaimPair]] = {}
    for pair in pairs:
        groups.setdefault((pair.doc_id, pair.title, pair.text), []).append(pair)
    results, skipped = [], 0
    for (doc_id, title, text), claims in groups.items():
        try:
            article = article_from_text(doc_id, text, title=title)
        except ArticleError:
            skipped += len(claims)
            continue
        engine = engine_factory([article])
        results.extend((pair, verdict_of(engine, pair.claim)) for pair in claims)
    return results, skipped


# --- the harness ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Paths:
    eval: Path
    benchmarks: Path


@dataclass(frozen=True)
class SetResult:
    name: str
    items: int
    seconds: float
    scores: Scores
    summary: str


def _limited(items: list, limit: int) -> list:
    return items[:limit] if limit else items


def _news_articles(paths: Paths) -> dict[str, Article]:
    return data.load_collection(paths.eval / "news" / "dev_articles.jsonl")


def _questions_set(source: str, together: bool = False):
    def run(paths: Paths, factory: EngineFactory, limit: int) -> tuple[int, Scores]:
        news = source == "news"
        items = _limited(data.load_dev_questions(
            paths.eval / ("news/dev_questions.jsonl" if news else "questions.jsonl")), limit)
        articles = _news_articles(paths) if news else None
        replies = answer_dev_questions(items, factory, articles, together)
        return len(items), metrics.dev_question_metrics(items, replies)
    return run


def _claims_set(source: str, together: bool = False):
    def run(paths: Paths, factory: EngineFactory, limit: int) -> tuple[int, Scores]:
        news = source == "news"
        items = _limited(data.load_dev_claims(paths.eval / ("news/dev_claims.jsonl" if news else "claims.jsonl")),
                         limit)
        articles = _news_articles(paths) if news else None
        verdicts = check_dev_claims(items, factory, articles, together)
        return len(items), metrics.dev_claim_metrics(items, verdicts)
    return run


def _qa_set(filename: str, score: Callable[[Sequence[QAResult]], Scores]):
    def run(paths: Paths, factory: EngineFactory, limit: int) -> tuple[int, Scores]:
        results, skipped = answer_qa_docs(first_questions(data.load_qa_docs(paths.benchmarks / filename), limit),
                                          factory)
        scores = score(results)
        if skipped:
            scores["skipped"] = skipped
        return len(results), scores
    return run


def _verdict_set(filename: str):
    def run(paths: Paths, factory: EngineFactory, limit: int) -> tuple[int, Scores]:
        pairs = data.load_claim_pairs(paths.benchmarks / filename)
        results, skipped = check_claim_pairs(itertools.islice(pairs, limit or None), factory)
        scores = metrics.labelled_claim_metrics([p.label for p, _ in results], [v for _, v in results])
        if skipped:
            scores["skipped"] = skipped
        return len(results), scores
    return run


SETS: dict[str, Callable[[Paths, EngineFactory, int], tuple[int, Scores]]] = {
    "bundled-questions": _questions_set("bundled"),
    "bundled-claims": _claims_set("bundled"),
    "news-questions": _questions_set("news"),
    "news-claims": _claims_set("news"),
    "news-questions-together": _questions_set("news", together=True),
    "news-claims-together": _claims_set("news", together=True),
    "squad": _qa_set("squad_v1.1_dev.jsonl.gz", squad_metrics),
    "squad2": _qa_set("squad_v2.0_dev_part.jsonl.gz", squad2_metrics),
    "wikiqa": _qa_set("wikiqa.jsonl.gz", wikiqa_metrics),
    "scifact": _verdict_set("scifact_claims.jsonl.gz"),
    "climate-fever": _verdict_set("climate_fever_claims.jsonl.gz"),
}

# The slow sets, started first so that parallel jobs finish together.
SLOW_FIRST = ("squad", "wikiqa", "squad2", "climate-fever", "scifact")

# The figures of each set's one-line summary, in order.
HEADLINE = {
    "bundled-questions": ("R@1", "R@3", "answer", "no-answer", "false-abstain"),
    "bundled-claims": ("accuracy", "wrong-verdicts"),
    "news-questions": ("R@1", "R@3", "answer", "no-answer", "false-abstain"),
    "news-claims": ("accuracy", "wrong-verdicts"),
    "news-questions-together": ("R@1", "R@3", "answer", "no-answer", "false-abstain"),
    "news-claims-together": ("accuracy", "wrong-verdicts"),
    "squad": ("R@1", "R@3", "EM", "F1"),
    "squad2": ("accuracy", "abstain-precision", "abstain-recall", "answerable R@1"),
    "wikiqa": ("abstain-precision", "abstain-recall", "false-abstain", "answerable R@1"),
    "scifact": ("accuracy", "always-unverified", "wrong-verdicts"),
    "climate-fever": ("accuracy", "always-unverified", "wrong-verdicts"),
}


def run_set(name: str, paths: Paths, engine_factory: EngineFactory = default_engine_factory,
            limit: int = 0) -> SetResult:
    started = time.perf_counter()
    items, scores = SETS[name](paths, engine_factory, limit)
    seconds = time.perf_counter() - started
    figures = " ".join(f"{key}={_headline_value(key, scores)}" for key in HEADLINE[name])
    return SetResult(name, items, seconds, scores, f"{name}: {items} items, {seconds:.1f} s: {figures}")


def _headline_value(key: str, scores: Scores) -> str:
    if key == "false-abstain" and "answerable" in scores:
        return f"{scores[key]}/{scores['answerable']}"
    return format_value(scores[key])


def format_value(value: float | int | str) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def table(results: Sequence[SetResult]) -> str:
    """One aligned table: set, metric, value; each set's item count and seconds first."""
    rows = [("set", "metric", "value")]
    for result in results:
        rows.append((result.name, "items", str(result.items)))
        rows.append((result.name, "seconds", f"{result.seconds:.1f}"))
        rows.extend((result.name, key, format_value(value)) for key, value in result.scores.items())
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)


def _commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent, timeout=10)
    except OSError:
        return None
    return done.stdout.strip() or None


def write_json(path: str | Path, results: Sequence[SetResult], limit: int, ranking: str | None = None) -> None:
    """The results as JSON, written atomically (a temporary file, then `os.replace`)."""
    path = Path(path)
    document = {"commit": _commit(), "limit": limit, "ranking": ranking,
                "sets": {r.name: {"items": r.items, "seconds": round(r.seconds, 2), "scores": r.scores,
                                  "summary": r.summary} for r in results}}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or ".", delete=False,
                                     suffix=".tmp") as out:
        json.dump(document, out, indent=2)
        out.write("\n")
    os.replace(out.name, path)


def _ranking_mode(factory: EngineFactory) -> str:
    vectors = factory(load_bundled()).sentence_vectors
    return f"words and sentence vectors ({vectors.encoder})" if vectors is not None else "words alone"


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown set {', '.join(unknown)}; sets: {', '.join(SETS)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", type=_names, help="comma-separated sets to run (default: all)")
    parser.add_argument("--skip", type=_names, default=[], help="comma-separated sets not to run")
    parser.add_argument("--limit", type=int, default=0, help="only the first N items of each set")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="sets run at a time")
    parser.add_argument("--json-out", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--eval", type=Path, default=data.EVAL, metavar="DIR", help="development sets")
    parser.add_argument("--benchmarks", type=Path, default=data.BENCHMARKS, metavar="DIR", help="public benchmarks")
    parser.add_argument("--no-semantic", action="store_true",
                        help="rank by words alone even when the semantic extra is installed")
    args = parser.parse_args(argv)
    factory = lexical_engine_factory if args.no_semantic else default_engine_factory
    ranking = _ranking_mode(factory)
    print(f"ranking: {ranking}", file=sys.stderr, flush=True)
    paths = Paths(args.eval, args.benchmarks)
    names = [n for n in (args.only or SETS) if n not in args.skip]
    results = {}
    with concurrent.futures.ProcessPoolExecutor(max(1, args.jobs)) as pool:
        started = [pool.submit(run_set, name, paths, factory, args.limit)
                   for name in sorted(names, key=lambda n: SLOW_FIRST.index(n) if n in SLOW_FIRST else len(SETS))]
        for future in concurrent.futures.as_completed(started):
            result = future.result()
            print(result.summary, file=sys.stderr, flush=True)
            results[result.name] = result
    results = [results[name] for name in names]
    print(table(results))
    print()
    for result in results:
        print(result.summary)
    if args.json_out:
        write_json(args.json_out, results, args.limit, ranking)
    return 0


if __name__ == "__main__":
    sys.exit(main())
