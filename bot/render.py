"""Plain-text and JSON renderings of the engine's results, shared by the CLI and REPL."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .frontend import count, ref_label

if TYPE_CHECKING:
    from retrieval import Answer, Citation, ClaimCheck, Context, SourceInfo

NOT_FOUND = "The article doesn't say."


def citation_to_json(citation: Citation) -> dict:
    row = {
        "doc": citation.doc,
        "title": citation.title,
        "ref": citation.ref,
        "sentence": citation.sentence,
        "start": citation.start,
        "end": citation.end,
        "score": citation.score,
    }
    if citation.url:
        row["url"] = citation.url
    if citation.date:
        row["date"] = citation.date
    return row


def answer_to_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "found": answer.found,
        "answer": answer.answer,
        "attribution": answer.attribution,
        "confidence": answer.confidence,
        "citations": [citation_to_json(c) for c in answer.citations],
    }


def check_to_json(check: ClaimCheck) -> dict:
    return {
        "claim": check.claim,
        "verdict": check.verdict.value,
        "evidence": [citation_to_json(c) for c in check.evidence],
        "explanation": check.explanation,
        "confidence": check.confidence,
    }


def source_to_json(source: SourceInfo, text: str) -> dict:
    """A loaded article for `factbot source --json`; `text` is `Engine.article_text`, which
    every citation's `start` and `end` index."""
    return {
        "doc": source.doc,
        "title": source.title,
        "byline": source.byline,
        "sentences": source.sentences,
        "url": source.url,
        "date": source.date,
        "text": text,
    }


def error_to_json(key: str, text: str, message: str) -> dict:
    return {key: text, "error": message}


def _citation_line(number: int, citation: Citation, several_docs: bool) -> str:
    return f"[{number}] ({ref_label(citation, several_docs)}) {citation.sentence}"


def answer_to_text(answer: Answer, several_docs: bool = False) -> str:
    lines = []
    if answer.found:
        if answer.answer:
            said = f" (according to {answer.attribution})" if answer.attribution else ""
            lines.append(f"Answer: {answer.answer}{said}{_confidence(answer.confidence)}")
        elif answer.confidence is not None:
            lines.append(f"Answered by the sentences below{_confidence(answer.confidence)}")
        lines.extend(_citation_line(i, c, several_docs) for i, c in enumerate(answer.citations, 1))
    else:
        lines.append(NOT_FOUND)
        if answer.citations:
            lines.append("Related sentences (not an answer):")
            lines.extend(_citation_line(i, c, several_docs) for i, c in enumerate(answer.citations, 1))
    return "\n".join(lines)


def confidence_label(value: float) -> str:
    """"confidence 83%": the found model's probability, as every front end shows it."""
    return f"confidence {value:.0%}"


def _confidence(value: float | None) -> str:
    return f" [{confidence_label(value)}]" if value is not None else ""


def check_to_text(check: ClaimCheck, several_docs: bool = False) -> str:
    lines = [f"Verdict: {check.verdict.value.replace('_', ' ')}: {check.explanation}{_confidence(check.confidence)}"]
    lines.extend(_citation_line(i, c, several_docs) for i, c in enumerate(check.evidence, 1))
    return "\n".join(lines)


def context_to_text(context: Context) -> str:
    lines = [f"{context.title}:"]
    lines.extend(f"  ({c.ref}) {c.sentence}" for c in context.before)
    lines.append(f"> ({context.target.ref}) {context.target.sentence}")
    lines.extend(f"  ({c.ref}) {c.sentence}" for c in context.after)
    return "\n".join(lines)


def sources_to_text(sources: list[SourceInfo]) -> str:
    lines = []
    for source in sources:
        line = f"{source.doc}: {source.title} ({count(source.sentences, 'sentence')})"
        if source.byline:
            line += f"\n  {source.byline}"
        if source.url:
            line += f"\n  {source.url}"
        lines.append(line)
    return "\n".join(lines)
