"""Retrieval at scale: factbot's saved index against rank-bm25, bm25s and tantivy.

    python benchmarks/bench_retrieval.py [NEWS_CORPUS] [--sizes 10000,100000,1000000]

For each corpus (the news corpus, replicated with fresh ids when it is too small, and a
Zipf-distributed generated corpus) and each size in sentences, prints one table: build
time, index size on disk, peak RSS, load time, and latency p50/p95/p99 with QPS for two
sets of queries (content words of a random sentence; four of the hundred commonest words),
for factbot's index search, factbot's full `ask`, rank-bm25's BM25Okapi (the reference;
fewer queries at large sizes, the table says how many), bm25s and tantivy. Every system
gets the same tokens, made by factbot's tokenizer. Each system runs in its own process,
pinned to one core for the queries; factbot's build may use two worker processes.

`--systems ...,cluster` adds factbot on a Xapian cluster (the xapian extra and
xapian-tcpsrv): the saved index written as `--shards` shards (3 by default), each served by
its own xapian-tcpsrv on 127.0.0.1, searched and asked beside the in-process index with the
same queries, and the two compared (top 10s, and whole answers).

Nothing here is copied into the project: the news corpus is read from where it lies.
"""
from __future__ import annotations

import argparse
import gzip
import importlib
import json
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_NEWS = (REPOSITORY / ".." / "shared" / "benchmarks" / "news_corpus.jsonl.gz").resolve()
K = 10
SEED = 20240
ZIPF_VOCABULARY = 200_000
ZIPF_SENTENCES_PER_ARTICLE = 20
COMMON_WORDS = 100
OKAPI_POSTING_BUDGET = 20_000_000  # queries x sentences for rank-bm25, which scores every sentence
STEP_TIMEOUT = 3600


# ---------------------------------------------------------------- corpora

def news_articles(path: Path, size: int, work: Path):
    """Articles of the news corpus, cycled with fresh ids ("#2", "#3" ...) until they hold
    `size` sentences, and how many copies that took. Sentences are counted with the untrained
    splitter, with a margin for the trained one, which joins a few more."""
    from retrieval.corpus import _unique, article_from_text
    from retrieval.errors import ArticleError
    from retrieval.sentences import SentenceSplitter

    base, refused = [], 0
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            try:
                base.append(article_from_text(str(record["id"]), record["text"], title=record.get("title"),
                                              url=record.get("url"), date=record.get("date")))
            except ArticleError:
                refused += 1
    base = _unique(base)
    counts_file = work / "news_sentence_counts.json"
    if counts_file.exists():
        counts = json.loads(counts_file.read_text())
    else:
        splitter = SentenceSplitter()
        counts = [sum(len(splitter.spans(a.text, s, e)) for s, e in a.paragraphs) for a in base]
        counts_file.write_text(json.dumps(counts))
    articles, total = [], 0
    while total < size * 1.005:
        copy, index = divmod(len(articles), len(base))
        article = base[index]
        articles.append(replace(article, doc=f"{article.doc}#{copy + 1}") if copy else article)
        total += counts[index]
    copies = math.ceil(len(articles) / len(base))
    return articles, {"base_articles": len(base), "refused": refused, "copies": copies}


def zipf_words(count: int) -> list[str]:
    """`count` distinct pronounceable words of two or more consonant-vowel syllables."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aiou"]
    words = []
    for rank in range(count):
        number, word = rank + len(syllables), ""
        while number:
            number, digit = divmod(number, len(syllables))
            word = syllables[digit] + word
        words.append(word)
    return words


def zipf_articles(size: int):
    from retrieval.corpus import article_from_text

    rng = np.random.default_rng(SEED)
    words = zipf_words(ZIPF_VOCABULARY)
    weights = 1.0 / np.arange(1, ZIPF_VOCABULARY + 1)
    lengths = rng.integers(8, 23, size=size)
    drawn = rng.choice(ZIPF_VOCABULARY, size=int(lengths.sum()), p=weights / weights.sum()).astype(np.int32)
    sentences, start = [], 0
    for length in lengths.tolist():
        chosen = [words[i] for i in drawn[start:start + length].tolist()]
        start += length
        sentences.append(chosen[0].capitalize() + " " + " ".join(chosen[1:]) + ".")
    del drawn
    articles = []
    for first in range(0, size, ZIPF_SENTENCES_PER_ARTICLE):
        group = sentences[first:first + ZIPF_SENTENCES_PER_ARTICLE]
        text = "\n\n".join(" ".join(group[i:i + 5]) for i in range(0, len(group), 5))
        number = first // ZIPF_SENTENCES_PER_ARTICLE
        articles.append(article_from_text(f"zipf-{number}", text, title=f"Generated article {number}"))
    return articles, {"vocabulary": ZIPF_VOCABULARY}


# ---------------------------------------------------------------- measuring

def reset_peak_rss() -> None:
    """Start measuring peak RSS from now (Linux: VmHWM is reset to the current RSS)."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def children_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def one_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def latencies(run, queries) -> dict:
    """Per-query wall times and the top k of each query."""
    times, tops = [], []
    started = time.perf_counter()
    for query in queries:
        t = time.perf_counter()
        tops.append(run(query))
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - started
    ms = np.array(times) * 1000
    return {"n": len(queries), "p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)),
            "p99": float(np.percentile(ms, 99)), "qps": len(queries) / total, "tops": tops}


def token_lists(work: Path) -> list[list[str]]:
    terms = json.loads((work / "index" / "vocabulary.json").read_text())
    ids = np.load(work / "tokens.npy")
    ends = np.cumsum(np.load(work / "token_lengths.npy"))
    flat = [terms[i] for i in ids.tolist()]
    return [flat[end - n:end] for n, end in zip(np.diff(ends, prepend=0).tolist(), ends.tolist())]


def load_queries(work: Path) -> dict:
    return json.loads((work / "queries.json").read_text())


# ---------------------------------------------------------------- steps (each in its own process)

def step_factbot_build(args, work: Path) -> dict:
    from retrieval import Engine, EngineConfig

    if args.corpus == "news":
        articles, about = news_articles(Path(args.news), args.size, work)
    else:
        articles, about = zipf_articles(args.size)
    before = current_rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    # Two processes when large; lexical ranking only (docs/SEMANTIC.md measures the vectors).
    engine = Engine.from_articles(articles, EngineConfig(workers=None, semantic=False))
    build = time.perf_counter() - started
    engine.save(work / "index")
    result = {"build": build, "rss_before": before, "peak_rss": peak_rss_mb(),
              "worker_peak_rss": children_peak_rss_mb(),
              "disk_mb": folder_mb(work / "index"), "sentences": len(engine.index),
              "articles": len(engine.corpus.articles), "postings": len(engine.index.positions),
              "terms": len(engine.index.vocabulary), **about}
    _write_tokens(engine, work)
    _write_queries(engine, args, work)
    return result


def _tokenize_texts(texts: list[str]) -> list[list[str]]:
    from retrieval.text import Tokenizer

    tokenizer = Tokenizer()
    return [tokenizer.tokens(t) for t in texts]


def _write_tokens(engine, work: Path) -> None:
    """Every sentence's tokens, as term ids of the saved index, for the other systems."""
    import multiprocessing

    texts = [s.text for s in engine.corpus.sentences]
    chunks = [texts[i:i + 20_000] for i in range(0, len(texts), 20_000)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        tokenized = [tokens for chunk in pool.imap(_tokenize_texts, chunks) for tokens in chunk]
    vocabulary = engine.index.vocabulary
    np.save(work / "tokens.npy", np.fromiter((vocabulary[t] for tokens in tokenized for t in tokens),
                                             dtype=np.int32))
    np.save(work / "token_lengths.npy", np.array([len(t) for t in tokenized], dtype=np.int64))


def _write_queries(engine, args, work: Path) -> None:
    from retrieval.text import stopwords

    rng = np.random.default_rng(SEED + args.size)
    stop = stopwords()
    sentences = engine.corpus.sentences

    def words(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in stop]

    sample = rng.choice(len(sentences), size=min(len(sentences), 20_000), replace=False)
    frequency: dict[str, int] = {}
    for position in sample.tolist():
        for word in set(words(sentences[position].text)):
            frequency[word] = frequency.get(word, 0) + 1
    common = sorted(frequency, key=lambda w: (-frequency[w], w))[:COMMON_WORDS]
    content = []
    while len(content) < args.queries:
        held = list(dict.fromkeys(words(sentences[int(rng.integers(len(sentences)))].text)))
        if len(held) >= 2:
            content.append(" ".join(rng.choice(held, size=min(4, len(held)), replace=False)))
    common_queries = [" ".join(rng.choice(common, size=4, replace=False)) for _ in range(args.queries)]
    queries = {kind: [{"text": text + "?", "tokens": engine.tokenizer.tokens(text)} for text in texts]
               for kind, texts in (("content", content), ("common", common_queries))}
    (work / "queries.json").write_text(json.dumps(queries))


def step_factbot_query(args, work: Path) -> dict:
    from retrieval import Engine

    one_core()
    started = time.perf_counter()
    engine = Engine.from_index(work / "index")
    load = time.perf_counter() - started
    rss_loaded = current_rss_mb()
    result = {"load": load, "rss_loaded": rss_loaded}
    queries = load_queries(work)
    for kind, batch in queries.items():
        result[f"search_{kind}"] = latencies(
            lambda q: [h.position for h in engine.index.search(q["tokens"], K) if h.score > 0], batch)
        asked = batch[:args.ask_queries]
        result[f"ask_{kind}"] = latencies(lambda q: len(engine.ask(q["text"], K).citations), asked)
    result["rss_served"] = current_rss_mb()
    result["peak_rss"] = peak_rss_mb()
    return result


def step_rank_bm25(args, work: Path) -> dict:
    from rank_bm25 import BM25Okapi

    params = _params(work)
    tokens = token_lists(work)
    before = current_rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    okapi = BM25Okapi(tokens, k1=params["k1"], b=params["b"], epsilon=params["epsilon"])
    build = time.perf_counter() - started
    del tokens
    result = {"build": build, "rss_before": before, "peak_rss": peak_rss_mb(), "rss_loaded": current_rss_mb()}
    one_core()
    count = max(20, min(args.queries, OKAPI_POSTING_BUDGET // args.size))

    def search(query):
        scores = okapi.get_scores(query["tokens"])
        kth = np.partition(scores, len(scores) - K)[len(scores) - K] if len(scores) > K else 0.0
        top = np.flatnonzero((scores >= kth) & (scores > 0))
        return top[np.lexsort((top, -scores[top]))][:K].tolist()

    others = json.loads((work / "tops.json").read_text())
    result["judged"] = {system: {} for system in others}
    for kind, batch in load_queries(work).items():
        timed = latencies(search, batch[:count])
        result[f"search_{kind}"] = timed
        for system, tops in others.items():
            same = []
            for query, own, theirs in zip(batch, timed["tops"], tops[kind]):
                scores = okapi.get_scores(query["tokens"])
                same.append(len(theirs) == len(own) and bool(np.allclose(
                    np.sort(scores[theirs])[::-1], scores[own], rtol=1e-9, atol=1e-12)))
            result["judged"][system][kind] = sum(same) / len(same)
    return result


def step_bm25s(args, work: Path) -> dict:
    import bm25s

    params = _params(work)
    tokens = token_lists(work)
    before = current_rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=params["k1"], b=params["b"], method="robertson")
    retriever.index(tokens, show_progress=False)
    build = time.perf_counter() - started
    del tokens
    retriever.save(work / "bm25s", show_progress=False)
    result = {"build": build, "rss_before": before, "peak_rss": peak_rss_mb(),
              "disk_mb": folder_mb(work / "bm25s")}
    del retriever
    one_core()
    started = time.perf_counter()
    retriever = bm25s.BM25.load(work / "bm25s", mmap=True, show_progress=False)
    result["load"] = time.perf_counter() - started
    result["rss_loaded"] = current_rss_mb()
    vocabulary = retriever.vocab_dict

    def search(query):
        known = [t for t in query["tokens"] if t in vocabulary]
        if not known:
            return []
        found, scores = retriever.retrieve([known], k=K, show_progress=False, n_threads=1)
        return [int(p) for p, s in zip(found[0], scores[0]) if s > 0]

    for kind, batch in load_queries(work).items():
        result[f"search_{kind}"] = latencies(search, batch)
    return result


def step_tantivy(args, work: Path) -> dict:
    import tantivy

    tokens = token_lists(work)
    before = current_rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("position", stored=True, fast=True)
    schema = builder.build()
    (work / "tantivy").mkdir()
    index = tantivy.Index(schema, path=str(work / "tantivy"))
    writer = index.writer(heap_size=500_000_000, num_threads=2)
    for position, sentence in enumerate(tokens):
        writer.add_document(tantivy.Document(body=" ".join(sentence), position=position))
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - started
    del tokens, writer, index
    result = {"build": build, "rss_before": before, "peak_rss": peak_rss_mb(),
              "disk_mb": folder_mb(work / "tantivy")}
    one_core()
    started = time.perf_counter()
    index = tantivy.Index.open(str(work / "tantivy"))
    searcher = index.searcher()
    result["load"] = time.perf_counter() - started
    result["rss_loaded"] = current_rss_mb()
    term = tantivy.Query.term_query

    def search(query):
        clauses = [(tantivy.Occur.Should, term(schema, "body", t)) for t in query["tokens"]]
        return searcher.search(tantivy.Query.boolean_query(clauses), K).hits

    for kind, batch in load_queries(work).items():
        timed = latencies(search, batch)
        timed["tops"] = [[searcher.doc(address)["position"][0] for score, address in hits if score > 0]
                         for hits in timed["tops"]]
        result[f"search_{kind}"] = timed
    return result


def step_cluster(args, work: Path) -> dict:
    """The saved index written as Xapian shards, each served by its own `xapian-tcpsrv` on
    127.0.0.1, searched through `XapianSearch` beside the in-process index: latencies and
    parity of the top 10 (the same sentences in the same order, scores within 1e-9) and of
    full answers."""
    from cluster import open_cluster_file, write_shards
    from cluster.servers import serving
    from cluster.spec import write_cluster_file
    from retrieval import Engine, EngineConfig

    local = Engine.from_index(work / "index", EngineConfig(semantic=False))
    started = time.perf_counter()
    write_shards(work / "cluster", local.corpus, local.index, local.tokenizer, args.shards)
    result = {"shard_build": time.perf_counter() - started, "shards": args.shards,
              "disk_mb": folder_mb(work / "cluster")}
    with serving([work / "cluster" / f"shard-{i + 1}" for i in range(args.shards)]) as servers:
        write_cluster_file(work / "remote.json", [[server.address] for server in servers])
        one_core()  # the client only: the servers, started before, keep every core
        started = time.perf_counter()
        remote = Engine(*open_cluster_file(work / "remote.json"))
        result["load"] = time.perf_counter() - started
        result["rss_loaded"] = current_rss_mb()
        for kind, batch in load_queries(work).items():
            timed = latencies(lambda q: remote.index.search(q["tokens"], K), batch)
            same = exact = 0
            for query, hits in zip(batch, timed["tops"]):
                reference = local.index.search(query["tokens"], K)
                positions = [h.position for h in hits] == [h.position for h in reference]
                same += positions and all(math.isclose(h.score, r.score, rel_tol=1e-9, abs_tol=1e-12)
                                          for h, r in zip(hits, reference))
                exact += positions and [h.score for h in hits] == [h.score for h in reference]
            timed["tops"] = []
            result[f"search_{kind}"] = {**timed, "parity": same, "bitwise": exact}
            asked = batch[:args.ask_queries]
            answers = latencies(lambda q: remote.ask(q["text"], K), asked)
            answers["parity"] = sum(a == local.ask(q["text"], K) for q, a in zip(asked, answers["tops"]))
            answers["tops"] = []
            result[f"ask_{kind}"] = answers
    return result


def print_cluster(results: dict) -> None:
    cluster = results.get("cluster")
    if cluster is None:
        return
    if "error" in cluster:
        print(f"\nXapian cluster: {cluster['error']}")
        return
    print(f"\nXapian cluster, {cluster['shards']} shards (one xapian-tcpsrv each on 127.0.0.1), client pinned to "
          f"one core: shards written in {cluster['shard_build']:,.1f} s from the saved index "
          f"({cluster['disk_mb']:,.0f} MB), opened in {cluster['load']:.2f} s "
          f"(client RSS {cluster['rss_loaded']:,.0f} MB)\n")
    print("| cluster | queries | n | p50 ms | p95 ms | p99 ms | QPS | same as in-process |")
    print("|---|---|---|---|---|---|---|---|")
    for label, prefix in (("search (top 10)", "search"), ("full ask", "ask")):
        for kind in ("content", "common"):
            timed = cluster[f"{prefix}_{kind}"]
            same = f"{timed['parity']}/{timed['n']}"
            if prefix == "search":
                same += f" ({timed['bitwise']} bit for bit)"
            print(f"| {label if kind == 'content' else ''} | {kind} | {timed['n']:,} | {timed['p50']:.3f} | "
                  f"{timed['p95']:.3f} | {timed['p99']:.3f} | {timed['qps']:,.0f} | {same} |")


def _params(work: Path) -> dict:
    return json.loads((work / "index" / "manifest.json").read_text())["bm25"]


STEPS = {"factbot-build": step_factbot_build, "factbot-query": step_factbot_query,
         "rank-bm25": step_rank_bm25, "bm25s": step_bm25s, "tantivy": step_tantivy, "cluster": step_cluster}


# ---------------------------------------------------------------- orchestration and tables

def run_step(step: str, args, work: Path) -> dict:
    command = [sys.executable, __file__, "--step", step, "--work", str(work), "--corpus", args.corpus,
               "--size", str(args.size), "--queries", str(args.queries),
               "--ask-queries", str(args.ask_queries), "--shards", str(args.shards), args.news]
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, env=environment)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {last}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_tops(results: dict, work: Path) -> None:
    """Every system's top 10s, for rank-bm25 to judge by its own scores."""
    ran = [step for step in ("factbot-query", "bm25s", "tantivy")
           if step in results and "error" not in results[step]]
    tops = {step: {kind: results[step][f"search_{kind}"]["tops"] for kind in ("content", "common")}
            for step in ran}
    (work / "tops.json").write_text(json.dumps(tops))


def agreement(tops: list[list[int]], reference: list[list[int]]) -> float | None:
    pairs = list(zip(tops, reference))
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else None


def print_table(corpus: str, size: int, results: dict) -> None:
    built = results["factbot-build"]
    if "error" in built:
        print(f"\n## {corpus}, {size:,} sentences: factbot build failed: {built['error']}")
        return
    if corpus == "news":
        about = (f"the news corpus ({built['base_articles']:,} distinct articles after dropping "
                 f"{built['refused']} that clean to nothing)")
        if built["copies"] > 1:
            about += f", replicated {built['copies']}x with fresh ids to reach the size"
    else:
        about = f"Zipf (s=1) generated corpus, vocabulary {ZIPF_VOCABULARY:,}, 8-22 words a sentence"
    print(f"\n## {corpus}: {built['sentences']:,} sentences, {built['articles']:,} articles, "
          f"{built['terms']:,} terms, {built['postings']:,} postings\n{about}\n")
    header = ("| system | queries | n | p50 ms | p95 ms | p99 ms | QPS | p50 vs rank-bm25 "
              "| top-10 = rank-bm25 | build s | disk MB | peak RSS MB | load s | RSS loaded MB |")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    okapi = results.get("rank-bm25", {})
    served = results.get("factbot-query", {})
    rows = [("factbot index", "factbot-query", "search"), ("factbot ask", "factbot-query", "ask"),
            ("rank-bm25 BM25Okapi", "rank-bm25", "search"), ("bm25s (numpy)", "bm25s", "search"),
            ("tantivy", "tantivy", "search")]
    for label, step, prefix in rows:
        result = results.get(step)
        if result is None:
            continue
        if "error" in result:
            print(f"| {label} | {result['error']} |" + " |" * (header.count("|") - 3))
            continue
        for kind in ("content", "common"):
            timed = result[f"{prefix}_{kind}"]
            reference = okapi.get(f"search_{kind}")
            speedup = "1x"
            if reference and step != "rank-bm25":
                speedup = f"{reference['p50'] / timed['p50']:,.0f}x"
            judged = okapi.get("judged", {}).get(step, {}).get(kind) if prefix == "search" else None
            exact = agreement(timed["tops"], reference["tops"]) if reference and step == "factbot-query" \
                and prefix == "search" else None
            if step == "factbot-query":
                build, disk = built["build"], built["disk_mb"]
                peak = f"{built['peak_rss']:,.0f}" + (f" (+{built['worker_peak_rss']:,.0f}/worker)"
                                                      if built["worker_peak_rss"] else "")
                load, loaded = served["load"], served["rss_loaded"]
            else:
                build, disk, peak = result["build"], result.get("disk_mb"), f"{result['peak_rss']:,.0f}"
                load, loaded = result.get("load"), result.get("rss_loaded")
            first = kind == "content"
            agree = "" if judged is None else f"{judged:.0%}"
            if exact is not None:
                agree += f" ({exact:.0%} exact)"
            cells = [label if first else "", kind, f"{timed['n']:,}",
                     *(f"{timed[p]:.3f}" for p in ("p50", "p95", "p99")), f"{timed['qps']:,.0f}",
                     speedup, agree,
                     f"{build:,.2f}" if first else "", f"{disk:,.0f}" if first and disk is not None else "",
                     peak if first else "", f"{load:.3f}" if first and load is not None else "",
                     f"{loaded:,.0f}" if first and loaded is not None else ""]
            print("| " + " | ".join(cells) + " |")
    okapi_queries = okapi.get("search_content", {}).get("n", 0)
    asked = served.get("ask_content", {}).get("n", 0)
    print(f"\nrank-bm25 ran {okapi_queries} queries of each kind "
          f"(it scores every sentence per query); factbot ask ran {asked}. "
          "Build times include factbot's sentence splitting and tokenization; the other systems are "
          "given factbot's tokens. rank-bm25 and bm25s use factbot's k1 and b (bm25s 'robertson' idf, "
          "which floors negative idf at 0 where BM25Okapi uses epsilon x mean idf); tantivy uses Lucene's "
          "idf, quantised lengths and its fixed k1=1.2, b=0.75. 'top-10 = rank-bm25': share of the queries "
          "rank-bm25 ran whose positive-score top 10 has the same BM25Okapi scores as BM25Okapi's own top 10 "
          "(so a tie between equal sentences, such as replicated copies, may go either way); 'exact': "
          "the same sentences in the same order.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("news", nargs="?", default=str(DEFAULT_NEWS), help="the news corpus (.jsonl.gz)")
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="corpus sizes in sentences, comma-separated")
    parser.add_argument("--corpora", default="news,zipf", help="news, zipf or both")
    parser.add_argument("--systems", default="factbot,rank-bm25,bm25s,tantivy",
                        help="systems to run, of factbot, rank-bm25, bm25s, tantivy and cluster (the Xapian "
                             "cluster: the xapian extra and xapian-tcpsrv)")
    parser.add_argument("--queries", type=int, default=1000, help="queries of each kind")
    parser.add_argument("--ask-queries", type=int, default=1000,
                        help="of those, how many factbot ask answers")
    parser.add_argument("--shards", type=int, default=3, help="shards of the Xapian cluster (system 'cluster')")
    parser.add_argument("--timeout", type=int, default=STEP_TIMEOUT, help="seconds allowed to each step")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args, Path(args.work))))
        return
    import numpy

    systems = args.systems.split(",")
    bm25s = importlib.import_module("bm25s") if "bm25s" in systems else None
    for other in {"rank-bm25": "rank_bm25", "tantivy": "tantivy", "cluster": "xapian"}.items():
        if other[0] in systems:
            importlib.import_module(other[1])
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    print(f"# bench_retrieval: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {numpy.__version__}" + (f", bm25s {bm25s.__version__}" if bm25s else ""))
    steps = (["factbot-build"] + (["factbot-query"] if "factbot" in systems else [])
             + [s for s in ("bm25s", "tantivy", "cluster", "rank-bm25") if s in systems])
    for corpus in args.corpora.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            work = Path(tempfile.mkdtemp(prefix=f"bench-{corpus}-{size}-"))
            args.corpus, args.size = corpus, size
            results = {}
            try:
                for step in steps:
                    if step == "rank-bm25":
                        write_tops(results, work)
                    results[step] = run_step(step, args, work)
                    if "error" in results["factbot-build"]:
                        break
                print_table(corpus, size, results)
                print_cluster(results)
                sys.stdout.flush()
            finally:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
