"""Plain text from an HTML page with the standard library's parser: one paragraph a line.

Block elements end a line; script, style, navigation, header, footer, aside, form and
figure-less chrome are skipped. The title comes from `og:title`, else `<title>`, else the
first `<h1>`; the url from `og:url` or the canonical link; authors from `author` metas.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption",
          "section", "article", "br", "tr", "pre", "dd", "dt", "caption", "header", "main"}
_SKIP = {"script", "style", "nav", "footer", "aside", "form", "noscript", "svg", "button",
         "template", "iframe", "select"}
_VOID = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col"}


@dataclass(frozen=True)
class HtmlPage:
    text: str
    title: str | None
    url: str | None
    authors: tuple[str, ...]


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0
        self.meta: dict[str, str] = {}
        self.authors: list[str] = []
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self.url: str | None = None
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or "").lower()
            if key == "author" and attributes.get("content"):
                self.authors.append(attributes["content"].strip())
            elif key:
                self.meta[key] = attributes.get("content", "")
        elif tag == "link" and "canonical" in attributes.get("rel", ""):
            self.url = attributes.get("href") or None
        if tag in _VOID:
            if tag == "br":
                self._break()
            return
        self._in.append(tag)
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in self._in:
            return
        while self._in:
            open_tag = self._in.pop()
            if open_tag in _SKIP:
                self.skipping -= 1
            if open_tag == tag:
                break
        if tag in _BLOCK:
            self._break()

    def handle_data(self, data):
        if "title" in self._in and "svg" not in self._in:
            self.title_parts.append(data)
            return
        if self.skipping or "head" in self._in:
            return
        if "h1" in self._in:
            self.h1_parts.append(data)
        self.lines[-1] += data

    def _break(self):
        if self.lines[-1].strip():
            self.lines.append("")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def extract_html(markup: str) -> HtmlPage:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    paragraphs = [_squash(line) for line in parser.lines if _squash(line)]
    title = (_squash(parser.meta.get("og:title", "")) or _squash("".join(parser.title_parts))
             or _squash("".join(parser.h1_parts)) or None)
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    url = parser.meta.get("og:url") or parser.url
    return HtmlPage("\n\n".join(paragraphs), title, url or None, tuple(parser.authors))
