"""Short verbatim answers from cited sentences (placeholder until typed spans)."""
from __future__ import annotations

from dataclasses import dataclass

from .question import Question


@dataclass(frozen=True)
class Span:
    text: str
    attribution: str | None = None


def holds_answer_type(sentence: str, question: Question) -> bool:
    return False


def extract(question: Question, sentences, corpus) -> Span | None:
    return None
