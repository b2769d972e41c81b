"""What every front end does the same way: load the engine, read `k` and refs, label
citations, count things, exit codes.

Nothing here imports the core at module level (only inside `load_engine`), so the CLI can
parse its arguments and print `--help` without importing nltk or numpy.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval import Citation, Engine

# The core's `retrieval.DEFAULT_K` and `retrieval.MAX_K`, repeated here so that parsing
# arguments does not import the core; tests/test_frontend.py checks that they agree.
DEFAULT_K = 3
MAX_K = 25

_REF = re.compile(r"[\[(]?\s*(?P<ref>(?:[^\s:\[\]()]+:)?\d+\.\d+)\s*[\])]?")


class ExitCode(enum.IntEnum):
    """The process exit codes of `factbot` (the Discord bot's `run` uses them too)."""

    OK = 0
    INPUT = 1  # an input or corpus error, shown as one line on stderr
    USAGE = 2  # bad arguments or settings
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


def parse_k(value: str | int) -> int:
    """`value` as a number of sentences to cite, 1 to `MAX_K`; ValueError with a message
    fit to show otherwise."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_K:
        raise ValueError(f"k must be a whole number from 1 to {MAX_K}, not {str(value)!r}")
    return int(text)


def parse_ref(text: str, docs: Iterable[str] = ()) -> str:
    """A sentence ref as the engine reads it ("5.1" or "DOC:5.1") from the way a user may
    copy it: `5.1`, `(5.1)`, `[5.1]`, `doc:5.1`, `[doc:5.1]`. A DOC that matches one of
    `docs` but for case is spelled as there. Text that is no ref is returned stripped, for
    the engine to refuse with its own message."""
    match = _REF.fullmatch(text.strip())
    if not match:
        return text.strip()
    doc, _, short = match["ref"].rpartition(":")
    if doc:
        doc = next((known for known in docs if known.casefold() == doc.casefold()), doc)
        return f"{doc}:{short}"
    return short


def load_engine(corpus: Iterable[str | Path] | None = None, index: str | Path | None = None,
                workers: int | None = 1, semantic: bool | None = None) -> Engine:
    """The engine over `index` when given (a saved index folder, or a cluster file naming
    Xapian shards), else over the articles at `corpus`, else over the bundled article.
    `workers` and `semantic` are passed to the build (`EngineConfig`)."""
    from retrieval import Engine, EngineConfig

    if index is not None and Path(index).is_file():
        return _cluster().ClusterEngine(index)
    if index is not None:
        return Engine.from_index(index)
    return Engine.from_paths(list(corpus or ()) or None, EngineConfig(workers=workers, semantic=semantic))


def _cluster():
    """The `cluster` package, or a FactbotError saying how to install what it needs."""
    from retrieval import FactbotError

    try:
        import cluster
    except ImportError:
        raise FactbotError('a Xapian cluster needs the xapian extra: pip install "factbot[xapian]"') from None
    return cluster


def write_shards(engine: Engine, folder: str | Path, n_shards: int) -> None:
    """Write `engine`'s corpus and index as `n_shards` Xapian shard databases in `folder`."""
    _cluster().write_shards(folder, engine.corpus, engine.index, engine.tokenizer, n_shards)


def several_articles(engine: Engine) -> bool:
    """Whether refs need their article's id to be unambiguous."""
    return len(engine.corpus.articles) > 1


def ref_label(citation: Citation, several: bool) -> str:
    """How a citation is named to users: "5.1", or "DOC:5.1" when several articles are loaded."""
    return citation.sentence_id if several else citation.ref


def count(number: int, noun: str, plural: str | None = None) -> str:
    """"1 sentence", "1,204 sentences"."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
