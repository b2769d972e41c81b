"""Connections to a cluster's shards, one database a shard, combined into one so that
Xapian gathers collection statistics (document count, lengths, term frequencies) from all.

Every call to the cluster goes through `Shards.run`, under one lock (a Xapian database is
not safe to share between threads). A call that fails for the network (a shard down, reset
or slower than the timeout) reconnects each shard, trying its replicas in the cluster file's
order (the one in use first, when it still answers), and runs once more; a call that finds
its database changed under it (a replica updated by `xapian-replicate`) reopens it and runs
once more. When a shard has no replica that answers, `ShardUnavailableError` names it.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import xapian

from .errors import ClusterError, ClusterRebuiltError, ShardUnavailableError
from .layout import SHARD_FORMAT, SHARD_KEY, SHARD_VERSION
from .spec import ClusterSpec, Replica

T = TypeVar("T")


class Shards:
    """Open connections to every shard of `spec`, and their combination."""

    def __init__(self, spec: ClusterSpec):
        self.spec = spec
        self.lock = threading.RLock()
        self._in_use: list[Replica | None] = [None] * len(spec.shards)
        self._databases: list[xapian.Database] = [self._connect(shard) for shard in range(len(spec.shards))]
        try:
            self.headers = [self._header(shard) for shard in range(len(spec.shards))]
        except xapian.Error as error:
            raise ClusterError(f"cannot read the shards' headers: {error}") from None
        self.build = self.headers[0].get("build")
        self.combined = self._combine()

    def __len__(self) -> int:
        return len(self._databases)

    def run(self, call: Callable[[], T]) -> T:
        """`call()`, made again once after a reconnection or a reopen (see the module doc)."""
        with self.lock:
            try:
                return call()
            except xapian.DatabaseModifiedError:
                recover = self._reopen
            except (xapian.NetworkError, xapian.DatabaseClosedError):
                recover = self._reconnect
            except xapian.Error as error:
                raise ClusterError(f"the search cluster failed: {error}") from None
            try:
                recover()
                return call()
            except xapian.NetworkTimeoutError:
                raise ShardUnavailableError(f"a search shard did not answer within {self._timeout_text()}; "
                                            "try again in a moment") from None
            except xapian.Error as error:
                raise ClusterError(f"the search cluster failed: {error}") from None

    def shard(self, number: int) -> xapian.Database:
        """Shard `number`'s own database (its metadata is not read through the combination)."""
        return self._databases[number]

    def close(self) -> None:
        with self.lock:
            for database in self._databases:
                database.close()

    def _combine(self) -> xapian.Database:
        combined = xapian.Database()
        for database in self._databases:
            combined.add_database(database)
        return combined

    def _connect(self, shard: int, failed: Replica | None = None, hung: Replica | None = None) -> xapian.Database:
        """A connection to a replica of shard `shard`, tried in the cluster file's order,
        `failed` last and `hung` (which just let a request time out) not at all."""
        replicas = sorted((r for r in self.spec.shards[shard] if r != hung), key=lambda replica: replica == failed)
        failures = [f"{hung}: {self._why(xapian.NetworkTimeoutError(''))}"] if hung is not None else []
        for replica in replicas:
            try:
                database = self._open(replica)
            except (xapian.Error, ClusterError) as error:
                failures.append(f"{replica}: {self._why(error)}")
                continue
            self._in_use[shard] = replica
            return database
        raise ShardUnavailableError(f"shard {shard + 1} of {len(self.spec.shards)} is unavailable "
                                    f"({'; '.join(failures)})")

    def _open(self, replica: Replica) -> xapian.Database:
        if replica.path is not None:
            if not replica.path.is_dir():
                raise ClusterError(f"no shard database at {replica.path}")
            try:
                return xapian.Database(str(replica.path))
            except xapian.Error as error:
                raise ClusterError(f"cannot open the shard database at {replica.path}: {error}") from None
        milliseconds = int(self.spec.timeout_seconds * 1000)
        return xapian.remote_open(replica.host, replica.port, milliseconds, milliseconds)

    def _header(self, shard: int) -> dict:
        raw = self._databases[shard].get_metadata(SHARD_KEY)
        try:
            header = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            header = None
        if not (isinstance(header, dict) and header.get("format") == SHARD_FORMAT):
            raise ClusterError(f"shard {shard + 1} ({self._in_use[shard]}) is not a factbot shard database")
        if header.get("version") != SHARD_VERSION:
            raise ClusterError(f"shard {shard + 1} ({self._in_use[shard]}) has format version "
                               f"{header.get('version')}, this factbot reads {SHARD_VERSION}; rebuild it")
        return header

    def _reconnect(self) -> None:
        databases = []
        for shard, database in enumerate(self._databases):
            started = time.monotonic()
            try:
                database.reopen()
                databases.append(database)
            except xapian.Error:
                # Waited out the whole timeout: the server hangs (a server's own timeout, on a
                # connection it had closed, is reported at once).
                hung = time.monotonic() - started >= 0.9 * self.spec.timeout_seconds
                in_use = self._in_use[shard]
                databases.append(self._connect(shard, hung=in_use) if hung else self._connect(shard, failed=in_use))
        self._databases = databases
        self._check_build()
        self.combined = self._combine()

    def _reopen(self) -> None:
        for database in self._databases:
            database.reopen()
        self._check_build()
        self.combined.reopen()

    def _check_build(self) -> None:
        for shard in range(len(self._databases)):
            if self._header(shard).get("build") != self.build:
                raise ClusterRebuiltError(f"shard {shard + 1} ({self._in_use[shard]}) now holds another build of "
                                          "the index; open the cluster again to use it")

    def _timeout_text(self) -> str:
        return f"{self.spec.timeout_seconds:g} s"

    def _why(self, error: Exception) -> str:
        """Why a replica could not be used, shortly: Xapian's messages name the connection twice."""
        if isinstance(error, xapian.NetworkTimeoutError):
            return f"no answer within {self._timeout_text()}"
        if isinstance(error, xapian.NetworkError):
            cause = re.search(r"\(([^()]*)\)\s*$", str(error))
            return cause[1].lower() if cause and "context:" not in cause[1] else "connection failed"
        return str(error) or type(error).__name__
