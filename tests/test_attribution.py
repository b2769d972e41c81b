"""Who says what a sentence reports: named, neighbouring and pronoun speakers."""
from __future__ import annotations

import pytest

from retrieval import Engine
from retrieval.attribution import attribution


def sentence_starting(engine: Engine, starts: str):
    return next(s for s in engine.corpus.sentences if s.text.startswith(starts))


@pytest.mark.parametrize("starts, speaker", [
    ("The expansion will cost", "port authority officials"),
    ("The regional council", "officials"),
    ('"We expect', "Maria Lopez"),
    ('"Nobody will', "Maria Lopez"),
    ("Lopez told", "Maria Lopez"),
    ('"It is a fair deal', "Maria Lopez"),
    ("Ships will be able", None),
    ("Transport Minister", None),
])
def test_attribution(port_engine, starts, speaker):
    assert attribution(sentence_starting(port_engine, starts), port_engine.corpus) == speaker
