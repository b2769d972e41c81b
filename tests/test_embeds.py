import json
import re
import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import embeds
from bot.embeds import ELLIPSIS, notice, quote, shorten
from retrieval import Answer, Citation, ClaimCheck, Context, SourceInfo, Verdict

TROOPS = "How many troops has Russia sent to Belarus?"


@pytest.fixture(scope="module")
def engine(bundled_engine):
    return bundled_engine


def citation(ref="5.1", sentence="Russia has sent 30,000 troops.", title="An article", doc="doc", url=None):
    return Citation(doc, title, ref, sentence, 0, len(sentence), 1.5, url)


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= embeds.EMBED_TOTAL_LIMIT
    assert len(embed.title or "") <= embeds.TITLE_LIMIT
    assert len(embed.description or "") <= embeds.DESCRIPTION_LIMIT
    assert len(embed.footer.text or "") <= embeds.FOOTER_LIMIT
    assert len(embed.fields) <= embeds.FIELD_COUNT_LIMIT
    for field in embed.fields:
        assert 0 < len(field.name) <= embeds.FIELD_NAME_LIMIT and field.name.strip()
        assert 0 < len(field.value) <= embeds.FIELD_VALUE_LIMIT and field.value.strip()


# shorten

def test_shorten_leaves_text_that_fits():
    assert shorten("three little words", 18) == "three little words"


def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis():
    text = "Russia has sent thirty thousand troops to Belarus"
    cut = shorten(text, 30)
    assert len(cut) <= 30 and cut.endswith(ELLIPSIS)
    kept = cut[:-len(ELLIPSIS)]
    assert text.startswith(kept) and text[len(kept)] == " "
    assert cut == "Russia has sent thirty…"


def test_shorten_cuts_one_long_word_mid_word():
    assert shorten("x" * 50, 10) == "x" * 9 + ELLIPSIS


def test_shorten_never_leaves_a_backslash_before_the_ellipsis():
    cut = shorten(quote("aaaa bbbbbbbbbbbbbbbbbbbb *cc* " + "d" * 40), 28)
    assert not cut[:-1].endswith("\\") and len(cut) <= 28


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_shorten_respects_any_limit(text, limit):
    cut = shorten(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith(ELLIPSIS)


# quote and notice

def test_quote_escapes_markdown():
    assert quote("a *bold* _claim_ with `code` and ~~strike~~") == \
        r"a \*bold\* \_claim\_ with \`code\` and \~\~strike\~\~"


@pytest.mark.parametrize("mention", ["@everyone", "@here", "<@123456789012345678>", "<@!123456789012345678>",
                                     "<@&123456789012345678>"])
def test_quote_neutralises_mentions(mention):
    quoted = quote(f"hey {mention} look")
    assert mention not in quoted
    assert "@\u200b" in quoted


@pytest.mark.parametrize(("text", "start"), [("# Heading", "\\#"), ("- item", "\\-"), ("> quoted", "\\>"),
                                             ("12. point", "12\\.")])
def test_quote_escapes_line_start_markup(text, start):
    assert quote(text).startswith(start)


def test_quote_puts_text_on_one_line():
    assert quote("one\n\ntwo\tthree") == "one two three"


def test_notice_is_safe_and_short():
    text = notice("@everyone " + "word " * 1000)
    assert len(text) <= embeds.MESSAGE_LIMIT and "@everyone" not in text and text.endswith(ELLIPSIS)


# answers

def test_answer_embed_cites_the_troop_sentence(engine):
    answer = engine.ask(TROOPS)
    embed = embeds.answer_embed(answer)
    assert_within_limits(embed)
    assert embed.title == TROOPS
    first = embed.fields[0]
    assert first.name.startswith(f"{answer.citations[0].ref} · ")
    assert "30,000" in first.value and first.value.startswith("> ")
    assert embed.footer.text.startswith(f"Confidence {answer.confidence:.0%} · Source: ")
    assert len(embed.fields) == len(answer.citations)


@pytest.mark.parametrize("confidence, footer", [
    (0.834, "Confidence 83% · Source: An article"), (1.0, "Confidence 100% · Source: An article"),
    (None, "Source: An article"),
])
def test_a_found_answer_shows_its_confidence_as_the_cli_does(confidence, footer):
    answer = Answer("q?", True, "30,000", (citation(),), confidence=confidence)
    assert embeds.answer_embed(answer).footer.text == footer


def test_not_found_shows_no_confidence():
    answer = Answer("q?", False, None, (citation(),), confidence=0.12)
    assert embeds.answer_embed(answer).footer.text == "Source: An article"


def test_the_confidence_survives_a_long_title():
    answer = Answer("q?", True, None, (citation(title="Title " * 100),), confidence=0.5)
    embed = embeds.answer_embed(answer)
    assert_within_limits(embed)
    assert embed.footer.text.startswith("Confidence 50% · Source: Title") and embed.footer.text.endswith(ELLIPSIS)


def test_found_answer_is_bold_with_its_attribution():
    answer = Answer("q?", True, "30,000", (citation(),), attribution="NATO officials")
    embed = embeds.answer_embed(answer)
    assert embed.description == "**30,000** (according to NATO officials)"


def test_not_found_says_so_and_labels_related_sentences():
    embed = embeds.answer_embed(Answer("q?", False, None, (citation(),)))
    assert embed.description.startswith("The article doesn't say.")
    assert "not an answer" in embed.description
    assert_within_limits(embed)


def test_not_found_without_citations_has_no_fields():
    embed = embeds.answer_embed(Answer("q?", False, None, ()))
    assert embed.description == "The article doesn't say." and not embed.fields


def test_citation_link_and_several_docs_ref():
    cited = citation(doc="fp_2022", url="https://example.org/a")
    embed = embeds.answer_embed(Answer("q?", True, None, (cited,)), several_docs=True)
    assert embed.fields[0].name.startswith(r"fp\_2022:5.1 · ")
    assert embed.fields[0].value.endswith("\nhttps://example.org/a")


def test_quoted_text_in_an_answer_cannot_ping_or_format():
    cited = citation(sentence="@everyone look at **this** <@&123456789012345678>", title="@here news")
    embed = embeds.answer_embed(Answer("@everyone what?", True, "<@123456789012345678>", (cited,)))
    shown = [embed.title, embed.description, embed.footer.text] + [f.name + f.value for f in embed.fields]
    for text in shown:
        assert "@everyone" not in text and "@here" not in text and "<@&1" not in text and "<@1" not in text
    assert r"\*\*this\*\*" in embed.fields[0].value


def test_long_citations_are_shortened_but_refs_kept_whole():
    cites = tuple(citation(ref=f"{i}.{i}", sentence="word " * 400, title="Title " * 60) for i in range(1, 26))
    embed = embeds.answer_embed(Answer("long " * 200, True, "answer " * 200, cites))
    assert_within_limits(embed)
    assert len(embed.fields) == 25
    for i, field in enumerate(embed.fields, 1):
        assert field.name.startswith(f"{i}.{i}") and field.value.endswith(ELLIPSIS)
    assert len(embed) > 5000  # the budget is used, not wasted


_refs = st.from_regex(r"\d{1,3}\.\d{1,2}", fullmatch=True)
_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=1500)


@settings(max_examples=60, deadline=None)
@given(question=_words, answer=st.none() | _words, found=st.booleans(),
       cites=st.lists(st.tuples(_words, _words, _refs), max_size=25),
       several=st.booleans(), confidence=st.none() | st.floats(0, 1))
def test_any_answer_fits_discord_limits(question, answer, found, cites, several, confidence):
    citations = tuple(citation(ref=ref, sentence=sentence, title=title) for sentence, title, ref in cites)
    embed = embeds.answer_embed(Answer(question, found, answer if found else None, citations,
                                       confidence=confidence), several)
    assert_within_limits(embed)
    for field, cited in zip(embed.fields, citations, strict=True):
        assert field.name.startswith(cited.sentence_id if several else cited.ref)


# claims

@pytest.mark.parametrize(("verdict", "label"), [(Verdict.SUPPORTED, "Supported"),
                                                (Verdict.CONTRADICTED, "Contradicted"),
                                                (Verdict.NOT_IN_ARTICLE, "Not in the article"),
                                                (Verdict.UNVERIFIED, "Unverified")])
def test_check_embed_shows_verdict_claim_explanation_and_evidence(verdict, label):
    check = ClaimCheck("Russia sent *30,000* troops", verdict, (citation(),), "the numbers agree")
    embed = embeds.check_embed(check)
    assert embed.title == f"Verdict: {label}"
    assert embed.description == "**Claim:** Russia sent \\*30,000\\* troops\nthe numbers agree"
    assert "30,000" in embed.fields[0].value
    assert_within_limits(embed)


def test_check_embed_fits_with_huge_inputs():
    check = ClaimCheck("claim " * 400, Verdict.UNVERIFIED, tuple(citation(sentence="x " * 900)
                                                                  for _ in range(25)), "why " * 500)
    assert_within_limits(embeds.check_embed(check))


# context, sources, help

def test_context_embed_marks_the_target_between_neighbours(engine):
    context = engine.context("5.1")
    embed = embeds.context_embed(context)
    lines = embed.description.split("\n")
    assert len(lines) == len(context.before) + 1 + len(context.after)
    target = lines[len(context.before)]
    assert target.startswith("**`5.1` ") and target.endswith("**") and "30,000" in target
    assert embed.footer.text == f"Source: {context.title}"
    assert_within_limits(embed)


def test_context_embed_shortens_huge_sentences_but_keeps_refs():
    cited = [citation(ref=f"1.{i}", sentence="long " * 2000) for i in range(1, 6)]
    embed = embeds.context_embed(Context("T", cited[2], tuple(cited[:2]), tuple(cited[3:])))
    assert_within_limits(embed)
    refs = [line.lstrip("*")[:5] for line in embed.description.split("\n")]
    assert refs == [f"`1.{i}`" for i in range(1, 6)]


def test_sources_embed_lists_articles(engine):
    sources = engine.sources()
    embed = embeds.sources_embed(sources)
    assert_within_limits(embed)
    assert len(embed.fields) == len(sources)
    assert embed.description == f"1 article, {sources[0].sentences:,} sentences."
    assert f"{sources[0].sentences:,} sentences" in embed.fields[0].value


def test_sources_embed_caps_fields_and_counts_the_rest():
    url = "https://example.org/" + "p" * 200
    sources = [SourceInfo(f"doc{i}", "A title " * 40, "By someone " * 30, 100, url) for i in range(40)]
    embed = embeds.sources_embed(sources)
    assert_within_limits(embed)
    assert len(embed.fields) == 25
    assert embed.fields[-1].value == "and 16 more articles"
    assert embed.description == "40 articles, 4,000 sentences."


def test_help_embed_lists_each_usage():
    embed = embeds.help_embed([("ask <question>", "Answer a question."), ("source", "List articles.")], "!")
    assert "`/ask <question>` or `!ask <question>`: Answer a question." in embed.description
    assert "`/source` or `!source`" in embed.description
    assert_within_limits(embed)


# fields of a collection record

PHISHING = "[Your account is locked, log in](https://evil.example/login)"
NOT_URLS = [PHISHING, "||spoiler||", "javascript:alert(1)", "see https://evil.example", "ftp://x.example/a",
            "https://", "<@&123456789012345678>"]


def _markup(text: str) -> bool:
    """Whether `text` holds an unescaped link bracket or spoiler bar."""
    return re.search(r"(?<!\\)[\[|]", text) is not None


@pytest.mark.parametrize("url", NOT_URLS)
def test_only_an_http_url_is_a_link(url):
    assert embeds.link(url) is None
    cited = citation(url=url, title=PHISHING)
    shown = [embeds.answer_embed(Answer("q?", True, None, (cited,))).fields[0].value,
             embeds.sources_embed([SourceInfo("doc", PHISHING, PHISHING, 3, url)]).fields[0].value]
    for text in shown:
        assert not _markup(text) and "<@&1" not in text
    context = embeds.context_embed(Context(PHISHING, cited))
    assert context.url is None and not _markup(context.title)


def test_an_http_url_is_a_link_with_markup_encoded():
    url = "https://example.org/wiki/A_(b)||c||"
    assert embeds.link(url) == "https://example.org/wiki/A%5F%28b%29%7C%7Cc%7C%7C"
    context = embeds.context_embed(Context("T", citation(url=url)))
    assert context.url == embeds.link(url)
    assert embeds.link("HTTPS://Example.org/a") == "HTTPS://Example.org/a"


def test_a_collection_record_cannot_break_context_or_make_links(tmp_path):
    from retrieval import Engine
    record = {"id": "a", "title": PHISHING, "url": "not a url", "authors": [PHISHING],
              "text": "Russia has sent 30,000 troops to Belarus. The drills end in February. "
                      "Officials in Poland are worried about the buildup."}
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    engine = Engine.from_paths([path])
    context = embeds.context_embed(engine.context("1.1"))
    assert context.url is None
    source = embeds.sources_embed(engine.sources()).fields[0]
    assert "not a url" in source.value and not _markup(source.value)
