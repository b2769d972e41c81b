"""The one engine: ask, ask_batch, context, sources; on a small exact article and the bundled one."""
from __future__ import annotations

import dataclasses

import pytest

from retrieval import (DEFAULT_K, MAX_K, MAX_QUESTION_CHARS, Answer, Engine, FactbotError, QuestionError,
                       UnknownRefError, load_articles)

QUESTIONS = [
    "When will construction begin?",
    "How did the council vote on the bridge?",
    "Who is the mayor?",
    "How many tanks were sent?",
]


def assert_citations_are_verbatim(engine: Engine, answer: Answer) -> None:
    articles = {a.doc: a for a in engine.corpus.articles}
    for citation in answer.citations:
        article = articles[citation.doc]
        assert article.text[citation.start:citation.end] == citation.sentence
        assert citation.title == article.title
        assert engine.sentence_at(citation.sentence_id).text == citation.sentence


def test_answer_on_the_small_article(harbor_engine):
    answer = harbor_engine.ask("When will construction begin?")
    assert answer.found
    assert answer.citations[0].ref == "3.1"
    assert answer.citations[0].sentence.startswith("Construction is expected to begin in March")
    assert answer.citations[0].doc == "harbor"
    assert len(answer.citations) <= DEFAULT_K


@pytest.mark.parametrize("question", QUESTIONS)
def test_citations_are_verbatim_at_their_spans(harbor_engine, question):
    assert_citations_are_verbatim(harbor_engine, harbor_engine.ask(question, k=MAX_K))


def test_citations_are_ranked_by_score_then_position(bundled_engine):
    citations = bundled_engine.ask("Russian troops in Belarus", k=MAX_K).citations
    keys = [(-c.score, bundled_engine.sentence_at(c.ref).position) for c in citations]
    assert keys == sorted(keys)


def test_ask_batch_is_the_single_calls(bundled_engine):
    questions = ["How many troops has Russia sent to Belarus?", "Who is Kira Rudik?",
                 "What is the recipe for banana bread?", "Who won the Nobel Prize in chemistry?"]
    for k in (1, DEFAULT_K, 7):
        assert bundled_engine.ask_batch(questions, k) == [bundled_engine.ask(q, k) for q in questions]


def test_ask_is_deterministic_across_engines(harbor_path):
    first, second = Engine.from_paths([harbor_path]), Engine.from_paths([harbor_path])
    for question in QUESTIONS:
        assert first.ask(question, k=5) == second.ask(question, k=5)


@pytest.mark.parametrize("k, most", [(0, 1), (-4, 1), (1, 1), (2, 2), (MAX_K + 10, MAX_K), (10**9, MAX_K)])
def test_k_is_clamped(bundled_engine, k, most):
    citations = bundled_engine.ask("Russian troops in Belarus and Ukraine", k=k).citations
    assert len(citations) == most


def test_k_larger_than_the_article_gives_what_matches(harbor_engine):
    answer = harbor_engine.ask("bridge council harbor town", k=MAX_K)
    assert 1 <= len(answer.citations) <= len(harbor_engine.corpus.sentences)


def test_question_is_echoed_with_white_space_collapsed(harbor_engine):
    answer = harbor_engine.ask("  When will\tconstruction\n begin?  ")
    assert answer.question == "When will construction begin?"


@pytest.mark.parametrize("question", [
    "How many tanks were sent?",
    "What is the population of Paris?",
    "Who won the football World Cup?",
    "Which storm damaged the pier?",
])
def test_not_found_when_the_article_lacks_the_content(harbor_engine, question):
    answer = harbor_engine.ask(question)
    assert answer.found is False
    assert answer.answer is None


@pytest.mark.parametrize("question", [
    "Who won the Nobel Prize in chemistry?",
    "What is the recipe for banana bread?",
    "How many aircraft carriers does Estonia have?",
])
def test_not_found_on_the_bundled_article(bundled_engine, question):
    assert bundled_engine.ask(question).found is False


def test_not_found_when_the_key_term_is_absent_and_one_common_term_matches(bundled_engine):
    assert bundled_engine.ask("What is the capital of Australia?").found is False


def test_related_sentences_when_not_found_are_still_verbatim(bundled_engine):
    answer = bundled_engine.ask("What is the population of Minsk?", k=5)
    assert answer.found is False
    assert answer.citations
    assert_citations_are_verbatim(bundled_engine, answer)


@pytest.mark.parametrize("question", ["", " ", "\n\t  \r\n", "x" * (MAX_QUESTION_CHARS + 1),
                                      "What is the?", "Is it so?", "?!...", "\u2014 \u201c\u201d"])
def test_question_errors(harbor_engine, question):
    with pytest.raises(QuestionError) as caught:
        harbor_engine.ask(question)
    assert isinstance(caught.value, FactbotError)
    assert str(caught.value) and "\n" not in str(caught.value)


def test_over_long_question_message_names_the_limit(harbor_engine):
    with pytest.raises(QuestionError, match=f"{MAX_QUESTION_CHARS:,}"):
        harbor_engine.ask("bridge " * MAX_QUESTION_CHARS)


def test_a_question_at_the_limit_is_answered(harbor_engine):
    question = ("When will construction begin? " * MAX_QUESTION_CHARS)[:MAX_QUESTION_CHARS]
    assert harbor_engine.ask(question).citations[0].ref == "3.1"


def test_ask_batch_raises_on_a_bad_question(harbor_engine):
    with pytest.raises(QuestionError):
        harbor_engine.ask_batch(["When will construction begin?", "  "])


def test_results_are_frozen(harbor_engine):
    answer = harbor_engine.ask("When will construction begin?")
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.found = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.citations[0].score = 0.0  # type: ignore[misc]


# Tiny articles: Okapi's idf is zero or negative for a term in half the sentences or more.

def tiny_engine(folder, text: str) -> Engine:
    path = folder / "pier.txt"
    path.write_text(text, encoding="utf-8")
    return Engine.from_articles(load_articles([path]))


def test_one_sentence_article(tmp_path):
    answer = tiny_engine(tmp_path, "The pier closed on Monday.\n").ask("When did the pier close?")
    assert answer.found
    assert [c.sentence for c in answer.citations] == ["The pier closed on Monday."]


def test_one_sentence_article_does_not_answer_about_what_it_lacks(tmp_path):
    engine = tiny_engine(tmp_path, "The pier closed on Monday.\n")
    assert engine.ask("Which pier closed in Tokyo, Osaka and Kyoto?").found is False


def test_a_term_in_every_sentence_still_ranks_the_sentence_that_answers(tmp_path):
    engine = tiny_engine(tmp_path, "The pier closed on Monday. The pier reopened on Friday.\n")
    answer = engine.ask("When did the pier reopen?")
    assert answer.found
    assert answer.citations[0].sentence == "The pier reopened on Friday."


# context and sources

def test_context_of_a_middle_sentence(harbor_engine):
    context = harbor_engine.context("3.1", width=1)
    assert context.title == "City Council Approves New Harbor Bridge"
    assert context.target.ref == "3.1"
    assert [c.ref for c in context.before] == ["2.1"]
    assert [c.ref for c in context.after] == ["4.1"]


def test_context_default_width_and_the_edges(harbor_engine):
    assert [c.ref for c in harbor_engine.context("1.1").before] == []
    assert [c.ref for c in harbor_engine.context("1.1").after] == ["2.1", "3.1"]
    assert [c.ref for c in harbor_engine.context("5.1").after] == []
    assert [c.ref for c in harbor_engine.context("4.2").before] == ["3.1", "4.1"]


@pytest.mark.parametrize("ref", ["4.2", "[4.2]", " 4.2 ", "harbor:4.2", "[harbor:4.2]"])
def test_context_ref_forms(harbor_engine, ref):
    target = harbor_engine.context(ref).target
    assert (target.doc, target.ref, target.sentence) == (
        "harbor", "4.2", "Supporters say it will cut commute times by 20 minutes.")


@pytest.mark.parametrize("ref", ["9.1", "4.9", "0.0", "abc", "", "4", "other:4.2", "4.2.1"])
def test_unknown_ref(harbor_engine, ref):
    with pytest.raises(UnknownRefError) as caught:
        harbor_engine.context(ref)
    assert "\n" not in str(caught.value)


def test_context_stays_in_its_article(two_article_engine):
    context = two_article_engine.context("harbor:1.1", width=3)
    assert {c.doc for c in (*context.before, context.target, *context.after)} == {"harbor"}
    assert context.before == ()
    assert two_article_engine.context("ferry:4.1", width=3).after == ()


def test_bare_ref_is_ambiguous_with_several_articles(two_article_engine):
    with pytest.raises(UnknownRefError, match="DOC:1.1"):
        two_article_engine.context("1.1")


def test_sources(two_article_engine):
    ferry, harbor = two_article_engine.sources()
    assert (ferry.doc, ferry.title, ferry.byline, ferry.sentences) == (
        "ferry", "Ferry Service Suspended After Storm", None, 4)
    assert (harbor.doc, harbor.title, harbor.byline, harbor.sentences) == (
        "harbor", "City Council Approves New Harbor Bridge", "By Jane Doe and John Roe", 6)
    total = sum(s.sentences for s in two_article_engine.sources())
    assert total == len(two_article_engine.corpus.sentences)


def test_answers_come_from_the_article_that_holds_them(two_article_engine):
    ferry = two_article_engine.ask("How many residents rely on the ferry?")
    harbor = two_article_engine.ask("When will construction begin?")
    assert (ferry.found, ferry.citations[0].doc, ferry.citations[0].ref) == (True, "ferry", "4.1")
    assert (harbor.found, harbor.citations[0].doc, harbor.citations[0].ref) == (True, "harbor", "3.1")


# Regression pins on the bundled article.

@pytest.mark.parametrize("question, holds", [
    ("How many troops has Russia sent to Belarus?", "30,000"),
    ("Has Russia sent 30k troops to Belarus?", "30,000"),
    ("Which missile systems did Russia send to Belarus?", "Iskander"),
    ("Who is Kira Rudik?", "Kira Rudik, a member of the Ukrainian parliament"),
])
def test_bundled_top_citation(bundled_engine, question, holds):
    answer = bundled_engine.ask(question)
    assert answer.found
    assert holds in answer.citations[0].sentence
    assert_citations_are_verbatim(bundled_engine, answer)


def test_bundled_sources(bundled_engine, bundled_article):
    (source,) = bundled_engine.sources()
    assert source.title == bundled_article.title
    assert source.byline
    assert source.sentences == len(bundled_engine.corpus.sentences)


ARTICLE_LINES = ["Harbor Bridge Approved", "",
                 "The city council voted 7-2 on Tuesday to approve a bridge across the harbor.", "",
                 "Construction is expected to begin in March and take about four years.", "",
                 "Critics argue the bridge will increase traffic in the old town."]


def test_article_text_is_what_every_citation_span_indexes(tmp_path):
    crlf_bom = tmp_path / "crlf.txt"
    crlf_bom.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(ARTICLE_LINES).encode("utf-8"))
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Harbor &amp; Bridge</title></head><body>"
                    + "".join(f"<p>{line} &amp; more.</p>" for line in ARTICLE_LINES if line) + "</body></html>",
                    encoding="utf-8")
    collection = tmp_path / "c.jsonl"
    collection.write_text('{"id": "rec", "text": "' + "\\r\\n\\u0007".join(ARTICLE_LINES[2:]) + '"}\n',
                          encoding="utf-8")
    engine = Engine.from_paths([crlf_bom, page, collection])
    with open(crlf_bom, encoding="utf-8-sig", newline="") as file:
        assert engine.article_text("crlf") == file.read()
    for question in ("When will construction begin?", "How did the council vote?", "What about traffic?"):
        for cited in engine.ask(question, k=MAX_K).citations:
            assert engine.article_text(cited.doc)[cited.start:cited.end] == cited.sentence
    with pytest.raises(FactbotError, match="no article 'nope'"):
        engine.article_text("nope")


def test_article_text_from_a_saved_index(harbor_engine, tmp_path):
    harbor_engine.save(tmp_path / "index")
    loaded = Engine.from_index(tmp_path / "index")
    doc = loaded.corpus.docs[0]
    assert loaded.article_text(doc) == harbor_engine.article_text(doc)
