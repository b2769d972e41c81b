"""Typed, frozen results shared by the core and every front end."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One loaded article. `text` is the text as loaded (decoded file, or text extracted
    from HTML); every sentence span points into it. `paragraphs` are the `[start, end)`
    spans of the paragraphs kept after cleaning, in order."""

    doc: str
    title: str
    text: str
    paragraphs: tuple[tuple[int, int], ...]
    standfirst: str | None = None
    byline: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: `text == article.text[start:end]`.

    `ref` is the short human reference "paragraph.sentence" (both 1-based, counted over
    the kept paragraphs); `sentence_id` ("doc:ref") is stable for a given article text.
    `position` is the sentence's row in its corpus."""

    position: int
    doc: str
    paragraph: int
    number: int
    start: int
    end: int
    text: str

    @property
    def ref(self) -> str:
        return f"{self.paragraph}.{self.number}"

    @property
    def sentence_id(self) -> str:
        return f"{self.doc}:{self.ref}"


@dataclass(frozen=True)
class Hit:
    """A ranked search result: the sentence's corpus position and its score."""

    position: int
    score: float


@dataclass(frozen=True)
class Citation:
    """A cited sentence, verbatim, with where it stands in its article.

    `score` is the evidence stage's relevance of the sentence to the question or claim: the
    re-ranked score for `ask` (BM25 plus the ranker's bonuses; 2.0 and 1.0 for byline
    sentences), the BM25 score for `check` (evidence is ordered by coverage, which is not a
    score), and 0.0, meaning "not ranked", for `context`. Rounded to 6 places."""

    doc: str
    title: str
    ref: str
    sentence: str
    start: int
    end: int
    score: float
    url: str | None = None
    date: str | None = None

    @property
    def sentence_id(self) -> str:
        return f"{self.doc}:{self.ref}"


@dataclass(frozen=True)
class Answer:
    """The reply to a question. When `found` is false the citations are only related
    sentences, not an answer, and `answer` is None. `confidence` is the found model's
    probability that the first citation answers the question (0 to 1)."""

    question: str
    found: bool
    answer: str | None
    citations: tuple[Citation, ...]
    attribution: str | None = None
    confidence: float | None = None


class Verdict(str, enum.Enum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    NOT_IN_ARTICLE = "not_in_article"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on a claim, the evidence it rests on and a one-line explanation.
    `confidence` is the verdict model's probability for the verdict (0 to 1)."""

    claim: str
    verdict: Verdict
    evidence: tuple[Citation, ...]
    explanation: str
    confidence: float | None = None


@dataclass(frozen=True)
class Context:
    """A sentence with its neighbours in the same article, for `context REF`."""

    title: str
    target: Citation
    before: tuple[Citation, ...] = field(default=())
    after: tuple[Citation, ...] = field(default=())


@dataclass(frozen=True)
class SourceInfo:
    """What `source` lists about one loaded article."""

    doc: str
    title: str
    byline: str | None
    sentences: int
    url: str | None = None
    date: str | None = None
