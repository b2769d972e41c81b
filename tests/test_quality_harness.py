"""benchmarks/quality.py's runners: any `engine_factory(articles) -> answerer` is called once per
article, refusals are recorded as score.py records them, and the table is aligned. The data
here is made up; the real sets live beside the project."""
from __future__ import annotations

from dataclasses import dataclass

from benchmarks.data import ClaimPair, DevClaim, DevQuestion, GoldSpan, QADoc, QAQuestion
from benchmarks.metrics import Reply, exact_match
from benchmarks.quality import (SetResult, answer_dev_questions, answer_qa_docs, check_claim_pairs, check_dev_claims,
                                first_questions, reply_of, squad_metrics, table, verdict_of)
from retrieval import (Answer, Article, ClaimCheck, Citation, Engine, EngineConfig, QuestionError, Verdict,
                       load_bundled)
from retrieval.corpus import article_from_text

TEXT = ("The bridge cost 450 million dollars to build.\n\nIt opened in March after four years of work.\n\n"
        "The mayor, Ana Ruiz, cut the ribbon.")


@dataclass
class Scripted:
    """An answerer that cites its corpus's first article whole and says what it was built on."""

    articles: list[Article]

    def ask(self, question: str, k: int) -> Answer:
        if question == "refuse":
            raise QuestionError("the question has no searchable words")
        article = self.articles[0]
        citation = Citation(article.doc, article.title, "1.1", article.text, 0, len(article.text), 1.0)
        return Answer(question, question.endswith("?"), article.doc, (citation,))

    def check(self, claim: str, k: int) -> ClaimCheck:
        if claim == "refuse":
            raise QuestionError("the claim is empty")
        return ClaimCheck(claim, Verdict.SUPPORTED if self.articles[0].doc in claim else Verdict.UNVERIFIED, (), "")


class Factory:
    def __init__(self):
        self.built: list[list[str]] = []

    def __call__(self, articles: list[Article]) -> Scripted:
        self.built.append([a.doc for a in articles])
        return Scripted(list(articles))


def _articles(*docs: str) -> dict[str, Article]:
    return {doc: article_from_text(doc, f"{doc} says hello.\n\n" + TEXT) for doc in docs}


def test_reply_and_verdict_of_a_refusal_are_the_cli_error_row():
    engine = Scripted(list(_articles("a").values()))
    assert reply_of(engine, "refuse") == Reply(None, None)
    assert verdict_of(engine, "refuse") is None
    reply = reply_of(engine, "what?")
    assert (reply.found, reply.answer, reply.spans[0][0]) == (True, "a", 0)


def test_dev_items_are_asked_of_their_own_article_once_each():
    items = [DevQuestion("1", "q?", ("g",), doc_id="b"), DevQuestion("2", "q", (), doc_id="a"),
             DevQuestion("3", "q?", ("g",), doc_id="b")]
    factory = Factory()
    replies = answer_dev_questions(items, factory, _articles("a", "b"))
    assert factory.built == [["b"], ["a"]]
    assert [(r.found, r.answer) for r in replies] == [(True, "b"), (False, "a"), (True, "b")]


def test_dev_items_together_share_one_corpus_and_none_means_the_bundled_article():
    claims = [DevClaim("1", "of b", "supported", "b"), DevClaim("2", "refuse", "supported", "a")]
    factory = Factory()
    assert check_dev_claims(claims, factory, _articles("a", "b"), together=True) == ["unverified", None]
    assert factory.built == [["a", "b"]]
    factory = Factory()
    check_dev_claims(claims, factory)
    assert factory.built == [[a.doc for a in load_bundled()]]


def test_claim_pairs_build_one_engine_per_document_and_skip_non_articles():
    pairs = [ClaimPair("1", "d1 claim", "SUPPORTS", "d1", None, TEXT),
             ClaimPair("2", "other", "NOT_ENOUGH_INFO", "d2", None, "   \n\n  "),
             ClaimPair("3", "again d1", "REFUTES", "d1", None, TEXT)]
    factory = Factory()
    results, skipped = check_claim_pairs(pairs, factory)
    assert factory.built == [["d1"]]
    assert [(p.id, v) for p, v in results] == [("1", "supported"), ("3", "supported")]
    assert skipped == 1


def test_first_questions_keeps_the_first_n_questions():
    questions = tuple(QAQuestion(str(n), "q?", None, None, ()) for n in range(3))
    docs = [QADoc("a", "A", TEXT, questions), QADoc("b", "B", TEXT, questions)]
    assert [len(d.questions) for d in first_questions(docs, 4)] == [3, 1]
    assert [len(d.questions) for d in first_questions(docs, 2)] == [2]
    assert [len(d.questions) for d in first_questions(docs, 0)] == [3, 3]


def test_squad_metrics_with_the_real_engine_on_a_small_document():
    start = TEXT.index("March")
    question = QAQuestion("1", "When did the bridge open?", "March", start, (GoldSpan("March", start),))
    doc = QADoc("bridge", "Bridge", TEXT, (question,))
    results, skipped = answer_qa_docs([doc], lambda articles: Engine.from_articles(articles, EngineConfig(workers=1)))
    scores = squad_metrics(results)
    assert skipped == 0
    assert scores["R@1"] == 1.0
    assert scores["EM"] == exact_match(results[0].reply.answer, ["March"])


def test_table_is_aligned_with_items_and_seconds_first():
    lines = table([SetResult("squad", 3, 1.26, {"R@1": 0.5, "false-abstain": 2}, "")]).splitlines()
    assert lines[1].split() == ["squad", "items", "3"]
    assert lines[2].split() == ["squad", "seconds", "1.3"]
    assert lines[3].split() == ["squad", "R@1", "0.5000"]
    assert len({len(line) for line in lines}) == 1
