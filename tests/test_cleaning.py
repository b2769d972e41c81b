"""Page cleaning by general rules: on small exact pages, and on the bundled article."""
from __future__ import annotations

import re

import pytest

from retrieval.cleaning import clean_page, paragraph_spans
from retrieval.corpus import bundled_article_text
from retrieval.text import fold

# Prompts a news site wraps around an article; none of them is article text.
SITE_PROMPT = re.compile(r"subscri|comment|newsletter|sign (in|up)|log in|not your account|"
                         r"join the conversation", re.IGNORECASE)


def kept(text: str, page) -> list[str]:
    return [text[start:end] for start, end in page.paragraphs]


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def overlap(a: str, b: str) -> float:
    """Share of the smaller paragraph's words that the other holds."""
    first, second = words(a), words(b)
    return len(first & second) / max(1, min(len(first), len(second)))


def test_harbor_page_parts(harbor_page, harbor_paragraphs):
    page = clean_page(harbor_page)
    assert page.title == "City Council Approves New Harbor Bridge"
    assert page.standfirst == "The vote ends a decade of debate over the crossing."
    assert page.byline == "By Jane Doe and John Roe"
    assert page.authors == ("Jane Doe", "John Roe")
    assert tuple(kept(harbor_page, page)) == harbor_paragraphs


def test_teaser_heading_drops_everything_after_it(harbor_page):
    page = clean_page(harbor_page)
    teaser = harbor_page.index("More from")
    assert all(end <= teaser for _, end in page.paragraphs)


@pytest.mark.parametrize("heading", ["Related", "Related articles:", "Read more", "Most popular",
                                     "Recommended for you", "See also", "You might also like"])
def test_teaser_headings(heading):
    text = f"Body one is here.\n\nBody two is here.\n\n{heading}\n\nAnother story entirely.\n"
    assert kept(text, clean_page(text)) == ["Body one is here.", "Body two is here."]


@pytest.mark.parametrize("prompt", [
    "Subscribe to our newsletter for daily updates.",
    "Already a subscriber? Sign in.",
    "Join the conversation",
    "Please follow our comment guidelines and be civil.",
    "Share this article on social media.",
    "Download the app for the latest news.",
])
def test_site_prompts_are_dropped(prompt):
    text = f"Heading Of The Story\n\nThe first real paragraph.\n\n{prompt}\n\nThe second real paragraph.\n"
    assert kept(text, clean_page(text)) == ["The first real paragraph.", "The second real paragraph."]


def test_a_long_paragraph_about_subscriptions_is_reporting_and_kept():
    report = ("The newspaper said its print subscriptions fell by half between 2010 and 2020, as readers "
              "moved online and advertisers followed them to social media, and that it would close two "
              "printing plants and cut 300 jobs by the end of next year.")
    text = f"Paper Cuts Jobs\n\n{report}\n\nUnions called the plan a mistake.\n"
    assert report in kept(text, clean_page(text))


@pytest.mark.parametrize("news", [
    "The company earned 89 cts per share on sales of 1.2 billion dlrs.",
    "Its subscriber numbers rose by a third.",
    "Follow-up talks are set for May.",
])
def test_short_news_paragraphs_that_name_shares_or_subscribers_are_kept(news):
    text = f"Quarterly Results\n\nThe first real paragraph.\n\n{news}\n"
    assert news in kept(text, clean_page(text))


def test_a_sentence_starting_with_by_is_not_a_byline():
    text = ("Storm Hits Coast\n\nWinds reached 90 miles an hour overnight.\n\n"
            "By Tuesday, more than 300 people had been evacuated.\n\n"
            "by contrast, the mainland was spared.\n")
    page = clean_page(text)
    assert page.byline is None and page.authors == ()
    assert kept(text, page) == ["Winds reached 90 miles an hour overnight.",
                                "By Tuesday, more than 300 people had been evacuated.",
                                "by contrast, the mainland was spared."]


@pytest.mark.parametrize("line, authors", [
    ("By Jane Doe", ("Jane Doe",)),
    ("By Jane Doe | Reuters", ("Jane Doe",)),
    ("By Jane Doe, John Roe and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
    ("BY JANE DOE AND JOHN ROE", ("JANE DOE", "JOHN ROE")),
    ("By Jane Doe & John Roe", ("Jane Doe", "John Roe")),
])
def test_byline_authors(line, authors):
    text = f"Storm Hits Coast\n\n{line}\n\nWinds reached 90 miles an hour.\n\nThe bridge closed.\n"
    page = clean_page(text)
    assert page.byline == line
    assert page.authors == authors
    assert line not in kept(text, page)


def test_author_bio_is_kept_as_text_and_names_the_author():
    text = "Storm Hits Coast\n\nWinds reached 90 miles.\n\nAna Ruiz is a climate reporter at the Gazette.\n"
    page = clean_page(text)
    assert "Ana Ruiz is a climate reporter at the Gazette." in kept(text, page)
    assert page.authors == ("Ana Ruiz",)


def test_two_bios_make_a_byline_of_both_names():
    text = ("Storm Hits Coast\n\nWinds reached 90 miles.\n\nAna Ruiz is a climate reporter at the Gazette.\n\n"
            "Li Wei is a staff writer at the Gazette. Twitter: @liwei\n")
    page = clean_page(text)
    assert page.byline == "Ana Ruiz and Li Wei" and page.authors == ("Ana Ruiz", "Li Wei")
    assert kept(text, page)[-1] == "Li Wei is a staff writer at the Gazette."


CREDITS = ["Sergei Gapon/AFP via Getty Images", "AP Photo/Evan Vucci", "REUTERS/Kevin Lamarque",
           "Anna Moneymaker/Pool/Getty Images", "Photo: Jane Doe for The Gazette", "Photograph by Ann Poe",
           "(Reuters)", "Getty Images", "Image credit: Ann Poe/Shutterstock"]
HANDLES = ["Twitter:\u00a0@janedoe", "X: @jane_doe", "Follow her on Twitter @janedoe", "@janedoe"]


@pytest.mark.parametrize("credit", CREDITS + HANDLES)
def test_credit_and_handle_lines_are_dropped_and_cut_from_line_ends(credit):
    caption = "Rescuers search the harbor near Port Alden, on Monday."
    text = f"Storm Hits Coast\n\nWinds reached 90 miles.\n\n{credit}\n\n{caption} {credit}\n\nThe bridge closed.\n"
    assert kept(text, clean_page(text)) == ["Winds reached 90 miles.", caption, "The bridge closed."]


@pytest.mark.parametrize("line", ["Israel/Palestine", "Photos show the damage to the pier.", "Images of the storm",
                                  "The AP reported the closure.", "He said it was 50/50 whether it would open.",
                                  "Follow the money"])
def test_lines_that_only_look_like_credits_are_kept(line):
    text = f"Storm Hits Coast\n\nWinds reached 90 miles.\n\n{line}\n\nThe bridge closed.\n"
    assert line in kept(text, clean_page(text))


def test_exact_and_near_duplicates_keep_the_longest_copy_in_the_first_place():
    short = "Officials inspect the damaged pier in Port Alden on Monday."
    long = "Officials inspect the damaged pier in Port Alden on Monday, a day after the storm. Photo: Ann Poe"
    text = f"Storm Hits Coast\n\n{short}\n\n{short}\n\nWinds reached 90 miles.\n\n{long}\n\nThe end came.\n"
    assert kept(text, clean_page(text)) == [long.removesuffix(" Photo: Ann Poe"), "Winds reached 90 miles.",
                                            "The end came."]


def test_first_paragraph_that_ends_a_sentence_is_not_a_title():
    text = "Winds reached 90 miles an hour.\n\nThe bridge closed.\n"
    page = clean_page(text)
    assert page.title is None
    assert kept(text, page) == ["Winds reached 90 miles an hour.", "The bridge closed."]


@pytest.mark.parametrize("first_line", ["Storm Hits Coast", "# Storm Hits Coast"])
def test_known_title_repeated_in_the_text_is_not_body(first_line):
    text = f"{first_line}\n\nWinds reached 90 miles an hour.\n\nThe bridge closed.\n"
    page = clean_page(text, known_title="Storm Hits Coast")
    assert kept(text, page) == ["Winds reached 90 miles an hour.", "The bridge closed."]


def test_known_title_keeps_a_first_paragraph_that_is_body():
    text = "Winds hit the coast\n\nThe bridge closed.\n"
    page = clean_page(text, known_title="Storm Hits Coast")
    assert page.title is None
    assert kept(text, page) == ["Winds hit the coast", "The bridge closed."]


def test_hard_wrapped_paragraph_is_joined():
    text = "The council voted on\nTuesday to approve the bridge.\n\nThe mayor agreed.\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "The council voted on\nTuesday to approve the bridge.", "The mayor agreed."]


def test_one_paragraph_a_line_without_blank_lines():
    text = "Storm Hits Coast\nWinds reached 90 miles.\nThe bridge closed.\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "Storm Hits Coast", "Winds reached 90 miles.", "The bridge closed."]


def test_paragraph_spans_are_stripped_and_ordered():
    text = "  First line here.  \n\n\t Second line here.\t\n"
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["First line here.", "Second line here."]
    assert spans == sorted(spans)


# The bundled article, checked by general properties rather than its wording.

def test_bundled_title_and_standfirst_are_the_first_two_lines(bundled_article):
    lines = [line.strip() for line in bundled_article_text().splitlines() if line.strip()]
    assert bundled_article.title == lines[0]
    assert bundled_article.standfirst == lines[1]


def test_bundled_has_no_duplicated_paragraph(bundled_article):
    raw = [line.strip() for line in bundled_article_text().splitlines() if line.strip()]
    assert len(set(raw)) < len(raw), "the scraped page repeats paragraphs; cleaning must drop them"
    paragraphs = [bundled_article.text[s:e] for s, e in bundled_article.paragraphs]
    for i, first in enumerate(paragraphs):
        for second in paragraphs[i + 1:]:
            assert overlap(first, second) < 0.9, (first, second)


def test_bundled_indexes_nothing_from_the_teaser_block(bundled_engine, bundled_article):
    teaser = re.search(r"^More from\b", bundled_article.text, re.MULTILINE)
    assert teaser, "the scraped page has a 'More from' teaser block"
    assert all(s.end <= teaser.start() for s in bundled_engine.corpus.sentences)


def test_bundled_indexes_no_site_prompt(bundled_engine):
    assert SITE_PROMPT.search(bundled_article_text())
    assert not [s.text for s in bundled_engine.corpus.sentences if SITE_PROMPT.search(s.text)]


def test_bundled_indexes_no_credit_or_handle(bundled_engine):
    credit = re.compile(r"/\S*\s*(via )?Getty Images|Twitter:|@\w+$")
    assert credit.search(bundled_article_text())
    assert not [s.text for s in bundled_engine.corpus.sentences if credit.search(s.text)]


def test_bundled_byline_and_author_bios_are_kept(bundled_engine, bundled_article):
    assert bundled_article.byline == " and ".join(bundled_article.authors)
    assert len(bundled_article.authors) >= 1
    for author in bundled_article.authors:
        assert any(s.text.startswith(author) for s in bundled_engine.corpus.sentences), author
