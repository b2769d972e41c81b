"""The REPL, driven through injected read and write functions."""
from __future__ import annotations

import builtins
import io

import pytest

from bot import render
from bot.cli import EXIT_OK, main
from bot.repl import HELP, Repl
from retrieval import MAX_K


class Script:
    """Feeds lines to the REPL, then raises `end` (EOFError: Ctrl-D). A line that is an
    exception class is raised in its turn (KeyboardInterrupt: Ctrl-C at the prompt)."""

    def __init__(self, *lines: str | type[BaseException], end: type[BaseException] = EOFError):
        self.lines = list(lines)
        self.end = end
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise self.end()
        line = self.lines.pop(0)
        if isinstance(line, type):
            raise line()
        return line


def session(engine, *lines: str | type[BaseException], end: type[BaseException] = EOFError,
            k: int = 3) -> tuple[list[str], Script]:
    """Everything the REPL wrote after its greeting, and the script it read."""
    written: list[str] = []
    script = Script(*lines, end=end)
    Repl(engine, script, written.append, k).run()
    return written[1:], script


def test_greeting_and_prompt(harbor_engine):
    written: list[str] = []
    script = Script()
    Repl(harbor_engine, script, written.append).run()
    assert ":help" in written[0] and ":quit" in written[0]
    assert script.prompts == ["factbot> "]


def test_question_is_answered_as_the_cli_renders_it(harbor_engine):
    written, _ = session(harbor_engine, "When will construction begin?")
    assert written[0] == render.answer_to_text(harbor_engine.ask("When will construction begin?"))


def test_not_found_says_so(harbor_engine):
    written, _ = session(harbor_engine, "What is the population of Paris?")
    assert written[0].startswith(render.NOT_FOUND)


def test_help(harbor_engine):
    written, _ = session(harbor_engine, ":help")
    assert written[0] == HELP
    for command in (":context", ":source", ":k", ":quit"):
        assert command in HELP


def test_k_changes_how_many_sentences_are_cited(harbor_engine):
    question = "bridge council harbor town"
    written, _ = session(harbor_engine, ":k 1", question, ":k 2", question)
    assert written[0] == "citing 1 sentence"
    assert sum(line.startswith("[") for line in written[1].splitlines()) == 1
    assert written[2] == "citing 2 sentences"
    assert written[3] == render.answer_to_text(harbor_engine.ask(question, 2))


@pytest.mark.parametrize("value", ["", "0", "-1", str(MAX_K + 1), "two", "1.5"])
def test_bad_k_shows_usage_and_keeps_k(harbor_engine, value):
    written, _ = session(harbor_engine, f":k {value}".strip(), "bridge council harbor town", k=1)
    assert written[0].startswith("usage: :k N")
    assert written[1] == render.answer_to_text(harbor_engine.ask("bridge council harbor town", 1))


def test_context(harbor_engine):
    written, _ = session(harbor_engine, ":context 3.1")
    assert written[0] == render.context_to_text(harbor_engine.context("3.1"))
    assert "> (3.1) Construction is expected to begin in March" in written[0]


@pytest.mark.parametrize("ref", ["3.1", "(3.1)", "[3.1]", " ( 3.1 ) ", "harbor:3.1", "[harbor:3.1]"])
def test_context_takes_refs_as_shown(harbor_engine, ref):
    written, _ = session(harbor_engine, f":context {ref}")
    assert written[0] == render.context_to_text(harbor_engine.context("3.1"))


@pytest.mark.parametrize("ref", ["ferry:2.1", "[ferry:2.1]", "(ferry:2.1)", "FERRY:2.1", "[FERRY:2.1]"])
def test_context_takes_doc_refs_with_several_articles(two_article_engine, ref):
    written, _ = session(two_article_engine, f":context {ref}")
    assert written[0] == render.context_to_text(two_article_engine.context("ferry:2.1"))


def test_context_without_a_ref_shows_usage(harbor_engine):
    written, _ = session(harbor_engine, ":context", ":context   ")
    assert written[0].startswith("usage: :context REF") and written[1] == written[0]


def test_help_describes_refs_as_they_are_shown(harbor_engine):
    answer = render.answer_to_text(harbor_engine.ask("When will construction begin?"))
    assert "[1] (3.1) " in answer
    assert "in parentheses" in HELP and "brackets" not in HELP.split(":source")[0].replace("[1]", "")


@pytest.mark.parametrize("line", [":context 99.1", ":context nonsense"])
def test_context_of_an_unknown_ref_is_one_error_line(harbor_engine, line):
    written, _ = session(harbor_engine, line, "Who is the mayor?")
    assert written[0].startswith("error: ") and "\n" not in written[0]
    assert written[1] == render.answer_to_text(harbor_engine.ask("Who is the mayor?")), \
        "the REPL goes on after an error"


def test_source(harbor_engine):
    written, _ = session(harbor_engine, ":source")
    assert "City Council Approves New Harbor Bridge" in written[0]
    assert "(6 sentences)" in written[0]
    assert "By Jane Doe and John Roe" in written[0]


@pytest.mark.parametrize("quit_command", [":quit", ":q", ":exit"])
def test_quit_stops_reading(harbor_engine, quit_command):
    written, script = session(harbor_engine, quit_command, "When will construction begin?")
    assert written == []
    assert script.lines == ["When will construction begin?"]


def test_ctrl_d_leaves_cleanly(harbor_engine):
    written, script = session(harbor_engine, "Who is the mayor?")
    assert len(written) == 2 and written[-1] == ""
    assert len(script.prompts) == 2


def test_ctrl_c_cancels_the_line_and_prompts_again(harbor_engine):
    written, script = session(harbor_engine, KeyboardInterrupt, "Who is the mayor?", KeyboardInterrupt)
    assert written[0] == "\nKeyboardInterrupt"
    assert written[1] == render.answer_to_text(harbor_engine.ask("Who is the mayor?"))
    assert written[2:] == ["\nKeyboardInterrupt", ""]
    assert len(script.prompts) == 4, "Ctrl-D, not Ctrl-C, ends the loop"


def test_ctrl_c_while_answering_cancels_that_answer(harbor_engine, monkeypatch):
    class Interrupted:
        corpus = harbor_engine.corpus

        def ask(self, question, k):
            raise KeyboardInterrupt

    written, script = session(Interrupted(), "Who is the mayor?", ":k 2")
    assert written == ["\nKeyboardInterrupt", "citing 2 sentences", ""]


@pytest.mark.parametrize("word", ["quit", "exit", "  Quit ", "EXIT"])
def test_quit_and_exit_typed_alone_leave(harbor_engine, word):
    written, script = session(harbor_engine, word, "When will construction begin?")
    assert written == []
    assert script.lines == ["When will construction begin?"]


@pytest.mark.parametrize("word", ["help", " Help "])
def test_help_typed_alone_shows_help(harbor_engine, word):
    written, _ = session(harbor_engine, word)
    assert written[0] == HELP


def test_words_in_a_question_are_still_a_question(harbor_engine):
    written, _ = session(harbor_engine, "help with the bridge cost?")
    assert written[0] == render.answer_to_text(harbor_engine.ask("help with the bridge cost?"))


def test_cli_repl_exits_0_after_ctrl_c_then_ctrl_d(monkeypatch, harbor_path):
    monkeypatch.setattr(builtins, "input", Script(KeyboardInterrupt, "When will construction begin?"))
    out = io.StringIO()
    assert main(["repl", "--corpus", str(harbor_path)], stdout=out, stderr=io.StringIO()) == EXIT_OK
    assert "KeyboardInterrupt" in out.getvalue() and "(3.1) Construction" in out.getvalue()


def test_unknown_command(harbor_engine):
    written, _ = session(harbor_engine, ":frobnicate now")
    assert written[0] == "unknown command :frobnicate; :help lists them"


@pytest.mark.parametrize("line", ["the of and", "?!", "x" * 5000])
def test_question_errors_are_one_line(harbor_engine, line):
    written, _ = session(harbor_engine, line)
    assert written[0].startswith("error: ") and "\n" not in written[0]


def test_blank_lines_are_ignored(harbor_engine):
    written, script = session(harbor_engine, "", "   ", "\t")
    assert written == [""]
    assert len(script.prompts) == 4


def test_cli_repl_runs_the_same_loop(monkeypatch, harbor_path):
    script = Script("When will construction begin?", ":quit")
    monkeypatch.setattr(builtins, "input", script)
    out = io.StringIO()
    assert main(["repl", "--corpus", str(harbor_path)], stdout=out, stderr=io.StringIO()) == EXIT_OK
    assert "(3.1) Construction is expected to begin in March" in out.getvalue()
    assert script.lines == []


def test_an_answer_shows_its_confidence(bundled_engine):
    question = "How many troops has Russia sent to Belarus?"
    answer = bundled_engine.ask(question)
    written, _ = session(bundled_engine, question)
    assert answer.confidence is not None
    assert f"[confidence {answer.confidence:.0%}]" in written[0].splitlines()[0]
