"""The JSON batch streams `ask --json -` and `check --json -`: one object out for every line
in, in order, a line that cannot be answered getting an object with "error" while the
stream goes on, through `main` and through a real process's pipes."""
from __future__ import annotations

import io
import json
import math
import os
import select
import subprocess
import sys
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import EXIT_OK, main
from retrieval import MAX_QUESTION_CHARS, Engine

QUESTION = "Who is the Polish foreign minister?"
CLAIM = "Russia has sent troops to Belarus."
COMMANDS = [
    pytest.param("ask", "question", QUESTION, {"found", "answer", "attribution", "confidence", "citations"}, id="ask"),
    pytest.param("check", "claim", CLAIM, {"verdict", "evidence", "explanation", "confidence"}, id="check"),
]

# Lines that are not valid questions or claims, each with what its "error" must mention.
BAD_LINES = {
    "empty": (b"", "empty"),
    "whitespace": (b" \t\x0b\x0c \xc2\xa0\xe3\x80\x80 ", "empty"),
    "over the limit": (b"troops " * (MAX_QUESTION_CHARS // 7 + 1), f"{MAX_QUESTION_CHARS:,}"),
    "a megabyte": (b"x" * 1_000_000, f"{MAX_QUESTION_CHARS:,}"),
    "not UTF-8": (b"\xff\xfe troops", "UTF-8"),
    "Latin-1": (b"caf\xe9 troops", "UTF-8"),
    "truncated UTF-8": (b"troops \xe2\x80", "UTF-8"),
    "an encoded surrogate": (b"\xed\xa0\x80 troops", "UTF-8"),
    "no words": (b"?! \xe2\x80\x8d", "words"),
}


def stream(command: str, data: bytes) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([command, "--json", "-"], stdin=io.BytesIO(data), stdout=out, stderr=err)
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def assert_error_row(row: dict, key: str, line: bytes, mentions: str) -> None:
    assert set(row) == {key, "error"}
    assert row[key] == line.decode("utf-8", "replace").rstrip("\r\n")
    assert mentions in row["error"] and "\n" not in row["error"]


@pytest.mark.parametrize("command, key, good, result_keys", COMMANDS)
def test_every_bad_line_gets_its_own_error_between_answers(command, key, good, result_keys):
    lines = [good.encode()]
    for bad, _ in BAD_LINES.values():
        lines += [bad, good.encode()]
    code, rows, err = stream(command, b"\n".join(lines) + b"\n")
    assert (code, err) == (EXIT_OK, "")
    assert len(rows) == len(lines)
    for (line, mentions), row in zip(BAD_LINES.values(), rows[1::2], strict=True):
        assert_error_row(row, key, line, mentions)
    for row in rows[0::2]:
        assert set(row) == {key} | result_keys and row[key] == good


@pytest.mark.parametrize("command, key, good, result_keys", COMMANDS)
def test_line_endings_and_separators_inside_a_line(command, key, good, result_keys):
    lines = [good.encode() + b"\r\n", good.replace(" ", "\u2028").encode() + b"\n",
             good.replace(" ", "\x85 ").encode() + b"\n", good.encode() + b"\rnot a new line\n",
             good.encode()]
    code, rows, _ = stream(command, b"".join(lines))
    assert code == EXIT_OK and len(rows) == len(lines)
    assert all("error" not in row for row in rows)
    assert rows[0][key] == good
    assert rows[3][key].split() == (good + " not a new line").split()


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_nan_score_is_an_error_row_never_invalid_json(monkeypatch, bad):
    ask, calls = Engine.ask, []

    def ask_with_a_bad_second_score(self, question, k=3):
        answer = ask(self, question, k)
        calls.append(question)
        if len(calls) != 2:
            return answer
        return replace(answer, citations=(replace(answer.citations[0], score=bad), *answer.citations[1:]))
    monkeypatch.setattr(Engine, "ask", ask_with_a_bad_second_score)
    out = io.StringIO()
    code = main(["ask", "--json", "-"], stdin=io.BytesIO(f"{QUESTION}\n{QUESTION}\n{QUESTION}\n".encode()),
                stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert code == EXIT_OK and len(lines) == 3
    rows = [json.loads(line, parse_constant=lambda name: pytest.fail(f"bare {name} in the JSON")) for line in lines]
    assert set(rows[1]) == {"question", "error"} and rows[1]["question"] == QUESTION and "NaN" in rows[1]["error"]
    assert rows[0]["citations"] and rows[2] == rows[0]


def test_a_nan_score_for_one_question_is_one_error_line(monkeypatch):
    ask = Engine.ask

    def ask_with_a_nan(self, question, k=3):
        answer = ask(self, question, k)
        return replace(answer, citations=(replace(answer.citations[0], score=math.nan),))
    monkeypatch.setattr(Engine, "ask", ask_with_a_nan)
    out, err = io.StringIO(), io.StringIO()
    assert main(["ask", "--json", QUESTION], stdout=out, stderr=err) == 1
    assert out.getvalue() == "" and err.getvalue().startswith("factbot: error: ") and err.getvalue().count("\n") == 1


@pytest.mark.parametrize("command", ["ask", "check"])
def test_no_input_gives_no_output(command):
    assert stream(command, b"") == (EXIT_OK, [], "")


def test_check_stream_rows_equal_single_checks():
    claims = [CLAIM, "Poland borders Belarus.", "The article is about fishing quotas."]
    _, rows, _ = stream("check", "\n".join(claims).encode())
    for claim, row in zip(claims, rows, strict=True):
        out = io.StringIO()
        assert main(["check", "--json", claim], stdout=out, stderr=io.StringIO()) == EXIT_OK
        assert json.loads(out.getvalue()) == row


_numbered_good = st.integers(0, 999).map(lambda n: f"{n} {QUESTION}".encode())
_bad = st.sampled_from(sorted(BAD_LINES)).filter(lambda name: name != "a megabyte")


@settings(max_examples=25, deadline=None)
@given(kinds=st.lists(st.one_of(_numbered_good, _bad), max_size=10), final_newline=st.booleans())
def test_any_mix_of_lines_gives_one_row_per_line_in_order(kinds, final_newline):
    lines = [kind if isinstance(kind, bytes) else BAD_LINES[kind][0] for kind in kinds]
    # The last line needs no newline, unless it is empty: then there would be no line.
    data = b"\n".join(lines) + (b"\n" if lines and (final_newline or not lines[-1]) else b"")
    code, rows, _ = stream("ask", data)
    assert code == EXIT_OK and len(rows) == len(lines)
    for kind, line, row in zip(kinds, lines, rows, strict=True):
        if isinstance(kind, bytes):
            assert "error" not in row and row["question"] == line.decode()
        else:
            assert_error_row(row, "question", line, BAD_LINES[kind][1])


def _factbot(command: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", command, "--json", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _read_line(process: subprocess.Popen, timeout: float = 30.0) -> bytes:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "no reply line within the timeout: the stream is not flushed per line"
    return process.stdout.readline()


@pytest.mark.skipif(sys.platform == "win32", reason="select() on pipes is POSIX only")
@pytest.mark.parametrize("command, key, good, result_keys", COMMANDS)
def test_a_real_pipe_gets_each_row_before_the_next_line_is_sent(command, key, good, result_keys):
    with _factbot(command) as process:
        for line, is_error in [(good.encode(), False), (b"\xff", True), (b"", True), (good.encode(), False)]:
            process.stdin.write(line + b"\n")
            process.stdin.flush()
            row = json.loads(_read_line(process))
            assert ("error" in row) is is_error
            assert is_error or row[key] == good
        _, err = process.communicate(timeout=30)
    assert process.returncode == EXIT_OK and err == b""


@pytest.mark.parametrize("command", ["ask", "check"])
def test_answers_do_not_depend_on_the_process_hash_seed(command):
    lines = "\n".join([QUESTION, CLAIM, "How many troops are in Belarus?", "When did the exercises begin?",
                        "What does the article say about missiles?"]).encode() + b"\n"
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "bot", command, "--json", "-"], input=lines,
                              capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60,
                              check=False)
        assert done.returncode == EXIT_OK, done.stderr.decode()[-2000:]
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 5
