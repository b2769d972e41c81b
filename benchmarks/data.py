"""Loaders for the development sets and public benchmarks that live beside the project.

Nothing here is copied into the repository: every loader takes a path, and the defaults
point at `../shared/` relative to the project root (schemas: `../shared/eval/README.md`,
`../shared/benchmarks/README.md`). Every loader returns typed, frozen records.
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval import Article, load_articles

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL = SHARED / "eval"
NEWS = EVAL / "news"
BENCHMARKS = SHARED / "benchmarks"


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """The JSON objects of a `.jsonl` or `.jsonl.gz` file, blank lines skipped."""
    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True)
class DevQuestion:
    """A development question in the bundled set's schema (score.py's `from_news` maps the news
    set onto it). `gold` holds passages of the deciding sentence, empty when unanswerable;
    the short answer is `short_answers` (news, whole-word rule) or else `answer` (bundled,
    containment rule). `doc_id` names the question's article in a collection."""

    id: str
    question: str
    gold: tuple[str, ...]
    answer: str | None = None
    short_answers: tuple[str, ...] = ()
    doc_id: str | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    @property
    def has_short_answer(self) -> bool:
        return bool(self.short_answers) or bool(self.answer)


@dataclass(frozen=True)
class DevClaim:
    id: str
    claim: str
    label: str
    doc_id: str | None = None


def load_dev_questions(path: str | Path) -> list[DevQuestion]:
    """Questions of `questions.jsonl` or `news/dev_questions.jsonl`, read as score.py reads them."""
    questions = []
    for row in read_jsonl(path):
        if "gold_sentence_contains" in row:
            passage = row.get("gold_sentence_contains")
            gold = (passage,) if row.get("answerable") and passage else ()
            shorts = tuple(row.get("short_answers") or ())
        else:
            gold, shorts = tuple(row.get("gold") or ()), tuple(row.get("answers") or ())
        questions.append(DevQuestion(row["id"], row["question"], gold, row.get("answer"), shorts,
                                     row.get("doc_id")))
    return questions


def load_dev_claims(path: str | Path) -> list[DevClaim]:
    return [DevClaim(row["id"], row["claim"], row["label"], row.get("doc_id")) for row in read_jsonl(path)]


def load_collection(path: str | Path) -> dict[str, Article]:
    """The articles of a JSONL collection by id, loaded as `factbot --corpus PATH` loads them."""
    return {article.doc: article for article in load_articles([path])}


@dataclass(frozen=True)
class GoldSpan:
    text: str
    start: int


@dataclass(frozen=True)
class QAQuestion:
    """A question of a QA benchmark; `answer` None (and no `answers`) when unanswerable."""

    id: str
    q: str
    answer: str | None
    answer_char_start: int | None
    answers: tuple[GoldSpan, ...]

    @property
    def answerable(self) -> bool:
        return self.answer is not None


@dataclass(frozen=True)
class QADoc:
    """One document of SQuAD v1.1, SQuAD 2.0 or WikiQA, with its questions."""

    doc_id: str
    title: str
    text: str
    questions: tuple[QAQuestion, ...]


def load_qa_docs(path: str | Path) -> Iterator[QADoc]:
    for row in read_jsonl(path):
        questions = tuple(
            QAQuestion(q["id"], q["q"], q.get("answer"), q.get("answer_char_start"),
                       tuple(GoldSpan(a["text"], a["char_start"]) for a in q.get("answers") or ()))
            for q in row["questions"])
        yield QADoc(str(row["doc_id"]), row["title"], row["text"], questions)


@dataclass(frozen=True)
class ClaimPair:
    """A claim of SciFact or Climate-FEVER with the one evidence document it is checked against;
    `label` is SUPPORTS, REFUTES or NOT_ENOUGH_INFO."""

    id: str
    claim: str
    label: str
    doc_id: str
    title: str | None
    text: str


def load_claim_pairs(path: str | Path) -> Iterator[ClaimPair]:
    for row in read_jsonl(path):
        yield ClaimPair(str(row["id"]), row["claim"], row["label"], str(row["doc_id"]), row.get("title"), row["text"])
