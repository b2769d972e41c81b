"""Discord renderings of the engine's results: pure functions from results to embeds.

Discord rejects a message over its limits and discord.py does not check them, so every
piece is fitted here: text is shortened at a word boundary with an ellipsis, a citation's
ref is never cut, and the fields share what is left of the 6000-character total. Quoted
text has its markdown escaped and its mentions neutralised (a zero-width space after `@`).
Fields of a collection record are article text too: only an `http(s)` URL is shown as a
link (with the characters markdown reads percent-encoded); any other `url` is quoted text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence
from urllib.parse import urlsplit

import discord
from discord.utils import escape_markdown, escape_mentions

from retrieval import Answer, Citation, ClaimCheck, Context, SourceInfo, Verdict

from .frontend import count, ref_label
from .render import NOT_FOUND, confidence_label

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
MESSAGE_LIMIT = 2000

# Our own caps below Discord's, so that title, description and footer always leave the
# fields at least a fair share of the total.
_SUMMARY_LIMIT = 1024
_FOOTER_CAP = 256

ELLIPSIS = "…"
_SEPARATOR = " · "
_COLOUR_FOUND = discord.Colour.blurple()
_COLOUR_NOT_FOUND = discord.Colour.light_grey()
_VERDICT_LABELS = {
    Verdict.SUPPORTED: ("Supported", discord.Colour.green()),
    Verdict.CONTRADICTED: ("Contradicted", discord.Colour.red()),
    Verdict.NOT_IN_ARTICLE: ("Not in the article", discord.Colour.light_grey()),
    Verdict.UNVERIFIED: ("Unverified", discord.Colour.gold()),
}
# Line-start markdown that escape_markdown leaves alone: headings, lists, block quotes.
_LINE_START_MARKUP = re.compile(r"^(#{1,3} |[-*+] |>)")
_NUMBERED_LIST = re.compile(r"^(\d+)\. ")
# Characters Discord's markdown reads inside or around a bare link; encoded as %XX they
# mean the same to a web server (RFC 3986, section 2).
_URL_MARKUP = set("*_~|`<>()[]\\\"'")


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at the last word boundary in the
    second half (mid-word only for one long word) and ended with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    cut = text[:limit - len(ELLIPSIS)]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    if boundary >= limit // 2:
        cut = cut[:boundary]
    # A trailing backslash would escape the ellipsis; a dangling comma looks like a typo.
    return cut.rstrip(" \n\\,;:") + ELLIPSIS


def quote(text: str) -> str:
    """`text` on one line, safe to show: markdown escaped, mentions neutralised."""
    line = escape_markdown(escape_mentions(" ".join(text.split())))
    line = _LINE_START_MARKUP.sub(r"\\\1", line)
    return _NUMBERED_LIST.sub(r"\1\\. ", line)


def _plain(text: str) -> str:
    """For footers, which show markdown literally: one line, mentions neutralised."""
    return escape_mentions(" ".join(text.split()))


def link(url: str | None) -> str | None:
    """`url` made safe to show as a link, or None when it is not an `http(s)` URL with a
    host (only such a URL may go into an embed's `url`, which Discord rejects otherwise)."""
    if not url or any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return "".join(f"%{ord(c):02X}" if c in _URL_MARKUP else c for c in url)


def _url_text(url: str) -> str:
    """A record's `url` as embed text: a link when it is one, else quoted text."""
    return link(url) or quote(url)


def notice(text: str) -> str:
    """A plain-text message (an error, a usage hint), safe and within the 2000 limit."""
    return shorten(escape_markdown(escape_mentions(text.strip())), MESSAGE_LIMIT)


def answer_embed(answer: Answer, several_docs: bool = False) -> discord.Embed:
    """The reply to `ask`: the short answer in bold, or "The article doesn't say.", then
    each citation quoted under its ref and article title; the footer gives the confidence
    of a found answer (as the CLI and REPL do) before the sources."""
    if answer.found:
        summary = _answer_line(answer) if answer.answer else "From the article:"
    else:
        summary = NOT_FOUND + ("\nRelated sentences, not an answer:" if answer.citations else "")
    embed = discord.Embed(title=shorten(quote(answer.question), TITLE_LIMIT), description=summary,
                          colour=_COLOUR_FOUND if answer.found else _COLOUR_NOT_FOUND)
    shown = answer.found and answer.confidence is not None
    note = confidence_label(answer.confidence).capitalize() if shown else ""
    return _with_citations(embed, answer.citations, several_docs, note)


def check_embed(check: ClaimCheck, several_docs: bool = False) -> discord.Embed:
    """The reply to `check`: the verdict, the claim, the explanation and the evidence."""
    label, colour = _VERDICT_LABELS[check.verdict]
    claim = shorten(quote(check.claim), _SUMMARY_LIMIT // 2)
    explanation = shorten(quote(check.explanation), _SUMMARY_LIMIT // 2 - 16)
    embed = discord.Embed(title=f"Verdict: {label}", description=f"**Claim:** {claim}\n{explanation}",
                          colour=colour)
    return _with_citations(embed, check.evidence, several_docs)


def context_embed(context: Context, several_docs: bool = False) -> discord.Embed:
    """The reply to `context`: the sentence in bold between its neighbours."""
    rows = [(c, False) for c in context.before] + [(context.target, True)]
    rows += [(c, False) for c in context.after]
    lines: list[str] = []
    remaining = DESCRIPTION_LIMIT - len(rows)  # one newline per row
    for i, (citation, is_target) in enumerate(rows):
        label = f"{_code(ref_label(citation, several_docs))} "
        markup = 4 if is_target else 0
        room = remaining // (len(rows) - i) - len(label) - markup
        text = shorten(quote(citation.sentence), room)
        lines.append(f"**{label}{text}**" if is_target else f"{label}{text}")
        remaining -= len(lines[-1])
    embed = discord.Embed(title=shorten(quote(context.title), TITLE_LIMIT), description="\n".join(lines),
                          colour=_COLOUR_FOUND, url=link(context.target.url))
    return embed.set_footer(text=shorten(f"Source: {_plain(context.title)}", _FOOTER_CAP))


def sources_embed(sources: Sequence[SourceInfo]) -> discord.Embed:
    """The reply to `source`: each loaded article's title, byline and sentence count."""
    shown = list(sources)
    hidden = 0
    if len(shown) > FIELD_COUNT_LIMIT:
        shown, hidden = shown[:FIELD_COUNT_LIMIT - 1], len(shown) - (FIELD_COUNT_LIMIT - 1)
    total = sum(s.sentences for s in sources)
    embed = discord.Embed(title="Loaded articles", colour=_COLOUR_FOUND,
                          description=f"{count(len(sources), 'article')}, {count(total, 'sentence')}.")
    fields = [_Field("", quote(s.title or s.doc), _source_body(s)) for s in shown]
    if hidden:
        fields.append(_Field("", "More", lambda limit: shorten(f"and {count(hidden, 'more article')}", limit)))
    return _add_fields(embed, fields)


def help_embed(usages: Sequence[tuple[str, str]], prefix: str) -> discord.Embed:
    """The reply to `help`: each command's usage and description."""
    lines = [f"`/{usage}` or `{prefix}{usage}`: {quote(summary)}" for usage, summary in usages]
    lines.append("You can also mention me with a question.")
    return discord.Embed(title="factbot commands", colour=_COLOUR_FOUND,
                         description=shorten("\n".join(lines), DESCRIPTION_LIMIT))


@dataclass(frozen=True)
class _Field:
    """A field to fit: `label` is kept whole, `title` may be shortened, and `body`
    renders the value in at most the given number of characters."""

    label: str
    title: str
    body: Callable[[int], str]

    def name(self, limit: int) -> str:
        if not self.label:
            return shorten(self.title, limit)
        if not self.title:
            return self.label
        room = limit - len(self.label) - len(_SEPARATOR)
        if room < 8:
            return self.label
        return f"{self.label}{_SEPARATOR}{shorten(self.title, room)}"


def _add_fields(embed: discord.Embed, fields: Sequence[_Field]) -> discord.Embed:
    """Adds up to 25 fields, each given a fair share of what the total limit leaves."""
    fields = fields[:FIELD_COUNT_LIMIT]
    remaining = EMBED_TOTAL_LIMIT - len(embed)
    for i, field in enumerate(fields):
        share = remaining // (len(fields) - i)
        name = field.name(min(FIELD_NAME_LIMIT, share // 3))
        value = field.body(min(FIELD_VALUE_LIMIT, share - len(name)))
        embed.add_field(name=name, value=value, inline=False)
        remaining -= len(name) + len(value)
    return embed


def _with_citations(embed: discord.Embed, citations: Sequence[Citation], several_docs: bool,
                    note: str = "") -> discord.Embed:
    """Adds a field per citation and a footer of `note` (kept whole) and the sources."""
    titles = list(dict.fromkeys(c.title for c in citations))
    footer = [note] if note else []
    if titles:
        prefix = "Source: " if len(titles) == 1 else "Sources: "
        footer.append(prefix + "; ".join(_plain(t) for t in titles))
    if footer:
        embed.set_footer(text=shorten(_SEPARATOR.join(footer), _FOOTER_CAP))
    fields = [_Field(quote(ref_label(c, several_docs)), quote(c.title), _citation_body(c)) for c in citations]
    return _add_fields(embed, fields)


def _answer_line(answer: Answer) -> str:
    said = f" (according to {quote(answer.attribution)})" if answer.attribution else ""
    short = shorten(quote(answer.answer or ""), _SUMMARY_LIMIT // 2)
    return f"**{short}**{shorten(said, _SUMMARY_LIMIT // 2)}"


def _code(text: str) -> str:
    return f"`{text.replace('`', chr(39))}`"


def _citation_body(citation: Citation) -> Callable[[int], str]:
    def body(limit: int) -> str:
        url = _url_text(citation.url) if citation.url else ""
        line = f"\n{url}" if url and len(url) + 1 <= limit // 2 else ""
        return "> " + shorten(quote(citation.sentence), limit - 2 - len(line)) + line
    return body


def _source_body(source: SourceInfo) -> Callable[[int], str]:
    def body(limit: int) -> str:
        lines = [quote(source.byline)] if source.byline else []
        lines.append(f"{count(source.sentences, 'sentence')} · id {_code(source.doc)}")
        if source.date:
            lines.append(quote(source.date))
        if source.url:
            lines.append(_url_text(source.url))
        return shorten("\n".join(lines), limit)
    return body
