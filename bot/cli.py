"""The `factbot` command line: ask, check, source, repl (and discord, index).

Exit codes (`frontend.ExitCode`): 0 ok, 1 input or corpus error (one line on stderr),
2 usage, 130 interrupted. This module never imports discord, and imports the retrieval
core (with nltk and numpy) only when a command needs an engine, so `--help` is fast.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TextIO, TypeVar

from . import frontend, render
from .frontend import DEFAULT_K, MAX_K, ExitCode

if TYPE_CHECKING:
    from retrieval import Engine

EXIT_OK, EXIT_INPUT, EXIT_USAGE = ExitCode.OK, ExitCode.INPUT, ExitCode.USAGE
T = TypeVar("T")


def _k(value: str) -> int:
    try:
        return frontend.parse_k(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _workers(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of processes, 1 or more, not {value!r}")
    return int(value)


def _shards(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of shards, 1 or more, not {value!r}")
    return int(value)


def _add_corpus(parser: argparse.ArgumentParser) -> None:
    # One PATH per flag: a greedy `nargs="+"` would swallow a QUESTION (or "-") after it.
    parser.add_argument("--corpus", action="append", metavar="PATH",
                        help="an article file, folder or .jsonl(.gz) collection; repeat the flag for "
                             "several (default: the bundled article)")


def _add_source(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    _add_corpus(source)
    source.add_argument("--index", metavar="DIR|CLUSTER_FILE",
                        help="a saved index (made by `factbot index build`), or a cluster file listing "
                             "Xapian shards (made by `factbot index build --shards N`), instead of --corpus")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factbot", description="Cited answers from news articles.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser("ask", help="answer a question with cited sentences",
                              description="Answer a question with cited sentences. "
                                          "QUESTION '-' reads one question a line from standard input. "
                                          "Options may come before or after QUESTION.")
    ask.add_argument("question", metavar="QUESTION")
    ask.add_argument("--k", type=_k, default=DEFAULT_K, help=f"sentences to cite, 1-{MAX_K} (default {DEFAULT_K})")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    _add_source(ask)

    check = commands.add_parser("check", help="check a claim against the article",
                                description="Check a claim against the article. "
                                            "CLAIM '-' reads one claim a line from standard input. "
                                            "Options may come before or after CLAIM.")
    check.add_argument("claim", metavar="CLAIM")
    check.add_argument("--k", type=_k, default=DEFAULT_K, help=f"evidence sentences, 1-{MAX_K} (default {DEFAULT_K})")
    check.add_argument("--json", action="store_true", help="one JSON object per claim")
    _add_source(check)

    source = commands.add_parser("source", help="list the loaded articles (--json: with their text)",
                                 description="List the loaded articles: id, title, byline, sentence "
                                             "count. --json writes one object per article with its "
                                             "text, which every citation's start and end index.")
    source.add_argument("--json", action="store_true",
                        help='one JSON object per article: {"doc", "title", "byline", "sentences", '
                             '"url", "date", "text"}')
    _add_source(source)

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
    build.add_argument("--shards", type=_shards, metavar="N",
                       help="write N Xapian shard databases (the xapian extra), an article's sentences in "
                            "one shard, and DIR/cluster.json listing them, instead of one saved index")
    build.add_argument("--workers", type=_workers, metavar="N",
                       help="processes that split and tokenize (default: 1 for a small corpus, "
                            "up to 2 for one of several million characters)")

    discord = commands.add_parser("discord", help="run the Discord bot (settings: .env, see .env.example)",
                                  description="Run the Discord bot. Settings come from the environment "
                                              "and .env; .env.example documents them.")
    discord.add_argument("--sync", action="store_true",
                         help="publish the slash commands globally at start (can take an hour to show)")
    _add_source(discord)
    return parser


def _engine(args: argparse.Namespace) -> Engine:
    # The CLI's entry points are guarded (`if __name__ == "__main__"`), so a large corpus
    # may be built by worker processes: None lets the build choose by corpus size.
    options = {"workers": getattr(args, "workers", None)}
    if getattr(args, "shards", None):
        options["semantic"] = False  # shards hold no sentence vectors: a sharded build ranks by words alone
    return frontend.load_engine(args.corpus, getattr(args, "index", None), **options)


def _json_line(row: dict, out: TextIO) -> str:
    """One JSON line; non-ASCII kept as is unless the output cannot encode it. A NaN or
    infinity, which JSON cannot hold (Python would write a bare `NaN`), is a FactbotError:
    the line becomes an error row rather than one a JSON parser refuses."""
    from retrieval import FactbotError

    utf = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "").startswith("utf")
    try:
        return json.dumps(row, ensure_ascii=not utf, allow_nan=False) + "\n"
    except ValueError:
        raise FactbotError("the result holds a number JSON cannot represent (NaN or infinity)") from None


def _input_lines(lines: Iterable[str | bytes] | None) -> Iterator[tuple[str, str | None]]:
    """(line, problem) for every input line, without its line break; `problem` says why a
    line cannot be read (it is not UTF-8), else None. None reads the process's stdin."""
    for raw in lines if lines is not None else sys.stdin.buffer:
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                yield raw.decode("utf-8", "replace").rstrip("\r\n"), "the line is not UTF-8 text"
                continue
        yield raw.rstrip("\r\n"), None


def _respond(args: argparse.Namespace, given: str, stdin, out: TextIO, key: str,
             reply: Callable[[str], T], to_json: Callable[[T], dict], to_text: Callable[[T], str]) -> int:
    """Answer one question or claim, or with "-" one per input line: as JSON, one object
    out for every line in, in order, flushed per line, a bad line getting an object with
    "error"; as text, a block per non-empty line, a bad line an "error:" line."""
    from retrieval import FactbotError, QuestionError

    if given != "-":
        result = reply(given)
        out.write(_json_line(to_json(result), out) if args.json else to_text(result) + "\n")
        return ExitCode.OK
    for line, problem in _input_lines(stdin):
        if not args.json and not line.strip():
            continue
        try:
            if problem:
                raise QuestionError(problem)
            result = reply(line)
            out.write(_json_line(to_json(result), out) if args.json else to_text(result) + "\n\n")
        except FactbotError as error:
            out.write(_json_line(render.error_to_json(key, line, str(error)), out) if args.json
                      else f"error: {error}\n\n")
        out.flush()
    return ExitCode.OK


def _run_ask(args, engine: Engine, stdin, out: TextIO) -> int:
    several = frontend.several_articles(engine)
    return _respond(args, args.question, stdin, out, "question", lambda q: engine.ask(q, args.k),
                    render.answer_to_json, lambda a: render.answer_to_text(a, several))


def _run_check(args, engine: Engine, stdin, out: TextIO) -> int:
    several = frontend.several_articles(engine)
    return _respond(args, args.claim, stdin, out, "claim", lambda c: engine.check(c, args.k),
                    render.check_to_json, lambda c: render.check_to_text(c, several))


def _run_source(args, engine: Engine, stdin, out: TextIO) -> int:
    if not args.json:
        out.write(render.sources_to_text(engine.sources()) + "\n")
        return ExitCode.OK
    for source in engine.sources():
        out.write(_json_line(render.source_to_json(source, engine.article_text(source.doc)), out))
    return ExitCode.OK


def _run_discord(args: argparse.Namespace, err: TextIO) -> int:
    from .discord_bot import run as run_discord
    return run_discord(corpus=args.corpus, index=args.index, sync=args.sync, stderr=err)


def _run_repl(args, engine: Engine, stdin: TextIO | None, out: TextIO) -> int:
    from .repl import Repl
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    Repl(engine, input, lambda text: print(text, file=out), args.k).run()
    return ExitCode.OK


def _run_index(args, engine: Engine, stdin: TextIO | None, out: TextIO) -> int:
    if args.shards:
        frontend.write_shards(engine, args.output, args.shards)
        out.write(f"indexed {frontend.count(len(engine.corpus.sentences), 'sentence')} of "
                  f"{frontend.count(len(engine.corpus.articles), 'article')} into "
                  f"{frontend.count(args.shards, 'Xapian shard')} in {args.output}; "
                  f"{args.output}/cluster.json lists them on this machine (docs/SCALING.md: serving them)\n")
        return ExitCode.OK
    engine.save(args.output)
    out.write(f"indexed {frontend.count(len(engine.corpus.sentences), 'sentence')} of "
              f"{frontend.count(len(engine.corpus.articles), 'article')} into {args.output}\n")
    vectors = engine.sentence_vectors
    out.write(f"sentence vectors: stored ({vectors.encoder})\n" if vectors is not None
              else 'sentence vectors: not stored (install "factbot[semantic]" to rank by meaning too)\n')
    return ExitCode.OK


_RUNNERS = {"ask": _run_ask, "check": _run_check, "source": _run_source, "repl": _run_repl,
            "index": _run_index}


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
    from retrieval import FactbotError

    try:
        engine = _engine(args)
        return _RUNNERS[args.command](args, engine, stdin, out)
    except FactbotError as error:
        err.write(f"factbot: error: {error}\n")
        return ExitCode.INPUT
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK


def _tolerate_encodings() -> None:
    """Let a terminal that cannot show some characters (PYTHONIOENCODING=ascii, a legacy
    code page) get them escaped, like `\\u201c`, rather than a UnicodeEncodeError; input it
    cannot decode becomes U+FFFD rather than a crash."""
    for stream, errors in ((sys.stdout, "backslashreplace"), (sys.stderr, "backslashreplace"),
                           (sys.stdin, "replace")):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors=errors)


def run() -> None:
    _tolerate_encodings()
    sys.exit(main())
