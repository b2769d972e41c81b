"""The bot token never shows. With a fake DISCORD_TOKEN in the environment and in `.env`,
every CLI command, the bot's construction and commands, and a failed start are run, and
everything they leave behind is scanned for the token or any long part of it: standard
output and error, log records (arguments and tracebacks included), exception texts,
reprs, the messages sent and the files written."""
from __future__ import annotations

import dataclasses
import io
import json
import logging
import traceback
from pathlib import Path

import discord
import discord.ext.test as dpytest
import pytest

import bot
from bot.cli import main
from bot.discord_bot import default_intents, run
from bot.settings import Settings

# Shaped like a bot token (id.timestamp.hmac) but not one.
TOKEN = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gh3kQz.Xq9vT2mLw8RbN4cY7pJ1sK6dF0aE5uH3iZlOo"
FRAGMENTS = [TOKEN, *TOKEN.split(".")]
QUESTION = "How many troops has Russia sent to Belarus?"
CLAIM = "Russia has sent troops to Belarus."


def assert_no_token(*texts: object) -> None:
    for text in texts:
        shown = text if isinstance(text, str) else repr(text)
        leaked = [fragment for fragment in FRAGMENTS if fragment in shown]
        assert not leaked, f"the token shows in: {shown[:300]!r}"


def assert_no_token_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    formatter = logging.Formatter()
    for record in caplog.records:
        assert_no_token(record.getMessage(), record.args, formatter.format(record))
    assert_no_token(caplog.text)


def assert_no_token_in_exception(error: BaseException) -> None:
    assert_no_token(str(error), repr(error), "".join(traceback.format_exception(error)))


@pytest.fixture
def token_everywhere(monkeypatch, tmp_path, caplog) -> Path:
    """The token in the environment and in `.env` of the working folder; every log record kept."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("FACTBOT_LOG_LEVEL", "DEBUG")
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    assert Settings.from_env().require_token() == TOKEN  # the token really is there to leak
    return tmp_path


def _refuse_login(monkeypatch, logged: str | None = None) -> list[str]:
    attempts = []

    async def static_login(self, token):
        attempts.append(token)
        if logged is not None:
            logging.getLogger("discord.http").debug(logged, token)
        raise discord.LoginFailure("Improper token has been passed.")
    monkeypatch.setattr(discord.http.HTTPClient, "static_login", static_login)
    return attempts


CLI_RUNS = [
    (["ask", QUESTION], ""),
    (["ask", "--json", QUESTION], ""),
    (["check", CLAIM], ""),
    (["check", "--json", CLAIM], ""),
    (["ask", "--json", "-"], f"{QUESTION}\n\n{'x' * 3000}\n"),
    (["check", "--json", "-"], f"{CLAIM}\n \n"),
    (["ask", "-"], f"{QUESTION}\n"),
    (["repl"], f":help\n:source\n{QUESTION}\n:check {CLAIM}\n:context 1.1\n:context 999.9\n:what\n:quit\n"),
    (["ask", "   "], ""),
    (["ask", QUESTION, "--corpus", "missing.txt"], ""),
    (["ask", "--k", "99", QUESTION], ""),
    (["discord", "--help"], ""),
    (["--help"], ""),
    (["no-such-command"], ""),
]


@pytest.mark.parametrize("argv, stdin", CLI_RUNS, ids=[" ".join(argv)[:40] for argv, _ in CLI_RUNS])
def test_cli_commands_never_show_the_token(token_everywhere, caplog, capsys, monkeypatch, argv, stdin):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    captured = capsys.readouterr()
    assert out.getvalue() or err.getvalue() or captured.out  # the command said something
    assert_no_token(out.getvalue(), err.getvalue(), captured.out, captured.err)
    assert_no_token_in_logs(caplog)


def test_index_build_writes_no_token(token_everywhere, caplog):
    out, err = io.StringIO(), io.StringIO()
    corpus = token_everywhere / "page.txt"
    corpus.write_text("Harbor Bridge Approved\n\nThe council approved a bridge on Tuesday. It opens in May. "
                      "Critics object to the cost.\n", encoding="utf-8")
    assert main(["index", "build", str(corpus), "-o", "index"], stdout=out, stderr=err) == 0
    written = [path.read_bytes() for path in (token_everywhere / "index").rglob("*") if path.is_file()]
    assert written
    assert_no_token(out.getvalue(), err.getvalue(), *(data.decode("latin-1") for data in written))
    assert_no_token_in_logs(caplog)


@pytest.mark.parametrize("token", [TOKEN, "Bot " + TOKEN, TOKEN + ".extra", TOKEN.replace(".", " ")])
def test_a_refused_or_malformed_token_never_shows(token_everywhere, caplog, capsys, monkeypatch, token):
    monkeypatch.setenv("DISCORD_TOKEN", token)
    attempts = _refuse_login(monkeypatch)
    err = io.StringIO()
    code = main(["discord"], stderr=err)
    assert code == 2 and attempts == ([TOKEN] if token == TOKEN else [])
    assert_no_token(err.getvalue(), *capsys.readouterr())
    assert_no_token_in_logs(caplog)


def test_a_library_logging_the_token_is_redacted_on_the_bot_log(token_everywhere, monkeypatch):
    _refuse_login(monkeypatch, logged="logging in with %s")
    err = io.StringIO()
    assert run(stderr=err) == 2
    assert "logging in with ********" in err.getvalue()
    assert_no_token(err.getvalue())


def test_a_start_that_crashes_shows_no_token(token_everywhere, caplog, capsys, monkeypatch):
    async def start(self, token, *, reconnect=True):
        raise OSError("Cannot connect to host discord.com:443")
    monkeypatch.setattr(bot.discord_bot.FactBot, "start", start)
    err = io.StringIO()
    try:
        main(["discord"], stderr=err)
    except Exception as error:  # whatever escapes must not carry the token either
        assert_no_token_in_exception(error)
    assert_no_token(err.getvalue(), *capsys.readouterr())
    assert_no_token_in_logs(caplog)


async def test_the_bot_and_its_replies_never_show_the_token(token_everywhere, caplog, bundled_engine,
                                                            monkeypatch):
    settings = dataclasses.replace(Settings.from_env(), cooldown=0)
    intents = default_intents()
    intents.members = True  # dpytest needs the member cache
    factbot = bot.create_bot(settings, bundled_engine, intents=intents)
    await factbot._async_setup_hook()
    dpytest.configure(factbot)
    await factbot.setup_hook()
    shown = [repr(settings), str(settings), repr(factbot), repr(vars(factbot)),
             repr(dataclasses.asdict(settings))]

    await dpytest.message(f"!ask {QUESTION}")
    await dpytest.message(f"!check {CLAIM}")
    await dpytest.message("!source")
    await dpytest.message("!help")
    failures = []
    for text in ["!context 999.9", "!sync"]:
        with pytest.raises(discord.ext.commands.CommandError) as info:
            await dpytest.message(text)
        failures.append(info.value)
    monkeypatch.setattr(bundled_engine, "ask", _crash)
    with pytest.raises(discord.ext.commands.CommandError) as info:
        await dpytest.message(f"!ask {QUESTION}")
    failures.append(info.value)

    await dpytest.run_all_events()
    sent = []
    while not dpytest.sent_queue.empty():
        message = dpytest.get_message()
        sent.append(json.dumps([message.content, [embed.to_dict() for embed in message.embeds]]))
    await dpytest.empty_queue()
    assert len(sent) >= 7
    assert any("went wrong" in text for text in sent)  # the crash was answered with the apology
    assert any(record.exc_info for record in caplog.records)  # and logged with its traceback
    assert_no_token(*shown, *sent)
    for error in failures:
        assert_no_token_in_exception(error)
    assert_no_token_in_logs(caplog)


def _crash(question: str, k: int):
    raise RuntimeError(f"the engine failed on {question!r}")
