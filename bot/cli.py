"""The `factbot` command line: ask, check, repl (and discord, index).

Exit codes: 0 ok, 1 input or corpus error (one line on stderr), 2 usage.
This module never imports discord, so the CLI starts fast.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Callable, TextIO

from retrieval import DEFAULT_K, MAX_K, Engine, FactbotError

from . import render

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= k <= MAX_K:
        raise argparse.ArgumentTypeError(f"k must be from 1 to {MAX_K}")
    return k


def _add_corpus(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", nargs="+", action="extend", metavar="PATH",
                        help="article files, folders or .jsonl(.gz) collections (default: the bundled article)")


def _add_source(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    _add_corpus(source)
    source.add_argument("--index", metavar="DIR",
                        help="a saved index (made by `factbot index build`) instead of --corpus")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factbot", description="Cited answers from news articles.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser("ask", help="answer a question with cited sentences",
                              description="Answer a question with cited sentences. "
                                          "QUESTION '-' reads one question a line from standard input.")
    ask.add_argument("question", metavar="QUESTION")
    ask.add_argument("--k", type=_k, default=DEFAULT_K, help=f"sentences to cite, 1-{MAX_K} (default {DEFAULT_K})")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    _add_source(ask)

    check = commands.add_parser("check", help="check a claim against the article",
                                description="Check a claim against the article. "
                                            "CLAIM '-' reads one claim a line from standard input.")
    check.add_argument("claim", metavar="CLAIM")
    check.add_argument("--k", type=_k, default=DEFAULT_K, help=f"evidence sentences, 1-{MAX_K} (default {DEFAULT_K})")
    check.add_argument("--json", action="store_true", help="one JSON object per claim")
    _add_source(check)

    repl = commands.add_parser("repl", help="ask questions interactively")
    repl.add_argument("--k", type=_k, default=DEFAULT_K, help=f"sentences to cite, 1-{MAX_K}")
    _add_source(repl)

    index = commands.add_parser("index", help="save an index of a corpus, for --index",
                                description="Build a corpus's index once and save it to a folder; "
                                            "--index DIR then loads it in about a second.")
    index_commands = index.add_subparsers(dest="index_command", metavar="COMMAND", required=True)
    build = index_commands.add_parser("build", help="index articles into a folder",
                                      description="Index the articles at CORPUS (files, folders or "
                                                  ".jsonl(.gz) collections) into the folder DIR, "
                                                  "replacing an index saved there.")
    build.add_argument("corpus", nargs="+", metavar="CORPUS")
    build.add_argument("-o", "--output", required=True, metavar="DIR", help="the index folder to write")

    discord = commands.add_parser("discord", help="run the Discord bot (settings: .env, see .env.example)",
                                  description="Run the Discord bot. Settings come from the environment "
                                              "and .env; .env.example documents them.")
    discord.add_argument("--sync", action="store_true",
                         help="publish the slash commands globally at start (can take an hour to show)")
    _add_corpus(discord)
    return parser


def _engine(args: argparse.Namespace) -> Engine:
    if getattr(args, "index", None):
        return Engine.from_index(args.index)
    return Engine.from_paths(args.corpus)


def _stream(lines: TextIO | None, out: TextIO, key: str, answer: Callable[[str], dict]) -> None:
    """One JSON object out for every line in, in order, flushed per line; a bad line gets
    an object with "error" and the stream goes on."""
    source = lines if lines is not None else sys.stdin.buffer
    for raw in source:
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                row = render.error_to_json(key, raw.decode("utf-8", "replace").rstrip("\r\n"),
                                           "the line is not UTF-8 text")
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                out.flush()
                continue
        else:
            line = raw
        text = line.rstrip("\r\n")
        try:
            row = answer(text)
        except FactbotError as error:
            row = render.error_to_json(key, text, str(error))
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()


def _run_ask(args, engine: Engine, stdin: TextIO | None, out: TextIO) -> int:
    several = len(engine.corpus.articles) > 1
    if args.question == "-":
        if args.json:
            _stream(stdin, out, "question", lambda q: render.answer_to_json(engine.ask(q, args.k)))
        else:
            for line in stdin if stdin is not None else sys.stdin:
                if line.strip():
                    out.write(render.answer_to_text(engine.ask(line, args.k), several) + "\n\n")
        return EXIT_OK
    answer = engine.ask(args.question, args.k)
    text = json.dumps(render.answer_to_json(answer), ensure_ascii=False) if args.json \
        else render.answer_to_text(answer, several)
    out.write(text + "\n")
    return EXIT_OK


def _run_check(args, engine: Engine, stdin: TextIO | None, out: TextIO) -> int:
    several = len(engine.corpus.articles) > 1
    if args.claim == "-":
        if args.json:
            _stream(stdin, out, "claim", lambda c: render.check_to_json(engine.check(c, args.k)))
        else:
            for line in stdin if stdin is not None else sys.stdin:
                if line.strip():
                    out.write(render.check_to_text(engine.check(line, args.k), several) + "\n\n")
        return EXIT_OK
    check = engine.check(args.claim, args.k)
    text = json.dumps(render.check_to_json(check), ensure_ascii=False) if args.json \
        else render.check_to_text(check, several)
    out.write(text + "\n")
    return EXIT_OK


def _run_discord(args: argparse.Namespace, err: TextIO) -> int:
    from .discord_bot import run as run_discord
    return run_discord(corpus=args.corpus, sync=args.sync, stderr=err)


def _run_repl(args, engine: Engine, stdin: TextIO | None, out: TextIO) -> int:
    from .repl import Repl
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    Repl(engine, input, lambda text: print(text, file=out), args.k).run()
    return EXIT_OK


def _run_index(args, engine: Engine, stdin: TextIO | None, out: TextIO) -> int:
    engine.save(args.output)
    out.write(f"indexed {len(engine.corpus.sentences):,} sentences of {len(engine.corpus.articles):,} "
              f"articles into {args.output}\n")
    return EXIT_OK


_RUNNERS = {"ask": _run_ask, "check": _run_check, "repl": _run_repl, "index": _run_index}


def main(argv: list[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; returns the exit code. `stdin` None means the process's own."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "discord":
        return _run_discord(args, err)
    try:
        engine = _engine(args)
        return _RUNNERS[args.command](args, engine, stdin, out)
    except FactbotError as error:
        err.write(f"factbot: error: {error}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    sys.exit(main())
