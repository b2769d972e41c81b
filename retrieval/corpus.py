"""Loading articles from files and collections, and splitting them into a sentence corpus.

Accepted inputs: `.txt`, `.md`, `.html`/`.htm` files, a folder of them (read in name
order, not recursively), and `.jsonl` / `.jsonl.gz` collections of
`{"id", "title", "text", "url"?, "date"?, "authors"?}` objects. Every input is checked
whole before anything is returned: an empty, binary, undecodable or oversize file raises
`ArticleError` naming it, so a corpus is never half loaded. A collection record whose
text is all boilerplate (nothing left after cleaning) is skipped, not an error.

Nothing is read before it is known to be bounded: a path must be a regular file (a FIFO
or device would block or never end), an article file's size is checked before it is
read, and a collection is read a line at a time, each line at most
`collection_line_limit(max_bytes)` bytes.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np

from .cleaning import clean_page
from .errors import ArticleError
from .html import extract_html
from .models import Article, Sentence
from .sentences import SentenceSplitter
from .text import fold

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
COLLECTION_SUFFIXES = (".jsonl", ".jsonl.gz")
DEFAULT_MAX_ARTICLE_BYTES = 5_000_000
BUNDLED_ARTICLE = "foreign-policy-russia-troops-belarus.txt"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_CONTROL_SHARE = 0.01


class _NothingLeft(ArticleError):
    """A page that is all boilerplate: an error for one file, skipped in a collection."""


def bundled_article_text() -> str:
    """The default corpus's one article, shipped as package data."""
    files = resources.files("retrieval").joinpath("data").joinpath(BUNDLED_ARTICLE)
    return files.read_text(encoding="utf-8")


def load_bundled() -> list[Article]:
    return [article_from_text(Path(BUNDLED_ARTICLE).stem, bundled_article_text())]


def _name(path: Path) -> str:
    return path.name.lower()


def _is_collection(path: Path) -> bool:
    return _name(path).endswith(COLLECTION_SUFFIXES)


def _is_article(path: Path) -> bool:
    return _name(path).endswith(ARTICLE_SUFFIXES)


def decode_article_bytes(data: bytes, label: str, max_bytes: int) -> str:
    """Decoded text of an article file, or `ArticleError` saying why it is not one."""
    if len(data) > max_bytes:
        raise ArticleError(f"{label}: {len(data):,} bytes is over the {max_bytes:,}-byte limit")
    if b"\x00" in data:
        raise ArticleError(f"{label}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(f"{label}: not UTF-8 text (bad byte at offset {error.start})") from None
    if not text.strip():
        raise ArticleError(f"{label}: the file is empty")
    if len(_CONTROL.findall(text)) > _BINARY_CONTROL_SHARE * len(text):
        raise ArticleError(f"{label}: looks like a binary file, not text")
    return text


def article_from_text(doc: str, text: str, *, title: str | None = None, url: str | None = None,
                      date: str | None = None, authors: tuple[str, ...] = (),
                      source: str | None = None) -> Article:
    """An `Article` from page text: title, standfirst, byline and body by `clean_page`."""
    page = clean_page(text, known_title=title)
    if not page.paragraphs:
        raise _NothingLeft(f"{source or doc}: no article text left after cleaning")
    return Article(
        doc=doc,
        title=title or page.title or doc,
        text=text,
        paragraphs=page.paragraphs,
        standfirst=page.standfirst,
        byline=page.byline,
        authors=tuple(authors) or page.authors,
        url=url,
        date=date,
        source=source,
    )


def collection_line_limit(max_bytes: int) -> int:
    """The longest collection line read: an article's text at the limit, every character
    JSON-escaped as `\\uXXXX` (6 bytes for each byte of UTF-8 at most), and room for the
    other fields."""
    return 6 * max_bytes + 1_000_000


def _open_regular(path: Path, max_bytes: int | None = None) -> io.BufferedReader:
    """`path` opened for reading when it is a regular file of at most `max_bytes`; checked
    on the open file itself, and opened non-blocking so that a FIFO cannot hang the open."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ArticleError(f"{path}: cannot read ({error.strerror})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(f"{path}: not a regular file (a pipe, device or socket cannot be a corpus)")
        if max_bytes is not None and info.st_size > max_bytes:
            raise ArticleError(f"{path}: {info.st_size:,} bytes is over the {max_bytes:,}-byte limit")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _read_article_file(path: Path, max_bytes: int) -> Article:
    try:
        with _open_regular(path, max_bytes) as file:
            data = file.read(max_bytes + 1)  # + 1: a file that grew since the check is refused too
    except OSError as error:
        raise ArticleError(f"{path}: cannot read ({error.strerror})") from None
    text = decode_article_bytes(data, str(path), max_bytes)
    if _name(path).endswith((".html", ".htm")):
        page = extract_html(text)
        if not page.text.strip():
            raise ArticleError(f"{path}: the page holds no text")
        return article_from_text(path.stem, page.text, title=page.title, url=page.url,
                                 authors=page.authors, source=str(path))
    if _name(path).endswith(".md"):
        heading = re.match(r"\s*#\s+(.+)", text)
        if heading:
            return article_from_text(path.stem, text, title=heading.group(1).strip(),
                                     source=str(path))
    return article_from_text(path.stem, text, source=str(path))


def _read_collection(path: Path, max_bytes: int) -> list[Article]:
    limit = collection_line_limit(max_bytes)
    articles = []
    try:
        with _open_regular(path) as raw:
            stream = gzip.GzipFile(fileobj=raw) if _name(path).endswith(".gz") else raw
            for number, data in enumerate(iter(lambda: stream.readline(limit + 1), b""), 1):
                label = f"{path}, line {number}"
                if len(data) > limit:
                    raise ArticleError(f"{label}: the line is over the {limit:,}-byte limit")
                try:
                    line = data.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    raise ArticleError(f"{label}: not UTF-8 text (bad byte at offset {error.start})") from None
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    raise ArticleError(f"{label}: not a JSON object") from None
                try:
                    articles.append(_article_from_record(record, label, max_bytes))
                except _NothingLeft:
                    continue
    except (OSError, EOFError) as error:
        raise ArticleError(f"{path}: cannot read the collection ({error})") from None
    if not articles:
        raise ArticleError(f"{path}: the collection holds no articles")
    return articles


def _article_from_record(record: object, label: str, max_bytes: int) -> Article:
    if not isinstance(record, dict):
        raise ArticleError(f"{label}: not a JSON object")
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ArticleError(f"{label}: holds text that is not valid Unicode (a lone surrogate)") from None
    doc, title, text = record.get("id"), record.get("title"), record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError(f"{label}: no \"text\"")
    if len(text.encode("utf-8")) > max_bytes:
        raise ArticleError(f"{label}: text is over the {max_bytes:,}-byte limit")
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = (authors,)
    return article_from_text(
        str(doc).strip() if str(doc or "").strip() else label,
        text,
        title=str(title) if title else None,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        date=str(record["date"]) if record.get("date") else None,
        authors=tuple(str(a) for a in authors if a),
        source=label,
    )


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and (_is_article(p) or _is_collection(p)))
        if not found:
            raise ArticleError(f"{path}: the folder holds no .txt, .md, .html or .jsonl files")
        return found
    if not path.exists():
        raise ArticleError(f"{path}: no such file or folder")
    if not (_is_article(path) or _is_collection(path)):
        raise ArticleError(f"{path}: not an article file (.txt, .md, .html, .jsonl, .jsonl.gz)")
    return [path]


def load_articles(paths: list[str | Path], max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> list[Article]:
    """Every article in `paths`, in order, an article whose text repeats an earlier one's
    once; document ids made unique by suffixing "-2", "-3" ..."""
    articles: list[Article] = []
    for path in map(Path, paths):
        for file in _expand(path):
            if _is_collection(file):
                articles.extend(_read_collection(file, max_bytes))
            else:
                articles.append(_read_article_file(file, max_bytes))
    return _unique(articles)


def _unique(articles: list[Article]) -> list[Article]:
    seen_text: set[bytes] = set()
    seen_doc: dict[str, int] = {}
    unique = []
    for article in articles:
        body = " ".join(fold(article.text[s:e]) for s, e in article.paragraphs)
        digest = hashlib.sha1(" ".join(body.split()).encode("utf-8")).digest()
        if digest in seen_text:
            continue
        seen_text.add(digest)
        count = seen_doc.get(article.doc, 0) + 1
        seen_doc[article.doc] = count
        if count > 1:
            article = replace(article, doc=f"{article.doc}-{count}")
        unique.append(article)
    return unique


@dataclass(frozen=True)
class SentenceSpans:
    """Every sentence of a corpus as columns, row i being sentence position i: the index of
    its article, its paragraph and number (both 1-based) and its `[start, end)` span in the
    article's text. Rows run article after article, in article order."""

    article: np.ndarray
    paragraph: np.ndarray
    number: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.article)

    @classmethod
    def of(cls, articles: Sequence[Article], splitter: SentenceSplitter) -> "SentenceSpans":
        rows = [(index, paragraph, number, s, e)
                for index, article in enumerate(articles)
                for paragraph, (start, end) in enumerate(article.paragraphs, 1)
                for number, (s, e) in enumerate(splitter.spans(article.text, start, end), 1)]
        return cls.from_rows(rows)

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, int, int, int]]) -> "SentenceSpans":
        table = np.array(rows, dtype=np.int64).reshape(-1, 5)
        return cls(*(table[:, i].astype(np.int32) for i in range(5)))


class Corpus:
    """Articles and their sentences; a sentence's `position` is its index in `sentences`.

    Sentences are kept as `SentenceSpans` and made into `Sentence` objects when read, so a
    saved corpus of millions of sentences loads without building them. `articles` may be
    lazy too (a saved corpus reads an article's text when it is first asked for); `docs`,
    the article ids in order, are then given with it."""

    def __init__(self, articles: Sequence[Article], spans: SentenceSpans,
                 docs: Sequence[str] | None = None):
        self.articles = articles
        self.spans = spans
        self.docs = list(docs) if docs is not None else [a.doc for a in articles]
        self.sentences: Sequence[Sentence] = _Sentences(self)
        self._article_index = {doc: i for i, doc in enumerate(self.docs)}

    @classmethod
    def from_articles(cls, articles: list[Article], splitter: SentenceSplitter | None = None) -> "Corpus":
        articles = tuple(articles)
        return cls(articles, SentenceSpans.of(articles, splitter or SentenceSplitter()))

    def sentence(self, position: int) -> Sentence:
        spans = self.spans
        index, start, end = int(spans.article[position]), int(spans.start[position]), int(spans.end[position])
        return Sentence(position, self.docs[index], int(spans.paragraph[position]),
                        int(spans.number[position]), start, end, self.articles[index].text[start:end])

    def article(self, doc: str) -> Article:
        """The article with id `doc` (KeyError when there is none)."""
        return self.articles[self._article_index[doc]]

    def citation_fields(self, doc: str) -> tuple[str, str | None, str | None]:
        """The title, url and date a citation of article `doc` carries (KeyError when there
        is none); a corpus whose articles are remote may hold these without the texts."""
        article = self.article(doc)
        return article.title, article.url, article.date

    def article_sentences(self, doc: str) -> range:
        """The positions of the sentences of article `doc`, in order (empty when there is none)."""
        index = self._article_index.get(doc)
        if index is None:
            return range(0)
        first, last = np.searchsorted(self.spans.article, [index, index + 1])
        return range(int(first), int(last))

    def neighbour(self, position: int, step: int) -> int | None:
        """The position `step` sentences after `position` (before, when negative) in the
        same article, or None when the article ends first."""
        other = position + step
        if not 0 <= other < len(self.spans) or self.spans.article[other] != self.spans.article[position]:
            return None
        return other

    def sentence_counts(self) -> list[int]:
        """The number of sentences of each article, in article order."""
        return np.bincount(self.spans.article, minlength=len(self.docs)).tolist()


class _Sentences(Sequence[Sentence]):
    """A corpus's sentences, made on access."""

    def __init__(self, corpus: Corpus):
        self._corpus = corpus

    def __len__(self) -> int:
        return len(self._corpus.spans)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return tuple(self._corpus.sentence(i) for i in range(*position.indices(len(self))))
        if not -len(self) <= position < len(self):
            raise IndexError("sentence position out of range")
        return self._corpus.sentence(int(position) % len(self))
