"""Faults during `save`: a process killed while writing, or between its two renames,
leaves the previous index loadable, and the next save clears what it left behind.

Each test runs the save in a child process that pauses at the named step (by wrapping one
of the store's own functions), kills it there with SIGKILL, and then loads the index as a
new process would. Full disks, read-only folders and damaged files are in test_store.py.
"""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from retrieval import Engine

QUESTION = "How many troops has Russia sent to Belarus?"

_CHILD = textwrap.dedent("""
    import sys, time
    from retrieval import Engine, store
    step = sys.argv[3]
    if step == "write":
        real = store._write_json
        def paused(path, value):
            real(path, value)
            print("paused", flush=True)
            time.sleep(120)
        store._write_json = paused
    else:
        real_rename, calls = store.os.rename, []
        def paused(source, destination):
            real_rename(source, destination)
            calls.append(destination)
            if len(calls) == 1:
                print("paused", flush=True)
                time.sleep(120)
        store.os.rename = paused
    Engine.from_paths([sys.argv[1]]).save(sys.argv[2])
""")


def _kill_save_at(step: str, corpus, target) -> None:
    with subprocess.Popen([sys.executable, "-c", _CHILD, str(corpus), str(target), step],
                          stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout.readline().strip() == "paused"
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
@pytest.mark.parametrize("step", ["write", "swap"])
def test_a_save_killed_midway_leaves_the_previous_index(step, bundled_engine, harbor_path,
                                                        harbor_engine, tmp_path):
    target = tmp_path / "index"
    bundled_engine.save(target)
    _kill_save_at(step, harbor_path, target)
    assert any(name.startswith(".index.") for name in os.listdir(tmp_path))  # what the kill left
    assert Engine.from_index(target).ask(QUESTION) == bundled_engine.ask(QUESTION)
    harbor_engine.save(target)
    assert os.listdir(tmp_path) == ["index"]
    assert Engine.from_index(target).sources() == harbor_engine.sources()
