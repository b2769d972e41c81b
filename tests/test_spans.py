"""Answer spans: the asked kind, verbatim, from cited sentences only, each found once."""
from __future__ import annotations

import pytest

from retrieval import Engine
from retrieval.corpus import Corpus, article_from_text
from retrieval.question import analyse
from retrieval.spans import Fit, Span, SpanExtractor
from retrieval.text import Tokenizer


def sentence_starting(engine: Engine, starts: str):
    return next(s for s in engine.corpus.sentences if s.text.startswith(starts))


def span_from(engine: Engine, question: str, *starts: str) -> Span | None:
    parsed = analyse(question, engine.tokenizer)
    return SpanExtractor(engine.corpus, engine.tokenizer).extract(
        parsed, [sentence_starting(engine, s).position for s in starts])


@pytest.mark.parametrize("question, cited, expected", [
    ("How many jobs will the expansion add?", "The expansion will cost", "nearly 900"),
    ("How much will the expansion cost?", "The expansion will cost", "2.4 billion dollars"),
    ("How close to the rail terminal can ships dock?", "Ships will be able", "within 12 miles"),
    ("When can ships dock at the terminal?", "Ships will be able", "March 3 and March 9, 2026"),
    ("On what day did the council approve the expansion?", "The regional council", "Thursday"),
    ("By what year will the work be finished?", "Lopez told", "2028"),
    ("Who is the transport minister?", "Transport Minister", "Tomas Berg"),
    ("Which cities did the minister visit?", "Transport Minister", "Rotterdam, Hamburg, and Antwerp"),
    ("Where did Tomas Berg go?", "Transport Minister", "Rotterdam, Hamburg, and Antwerp"),
    ("Which company backs the plan?", "The plan is backed", "Nordline"),
    ("Who is Maria Lopez?", '"We expect', "the head of the port authority"),
])
def test_the_answer_is_a_verbatim_span_of_the_asked_kind(port_engine, question, cited, expected):
    span = span_from(port_engine, question, cited)
    assert span is not None and span.text == expected
    assert span.text in sentence_starting(port_engine, cited).text


@pytest.mark.parametrize("question, cited", [
    ("How many cranes will arrive?", "The expansion will cost"),
    ("How close to the rail terminal can ships dock?", "The expansion will cost"),
    ("In what year was the port built?", "The regional council"),
    ("Who is the transport minister?", "The expansion will cost"),
    ("Why was the port expanded?", "The plan is backed"),
])
def test_no_span_when_no_cited_sentence_holds_one_of_the_asked_kind(port_engine, question, cited):
    assert span_from(port_engine, question, cited) is None


def test_never_a_span_from_an_uncited_sentence(port_engine):
    assert span_from(port_engine, "How many jobs will the expansion add?", "Ships will be able") is None


def test_the_question_s_own_words_are_not_an_answer(port_engine):
    assert span_from(port_engine, "Who is Tomas Berg?", "Transport Minister") == Span("Transport Minister")
    assert span_from(port_engine, "Who visited Rotterdam?", "Transport Minister") == Span("Tomas Berg")


def test_a_count_of_the_asked_thing_beats_a_better_ranked_bare_figure(port_engine):
    span = span_from(port_engine, "How many jobs will be added?", "Ships will be able", "The expansion will cost")
    assert span.text == "nearly 900"


def test_a_surname_is_completed_from_another_cited_sentence(port_engine):
    span = span_from(port_engine, "Who told reporters about the work?", "Lopez told", '"We expect')
    assert span.text == "Maria Lopez"


def test_the_answer_carries_its_attribution(port_engine):
    answer = port_engine.ask("How many jobs will the port expansion add?")
    assert (answer.answer, answer.attribution) == ("nearly 900", "port authority officials")


def test_no_attribution_when_the_answer_is_the_speaker(port_engine):
    span = span_from(port_engine, "Who is the head of the port authority?", '"We expect')
    assert span == Span("Maria Lopez", None)


@pytest.mark.parametrize("question, text, fit", [
    ("How many troops were sent?", "Russia sent 30,000 troops.", Fit.STRONG),
    ("How many troops were sent?", "Russia sent 30,000.", Fit.WEAK),
    ("How many troops were sent?", "Russia sent troops.", 0),
    ("When did it happen?", "It happened on Feb. 10.", Fit.STRONG),
    ("Who is the president?", "The president visited Minsk.", Fit.WEAK),
    ("Who is the president?", "President Joe Biden spoke.", Fit.STRONG),
    ("What did the president say?", "President Joe Biden spoke.", 0),
])
def test_answer_fit_is_the_best_fit_of_the_asked_kind(question, text, fit):
    tokenizer = Tokenizer()
    corpus = Corpus.from_articles([article_from_text("one", f"Title\n\n{text}")])
    position = next(s.position for s in corpus.sentences if s.text == text)
    assert SpanExtractor(corpus, tokenizer).answer_fit(position, analyse(question, tokenizer)) == fit


def test_candidates_are_found_once_per_sentence_and_question(port_engine):
    extractor = SpanExtractor(port_engine.corpus, port_engine.tokenizer)
    question = analyse("How many jobs will the expansion add?", port_engine.tokenizer)
    position = sentence_starting(port_engine, "The expansion will cost").position
    assert extractor.answer_fit(position, question) >= Fit.GOOD
    extractor.extract(question, [position])
    assert extractor.candidates.cache_info().misses == 1
    assert {c.fit for c in extractor.candidates(position, question)} <= set(Fit)


@pytest.mark.parametrize("question, expected, speaker", [
    ("How many troops did Russia send to Belarus?", "30,000", "NATO officials"),
    ("Where will the additional American soldiers go?", "Poland, Romania, and Germany", None),
    ("Who is the French president?", "Emmanuel Macron", None),
])
def test_pinned_answers_on_the_bundled_article(bundled_engine, question, expected, speaker):
    answer = bundled_engine.ask(question)
    assert (answer.answer, answer.attribution) == (expected, speaker)


# Made up: forms people type in a channel, each answered by one sentence.
CHANNEL_PAGE = """Airline Deal Approved

Regulators cleared the merger on Friday, the agency said.

The buyer, a unit of Atlas Airlines, agreed to pay 4.5 mln dlrs for a 38 pct stake.

The union said the deal would not cost any jobs because both carriers were growing.

Chief executive Mara Quist, 52, said the airline had been linked with Oslo and Riga.

Staff were given a 90-day consultation period, and the new routes start by the end of 2027.

The new booking system is called SkyDesk and launches in summer 2026.

The airline's football team beat the ground crew 24–10 in the charity final.

The pilot, a man aged 51 from Riga, flew the first route in 3 hours.
"""


@pytest.fixture(scope="module")
def channel_engine() -> Engine:
    return Engine.from_articles([article_from_text("airline", CHANNEL_PAGE)])


@pytest.mark.parametrize("question, cited, expected", [
    ("which airline is the buyer part of", "The buyer", "Atlas Airlines"),
    ("whats the price of the stake", "The buyer", "4.5 mln dlrs"),
    ("what % did the buyer get", "The buyer", "38 pct"),
    ("why wont the deal cost jobs", "The union", "both carriers were growing"),
    ("what did the union say about jobs", "The union", "the deal would not cost any jobs because both carriers were growing"),
    ("how old is mara quist", "Chief executive", "52"),
    ("how old was the pilot", "The pilot, a man", "51"),
    # A choice question gets the one alternative the sentence uses.
    ("was the first route flown by a man or a woman?", "The pilot, a man", "man"),
    ("did the ground crew win or lose the final?", "The airline's football", None),
    ("which cities has the airline been linked with", "Chief executive", "Oslo and Riga"),
    ("how long is the consultation period", "Staff were", "90-day"),
    ("when do the new routes start", "Staff were", "by the end of 2027"),
    ("whats the new booking system called", "The new booking", "SkyDesk"),
    ("what was the final score", "The airline's football", "24–10"),
])
def test_channel_forms_get_the_asked_kind(channel_engine, question, cited, expected):
    span = span_from(channel_engine, question, cited)
    assert (span.text if span else None) == expected


# Made up for this test.
STRIKE_PAGE = """Strike Ends

The strike lasted three days and cost the firm 2 million pounds.

The union won a five-year deal for its members.

The talks ended a three month-long dispute.

The firm's shares fell to 1.80 dollars during the stoppage.

The pound dropped to 1.20 dollars from above 1.35 dollars at the start of the year.

The city leads the country in charging points, with more than 400.

The union paid out £50,000 in strike pay.
"""


@pytest.fixture(scope="module")
def strike_engine() -> Engine:
    return Engine.from_articles([article_from_text("strike", STRIKE_PAGE)])


def candidate_fits(engine: Engine, question: str, cited: str) -> dict[str, Fit]:
    """Each answer candidate of the sentence starting `cited`, by its text, with its fit."""
    sentence = sentence_starting(engine, cited)
    found = SpanExtractor(engine.corpus, engine.tokenizer).candidates(sentence.position,
                                                                     analyse(question, engine.tokenizer))
    return {sentence.text[c.start:c.end]: c.fit for c in found}


@pytest.mark.parametrize("question, cited, expected", [
    ("How much did the strike cost?", "The strike lasted", "2 million pounds"),
    ("How many days did the strike last?", "The strike lasted", "three days"),
    ("How long did the strike last?", "The strike lasted", "three days"),
    # A duration answers "how long", not "how much": no span rather than a wrong kind.
    ("How much did the union members get?", "The union won", None),
    ("How long did the dispute run for?", "The talks ended", "three month-long"),
    ("How low did the firm's shares go?", "The firm's shares", "1.80 dollars"),
    ("How low has the pound gone against the dollar?", "The pound dropped", "1.20 dollars"),
    # The counted thing named before a bare figure.
    ("How many charging points has the city got?", "The city leads", "more than 400"),
])
def test_figures_of_the_asked_measure(strike_engine, question, cited, expected):
    span = span_from(strike_engine, question, cited)
    assert (span.text if span else None) == expected


def test_a_sum_of_money_counts_no_people(strike_engine):
    assert candidate_fits(strike_engine, "How many people did the union have out on strike?",
                          "The union paid") == {"£50,000": Fit.WEAK}
    assert candidate_fits(strike_engine, "How much did the union pay?", "The union paid") == {"£50,000": Fit.STRONG}


@pytest.mark.parametrize("question, fits", [
    ("How low has the pound gone?", {"1.20 dollars": Fit.GOOD, "1.35 dollars": Fit.WEAK}),
    # A question about the earlier time may ask for the baseline.
    ("How much was the pound worth at the start of the year, before the drop?",
     {"1.20 dollars": Fit.STRONG, "1.35 dollars": Fit.STRONG}),
])
def test_a_comparison_s_baseline_is_a_weak_answer(strike_engine, question, fits):
    assert candidate_fits(strike_engine, question, "The pound dropped") == fits


def test_a_lower_citation_that_shares_no_word_with_the_question_gives_no_span():
    page = ("Troops Arrive\n\nWill they ever leave?\n\nThe president can stay in office until 2035 under the new "
            "constitution.\n")
    engine = Engine.from_articles([article_from_text("leave", page)])
    assert span_from(engine, "when will the troops leave", "Will they ever leave", "The president can stay") is None
    assert span_from(engine, "until when can the president stay in office", "Will they ever leave",
                     "The president can stay").text == "2035"


def test_a_lower_citation_lends_only_a_thing_near_the_question_s_words():
    page = ("Troops Arrive\n\nWill they ever leave?\n\nProtests challenged his grip on power in 2020 and he now "
            "appears to be signaling that he would let Moscow station Russian troops in the country.\n\n"
            "The troops arrived in January and could leave in March.\n")
    engine = Engine.from_articles([article_from_text("leave", page)])
    assert span_from(engine, "when will the troops leave", "Will they ever leave", "Protests challenged") is None
    assert span_from(engine, "when will the troops leave", "Will they ever leave",
                     "The troops arrived").text == "March"
