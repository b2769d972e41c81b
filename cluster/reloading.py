"""An engine that follows its cluster file, so that a rebuilt index is taken up between
questions, none of them failing.

Two ways to roll out a rebuild, both without a failed question:
- new shard folders served on new ports (or hosts), then the cluster file replaced
  atomically (write it beside, then rename): the next call sees the file changed, opens
  the new cluster and answers from it;
- the same folders rebuilt (`factbot index build ... -o DIR --shards N` replaces DIR) and
  their servers restarted: the next call finds its connections gone, reconnects, finds
  another build there (`ClusterRebuiltError`), opens the cluster afresh and runs again.
A question runs wholly on one engine; the engine it left is closed when the last question
on it is done (Xapian closes a database when it is freed).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from retrieval import Engine, FactbotError

from .errors import ClusterRebuiltError
from .xapian_search import open_cluster_file

RETRY_SECONDS = 10.0
_log = logging.getLogger(__name__)


class ClusterEngine:
    """The `Engine` of the cluster that the cluster file at `path` lists, opened again when
    the file changes or the shards hold a new build. Attributes are the current engine's."""

    def __init__(self, path: str | Path):
        self._path = Path(path)
        self._lock = threading.Lock()
        self._signature = self._read_signature()
        self._engine = Engine(*open_cluster_file(self._path))
        self._failed_at: float | None = None

    def current(self) -> Engine:
        """The engine of the cluster the file lists now (the one before, with a warning
        logged, while the new one cannot be opened; tried again every `RETRY_SECONDS`)."""
        signature = self._read_signature()
        if signature != self._signature and (self._failed_at is None
                                             or time.monotonic() - self._failed_at > RETRY_SECONDS):
            with self._lock:
                if signature != self._signature:
                    try:
                        self._engine = Engine(*open_cluster_file(self._path))
                        self._signature, self._failed_at = signature, None
                        _log.info("opened the cluster %s lists now", self._path)
                    except FactbotError as error:
                        self._failed_at = time.monotonic()
                        _log.warning("keeping the cluster opened before: %s", error)
        return self._engine

    def __getattr__(self, name: str):
        engine = self.current()
        value = getattr(engine, name)
        if name.startswith("_") or not callable(value):
            return value

        def call(*args, **kwargs):
            try:
                return value(*args, **kwargs)
            except ClusterRebuiltError:
                return getattr(self._reopened(engine), name)(*args, **kwargs)

        return call

    def _reopened(self, stale: Engine) -> Engine:
        with self._lock:
            if self._engine is stale:
                self._engine = Engine(*open_cluster_file(self._path))
                _log.info("opened the cluster %s lists again: its shards hold a new build", self._path)
            return self._engine

    def _read_signature(self) -> tuple[int, int, int] | None:
        try:
            info = os.stat(self._path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino
