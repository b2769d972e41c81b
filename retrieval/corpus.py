"""Loading articles from files and collections, and splitting them into a sentence corpus.

Accepted inputs: `.txt`, `.md`, `.html`/`.htm` files, a folder of them (read in name
order, not recursively), and `.jsonl` / `.jsonl.gz` collections of
`{"id", "title", "text", "url"?, "date"?, "authors"?}` objects. Every input is checked
whole before anything is returned: an empty, binary, undecodable or oversize file raises
`ArticleError` naming it, so a corpus is never half loaded.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

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
    page = clean_page(text, has_title=bool(title))
    if not page.paragraphs:
        raise ArticleError(f"{source or doc}: no article text left after cleaning")
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


def _read_article_file(path: Path, max_bytes: int) -> Article:
    try:
        data = path.read_bytes()
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
    opener = gzip.open if _name(path).endswith(".gz") else open
    articles = []
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                label = f"{path}, line {number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    raise ArticleError(f"{label}: not a JSON object") from None
                articles.append(_article_from_record(record, label, max_bytes))
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise ArticleError(f"{path}: cannot read the collection ({error})") from None
    if not articles:
        raise ArticleError(f"{path}: the collection holds no articles")
    return articles


def _article_from_record(record: object, label: str, max_bytes: int) -> Article:
    if not isinstance(record, dict):
        raise ArticleError(f"{label}: not a JSON object")
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
        str(doc) if doc not in (None, "") else label,
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
class Corpus:
    """Articles and their sentences; a sentence's `position` is its index in `sentences`."""

    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]

    @classmethod
    def from_articles(cls, articles: list[Article], splitter: SentenceSplitter | None = None) -> "Corpus":
        splitter = splitter or SentenceSplitter()
        sentences: list[Sentence] = []
        for article in articles:
            for paragraph, (start, end) in enumerate(article.paragraphs, 1):
                for number, (s, e) in enumerate(splitter.spans(article.text, start, end), 1):
                    sentences.append(Sentence(len(sentences), article.doc, paragraph, number,
                                              s, e, article.text[s:e]))
        return cls(tuple(articles), tuple(sentences))
