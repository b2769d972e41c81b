"""Load on the Discord bot: N questions through discord.py's own objects (dpytest), offline.

    python benchmarks/bench_discord_load.py [--questions FILE] [--count 1000]
        [--concurrency 50] [--members 100] [--index DIR | --corpus PATH ...]

Fires `--count` `!ask` messages from `--members` users, at most `--concurrency` in flight,
at a bot built by `create_bot` (cooldown off), while a watchdog coroutine measures how late
the event loop wakes it (its worst lateness is the worst stall any gateway heartbeat would
have seen). Prints answered / errored / dropped and the stall percentiles. Questions come
from FILE (JSON lines with "question", or plain lines; default the development questions
in ../shared/eval, else a few built in), cycled.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import discord
import discord.ext.test as dpytest

from bot import create_bot
from bot.cog import APOLOGY
from bot.discord_bot import default_intents
from bot.settings import Settings
from retrieval import Engine

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "questions.jsonl"
FALLBACK = ["How many troops were sent?", "Who said it?", "When did it happen?", "Where is the border?"]
WATCHDOG_TICK = 0.005


def read_questions(path: Path) -> list[str]:
    if not path.exists():
        return FALLBACK
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("{"):
            line = json.loads(line).get("question", "")
        if line:
            questions.append(line)
    return questions or FALLBACK


async def load(engine: Engine, questions: list[str], count: int, concurrency: int, members: int) -> dict:
    intents = default_intents()
    intents.members = True  # dpytest's member cache
    factbot = create_bot(Settings(cooldown=0), engine, intents=intents)
    await factbot._async_setup_hook()
    dpytest.configure(factbot, members=members)
    factbot.allowed_mentions = discord.AllowedMentions.none()
    await factbot.setup_hook()
    users = dpytest.get_config().members
    loop = asyncio.get_running_loop()
    lateness: list[float] = []
    running = True

    async def watchdog() -> None:
        while running:
            woke = loop.time()
            await asyncio.sleep(WATCHDOG_TICK)
            lateness.append(loop.time() - woke - WATCHDOG_TICK)

    gate = asyncio.Semaphore(concurrency)
    failures = 0

    async def ask(i: int) -> None:
        nonlocal failures
        async with gate:
            try:
                await dpytest.message(f"!ask {questions[i % len(questions)]}", member=users[i % len(users)])
            except Exception:  # a failure of the harness or bot, counted and shown, not raised
                failures += 1

    watcher = asyncio.create_task(watchdog())
    started = time.perf_counter()
    await asyncio.gather(*(ask(i) for i in range(count)))
    elapsed = time.perf_counter() - started
    running = False
    await watcher
    answered = errored = 0
    while not dpytest.sent_queue.empty():
        message = dpytest.sent_queue.get_nowait()
        if message.embeds and APOLOGY not in (message.embeds[0].description or ""):
            answered += 1
        else:
            errored += 1
    await dpytest.empty_queue()
    return {"count": count, "answered": answered, "errored": errored, "harness_failures": failures,
            "dropped": count - answered - errored, "seconds": elapsed, "lateness": sorted(lateness)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--members", type=int, default=100)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--index", help="a saved index folder (factbot index build)")
    source.add_argument("--corpus", nargs="+", help="article paths (default: the bundled article)")
    args = parser.parse_args()
    started = time.perf_counter()
    engine = Engine.from_index(args.index) if args.index else Engine.from_paths(args.corpus)
    print(f"engine: {len(engine.corpus.sentences):,} sentences, ready in {time.perf_counter() - started:.2f} s")
    result = asyncio.run(load(engine, read_questions(args.questions), args.count, args.concurrency, args.members))
    late = result["lateness"]

    def pct(p: float) -> float:
        return 1000 * late[min(len(late) - 1, int(p * len(late)))] if late else 0.0
    print(f"{result['count']} questions, concurrency {args.concurrency}, {result['seconds']:.2f} s "
          f"({result['count'] / result['seconds']:.0f} per s)")
    print(f"answered {result['answered']}  errored {result['errored']}  dropped {result['dropped']}  "
          f"harness failures {result['harness_failures']}")
    print(f"event-loop stall (watchdog lateness, {len(late)} ticks): median {1000 * statistics.median(late):.2f} ms  "
          f"p99 {pct(0.99):.2f} ms  worst {1000 * late[-1]:.2f} ms")
    return 0 if result["answered"] == result["count"] else 1


if __name__ == "__main__":
    sys.exit(main())
