"""The cluster file: which shards make up a sentence index and where each is served.

A cluster file is JSON:

    {"format": "factbot-cluster", "version": 1, "timeout_seconds": 2.0,
     "shards": [["10.0.0.1:7001", "10.0.0.2:7001"], ["10.0.0.1:7002"], ["shard-3"]]}

`shards` lists the shards in build order (shard 1 first), each as its replicas in the order
they are tried: `HOST:PORT` (`[IPv6]:PORT`) for a database served by `xapian-tcpsrv`, anything
else a path to the shard's database folder, relative to the cluster file's folder.
`timeout_seconds` (default 2) bounds each connect and each request to a remote shard.
`factbot index build --shards N` writes one, `cluster.json`, listing its shards' folders.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ClusterError

FORMAT = "factbot-cluster"
VERSION = 1
DEFAULT_TIMEOUT_SECONDS = 2.0
_REMOTE = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>\d{1,5})")


@dataclass(frozen=True)
class Replica:
    """One copy of a shard: served at `host:port`, or a local database folder `path`."""

    host: str | None = None
    port: int | None = None
    path: Path | None = None

    def __str__(self) -> str:
        return f"{self.host}:{self.port}" if self.path is None else str(self.path)


@dataclass(frozen=True)
class ClusterSpec:
    """The shards of one index, in build order, each a tuple of its replicas."""

    shards: tuple[tuple[Replica, ...], ...]
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


def read_cluster_file(path: str | Path) -> ClusterSpec:
    """The cluster file at `path` (`ClusterError` when it cannot be read or is malformed)."""
    path = Path(path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ClusterError(f"cannot read the cluster file {path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ClusterError(f"the cluster file {path} is not JSON") from None
    shards, timeout = None, None
    if isinstance(value, dict) and value.get("format") == FORMAT and value.get("version") == VERSION:
        shards, timeout = value.get("shards"), value.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
    well_formed = (
        isinstance(shards, list) and shards
        and all(isinstance(s, list) and s and all(isinstance(r, str) and r.strip() for r in s) for s in shards)
        and isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
        and math.isfinite(timeout) and 0 < timeout <= 600
    )
    if not well_formed:
        raise ClusterError(f"the cluster file {path} is malformed: expected "
                           f'{{"format": "{FORMAT}", "version": {VERSION}, "shards": [["HOST:PORT", ...], ...]}}')
    return ClusterSpec(tuple(tuple(_replica(r.strip(), path.parent) for r in s) for s in shards), float(timeout))


def write_cluster_file(path: Path, shards: list[list[str]], timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
    path.write_text(json.dumps({"format": FORMAT, "version": VERSION, "timeout_seconds": timeout_seconds,
                                "shards": shards}, indent=1) + "\n", encoding="utf-8")


def _replica(text: str, base: Path) -> Replica:
    remote = _REMOTE.fullmatch(text)
    if remote and 0 < int(remote["port"]) < 65536:
        return Replica(host=remote["host"].strip("[]"), port=int(remote["port"]))
    return Replica(path=base / text)
