"""The `factbot` command line: text and JSON output, the stdin JSON contract, exit codes."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import render
from bot.cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from bot.frontend import ExitCode
from retrieval import MAX_K, MAX_QUESTION_CHARS

CITATION_KEYS = {"doc", "title", "ref", "sentence", "start", "end", "score"}


class FlushRecorder(io.StringIO):
    """Records how many complete lines had been written at each flush."""

    def __init__(self):
        super().__init__()
        self.lines_at_flush: list[int] = []

    def flush(self):
        self.lines_at_flush.append(self.getvalue().count("\n"))
        super().flush()


def run(argv: list[str], stdin: str | bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    source = io.BytesIO(stdin) if isinstance(stdin, bytes) else io.StringIO(stdin or "")
    code = main(argv, stdin=source, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def assert_one_error_line(err: str) -> None:
    assert err.startswith("factbot: error: ")
    assert err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err


def test_ask_text_numbers_citations_with_their_refs(harbor_path):
    code, out, err = run(["ask", "When will construction begin?", "--k", "2", "--corpus", str(harbor_path)])
    assert (code, err) == (EXIT_OK, "")
    cited = [line for line in out.splitlines() if line.startswith("[")]
    assert [line.split(" ", 1)[0] for line in cited] == ["[1]", "[2]"]
    assert cited[0] == ("[1] (3.1) Construction is expected to begin in March and take about four years, "
                        "according to Mayor Ana Ruiz.")


def test_ask_text_not_found(harbor_path):
    code, out, _ = run(["ask", "What is the population of Paris?", "--corpus", str(harbor_path)])
    assert code == EXIT_OK
    assert out.splitlines()[0] == render.NOT_FOUND


def test_ask_text_with_several_articles_names_the_article(articles_folder):
    code, out, _ = run(["ask", "How many residents rely on the ferry?", "--corpus", str(articles_folder)])
    assert code == EXIT_OK
    assert "[1] (ferry:4.1) About 4,000 residents" in out


def test_ask_json_one_question(harbor_path, harbor_page):
    code, out, err = run(["ask", "When will construction begin?", "--json", "--corpus", str(harbor_path)])
    assert (code, err) == (EXIT_OK, "")
    (line,) = out.splitlines()
    row = json.loads(line)
    assert {"question", "found", "answer", "citations"} <= row.keys()
    assert row["question"] == "When will construction begin?"
    assert row["found"] is True
    for citation in row["citations"]:
        assert CITATION_KEYS <= citation.keys()
        assert harbor_page[citation["start"]:citation["end"]] == citation["sentence"]
        assert citation["doc"] == "harbor"
        assert citation["title"] == "City Council Approves New Harbor Bridge"
    assert row["citations"][0]["ref"] == "3.1"


def test_ask_json_stdin_one_object_per_line_in_order(harbor_path):
    lines = ["When will construction begin?", "", "What is the population of Paris?", "   ",
             "What is the?", "x" * (MAX_QUESTION_CHARS + 1), "How did the council vote on the bridge?"]
    code, out, err = run(["ask", "--json", "-", "--corpus", str(harbor_path)], "\n".join(lines) + "\n")
    assert (code, err) == (EXIT_OK, "")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["question"] for row in rows] == lines
    errors = [bool(row.get("error")) for row in rows]
    assert errors == [False, True, False, True, True, True, False]
    assert rows[0]["found"] and rows[0]["citations"][0]["ref"] == "3.1"
    assert rows[2]["found"] is False
    assert rows[6]["citations"][0]["ref"] == "2.1"
    assert all("\n" not in row["error"] for row in rows if "error" in row)


def test_ask_json_stdin_answers_equal_single_questions(harbor_path):
    questions = ["When will construction begin?", "Who is the mayor?"]
    _, out, _ = run(["ask", "--json", "-", "--k", "2", "--corpus", str(harbor_path)], "\n".join(questions))
    singles = [run(["ask", q, "--json", "--k", "2", "--corpus", str(harbor_path)])[1] for q in questions]
    assert out.splitlines() == [single.strip() for single in singles]


def test_ask_json_stdin_flushes_every_line(harbor_path):
    out = FlushRecorder()
    stdin = io.StringIO("When will construction begin?\n\nWho is the mayor?\n")
    assert main(["ask", "--json", "-", "--corpus", str(harbor_path)], stdin=stdin, stdout=out,
                stderr=io.StringIO()) == EXIT_OK
    assert out.lines_at_flush[:3] == [1, 2, 3]


def test_ask_json_stdin_line_that_is_not_utf8_gets_an_error_and_the_stream_goes_on(harbor_path):
    stdin = b"When will construction begin?\n\xff\xfe bad bytes\r\nWho is the mayor?\n"
    code, out, _ = run(["ask", "--json", "-", "--corpus", str(harbor_path)], stdin)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK
    assert [("error" in row) for row in rows] == [False, True, False]
    assert "UTF-8" in rows[1]["error"]


def test_ask_json_stdin_keeps_crlf_lines_clean(harbor_path):
    _, out, _ = run(["ask", "--json", "-", "--corpus", str(harbor_path)], "Who is the mayor?\r\n")
    assert json.loads(out)["question"] == "Who is the mayor?"


def test_ask_text_stdin_answers_every_non_blank_line(harbor_path):
    code, out, _ = run(["ask", "-", "--corpus", str(harbor_path)],
                       "When will construction begin?\n\nWhat is the population of Paris?\n")
    blocks = [block for block in out.split("\n\n") if block.strip()]
    assert code == EXIT_OK and len(blocks) == 2
    assert blocks[1].startswith(render.NOT_FOUND)


def test_k_option(harbor_path):
    _, out, _ = run(["ask", "bridge council harbor town", "--json", "--k", "1", "--corpus", str(harbor_path)])
    assert len(json.loads(out)["citations"]) == 1


def test_default_corpus_is_the_bundled_article():
    code, out, _ = run(["ask", "How many troops has Russia sent to Belarus?", "--json"])
    assert code == EXIT_OK
    assert "30,000" in json.loads(out)["citations"][0]["sentence"]


@pytest.mark.parametrize("argv", [
    [], ["ask"], ["frobnicate"], ["ask", "q", "--k", "0"], ["ask", "q", "--k", str(MAX_K + 1)],
    ["ask", "q", "--k", "many"], ["ask", "q", "--bogus"], ["ask", "q", "--corpus"],
])
def test_usage_errors_exit_2_with_usage_on_stderr(argv):
    code, out, err = run(argv)
    assert code == EXIT_USAGE
    assert out == ""
    assert "usage: factbot" in err and "Traceback" not in err


def test_help_exits_0_on_stdout():
    code, out, err = run(["--help"])
    assert (code, err) == (EXIT_OK, "")
    assert "usage: factbot" in out and "ask" in out


@pytest.mark.parametrize("question", ["", "   ", "the of and", "x" * (MAX_QUESTION_CHARS + 1)])
def test_question_error_exits_1_with_one_line(harbor_path, question):
    code, out, err = run(["ask", question, "--corpus", str(harbor_path)])
    assert (code, out) == (EXIT_INPUT, "")
    assert_one_error_line(err)


def test_missing_corpus_exits_1_naming_the_file(tmp_path):
    missing = tmp_path / "nowhere.txt"
    code, out, err = run(["ask", "Who?", "--corpus", str(missing)])
    assert (code, out) == (EXIT_INPUT, "")
    assert_one_error_line(err)
    assert str(missing) in err


def test_bad_corpus_file_exits_1_naming_the_file(tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    code, _, err = run(["ask", "--json", "-", "--corpus", str(binary)], "Who is the mayor?\n")
    assert code == EXIT_INPUT
    assert_one_error_line(err)
    assert str(binary) in err


def test_corpus_takes_several_paths(harbor_path, tmp_path, ferry_page):
    ferry = tmp_path / "ferry.md"
    ferry.write_text(ferry_page, encoding="utf-8")
    _, out, _ = run(["ask", "How many residents rely on the ferry?", "--json",
                     "--corpus", str(harbor_path), "--corpus", str(ferry)])
    assert json.loads(out)["citations"][0]["doc"] == "ferry"


@pytest.mark.parametrize("command,line,key", [("ask", "When will construction begin?", "question"),
                                              ("check", "Construction begins in March.", "claim")])
@pytest.mark.parametrize("order", ["dash first", "dash last"])
def test_stdin_dash_works_before_or_after_corpus(harbor_path, command, line, key, order):
    corpus = ["--corpus", str(harbor_path)]
    argv = [command, "--json", "-", *corpus] if order == "dash first" else [command, "--json", *corpus, "-"]
    code, out, err = run(argv, line + "\n")
    assert (code, err) == (EXIT_OK, "")
    assert json.loads(out)[key] == line


def test_question_may_follow_the_corpus(harbor_path):
    code, out, err = run(["ask", "--corpus", str(harbor_path), "When will construction begin?", "--json"])
    assert (code, err) == (EXIT_OK, "")
    assert json.loads(out)["citations"][0]["ref"] == "3.1"


def test_help_says_corpus_is_repeated():
    _, out, _ = run(["ask", "--help"])
    assert "--corpus PATH" in out and "repeat" in out


def test_console_script_from_outside_the_source_tree_never_imports_discord(tmp_path):
    script = shutil.which("factbot", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the factbot console script is not installed beside this Python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", script, "ask", "--json", "-"],
        input="How many troops has Russia sent to Belarus?\n\n", capture_output=True, text=True,
        cwd=tmp_path, env=env, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")]
    assert "retrieval" in imported and "bot.cli" in imported
    assert not [name for name in imported if name.split(".")[0] in ("discord", "dotenv")]
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert "30,000" in first["citations"][0]["sentence"]
    assert "error" in second


def test_index_build_counts_with_proper_plurals(harbor_path, tmp_path):
    code, out, err = run(["index", "build", str(harbor_path), "-o", str(tmp_path / "index")])
    assert (code, err) == (ExitCode.OK, "")
    first, second = out.splitlines()
    assert first == f"indexed 6 sentences of 1 article into {tmp_path / 'index'}"
    assert second in ("sentence vectors: stored (minilm)",
                      'sentence vectors: not stored (install "factbot[semantic]" to rank by meaning too)')


def test_sources_count_one_sentence_in_the_singular():
    from retrieval import SourceInfo
    text = render.sources_to_text([SourceInfo("a", "A", None, 1), SourceInfo("b", "B", None, 2)])
    assert "a: A (1 sentence)" in text and "b: B (2 sentences)" in text


@pytest.mark.parametrize("argv,workers", [
    (["index", "build", "CORPUS", "-o", "OUT"], None),
    (["index", "build", "CORPUS", "-o", "OUT", "--workers", "1"], 1),
    (["index", "build", "--workers", "2", "CORPUS", "-o", "OUT"], 2),
    (["ask", "When will construction begin?", "--corpus", "CORPUS"], None),
])
def test_cli_passes_workers_to_the_build_explicitly(monkeypatch, harbor_path, tmp_path, argv, workers):
    from bot import frontend
    calls = []
    load = frontend.load_engine

    def recording_load(corpus=None, index=None, **kwargs):
        calls.append(kwargs)
        return load(corpus, index, **kwargs)

    monkeypatch.setattr(frontend, "load_engine", recording_load)
    argv = [str(harbor_path) if a == "CORPUS" else str(tmp_path / "index") if a == "OUT" else a for a in argv]
    code, _, err = run(argv)
    assert (code, err) == (ExitCode.OK, "")
    assert calls == [{"workers": workers}]


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_index_build_refuses_bad_workers(harbor_path, tmp_path, value):
    code, _, err = run(["index", "build", str(harbor_path), "-o", str(tmp_path / "i"), "--workers", value])
    assert code == ExitCode.USAGE and "--workers" in err


@pytest.mark.parametrize("argv,stdin", [
    (["ask", "who is rau"], ""),
    (["check", "Rau is the Polish foreign minister."], ""),
    (["ask", "-"], "who is rau\n"),
    (["repl"], "who is rau\nq\u00fcit \u00e9\n"),
])
def test_text_output_degrades_on_an_ascii_terminal(argv, stdin):
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "bot", *argv], input=stdin.encode("utf-8"), capture_output=True,
                          env=env, timeout=60)
    assert done.returncode == ExitCode.OK, done.stderr.decode("ascii", "replace")[-2000:]
    assert done.stderr == b""
    out = done.stdout.decode("ascii")
    assert "Zbigniew Rau" in out and "\\u201c" in out, "what ASCII cannot show is escaped, not dropped"


SOURCE_KEYS = {"doc", "title", "byline", "sentences", "url", "date", "text"}
FERRY_HTML = """<!doctype html>
<html><head><title>Ferry Service Suspended | Harbor Times</title>
<link rel="canonical" href="https://example.com/ferry"></head>
<body><article><h1>Ferry Service Suspended After Storm</h1>
<p>High winds damaged the main pier on Sunday night &amp; flooded the terminal.</p>
<p>The island ferry will not run until repairs to the pier are finished, the operator said on Monday.</p>
<p>About 4,000 residents rely on the ferry to reach the mainland each day.</p>
</article></body></html>
"""
PORT_RECORD = {"id": "port", "title": "Port Expansion Approved", "url": "https://example.com/port",
               "text": "The regional council approved the port expansion on Thursday.\n\n"
                       "The expansion will cost 2.4 billion dollars\tand add nearly 900 jobs.\n\n"
                       "Ships will dock near the new rail terminal."}


@pytest.fixture
def mixed_corpus(tmp_path) -> list[str]:
    """A .txt with a byte-order mark and CRLF line endings, an .html page and a collection
    record: the three ways an article's text is decoded."""
    from conftest import HARBOR_PAGE
    (tmp_path / "harbor.txt").write_bytes(b"\xef\xbb\xbf" + HARBOR_PAGE.replace("\n", "\r\n").encode())
    (tmp_path / "ferry.html").write_text(FERRY_HTML, encoding="utf-8")
    (tmp_path / "news.jsonl").write_text(json.dumps(PORT_RECORD) + "\n", encoding="utf-8")
    return [arg for name in ("harbor.txt", "ferry.html", "news.jsonl") for arg in ("--corpus", str(tmp_path / name))]


def test_source_json_text_rebuilds_every_citation_of_ask_json(mixed_corpus, tmp_path):
    questions = ["When will construction begin?", "How many residents rely on the ferry?",
                 "How much will the port expansion cost?", "Who voted on Tuesday?", "What did the wind damage?"]
    code, answers, err = run(["ask", "--json", "-", "--k", "5", *mixed_corpus], "\n".join(questions) + "\n")
    assert (code, err) == (EXIT_OK, "")
    code, listing, err = run(["source", "--json", *mixed_corpus])
    assert (code, err) == (EXIT_OK, "")
    sources = [json.loads(line) for line in listing.splitlines()]
    assert all(set(row) == SOURCE_KEYS for row in sources)
    texts = {row["doc"]: row["text"] for row in sources}
    citations = [c for line in answers.splitlines() for c in json.loads(line)["citations"]]
    assert {c["doc"] for c in citations} == set(texts) == {"harbor", "ferry", "port"}
    for c in citations:
        assert texts[c["doc"]][c["start"]:c["end"]] == c["sentence"]
    assert "\r\n" in texts["harbor"] and not texts["harbor"].startswith("\ufeff")
    assert {row["doc"]: row["url"] for row in sources}["port"] == PORT_RECORD["url"]

    assert run(["index", "build", *mixed_corpus[1::2], "-o", str(tmp_path / "index")])[0] == EXIT_OK
    assert run(["source", "--json", "--index", str(tmp_path / "index")])[1] == listing


def test_source_text_lists_the_articles(harbor_path):
    code, out, err = run(["source", "--corpus", str(harbor_path)])
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("harbor: City Council Approves New Harbor Bridge (") and "Jane Doe" in out


def test_source_json_of_an_unknown_corpus_is_one_error_line(tmp_path):
    code, out, err = run(["source", "--json", "--corpus", str(tmp_path / "missing.txt")])
    assert (code, out) == (EXIT_INPUT, "")
    assert_one_error_line(err)
