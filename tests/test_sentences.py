"""Punkt sentence splitting, offline, on the hard cases of news prose."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.sentences import SentenceSplitter, shipped_abbreviations
from retrieval.text import stopwords

PLAIN = SentenceSplitter()


def split(text: str, splitter: SentenceSplitter = PLAIN) -> list[str]:
    return [text[start:end] for start, end in splitter.spans(text)]


HARD_CASES = [
    ["Gen. Mark Milley spoke on Monday.", "He said little."],
    ["The talks began in Sept. 2021 and ended in Oct. 2022.", "Nobody won."],
    ["She moved to Washington, D.C. in 2019.", "Then she left."],
    ["He met officials in Washington, D.C., on Friday.", "They talked."],
    ["A senior U.S. State Department official spoke.", "Then more."],
    ["Troops arrived in the U.S.", "The deployment ended later."],
    ["The U.K. and the U.N. disagreed.", "Talks stalled."],
    ["The exercises run between Feb. 10 and Feb. 20, officials said.", "More will follow."],
    ["The law, known as No. 5, passed.", "It was popular."],
    ["Sen. Smith and Gov. Jones met Dr. Brown at 3 p.m. on Tuesday.", "They agreed."],
    ["Apple Inc. reported profits.", "Shares rose."],
    ["He lives at 10 Downing St. in London.", "It is old."],
    ["The price rose 2.5 percent.", "It fell 3.1 percent later."],
    ["\u201cWill they leave?\u201d he asked.", "\u201cI don\u2019t know.\u201d"],
    ["\"Why now?\" she said.", "\"Because it is time.\""],
    ["\u201cHow long will they stay there?", "I don\u2019t know,\u201d he added."],
    ["Ukraine lies to the south of Belarus.", "(Belarus is to the north.)", "The drills go on."],
    ["The drills (which began on Feb. 10) end soon.", "Troops may stay."],
]


@pytest.mark.parametrize("expected", HARD_CASES, ids=lambda case: case[0][:30])
def test_hard_cases_untrained(expected):
    assert split(" ".join(expected)) == expected


@pytest.mark.parametrize("expected", HARD_CASES, ids=lambda case: case[0][:30])
def test_hard_cases_trained_on_the_text(expected):
    corpus = "\n\n".join(" ".join(case) for case in HARD_CASES)
    assert split(" ".join(expected), SentenceSplitter.trained_on(corpus)) == expected


def test_trained_splitter_keeps_a_capitalised_word_after_an_abbreviation():
    # "state" also occurs in lower case, which plain Punkt takes as proof of a sentence start.
    text = ("A senior U.S. State Department official spoke on Monday. "
            "The proposed state budget was rejected. Officials said little.")
    assert split(text, SentenceSplitter.trained_on(text)) == [
        "A senior U.S. State Department official spoke on Monday.",
        "The proposed state budget was rejected.",
        "Officials said little.",
    ]


def test_a_word_seen_once_before_a_full_stop_is_no_learned_abbreviation():
    # Trained on one short article, Punkt takes "lab" (seen once, before a full stop) for an
    # abbreviation and joins the two sentences around it.
    other = ("The company said on Monday that its quarterly results would be published later this month, "
             "according to people familiar with the plans, who asked not to be named. ")
    quoted = '"We have overcome a fundamental limit," said the director of the photonics lab.'
    writing = ("Writing in the journal Nature, the team showed how the laser was made from the same material, "
               "which means the writing is on the wall for older designs.")
    text = other * 3 + quoted + " " + writing + " " + other * 3
    sentences = split(text, SentenceSplitter.trained_on(text))
    assert quoted in sentences and writing in sentences


def test_spans_are_offsets_into_the_whole_text_within_the_given_range():
    text = "Title line\n\nFirst one. Second one.\n\nLast paragraph here."
    start = text.index("First")
    end = text.index("\n\nLast")
    spans = PLAIN.spans(text, start, end)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one."]
    assert spans[0][0] == start


def test_blank_text_has_no_sentences():
    assert PLAIN.spans("") == []
    assert PLAIN.spans("   \n\t ") == []


def test_shipped_abbreviations_cover_the_usual_news_ones():
    assert {"gen", "gov", "sen", "rep", "jr", "inc", "corp", "no", "st", "sept",
            "u.s", "u.k", "u.n", "d.c"} <= shipped_abbreviations()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab C.?!\u201c\u201d\"()\n 1,")), max_size=120))
def test_spans_are_ordered_disjoint_stripped_and_non_empty(text):
    spans = PLAIN.spans(text)
    for (start, end), following in zip(spans, spans[1:] + [(len(text), len(text))]):
        assert 0 <= start < end <= following[0]
        assert not text[start].isspace() and not text[end - 1].isspace()
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(text.split()) == "".join(covered.split())


def test_bundled_sentences_are_verbatim_at_their_spans(bundled_engine):
    articles = {a.doc: a for a in bundled_engine.corpus.articles}
    for sentence in bundled_engine.corpus.sentences:
        assert articles[sentence.doc].text[sentence.start:sentence.end] == sentence.text


def test_bundled_sentences_lie_in_their_paragraph(bundled_engine, bundled_article):
    for sentence in bundled_engine.corpus.sentences:
        start, end = bundled_article.paragraphs[sentence.paragraph - 1]
        assert start <= sentence.start < sentence.end <= end


def test_bundled_refs_and_positions(bundled_engine):
    sentences = bundled_engine.corpus.sentences
    assert [s.position for s in sentences] == list(range(len(sentences)))
    assert len({s.sentence_id for s in sentences}) == len(sentences)
    for previous, sentence in zip(sentences, sentences[1:]):
        if sentence.paragraph == previous.paragraph:
            assert sentence.number == previous.number + 1
        else:
            assert (sentence.paragraph, sentence.number) == (previous.paragraph + 1, 1)


def test_bundled_article_is_never_split_after_an_abbreviation_before_a_name(bundled_engine):
    """After "U.S." or "Gen." a new sentence may start only with a function word ("The")."""
    sentences = bundled_engine.corpus.sentences
    for sentence, following in zip(sentences, sentences[1:]):
        if following.paragraph != sentence.paragraph:
            continue
        last_word = sentence.text.split()[-1].lower().rstrip(".")
        if last_word in shipped_abbreviations():
            assert following.text.split()[0].lower() in stopwords(), (sentence.text, following.text)


def test_bundled_article_has_no_sentence_starting_in_lower_case(bundled_engine):
    assert not [s.text for s in bundled_engine.corpus.sentences if s.text[0].islower()]
