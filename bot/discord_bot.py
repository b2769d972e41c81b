"""The Discord bot: `create_bot` builds it without connecting; `run` serves it for `factbot discord`."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from retrieval import Engine, FactbotError

from . import embeds, frontend
from .cog import APOLOGY, NO_MENTIONS, FactCog
from .frontend import ExitCode
from .settings import Settings, SettingsError

log = logging.getLogger(__name__)

T = TypeVar("T")


def load_engine(settings: Settings) -> Engine:
    """The engine from the saved index or cluster file at FACTBOT_INDEX when set, else built from
    FACTBOT_CORPUS, else over the bundled article. A large corpus is built by worker
    processes (`workers=None`): `factbot discord` runs from a guarded entry point."""
    return frontend.load_engine(settings.corpus, settings.index, workers=None)


def default_intents(message_content: bool = True) -> discord.Intents:
    """No privileged intent but, optionally, message content: slash commands, mentions
    and DMs work without it; prefix commands in servers need it."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    return intents


class FactTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """The last resort for slash-command errors that no command handled."""
        log.error("slash command %r failed", interaction.command and interaction.command.name, exc_info=error)
        response = interaction.response
        reply = interaction.followup.send if response.is_done() else response.send_message
        try:
            await reply(embeds.notice(APOLOGY), ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not send an error reply to interaction %s", interaction.id, exc_info=True)


class FactBot(commands.Bot):
    """A bot that answers from one engine. Without an engine it builds one from the
    settings in `setup_hook`, off the event loop."""

    def __init__(self, settings: Settings, engine: Engine | None, intents: discord.Intents,
                 sync_globally: bool = False):
        super().__init__(command_prefix=settings.prefix, intents=intents, help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), tree_cls=FactTree)
        self.settings = settings
        self.engine = engine
        self.sync_globally = sync_globally

    async def setup_hook(self) -> None:
        if self.engine is None:
            self.engine = await _in_daemon_thread(load_engine, self.settings)
        await self.add_cog(FactCog(self, self.engine, self.settings))
        if self.settings.guild_id is not None:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %s to server %s", frontend.count(len(synced), "slash command"), self.settings.guild_id)
        if self.sync_globally:
            synced = await self.tree.sync()
            log.info("synced %s globally (they may take up to an hour to appear)",
                     frontend.count(len(synced), "slash command"))

    async def on_ready(self) -> None:
        log.info("connected as %s to %s", self.user, frontend.count(len(self.guilds), "server"))

    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:
        if isinstance(error, commands.CommandNotFound):
            return  # a message that only starts with our prefix
        await super().on_command_error(ctx, error)


def create_bot(settings: Settings | None = None, engine: Engine | None = None, *,
               intents: discord.Intents | None = None, sync_globally: bool = False) -> FactBot:
    """The configured bot, not connected. Settings default to `Settings.from_env()`; the
    engine, when not given, is built at start-up from the settings' corpus."""
    settings = settings or Settings.from_env()
    intents = intents or default_intents()
    _quiet_voice_warnings()
    if not intents.message_content:
        log.warning("the message content intent is off: %s commands work only in DMs; slash commands "
                    "and mentions work everywhere. Enable it in the Developer Portal (Bot > Privileged "
                    "Gateway Intents) for prefix commands in servers.", settings.prefix)
    return FactBot(settings, engine, intents, sync_globally)


def _quiet_voice_warnings() -> None:
    """factbot never joins a voice channel, so discord.py's start-up warnings that the
    voice libraries (PyNaCl, davey) are missing are noise; these flags are the ones
    `discord.Client.__init__` reads before warning once a process."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def run(corpus: list[str] | None = None, index: str | None = None, sync: bool = False,
        stderr: TextIO | None = None, environ: Mapping[str, str] | None = None,
        env_file: str | Path | None = ".env") -> int:
    """Serve the bot until stopped; returns the exit code. A missing or malformed token
    is reported in one line, before anything connects. `corpus` or `index` (from the
    command line) take the place of FACTBOT_CORPUS and FACTBOT_INDEX.

    Ctrl-C (SIGINT) or SIGTERM stops the bot at once, even while the corpus is still
    loading, with one log line and exit code 0: stopping is how a server ends normally."""
    err = stderr or sys.stderr
    try:
        settings = Settings.from_env(environ, env_file)
        token = settings.require_token()
    except SettingsError as error:
        err.write(f"factbot: error: {error}\n")
        return ExitCode.USAGE
    if corpus:
        settings = replace(settings, corpus=tuple(Path(path) for path in corpus), index=None)
    elif index:
        settings = replace(settings, corpus=(), index=Path(index))
    root = logging.getLogger()
    handler, previous_level = _log_to(err, settings.log_level, token), root.level
    try:
        asyncio.run(_serve_until_stopped(settings, token, sync))
    except KeyboardInterrupt:  # where no signal handler can be installed (Windows)
        log.info("stopped by KeyboardInterrupt")
    except discord.LoginFailure:
        err.write("factbot: error: Discord refused DISCORD_TOKEN; reset the token in the Developer Portal "
                  "and put the new one in .env (see .env.example)\n")
        return ExitCode.USAGE
    except FactbotError as error:
        err.write(f"factbot: error: {error}\n")
        return ExitCode.INPUT
    except OSError as error:
        err.write(f"factbot: error: cannot reach Discord ({type(error).__name__}); check the network\n")
        return ExitCode.INPUT
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
    return ExitCode.OK


async def _serve_until_stopped(settings: Settings, token: str, sync_globally: bool) -> None:
    """`_serve` until it ends or SIGINT/SIGTERM arrives; a signal cancels it (closing the
    connection) and is logged in one line."""
    loop = asyncio.get_running_loop()
    stopped: asyncio.Future[str] = loop.create_future()
    installed = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous = signal.getsignal(sig)
            loop.add_signal_handler(sig, lambda name=sig.name: stopped.done() or stopped.set_result(name))
            installed[sig] = previous
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not on this platform or thread: Ctrl-C arrives as KeyboardInterrupt instead
    serving = asyncio.ensure_future(_serve(settings, token, sync_globally))
    try:
        await asyncio.wait([serving, stopped], return_when=asyncio.FIRST_COMPLETED)
        if not serving.done():
            log.info("stopped by %s", stopped.result())
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
            return
        serving.result()
    finally:
        for sig, previous in installed.items():
            loop.remove_signal_handler(sig)
            if previous is not None:  # None: a handler set outside Python, which cannot be restored
                signal.signal(sig, previous)


async def _serve(settings: Settings, token: str, sync_globally: bool) -> None:
    engine = await _in_daemon_thread(load_engine, settings)
    try:
        await _connect(create_bot(settings, engine, sync_globally=sync_globally), token)
    except discord.PrivilegedIntentsRequired:
        log.info("Discord refused the message content intent; reconnecting without it")
        await _connect(create_bot(settings, engine, intents=default_intents(message_content=False),
                                  sync_globally=sync_globally), token)


async def _in_daemon_thread(call: Callable[..., T], *args: Any) -> T:
    """`call(*args)` in a daemon thread. Unlike `asyncio.to_thread`, a stop does not wait
    for it: asyncio joins its executor's threads on the way out, which would hold a Ctrl-C
    during start-up until the corpus had finished loading."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def work() -> None:
        try:
            result, error = call(*args), None
        except BaseException as exc:  # handed to the awaiting task, re-raised there
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="factbot-load", daemon=True).start()
    return await future


async def _connect(bot: FactBot, token: str) -> None:
    async with bot:
        await bot.start(token)


class _RedactingFormatter(logging.Formatter):
    """Belt and braces: no log line, traceback included, can carry the token."""

    def __init__(self, secret: str):
        super().__init__("%(asctime)s %(levelname)-8s %(name)s: %(message)s")
        self._secret = secret

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(self._secret, "********")


def _log_to(stream: TextIO, level: str, secret: str) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_RedactingFormatter(secret))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return handler
