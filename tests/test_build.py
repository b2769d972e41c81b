"""Building the corpus and index: a library call stays in its own process unless asked."""
from __future__ import annotations

import pytest

from retrieval import Engine, EngineConfig, build


class _NoPool:
    def Pool(self, *args, **kwargs):  # noqa: N802 (multiprocessing's name)
        raise AssertionError("a process pool was started")


@pytest.fixture
def large_corpus(monkeypatch, harbor_engine):
    """Articles that count as large enough for worker processes, and a multiprocessing
    that fails if a pool is started."""
    monkeypatch.setattr(build, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(build, "_CHUNK_CHARS", 1)
    monkeypatch.setattr(build.multiprocessing, "get_context", lambda method=None: _NoPool())
    return list(harbor_engine.corpus.articles) * 3


def test_default_config_builds_in_process(large_corpus):
    engine = Engine.from_articles(large_corpus)
    assert len(engine.corpus.articles) == 3


def test_default_config_is_one_worker():
    assert EngineConfig().workers == 1


def test_workers_none_still_chooses_a_pool_for_a_large_corpus(large_corpus):
    with pytest.raises(AssertionError, match="process pool"):
        Engine.from_articles(large_corpus, EngineConfig(workers=None))
