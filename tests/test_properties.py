"""Property tests on hostile input: any question, claim or article file gets a well-formed
result or the documented error, citations quote their source exactly, answers repeat.

Each property runs twice: a fast profile on every run, and a deep one behind `-m slow`.
Questions mix any Unicode with words drawn from the loaded article, so they reach the
answering paths and not only the "no searchable words" error.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from retrieval import (MAX_K, MAX_QUESTION_CHARS, Answer, Article, ArticleError, Citation, ClaimCheck,
                       Engine, EngineConfig, QuestionError, Verdict, load_articles)
from retrieval.corpus import bundled_article_text

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEEP = settings(max_examples=3_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_ARTICLE_WORDS = sorted(set(re.findall(r"\S+", bundled_article_text())))
_HOSTILE = [
    "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\t", "\r\n", "\x0b\x0c", "\xa0", "\u2028", "\u2029",
    "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202a", "\u202e",
    "\u2066", "\u2069", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001f1fa\U0001f1e6", "\U0001f44d\U0001f3fd", "e\u0301", "\u0308", "\u0130", "\u00df", "\ufb01",
    "\u216b", "\u00bd", "\u0663", "\u00b2", "\ud800", "@everyone", "<@123456789012345678>", "**", "`",
    "[link](http://example.com)", "how many", "how long", "who", "when", "where", "what year",
    "who wrote the article", "not", "?", ".", "1,000", "3.5", "$450 million", "20%",
]
_FORMS = ["how many", "how much", "how long", "who", "who wrote the article", "when", "what year", "where",
          "which country", "what", "why", "did", "is it true that", ""]


def _repeated(piece: str, length: int) -> str:
    return (piece * (length // len(piece) + 1))[:length]


# Indexed rather than sampled_from, so a failure report does not list every word.
_article_words = st.integers(0, len(_ARTICLE_WORDS) - 1).map(_ARTICLE_WORDS.__getitem__)
_pieces = st.one_of(_article_words, st.sampled_from(_HOSTILE), st.text(max_size=6))
_mixed = st.tuples(st.lists(_pieces, max_size=40), st.sampled_from([" ", "", "\u200d", "\n"])).map(
    lambda parts: parts[1].join(parts[0]))
_question_like = st.tuples(st.sampled_from(_FORMS), st.lists(_pieces, min_size=1, max_size=8),
                           st.sampled_from(["?", "", " ?", "??", "\u200f?"])).map(
    lambda parts: f"{parts[0]} {' '.join(parts[1])}{parts[2]}")
_near_the_limit = st.builds(_repeated, _article_words.map(lambda word: word + " "),
                            st.integers(MAX_QUESTION_CHARS - 3, MAX_QUESTION_CHARS + 3))
_huge = st.builds(_repeated, st.one_of(_article_words, st.sampled_from(_HOSTILE)), st.just(100_000))
texts = st.one_of(st.text(), _mixed, _question_like, _question_like, _question_like, _near_the_limit, _huge)
ks = st.integers(-3, MAX_K + 5)


def _count(outcome: str) -> None:
    """Tallies outcomes in `--hypothesis-show-statistics`, to see which paths the inputs reach."""
    if currently_in_test_context():
        event(outcome)


def assert_citation_quotes_its_source(engine: Engine, citation: Citation) -> None:
    assert isinstance(citation, Citation)
    article = engine.corpus.article(citation.doc)
    assert article.text[citation.start:citation.end] == citation.sentence
    assert citation.sentence.strip()
    assert citation.title == article.title
    sentences = engine.corpus.sentences
    by_ref = {sentences[p].ref: sentences[p].text for p in engine.corpus.article_sentences(citation.doc)}
    assert by_ref[citation.ref] == citation.sentence
    assert math.isfinite(citation.score)


def assert_one_line_error(error: QuestionError) -> None:
    message = str(error)
    assert message and "\n" not in message and len(message) <= 300


def assert_answer_or_question_error(engine: Engine, question: str, k: int) -> None:
    try:
        answer = engine.ask(question, k)
    except QuestionError as error:
        assert_one_line_error(error)
        _count("question error")
        return
    _count("answered with a span" if answer.answer else "found" if answer.found else "not found")
    assert question.strip() and len(question) <= MAX_QUESTION_CHARS
    assert isinstance(answer, Answer) and isinstance(answer.found, bool)
    assert answer.question.split() == question.split()
    assert len(answer.citations) <= max(1, min(k, MAX_K))
    for citation in answer.citations:
        assert_citation_quotes_its_source(engine, citation)
    scores = [c.score for c in answer.citations]
    assert scores == sorted(scores, reverse=True)
    assert len({c.sentence_id for c in answer.citations}) == len(answer.citations)
    if not answer.found:
        assert (answer.answer, answer.attribution) == (None, None)
    else:
        assert answer.citations
    if answer.answer is not None:
        assert answer.answer.strip()
        assert any(answer.answer in c.sentence for c in answer.citations)


def assert_check_or_question_error(engine: Engine, claim: str, k: int) -> None:
    try:
        check = engine.check(claim, k)
    except QuestionError as error:
        assert_one_line_error(error)
        _count("question error")
        return
    _count(f"verdict {check.verdict.value}")
    assert claim.strip() and len(claim) <= MAX_QUESTION_CHARS
    assert isinstance(check, ClaimCheck) and isinstance(check.verdict, Verdict)
    assert check.claim.split() == claim.split()
    assert len(check.evidence) <= max(1, min(k, MAX_K))
    for citation in check.evidence:
        assert_citation_quotes_its_source(engine, citation)
    if check.verdict in (Verdict.SUPPORTED, Verdict.CONTRADICTED):
        assert check.evidence
    assert check.explanation.strip() and "\n" not in check.explanation


def assert_repeatable(engine: Engine, text: str) -> None:
    try:
        first = engine.ask(text)
    except QuestionError:
        with pytest.raises(QuestionError):
            engine.check(text)
        return
    assert engine.ask(text) == first
    assert engine.ask_batch([text, text]) == [first, first]
    assert engine.check(text) == engine.check(text)


# Pages keep control characters out of most paragraphs: a file with more than a trace of
# them is refused as binary by design, and these pages should mostly get past that check.
_printable = [piece for piece in _HOSTILE if not re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", piece)]
_paragraph = st.lists(st.one_of(_article_words, _article_words, st.sampled_from(_printable)),
                      min_size=1, max_size=30).map(" ".join)
_no_controls = st.text(st.characters(exclude_categories=["Cc"]), max_size=80)
_page = st.lists(st.one_of(_paragraph, _paragraph, _no_controls), min_size=1, max_size=12).map("\n\n".join)
_html = _page.map(lambda page: "<html><head><title>T</title></head><body><p>"
                  + page.replace("\n\n", "</p><p>") + "</p></body></html>")
_record = st.fixed_dictionaries({"id": st.text(max_size=8), "text": st.one_of(_page, _page, st.text())},
                                optional={"title": st.text(max_size=20),
                                          "authors": st.lists(st.text(max_size=10), max_size=3)})
_records = st.lists(_record, max_size=4).map(lambda rows: "\n".join(json.dumps(row) for row in rows))
_any_text = st.one_of(st.text(), _page, _html, _records, _page.map(lambda page: "\ufeff" + page))
_any_bytes = st.one_of(
    st.binary(max_size=2_000),
    st.binary(max_size=2_000).map(gzip.compress),
    _any_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    _any_text.map(lambda text: text.encode("utf-16", "surrogatepass")),
    st.tuples(_any_text, st.binary(min_size=1, max_size=4)).map(
        lambda pair: pair[0].encode("utf-8", "surrogatepass") + pair[1]),
)


def _contents_for(suffix: str) -> st.SearchStrategy[tuple[str, bytes]]:
    """Mostly what a file of this kind holds, so loading goes past the first check; else any bytes."""
    fitting = {".jsonl": _records, ".jsonl.gz": _records, ".html": _html}.get(suffix, _page)
    encoded = fitting.map(lambda text: text.encode("utf-8", "surrogatepass"))
    if suffix.endswith(".gz"):
        encoded = encoded.map(gzip.compress)
    return st.one_of(encoded, encoded, encoded, _any_bytes).map(lambda data: (suffix, data))


article_files = st.sampled_from([".txt", ".md", ".html", ".jsonl", ".jsonl.gz"]).flatmap(_contents_for)


def assert_article_or_article_error(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"page{suffix}"
        path.write_bytes(data)
        try:
            articles = load_articles([path])
        except ArticleError as error:
            message = str(error)
            assert message.startswith(str(path)) and "\n" not in message
            _count("article error")
            return
    _count("loaded")
    assert articles and all(isinstance(article, Article) for article in articles)
    for article in articles:
        assert article.paragraphs
        assert all(0 <= start < end <= len(article.text) for start, end in article.paragraphs)
    engine = Engine.from_articles(articles, EngineConfig(train_splitter=False))
    for sentence in engine.corpus.sentences:
        assert engine.corpus.article(sentence.doc).text[sentence.start:sentence.end] == sentence.text
    first = engine.corpus.sentences[0].text if len(engine.corpus.sentences) else ""
    assert_answer_or_question_error(engine, first[:MAX_QUESTION_CHARS], 3)


EDGE_CASES = {
    "empty": "",
    "whitespace": " \t\n\u3000\xa0",
    "control characters": "\x00\x01\x1b[2J\x7f troops",
    "emoji with joiners": "\U0001f468\u200d\U0001f469\u200d\U0001f467 how many troops?",
    "a lone joiner": "\u200d",
    "right-to-left marks": "\u202ehow many troops\u202c\u200f?",
    "a lone surrogate": "\ud800 troops",
    "at the limit": _repeated("troops ", MAX_QUESTION_CHARS),
    "over the limit": _repeated("troops ", MAX_QUESTION_CHARS + 1),
    "100 KB": _repeated("troops ", 100_000),
    "mentions": "@everyone <@123456789012345678> how many troops?",
}


@pytest.mark.parametrize("text", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_named_edge_cases(bundled_engine, text):
    assert_answer_or_question_error(bundled_engine, text, 3)
    assert_check_or_question_error(bundled_engine, text, 3)
    assert_repeatable(bundled_engine, text)


EDGE_FILES = {
    "empty": (".txt", b""),
    "binary": (".txt", bytes(range(256))),
    "UTF-16": (".txt", "Troops gather. The border is near.".encode("utf-16")),
    "a BOM": (".txt", "\ufeffTroops Gather\n\nTroops gather at the border. The drills end in May.".encode()),
    "HTML without text": (".html", b"<html><head><title>T</title></head><body></body></html>"),
    "not gzip": (".jsonl.gz", b"{}"),
    "a lone surrogate in JSON": (".jsonl", b'{"id": "a", "text": "\\ud800 troops gather"}'),
    "JSON that is not an object": (".jsonl", b"[1, 2]\n"),
}


@pytest.mark.parametrize("suffix, data", EDGE_FILES.values(), ids=EDGE_FILES.keys())
def test_named_edge_files(suffix, data):
    assert_article_or_article_error(suffix, data)


@FAST
@given(question=texts, k=ks)
def test_any_question_gets_an_answer_or_a_question_error(bundled_engine, question, k):
    assert_answer_or_question_error(bundled_engine, question, k)


@pytest.mark.slow
@DEEP
@given(question=texts, k=ks)
def test_any_question_gets_an_answer_or_a_question_error_deeply(bundled_engine, question, k):
    assert_answer_or_question_error(bundled_engine, question, k)


@FAST
@given(claim=texts, k=ks)
def test_any_claim_gets_a_verdict_or_a_question_error(bundled_engine, claim, k):
    assert_check_or_question_error(bundled_engine, claim, k)


@pytest.mark.slow
@DEEP
@given(claim=texts, k=ks)
def test_any_claim_gets_a_verdict_or_a_question_error_deeply(bundled_engine, claim, k):
    assert_check_or_question_error(bundled_engine, claim, k)


@FAST
@given(text=texts)
def test_the_same_question_twice_gets_the_same_answer(bundled_engine, text):
    assert_repeatable(bundled_engine, text)


@pytest.mark.slow
@DEEP
@given(text=texts)
def test_the_same_question_twice_gets_the_same_answer_deeply(bundled_engine, text):
    assert_repeatable(bundled_engine, text)


@FAST
@given(file=article_files)
def test_any_bytes_as_an_article_file_give_articles_or_an_article_error(file):
    assert_article_or_article_error(*file)


@pytest.mark.slow
@DEEP
@given(file=article_files)
def test_any_bytes_as_an_article_file_give_articles_or_an_article_error_deeply(file):
    assert_article_or_article_error(*file)
