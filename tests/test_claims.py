"""Claim verdicts by general rules: coverage, figures, dates, places, negations and opposites."""
from __future__ import annotations

import pytest

from retrieval import Engine, QuestionError, Verdict
from retrieval.claims import ClaimChecker, Mismatch, Reason, choose_verdict, explain
from retrieval.corpus import article_from_text
from retrieval.lexicon import Lexicon

# Made up for these tests.
DAM_PAGE = """Valley Dam Opens After Delays

The new Valley Dam opened on Wednesday after three years of delays, the water agency said.

The dam holds about 40 million cubic meters of water and supplies some 250,000 homes.

Construction cost 1.8 billion dollars, more than twice the first estimate.

Farmers in the valley had resisted the project for a decade, and the regional council refused to fund it in 2019.

The agency confirmed that the reservoir would not be used for boating.

Engineer Lena Park said the turbines would start producing power between May 2 and May 9.
"""


@pytest.fixture(scope="module")
def dam_engine() -> Engine:
    return Engine.from_articles([article_from_text("dam", DAM_PAGE)])


@pytest.mark.parametrize("claim, verdict, reason", [
    ("The Valley Dam opened on Wednesday.", Verdict.SUPPORTED, "the article says Wednesday [1.1]"),
    ("The Valley Dam opened on Friday.", Verdict.CONTRADICTED, "the article says Wednesday, not Friday [1.1]"),
    ("The dam supplies some 250,000 homes.", Verdict.SUPPORTED, "the article says some 250,000 [2.1]"),
    ("The dam supplies about 260,000 homes.", Verdict.SUPPORTED, "the article says some 250,000 [2.1]"),
    ("The dam supplies 400,000 homes.", Verdict.CONTRADICTED, "the article says some 250,000, not 400,000 [2.1]"),
    ("Construction of the dam cost 1.8 billion dollars.", Verdict.SUPPORTED, None),
    ("Construction cost $3 billion.", Verdict.CONTRADICTED,
     "the article says 1.8 billion dollars, not $3 billion [3.1]"),
    ("Farmers in the valley had supported the project for a decade.", Verdict.CONTRADICTED,
     "the article says resisted, not supported [4.1]"),
    ("The regional council refused to fund the project in 2019.", Verdict.SUPPORTED, None),
    ("The regional council refused to fund the project in 2017.", Verdict.CONTRADICTED,
     "the article says 2019, not 2017 [4.1]"),
    ("The regional council funded the project in 2019.", Verdict.CONTRADICTED, None),
    ("The reservoir will be used for boating.", Verdict.CONTRADICTED, None),
    ("The turbines will start producing power between May 2 and May 9.", Verdict.SUPPORTED, None),
    ("The turbines will start producing power between June 2 and June 9.", Verdict.CONTRADICTED, None),
    ("The dam has a fish ladder.", Verdict.NOT_IN_ARTICLE, None),
    ("Lake Tahoe supplies the homes.", Verdict.NOT_IN_ARTICLE, "the article never mentions Lake Tahoe"),
    ("The dam was built by a Chinese contractor.", Verdict.NOT_IN_ARTICLE, None),
    ("The dam supplies homes in three counties.", Verdict.NOT_IN_ARTICLE, "[2.1] does not give three"),
    pytest.param("Lena Park designed the turbines.", Verdict.UNVERIFIED, None, marks=pytest.mark.xfail(
        strict=True, reason="known limit of the verdict model: a claim about a named person whose verb the "
                            "article never uses can be taken as said in other words (docs/QUALITY.md)")),
])
def test_verdicts(dam_engine, claim, verdict, reason):
    check = dam_engine.check(claim)
    assert check.verdict is verdict, check.explanation
    if reason is not None:
        assert check.explanation.startswith(reason)


def test_evidence_leads_with_the_deciding_sentence_and_is_verbatim(dam_engine):
    check = dam_engine.check("The dam supplies 400,000 homes.", k=2)
    assert [c.ref for c in check.evidence][:1] == ["2.1"]
    assert len(check.evidence) == 2
    article = dam_engine.corpus.articles[0]
    assert all(article.text[c.start:c.end] == c.sentence for c in check.evidence)


def test_a_claim_naming_what_the_article_never_names_has_no_evidence(dam_engine):
    check = dam_engine.check("Lake Tahoe supplies the homes.")
    assert check.evidence == ()


def test_a_claim_without_searchable_words_is_refused(dam_engine):
    with pytest.raises(QuestionError):
        dam_engine.check("the and of")


def test_the_explanation_names_who_says_it(dam_engine):
    check = dam_engine.check("The Valley Dam opened on Friday.")
    assert check.explanation.endswith("according to the water agency")


@pytest.mark.parametrize("claim, verdict", [
    ("Russia has sent thirty thousand troops to Belarus.", Verdict.SUPPORTED),
    ("Russia has sent 60,000 troops to Belarus.", Verdict.CONTRADICTED),
    ("Macron visited Moscow on Friday.", Verdict.CONTRADICTED),
    ("Putin visited Moscow on Monday.", Verdict.NOT_IN_ARTICLE),
    ("Lukashenko has for years welcomed Russia's requests to establish an air base.", Verdict.CONTRADICTED),
    ("Japan has sent troops to Belarus.", Verdict.NOT_IN_ARTICLE),
])
def test_pinned_verdicts_on_the_bundled_article(bundled_engine, claim, verdict):
    assert bundled_engine.check(claim).verdict is verdict


@pytest.fixture(scope="module")
def dam_checker(dam_engine: Engine) -> ClaimChecker:
    return ClaimChecker(dam_engine.corpus, dam_engine.evidence, dam_engine.tokenizer, Lexicon())


def test_a_finding_is_structured_and_its_explanation_rendered_from_it(dam_checker):
    finding = dam_checker.check("The dam supplies 400,000 homes.", 3)
    assert finding.verdict is Verdict.CONTRADICTED
    assert finding.reason == Reason(Mismatch.FIGURE_DIFFERS, ("400,000",), ("some 250,000",), "2.1")
    assert explain(finding.reason) == "the article says some 250,000, not 400,000 [2.1]"
    best = finding.evidence[0]
    assert dam_checker.corpus.sentences[best.position].ref == "2.1" and best.coverage == 1.0


def test_a_reason_carries_its_speaker_as_data(dam_checker):
    finding = dam_checker.check("The Valley Dam opened on Friday.", 3)
    assert (finding.reason.kind, finding.reason.speaker) == (Mismatch.DATE_DIFFERS, "the water agency")
    assert explain(finding.reason) == "the article says Wednesday, not Friday [1.1], according to the water agency"


def test_check_citations_score_relevance_not_coverage(dam_engine, dam_checker):
    claim = "The dam supplies some 250,000 homes."
    finding = dam_checker.check(claim, 3)
    scores = dam_engine.index.scores_at(dam_engine.tokenizer.tokens(claim), [e.position for e in finding.evidence])
    assert [c.score for c in dam_engine.check(claim).evidence] == [round(s, 6) for s in scores.tolist()]
    assert [e.relevance for e in finding.evidence] == pytest.approx(scores.tolist())


# Made up for these tests.
BRIDGE_PAGE = """Bridge Inquiry Reports

The inquiry found that the collapse was not the result of a design flaw, the report said.

The bridge will not reopen until the repairs are finished in March.

Inspectors said traffic would use the ferry meanwhile.
"""


def rules_checker(page: str) -> ClaimChecker:
    """A checker by the rules alone (no verdict model) over one made-up article."""
    engine = Engine.from_articles([article_from_text("page", page)])
    return ClaimChecker(engine.corpus, engine.evidence, engine.tokenizer, Lexicon())


@pytest.fixture(scope="module")
def bridge_checker() -> ClaimChecker:
    return rules_checker(BRIDGE_PAGE)


@pytest.mark.parametrize("claim, verdict, kind", [
    # The negation reaches the claim's own word a few words on, past words the claim puts otherwise.
    ("The collapse was down to a design flaw.", Verdict.CONTRADICTED, Mismatch.NEGATED_IN_ARTICLE),
    ("The collapse was the result of a design flaw.", Verdict.CONTRADICTED, Mismatch.NEGATED_IN_ARTICLE),
    # "Not ... until" says when, not whether.
    ("The bridge will reopen in March.", Verdict.SUPPORTED, Mismatch.FIGURES_AGREE),
    ("The bridge will reopen once the repairs are finished in March.", Verdict.SUPPORTED, Mismatch.FIGURES_AGREE),
])
def test_the_reach_of_a_negation(bridge_checker, claim, verdict, kind):
    finding = bridge_checker.check(claim, 3)
    assert (finding.verdict, finding.reason.kind) == (verdict, kind)


def test_a_demonym_before_the_same_word_contradicts():
    page = "Minister Visits\n\nAnna Berg, a Swedish lawmaker, visited the port on Monday.\n"
    engine = Engine.from_articles([article_from_text("visit", page)])
    check = engine.check("Anna Berg is a Norwegian lawmaker.")
    assert check.verdict is Verdict.CONTRADICTED
    assert check.explanation.startswith("the article says Swedish, not Norwegian")
    assert engine.check("Anna Berg is a Swedish lawmaker.").verdict is Verdict.SUPPORTED


def test_two_negations_compare_only_what_they_negate_first():
    page = "Talks\n\nThe mayor said there was no place for anger in the debate.\n"
    checker = rules_checker(page)
    finding = checker.check("The mayor said there was no room for anger in the debate.", 3)
    assert finding.verdict is not Verdict.CONTRADICTED


# Made up for this test.
ROUTER_PAGE = """Router Security

Typically, home routers straight out of the box are set up with the least secure mode, the researcher said.

The city council agreed to extend the library's opening hours.

Rovers ran out 3-2 winners at United on Saturday.
"""


@pytest.fixture(scope="module")
def router_checker() -> ClaimChecker:
    return rules_checker(ROUTER_PAGE)


@pytest.mark.parametrize("claim, verdict, kind", [
    # An opposite word contradicts a sentence about the claim though the rest is put otherwise.
    ("Home routers usually come set to the most secure mode.", Verdict.CONTRADICTED, Mismatch.OPPOSITE),
    ("The council refused to extend the library's opening hours.", Verdict.CONTRADICTED, Mismatch.OPPOSITE),
    ("Rovers lost 3-2 at United.", Verdict.CONTRADICTED, Mismatch.OPPOSITE),
    # Stance adverbs are how a claim is put, not facts the sentence must hold.
    ("Apparently the city council just agreed to extend the library's opening hours.", Verdict.SUPPORTED,
     Mismatch.STATED),
])
def test_opposites_and_stance(router_checker, claim, verdict, kind):
    finding = router_checker.check(claim, 3)
    assert (finding.verdict, finding.reason.kind) == (verdict, kind), explain(finding.reason)


def test_the_headline_s_names_are_what_every_sentence_is_about():
    page = "Acme Recalls Kettles\n\nThe firm said the recall covers 12,000 kettles sold since May.\n"
    checker = rules_checker(page)
    assert checker.check("Acme's recall covers 12,000 kettles.", 3).verdict is Verdict.SUPPORTED
    assert checker.check("Acme's recall covers 15,000 kettles.", 3).verdict is Verdict.CONTRADICTED
    assert checker.check("Zenith's recall covers 12,000 kettles.", 3).verdict is not Verdict.SUPPORTED


def test_a_date_is_compared_with_the_one_that_follows_the_same_verb():
    page = ("Travel Passes\n\nThe first passes will be issued in 2008, and the board may decide in 2011 "
            "whether to extend the scheme.\n")
    checker = rules_checker(page)
    issued = checker.check("The first passes will be issued in 2011.", 3)
    assert issued.verdict is Verdict.CONTRADICTED and explain(issued.reason).startswith("the article says 2008, not 2011")
    assert checker.check("The board may decide in 2011 whether to extend the scheme.", 3).verdict is Verdict.SUPPORTED


def test_a_comparison_s_baseline_given_as_the_current_figure_is_contradicted():
    page = ("Acme Results\n\nAcme reported a first-quarter net profit of 40 mln dlrs, compared with "
            "55 mln dlrs a year earlier.\n")
    checker = rules_checker(page)
    baseline = checker.check("Acme reported a first-quarter net profit of 55 mln dlrs.", 3)
    assert baseline.verdict is Verdict.CONTRADICTED
    assert explain(baseline.reason).startswith("the article says 40 mln dlrs, not 55 mln dlrs")
    assert checker.check("Acme reported a first-quarter net profit of 40 mln dlrs.", 3).verdict is Verdict.SUPPORTED
    # A claim about the earlier period, or one that makes the comparison itself, may give the baseline.
    earlier = checker.check("Acme's first-quarter net profit was 55 mln dlrs a year earlier.", 3)
    assert earlier.verdict is not Verdict.CONTRADICTED, explain(earlier.reason)
    both = checker.check("Acme reported a first-quarter net profit of 40 mln dlrs, down from 55 mln dlrs.", 3)
    assert both.verdict is Verdict.SUPPORTED, explain(both.reason)


def test_a_forecast_s_figure_is_not_contradicted_by_a_stated_one():
    page = "Dollar Slides\n\nThe dollar dropped to 1.80 marks this week, dealers said.\n"
    checker = rules_checker(page)
    assert checker.check("The dollar dropped to 1.60 marks this week.", 3).verdict is Verdict.CONTRADICTED
    forecast = checker.check("Dealers said the dollar would drop to 1.60 marks.", 3)
    assert forecast.verdict is not Verdict.CONTRADICTED, explain(forecast.reason)


def test_a_misspelt_long_word_of_a_claim_is_read_as_the_article_spells_it(dam_engine):
    check = dam_engine.check("The Vallley Dam opened on Wednesday.")
    assert check.verdict is Verdict.SUPPORTED, check.explanation



def test_a_sentence_that_negates_the_claim_is_never_its_paraphrase():
    features = {**{f"best_{kind.name.lower()}": 0.0 for kind in Mismatch}, "best_related": 1.0,
                "any_differing": 0.0, "any_supporting": 0.0, "any_contradicting": 0.0,
                "unknown_names": 0.0, "coverage": 0.8}
    probabilities = {"supported": 0.9, "contradicted": 0.05, "not_in_article": 0.05}
    assert choose_verdict(probabilities, {**features, "best_conflict": 0.0}, 0.5)[0] is Verdict.SUPPORTED
    assert choose_verdict(probabilities, {**features, "best_conflict": 1.0}, 0.5)[0] is Verdict.NOT_IN_ARTICLE


def test_a_claim_gets_the_same_verdict_beside_other_articles():
    # The verdict model reads which claim words the best sentence's article uses, as it was
    # trained: another article using "inaugurated" does not make it a fact the dam's lacks.
    dam = article_from_text("dam", "Valley Dam Opens\n\nThe new Valley Dam opened on Wednesday after three years "
                                   "of delays, the water agency said.\n")
    library = article_from_text("library", "Library Opens\n\nThe mayor inaugurated the city library on Friday, "
                                           "and officials celebrated the long-awaited reopening.\n")
    alone, beside = Engine.from_articles([dam]), Engine.from_articles([dam, library])
    for claim in ("The Valley Dam was inaugurated on Wednesday.",
                  "Officials celebrated the Valley Dam opening on Wednesday.",
                  "The long-awaited Valley Dam opened on Wednesday."):
        assert beside.check(claim).verdict is alone.check(claim).verdict, claim
