"""The Xapian cluster (`cluster/`): the same answers as the in-process index, from three
shard servers (`xapian-tcpsrv` on 127.0.0.1, started and stopped here), and what a user
sees when a shard dies, hangs or has a replica.

Skipped when the xapian extra or xapian-tcpsrv is missing, unless FACTBOT_REQUIRE_XAPIAN=1
(as .ci/run sets it), which makes that a failure.
"""
from __future__ import annotations

import io
import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest

try:
    import xapian
except ImportError:
    xapian = None

_MISSING = ("the xapian extra is not installed" if xapian is None
            else "xapian-tcpsrv is not installed" if shutil.which("xapian-tcpsrv") is None else None)
if _MISSING and os.environ.get("FACTBOT_REQUIRE_XAPIAN") == "1":
    pytest.fail(f"FACTBOT_REQUIRE_XAPIAN=1 but {_MISSING}", pytrace=False)
if _MISSING:
    pytest.skip(_MISSING, allow_module_level=True)

from bot import frontend, render  # noqa: E402
from bot.cli import main  # noqa: E402
from cluster import ClusterError, ShardUnavailableError, open_cluster_file, plan_shards, write_shards  # noqa: E402
from cluster.servers import serving, start_server  # noqa: E402
from cluster.spec import write_cluster_file  # noqa: E402
from retrieval import Engine, EngineConfig, FactbotError, IndexWriteError, load_articles, load_bundled  # noqa: E402
from retrieval.corpus import article_from_text  # noqa: E402

from conftest import FERRY_PAGE, HARBOR_PAGE, PORT_PAGE  # noqa: E402

pytestmark = pytest.mark.xapian

WORDS_ONLY = EngineConfig(semantic=False)
TIMEOUT_SECONDS = 1.0
QUESTIONS = [
    "How many troops has Russia sent to Belarus?",
    "Who is the Polish foreign minister?",
    "When will construction begin?",
    "How did the council vote on the bridge?",
    "How much will the port expansion cost?",
    "Who heads the port authority?",
    "How many residents rely on the ferry?",
    "What is the recipe for banana bread?",
    "Russian troops in Belarus",
]
CLAIMS = [
    "Russia has sent 30,000 troops to Belarus.",
    "Russia has sent 50,000 troops to Belarus.",
    "The council voted 7-2 to approve the bridge.",
    "The ferry repairs will cost 5 million dollars.",
    "The moon is made of cheese.",
]


def _articles():
    return [*load_bundled(), article_from_text("harbor", HARBOR_PAGE), article_from_text("ferry", FERRY_PAGE),
            article_from_text("port", PORT_PAGE)]


@pytest.fixture(scope="module")
def local_engine() -> Engine:
    return Engine.from_articles(_articles(), WORDS_ONLY)


@pytest.fixture(scope="module")
def shard_folder(local_engine, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cluster") / "index"
    write_shards(folder, local_engine.corpus, local_engine.index, local_engine.tokenizer, 3)
    return folder


def _shards(folder: Path) -> list[Path]:
    return [folder / f"shard-{i}" for i in (1, 2, 3)]


def _cluster_file(path: Path, shards: list[list[str]]) -> Path:
    write_cluster_file(path, shards, timeout_seconds=TIMEOUT_SECONDS)
    return path


@pytest.fixture(scope="module")
def servers(shard_folder):
    with serving(_shards(shard_folder)) as running:
        yield running


@pytest.fixture(scope="module")
def remote_engine(servers, shard_folder) -> Engine:
    path = _cluster_file(shard_folder.parent / "remote.json", [[s.address] for s in servers])
    return frontend.load_engine(index=path)


def test_the_cluster_engine_searches_the_remote_shards(remote_engine, local_engine):
    assert type(remote_engine.index).__name__ == "XapianSearch"
    assert len(remote_engine.index) == len(local_engine.index) == len(remote_engine.corpus.sentences)
    assert remote_engine.corpus.docs == local_engine.corpus.docs


@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_json_is_the_in_process_index_s(remote_engine, local_engine, question):
    for k in (3, 10):
        assert render.answer_to_json(remote_engine.ask(question, k)) == render.answer_to_json(local_engine.ask(question, k))


@pytest.mark.parametrize("claim", CLAIMS)
def test_check_json_is_the_in_process_index_s(remote_engine, local_engine, claim):
    assert render.check_to_json(remote_engine.check(claim)) == render.check_to_json(local_engine.check(claim))


def test_context_sources_and_article_texts_are_the_in_process_index_s(remote_engine, local_engine):
    assert remote_engine.sources() == local_engine.sources()
    for doc in local_engine.corpus.docs:
        assert remote_engine.article_text(doc) == local_engine.article_text(doc)
    for ref in ("foreign-policy-russia-troops-belarus:4.1", "harbor:3.1", "port:1.1", "ferry:4.1"):
        assert remote_engine.context(ref) == local_engine.context(ref)


def test_top_10_scores_and_statistics_are_the_in_process_index_s(remote_engine, local_engine):
    local, remote = local_engine.index, remote_engine.index
    rng = random.Random(11)
    every_term = sorted({t for p in range(len(local)) for t in local.sentence_terms(p)})
    common = sorted(every_term, key=lambda t: -local.document_frequency(t))[:20]
    queries = [rng.sample(every_term, rng.randint(1, 4)) for _ in range(150)]
    queries += [rng.sample(common, rng.randint(1, 4)) for _ in range(50)]
    queries += [[common[0], common[0], "unheardof"], ["unheardof"], []]
    for query in queries:
        for k in (1, 10):
            assert remote.search(query, k) == local.search(query, k), query
    positions = list(range(len(local)))
    assert remote.scores_at(common[:3], positions).tolist() == local.scores_at(common[:3], positions).tolist()
    assert all(remote.sentence_terms(p) == local.sentence_terms(p) for p in positions)
    assert all(remote.document_frequency(t) == local.document_frequency(t) for t in every_term + ["unheardof"])


@pytest.mark.parametrize("texts", [
    # "bridge" is in every sentence, so its Okapi idf is negative: floored at epsilon times the mean idf.
    ["The bridge opened. The bridge closed. A bridge fell. Bridge tolls rose. Bridge painters left."],
    # Every term in over half the sentences: the mean idf is negative too.
    ["Storm hit pier. Storm hit town. Storm hit pier town. Storm pier."],
])
def test_negative_idf_ranks_as_bm25okapi(tmp_path, texts):
    engine = Engine.from_articles([article_from_text(f"a{i}", t) for i, t in enumerate(texts)], WORDS_ONLY)
    write_shards(tmp_path / "index", engine.corpus, engine.index, engine.tokenizer, 2)
    _, search, _ = open_cluster_file(tmp_path / "index" / "cluster.json")
    every_term = sorted({t for p in range(len(engine.index)) for t in engine.index.sentence_terms(p)})
    for size in (1, 2, 3):
        for first in range(len(every_term)):
            query = every_term[first:first + size]
            assert search.search(query, 10) == engine.index.search(query, 10), query


def test_an_article_s_sentences_stay_in_one_shard_and_shards_balance():
    plan = plan_shards([10, 10, 10, 10, 10, 10], 3)
    assert plan.article_cuts == (0, 2, 4, 6) and plan.sentence_cuts == (0, 20, 40, 60)
    assert plan_shards([5], 3).article_cuts == (0, 1, 1, 1)


def test_index_build_shards_then_ask_through_the_local_cluster_file(tmp_path, harbor_path):
    out, err = io.StringIO(), io.StringIO()
    assert main(["index", "build", str(harbor_path), "-o", str(tmp_path / "index"), "--shards", "2"],
                stdout=out, stderr=err) == 0
    assert "into 2 Xapian shards" in out.getvalue() and err.getvalue() == ""
    out = io.StringIO()
    assert main(["ask", "--json", "When will construction begin?", "--index", str(tmp_path / "index" / "cluster.json")],
                stdout=out, stderr=err) == 0
    assert json.loads(out.getvalue())["citations"][0]["ref"] == "3.1"


def test_the_bundled_article_in_three_shards_two_of_them_empty(tmp_path):
    engine = Engine.from_articles(load_bundled(), WORDS_ONLY)
    write_shards(tmp_path / "index", engine.corpus, engine.index, engine.tokenizer, 3)
    with serving(_shards(tmp_path / "index")) as running:
        remote = frontend.load_engine(index=_cluster_file(tmp_path / "remote.json", [[s.address] for s in running]))
        for question in QUESTIONS[:2] + ["What is the capital of Australia?"]:
            assert remote.ask(question) == engine.ask(question)
        assert remote.context("4.1") == engine.context("4.1")


@pytest.mark.parametrize("content, problem", [
    ("not json", "not JSON"),
    ('{"format": "factbot-cluster", "version": 1, "shards": []}', "malformed"),
    ('{"format": "factbot-cluster", "version": 1, "shards": [["a:1"]], "timeout_seconds": 0}', "malformed"),
])
def test_a_malformed_cluster_file_is_one_line(tmp_path, content, problem):
    (tmp_path / "cluster.json").write_text(content)
    err = io.StringIO()
    assert main(["ask", "Who?", "--index", str(tmp_path / "cluster.json")], stdout=io.StringIO(), stderr=err) == 1
    assert problem in err.getvalue() and err.getvalue().count("\n") == 1


def test_shards_listed_out_of_order_are_refused(shard_folder, tmp_path):
    path = _cluster_file(tmp_path / "swapped.json", [[str(s)] for s in reversed(_shards(shard_folder))])
    with pytest.raises(ClusterError, match="holds shard 3 of 3"):
        open_cluster_file(path)


def test_a_shard_of_another_build_is_refused(shard_folder, local_engine, tmp_path):
    write_shards(tmp_path / "other", local_engine.corpus, local_engine.index, local_engine.tokenizer, 3)
    shards = _shards(shard_folder)
    path = _cluster_file(tmp_path / "mixed.json", [[str(shards[0])], [str(tmp_path / "other" / "shard-2")],
                                                   [str(shards[2])]])
    with pytest.raises(ClusterError, match="build"):
        open_cluster_file(path)


def _timed(call):
    started = time.monotonic()
    try:
        return call(), time.monotonic() - started
    except FactbotError as error:
        return error, time.monotonic() - started


def test_a_killed_shard_gives_a_one_line_error_at_once_then_a_restarted_one_answers(shard_folder, local_engine, tmp_path):
    question = QUESTIONS[0]
    with serving(_shards(shard_folder)) as running:
        path = _cluster_file(tmp_path / "remote.json", [[s.address] for s in running])
        engine = frontend.load_engine(index=path)
        assert engine.ask(question) == local_engine.ask(question)
        running[1].stop()
        error, seconds = _timed(lambda: engine.ask(QUESTIONS[2]))
        assert isinstance(error, ShardUnavailableError) and seconds < 3 * TIMEOUT_SECONDS
        assert str(error) == f"shard 2 of 3 is unavailable ({running[1].address}: connection refused)"
        err = io.StringIO()
        assert main(["ask", question, "--index", str(path)], stdout=io.StringIO(), stderr=err) == 1
        assert err.getvalue().startswith("factbot: error: shard 2 of 3 is unavailable") and "Traceback" not in err.getvalue()
        running[1] = start_server(running[1].folder, running[1].port)
        assert engine.ask(QUESTIONS[2]) == local_engine.ask(QUESTIONS[2])


def test_a_hung_shard_gives_an_error_within_the_timeout_then_recovers(shard_folder, local_engine, tmp_path):
    with serving(_shards(shard_folder)) as running:
        engine = frontend.load_engine(index=_cluster_file(tmp_path / "remote.json", [[s.address] for s in running]))
        assert engine.ask(QUESTIONS[0]) == local_engine.ask(QUESTIONS[0])
        running[2].pause()
        try:
            error, seconds = _timed(lambda: engine.ask(QUESTIONS[4]))
        finally:
            running[2].resume()
        # One timeout for the question's request, one for reopening the connection; the hung
        # server is not asked again.
        assert isinstance(error, ShardUnavailableError), error
        assert str(error) == f"shard 3 of 3 is unavailable ({running[2].address}: no answer within 1 s)"
        assert 1.9 * TIMEOUT_SECONDS < seconds < 3 * TIMEOUT_SECONDS
        assert engine.ask(QUESTIONS[4]) == local_engine.ask(QUESTIONS[4])


def test_a_replica_takes_over_from_a_dead_primary_without_a_failed_question(shard_folder, local_engine, tmp_path):
    replica = tmp_path / "replica-2"
    shutil.copytree(_shards(shard_folder)[1], replica)
    with serving(_shards(shard_folder) + [replica]) as running:
        primaries, standby = running[:3], running[3]
        path = _cluster_file(tmp_path / "remote.json", [[primaries[0].address], [primaries[1].address, standby.address],
                                                         [primaries[2].address]])
        engine = frontend.load_engine(index=path)
        answers = [local_engine.ask(q) for q in QUESTIONS]
        assert [engine.ask(q) for q in QUESTIONS[:3]] == answers[:3]
        primaries[1].stop()
        assert [engine.ask(q) for q in QUESTIONS] == answers
        assert frontend.load_engine(index=path).ask(QUESTIONS[5]) == answers[5]


STORM_PAGE = """Storm Closes Mountain Pass

Heavy snow closed the mountain pass on Friday, the highway agency said.

Crews expect to reopen the road within 48 hours once the avalanche risk has passed.

Drivers were told to use the coastal route, which adds about two hours to the journey.
"""
STORM_QUESTION = "When will the mountain pass reopen?"


@pytest.fixture(scope="module")
def rebuilt_engine() -> Engine:
    return Engine.from_articles(_articles() + [article_from_text("storm", STORM_PAGE)], WORDS_ONLY)


def test_a_rebuild_on_new_servers_is_taken_up_when_the_cluster_file_is_replaced(
        shard_folder, local_engine, rebuilt_engine, tmp_path):
    write_shards(tmp_path / "new", rebuilt_engine.corpus, rebuilt_engine.index, rebuilt_engine.tokenizer, 3)
    with serving(_shards(shard_folder)) as old, serving(_shards(tmp_path / "new")) as new:
        path = _cluster_file(tmp_path / "remote.json", [[s.address] for s in old])
        engine = frontend.load_engine(index=path)
        assert engine.ask(STORM_QUESTION) == local_engine.ask(STORM_QUESTION)
        os.replace(_cluster_file(tmp_path / "staged.json", [[s.address] for s in new]), path)
        assert engine.ask(STORM_QUESTION) == rebuilt_engine.ask(STORM_QUESTION)
        assert engine.ask(STORM_QUESTION).citations[0].doc == "storm" and "storm" in engine.corpus.docs


def test_shards_rebuilt_in_place_and_restarted_are_taken_up_without_a_failed_question(
        local_engine, rebuilt_engine, tmp_path):
    folder = tmp_path / "index"
    write_shards(folder, local_engine.corpus, local_engine.index, local_engine.tokenizer, 3)
    with serving(_shards(folder)) as running:
        engine = frontend.load_engine(index=_cluster_file(tmp_path / "remote.json", [[s.address] for s in running]))
        assert engine.ask(STORM_QUESTION) == local_engine.ask(STORM_QUESTION)
        write_shards(folder, rebuilt_engine.corpus, rebuilt_engine.index, rebuilt_engine.tokenizer, 3)
        for number, server in enumerate(running):
            server.stop()
            running[number] = start_server(server.folder, server.port)
        assert engine.ask(STORM_QUESTION) == rebuilt_engine.ask(STORM_QUESTION)
        assert engine.check(CLAIMS[0]) == rebuilt_engine.check(CLAIMS[0])


def test_a_cluster_file_naming_servers_that_are_not_up_yet_keeps_the_cluster_before(
        shard_folder, local_engine, tmp_path, caplog):
    with serving(_shards(shard_folder)) as running:
        path = _cluster_file(tmp_path / "remote.json", [[s.address] for s in running])
        engine = frontend.load_engine(index=path)
        os.replace(_cluster_file(tmp_path / "staged.json", [["127.0.0.1:1"], ["127.0.0.1:1"], ["127.0.0.1:1"]]), path)
        assert engine.ask(QUESTIONS[0]) == local_engine.ask(QUESTIONS[0])
        assert "keeping the cluster opened before: shard 1 of 3 is unavailable" in caplog.text


def test_connections_the_servers_close_when_idle_are_opened_again(shard_folder, local_engine, tmp_path):
    servers = [start_server(folder, timeout_ms=200) for folder in _shards(shard_folder)]
    try:
        engine = frontend.load_engine(index=_cluster_file(tmp_path / "remote.json", [[s.address] for s in servers]))
        assert engine.ask(QUESTIONS[0]) == local_engine.ask(QUESTIONS[0])
        time.sleep(0.5)
        assert engine.ask(QUESTIONS[2]) == local_engine.ask(QUESTIONS[2])
    finally:
        for server in servers:
            server.stop()


def test_a_replica_takes_over_from_a_hung_primary_within_two_timeouts(shard_folder, local_engine, tmp_path):
    replica = tmp_path / "replica-1"
    shutil.copytree(_shards(shard_folder)[0], replica)
    with serving(_shards(shard_folder) + [replica]) as running:
        path = _cluster_file(tmp_path / "remote.json", [[running[0].address, running[3].address],
                                                         [running[1].address], [running[2].address]])
        engine = frontend.load_engine(index=path)
        assert engine.ask(QUESTIONS[0]) == local_engine.ask(QUESTIONS[0])
        running[0].pause()
        try:
            answer, seconds = _timed(lambda: engine.ask(QUESTIONS[1]))
        finally:
            running[0].resume()
        assert answer == local_engine.ask(QUESTIONS[1]) and seconds < 3 * TIMEOUT_SECONDS


def test_questions_from_several_threads_get_the_answers_of_single_ones(remote_engine, local_engine):
    from concurrent.futures import ThreadPoolExecutor

    questions = QUESTIONS * 4
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda q: remote_engine.ask(q, 5), questions))
    assert answers == [local_engine.ask(q, 5) for q in questions]


NEWS_DEV = Path(__file__).parents[2] / "shared" / "eval" / "news"


@pytest.mark.slow
@pytest.mark.skipif(not (NEWS_DEV / "dev_articles.jsonl").is_file(), reason="../shared/eval/news is absent")
def test_the_news_development_sets_get_the_in_process_answers_from_three_shard_servers(tmp_path):
    # 30 articles as one corpus (score.py --together): 210 questions and 90 claims.
    local = Engine.from_articles(load_articles([NEWS_DEV / "dev_articles.jsonl"]), WORDS_ONLY)
    write_shards(tmp_path / "index", local.corpus, local.index, local.tokenizer, 3)

    def lines(name: str) -> list[dict]:
        return [json.loads(line) for line in (NEWS_DEV / name).read_text(encoding="utf-8").splitlines() if line]

    with serving(_shards(tmp_path / "index")) as running:
        remote = frontend.load_engine(index=_cluster_file(tmp_path / "remote.json", [[s.address] for s in running]))
        for item in lines("dev_questions.jsonl"):
            question = item["question"]
            assert render.answer_to_json(remote.ask(question)) == render.answer_to_json(local.ask(question)), question
        for item in lines("dev_claims.jsonl"):
            claim = item["claim"]
            assert render.check_to_json(remote.check(claim)) == render.check_to_json(local.check(claim)), claim


def test_a_cluster_engine_is_not_saved_as_an_index_folder(remote_engine, tmp_path):
    with pytest.raises(IndexWriteError, match="only an in-process index is saved"):
        remote_engine.save(tmp_path / "index")
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize("value", ["0", "-2", "three"])
def test_index_build_refuses_a_bad_number_of_shards(harbor_path, tmp_path, value):
    err = io.StringIO()
    assert main(["index", "build", str(harbor_path), "-o", str(tmp_path / "index"), "--shards", value],
                stdout=io.StringIO(), stderr=err) == 2
    assert "whole number of shards" in err.getvalue() and not (tmp_path / "index").exists()


def test_the_discord_bot_answers_from_the_cluster_file_factbot_index_names(remote_engine, local_engine, shard_folder):
    from bot.discord_bot import load_engine
    from bot.settings import Settings

    settings = Settings.from_env({"FACTBOT_INDEX": str(shard_folder.parent / "remote.json")}, env_file=None)
    engine = load_engine(settings)
    assert engine.ask(QUESTIONS[1]) == local_engine.ask(QUESTIONS[1])
    assert engine.corpus.docs == local_engine.corpus.docs
