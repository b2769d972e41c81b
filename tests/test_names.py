"""Name chunks: titles, connectors and sentence starts."""
from __future__ import annotations

from retrieval.names import name_chunks


def test_name_chunks_split_titles_connectors_and_sentence_starts():
    text = "But Polish Foreign Minister Zbigniew Rau told Foreign Policy about the Bank of England."
    assert [text[s:e] for s, e in name_chunks(text)] == [
        "Polish Foreign Minister Zbigniew Rau", "Foreign Policy", "Bank of England"]
