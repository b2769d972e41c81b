"""Local `xapian-tcpsrv` processes, one a shard, for tests, benchmarks and trying a cluster
on one machine. Production serving is one service a shard (deploy/factbot-shard@.service)."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import ClusterError

HOST = "127.0.0.1"
_READY_SECONDS = 10.0


@dataclass
class ShardServer:
    """One `xapian-tcpsrv` serving `folder` on `HOST:port`, in its own process group (the
    server forks a child per connection, which must stop with it)."""

    folder: Path
    port: int
    process: subprocess.Popen

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def stop(self) -> None:
        """Kill the server and every connection it serves; wait for it."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def pause(self) -> None:
        """Stop the server and its connections answering, as a hung machine would."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)


def start_server(folder: str | Path, port: int | None = None, timeout_ms: int = 60_000) -> ShardServer:
    """Serve the shard database `folder` on 127.0.0.1 (on a free port when `port` is None),
    returning once it accepts connections."""
    port = port or _free_port()
    command = ["xapian-tcpsrv", "--quiet", "--interface", HOST, "--port", str(port),
               "--timeout", str(timeout_ms), str(folder)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except FileNotFoundError:
        raise ClusterError("xapian-tcpsrv is not installed (Debian: apt-get install xapian-tools)") from None
    server = ShardServer(Path(folder), port, process)
    deadline = time.monotonic() + _READY_SECONDS
    while True:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise ClusterError(f"xapian-tcpsrv did not start serving {folder} on port {port}") from None
            time.sleep(0.02)


@contextlib.contextmanager
def serving(folders: list[Path]) -> Iterator[list[ShardServer]]:
    """A server for each shard folder, all stopped on leaving."""
    servers: list[ShardServer] = []
    try:
        for folder in folders:
            servers.append(start_server(folder))
        yield servers
    finally:
        for server in servers:
            server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
