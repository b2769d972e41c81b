"""Loading articles from every accepted input, and refusing every bad one with a clear error."""
from __future__ import annotations

import gzip
import json
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from retrieval import ArticleError, Corpus, Engine, FactbotError, load_articles, load_bundled
from retrieval.corpus import collection_line_limit

HTML_PAGE = """<!doctype html>
<html><head><title>Harbor Bridge Approved | Harbor Times</title>
<meta property="og:title" content="City Council Approves New Harbor Bridge">
<meta name="author" content="Jane Doe">
<link rel="canonical" href="https://example.com/bridge">
<style>p { color: red; }</style><script>var prompt = "Tap to read offline";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World news</a></nav>
<article>
<h1>City Council Approves New Harbor Bridge</h1>
<p>The city council voted 7-2 on Tuesday to approve a $450 million bridge, officials said.</p>
<p>Construction is expected to begin in March, according to Mayor Ana&nbsp;Ruiz.</p>
<p>Critics argue the bridge &amp; its ramps will increase traffic in the old town.</p>
<p>Subscribe to our newsletter for daily updates.</p>
</article>
<aside>Trending: Ferry Service Suspended</aside>
<footer>Copyright Harbor Times</footer>
</body></html>
"""

MD_PAGE = """# Harbor Bridge Approved

The city council voted 7-2 on **Tuesday** to approve a bridge across the harbor.

Construction is expected to begin in March, according to Mayor Ana Ruiz.

Critics argue the bridge will increase traffic in the old town.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def record(doc: str, title: str, text: str, **extra) -> str:
    return json.dumps({"id": doc, "title": title, "text": text, **extra}) + "\n"


def sentences_of(articles) -> list[str]:
    return [s.text for s in Corpus.from_articles(articles).sentences]


def test_txt_article(harbor_path, harbor_paragraphs):
    (article,) = load_articles([harbor_path])
    assert article.doc == "harbor"
    assert article.title == "City Council Approves New Harbor Bridge"
    assert article.source == str(harbor_path)
    assert tuple(article.text[s:e] for s, e in article.paragraphs) == harbor_paragraphs


def test_paths_may_be_strings(harbor_path):
    assert load_articles([str(harbor_path)]) == load_articles([harbor_path])


def test_markdown_heading_is_the_title_and_not_indexed(tmp_path):
    (article,) = load_articles([write(tmp_path, "bridge.md", MD_PAGE)])
    assert article.title == "Harbor Bridge Approved"
    sentences = sentences_of([article])
    assert sentences[0] == "The city council voted 7-2 on **Tuesday** to approve a bridge across the harbor."
    assert not any("#" in s for s in sentences)


def test_html_page(tmp_path):
    (article,) = load_articles([write(tmp_path, "bridge.html", HTML_PAGE)])
    assert article.title == "City Council Approves New Harbor Bridge"
    assert article.url == "https://example.com/bridge"
    assert article.authors == ("Jane Doe",)
    assert sentences_of([article]) == [
        "The city council voted 7-2 on Tuesday to approve a $450 million bridge, officials said.",
        "Construction is expected to begin in March, according to Mayor Ana Ruiz.",
        "Critics argue the bridge & its ramps will increase traffic in the old town.",
    ]


def test_html_sentences_are_spans_of_the_extracted_text(tmp_path):
    (article,) = load_articles([write(tmp_path, "bridge.htm", HTML_PAGE)])
    for sentence in Corpus.from_articles([article]).sentences:
        assert article.text[sentence.start:sentence.end] == sentence.text
    assert "<" not in article.text and "color: red" not in article.text


def test_folder_reads_article_files_in_name_order_and_skips_others(tmp_path, harbor_page, ferry_page):
    write(tmp_path, "b-harbor.txt", harbor_page)
    write(tmp_path, "a-ferry.md", ferry_page)
    write(tmp_path, "notes.pdf", "not an article")
    (tmp_path / "nested").mkdir()
    write(tmp_path / "nested", "c.txt", "Nested Title\n\nA nested article is not read.\n")
    articles = load_articles([tmp_path])
    assert [a.doc for a in articles] == ["a-ferry", "b-harbor"]


def test_jsonl_collection(tmp_path, harbor_page, ferry_page):
    path = tmp_path / "news.jsonl"
    path.write_text(
        record("ferry", "Ferry Service Suspended", ferry_page.split("\n\n", 1)[1],
               url="https://example.com/ferry", date="2024-03-04", authors=["Ann Poe", "Bo Li"])
        + "\n"
        + record("harbor", "City Council Approves New Harbor Bridge", harbor_page, authors="Jane Doe"),
        encoding="utf-8")
    ferry, harbor = load_articles([path])
    assert (ferry.doc, ferry.title, ferry.url, ferry.date) == (
        "ferry", "Ferry Service Suspended", "https://example.com/ferry", "2024-03-04")
    assert ferry.authors == ("Ann Poe", "Bo Li")
    assert harbor.authors == ("Jane Doe",)
    assert ferry.source == f"{path}, line 1"
    assert sentences_of([ferry])[0] == "High winds damaged the main pier on Sunday night."


def test_a_collection_record_that_is_all_boilerplate_is_skipped(tmp_path, harbor_page):
    path = tmp_path / "news.jsonl"
    path.write_text(record("promo", "Subscribe", "Subscribe now for full access.") + "\n"
                    + record("harbor", "City Council Approves New Harbor Bridge", harbor_page))
    assert [a.doc for a in load_articles([path])] == ["harbor"]


def test_jsonl_text_that_repeats_the_title_does_not_index_it(tmp_path, harbor_page):
    path = tmp_path / "news.jsonl"
    path.write_text(record("harbor", "City Council Approves New Harbor Bridge", harbor_page))
    (article,) = load_articles([path])
    assert "City Council Approves New Harbor Bridge" not in sentences_of([article])


def test_jsonl_gz_collection_equals_plain(tmp_path, harbor_page, ferry_page):
    lines = record("ferry", "Ferry Service Suspended", ferry_page) + record("harbor", "Bridge", harbor_page)
    plain = tmp_path / "news.jsonl"
    plain.write_text(lines, encoding="utf-8")
    packed = tmp_path / "news.jsonl.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as out:
        out.write(lines)
    loaded = [[(a.doc, a.text) for a in load_articles([path])] for path in (packed, plain)]
    assert loaded[0] == loaded[1]
    assert [doc for doc, _ in loaded[0]] == ["ferry", "harbor"]


def test_duplicate_article_text_is_indexed_once(tmp_path, harbor_path, harbor_page):
    copy = write(tmp_path, "copy.txt", harbor_page.replace("\n\n", "\n\n\n"))
    collection = tmp_path / "news.jsonl"
    collection.write_text(record("again", "", harbor_page))
    articles = load_articles([harbor_path, copy, collection])
    assert [a.doc for a in articles] == ["harbor"]


def test_same_name_different_text_gets_unique_ids(tmp_path, harbor_page, ferry_page):
    write(tmp_path, "story.txt", harbor_page)
    other = tmp_path / "other"
    other.mkdir()
    write(other, "story.md", ferry_page)
    articles = load_articles([tmp_path / "story.txt", other / "story.md"])
    assert [a.doc for a in articles] == ["story", "story-2"]


def test_bundled_article_ships_with_the_package():
    (article,) = load_bundled()
    assert article.title and len(article.paragraphs) > 10


def test_engine_from_paths_without_paths_is_the_bundled_article(bundled_engine):
    assert [a.doc for a in bundled_engine.corpus.articles] == [a.doc for a in load_bundled()]


# Every refusal: an ArticleError, one line, naming the file; nothing half loaded.

# name -> (file name, content or None for no file, a phrase its error message must hold)
BAD_INPUTS: dict[str, tuple[str, bytes | None, str]] = {
    "empty": ("empty.txt", b"", "empty"),
    "blank": ("blank.md", b"  \n\n\t\n", "empty"),
    "binary": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    "control characters": ("controls.txt", b"\x01\x02\x03\x04 text \x05\x06" * 20, "binary"),
    "undecodable": ("latin1.txt", "Caf\u00e9 society. It is open.".encode("latin-1"), "UTF-8"),
    "missing": ("missing.txt", None, "no such file"),
    "wrong suffix": ("story.pdf", b"%PDF-1.4 some text", "not an article file"),
    "json not jsonl": ("story.json", b'{"id": "a", "text": "Hello there."}', "not an article file"),
    "bad json line": ("bad.jsonl", record("a", "T", "Hello there. It works.").encode() + b"{oops\n",
                      "line 2"),
    "not an object": ("list.jsonl", b"[1, 2, 3]\n", "line 1"),
    "no text field": ("notext.jsonl", b'{"id": "a", "title": "T"}\n', "text"),
    "empty collection": ("none.jsonl", b"\n\n", "no articles"),
    "zero-byte collection": ("zero.jsonl", b"", "no articles"),
    "undecodable collection": ("latin1.jsonl", '{"id": "a", "text": "Caf\u00e9"}\n'.encode("latin-1"),
                               "line 1: not UTF-8 text"),
    "corrupt gzip": ("broken.jsonl.gz", b"\x1f\x8b\x08\x00garbage", "cannot read"),
    "html without text": ("blank.html", b"<html><head><script>x=1</script></head><body> </body></html>",
                          "no text"),
    "nothing left after cleaning": ("prompts.txt", b"Subscribe to our newsletter.\n\nSign in to comment.\n",
                                    "no article text"),
}


def bad_input(folder: Path, case: str) -> tuple[Path, str]:
    name, content, phrase = BAD_INPUTS[case]
    path = folder / name
    if content is not None:
        path.write_bytes(content)
    return path, phrase


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_refused_with_one_line_naming_the_file(tmp_path, case):
    path, phrase = bad_input(tmp_path, case)
    with pytest.raises(ArticleError) as caught:
        load_articles([path])
    message = str(caught.value)
    assert str(path) in message
    assert phrase.lower() in message.lower()
    assert "\n" not in message
    assert isinstance(caught.value, FactbotError)


@pytest.mark.parametrize("case", ["bad json line", "binary", "missing"])
def test_nothing_is_half_loaded(tmp_path, harbor_path, case):
    path, _ = bad_input(tmp_path, case)
    with pytest.raises(ArticleError):
        load_articles([harbor_path, path])
    with pytest.raises(ArticleError):
        Engine.from_paths([harbor_path, path])


def test_folder_without_articles(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(ArticleError, match="holds no") as caught:
        load_articles([tmp_path])
    assert str(tmp_path) in str(caught.value)


def test_oversize_limit_is_configurable(harbor_path):
    size = harbor_path.stat().st_size
    assert load_articles([harbor_path], max_bytes=size)
    with pytest.raises(ArticleError) as caught:
        load_articles([harbor_path], max_bytes=size - 1)
    assert str(harbor_path) in str(caught.value) and "limit" in str(caught.value)


def test_oversize_record_in_a_collection(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(record("a", "Small", "A short text. It fits.") + record("b", "Big", "Long text. " * 50))
    with pytest.raises(ArticleError) as caught:
        load_articles([path], max_bytes=200)
    assert f"{path}, line 2" in str(caught.value)


def test_control_characters_in_a_record_are_blanked_not_kept(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(record("a", "Title", "The pier\x07 closed on Monday. It reopens soon. Repairs continue."))
    (article,) = load_articles([path])
    assert "\x07" not in article.text


def test_a_sentence_s_neighbours_stay_in_its_article(two_article_engine):
    corpus = two_article_engine.corpus
    first = corpus.article_sentences(corpus.docs[0])
    second = corpus.article_sentences(corpus.docs[1])
    assert corpus.neighbour(first[0], -1) is None
    assert corpus.neighbour(first[0], 1) == first[1]
    assert corpus.neighbour(first[-1], 1) is None
    assert corpus.neighbour(second[0], -1) is None
    assert corpus.neighbour(second[1], -1) == second[0]
    assert corpus.neighbour(second[-1], 1) is None
    assert corpus.neighbour(first[0], 2) == first[2]


# Reading is bounded: size and file type are checked before anything is read

def _peak_bytes_while(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def _sparse(path, size):
    with open(path, "wb") as file:
        file.truncate(size)  # no disk used: a hole reads as zeros
    return path


def test_an_oversize_article_is_refused_without_reading_it(tmp_path):
    path = _sparse(tmp_path / "huge.txt", 50_000_000)
    with pytest.raises(ArticleError, match="50,000,000 bytes is over the 100,000-byte limit"):
        load_articles([path], max_bytes=100_000)
    peak = _peak_bytes_while(lambda: pytest.raises(ArticleError, load_articles, [path], max_bytes=100_000))
    assert peak < 5_000_000


def test_an_oversize_collection_line_is_refused_after_reading_at_most_the_line_limit(tmp_path):
    path = _sparse(tmp_path / "huge.jsonl", 50_000_000)  # one line of 50 MB
    limit = collection_line_limit(100_000)
    with pytest.raises(ArticleError, match=f"line 1: the line is over the {limit:,}-byte limit"):
        load_articles([path], max_bytes=100_000)
    peak = _peak_bytes_while(lambda: pytest.raises(ArticleError, load_articles, [path], max_bytes=100_000))
    assert peak < 3 * limit


def test_a_collection_line_at_the_limit_is_read(tmp_path):
    text = "Russia has sent troops to Belarus. " * 2_800  # under 100,000 bytes
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "\u00e9" + text}, ensure_ascii=True) + "\n", encoding="utf-8")
    assert [a.doc for a in load_articles([path], max_bytes=100_000)] == ["a"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("name", ["pipe.txt", "pipe.jsonl"])
def test_a_fifo_is_refused_instead_of_hanging(tmp_path, name):
    path = tmp_path / name
    os.mkfifo(path)
    outcome = []

    def load():
        try:
            load_articles([path])
        except ArticleError as error:
            outcome.append(str(error))
    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=30)  # a hang, not a speed limit
    if worker.is_alive():
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # let the blocked read finish
        worker.join()
    assert outcome == [f"{path}: not a regular file (a pipe, device or socket cannot be a corpus)"]
