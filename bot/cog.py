"""factbot's Discord commands. Each handler parses, calls the engine off the event loop
and sends what `embeds` renders; errors are translated once, in `cog_command_error`."""
from __future__ import annotations

import asyncio
import logging
import math
import re
from typing import Any, Callable, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands
from discord.ext.commands.view import StringView

from retrieval import Engine, FactbotError

from . import embeds, frontend
from .settings import Settings

log = logging.getLogger(__name__)

# Discord's cap (the slash option's max_length), below the core's 2,000: anyone in a server may send one.
DISCORD_MAX_QUESTION_CHARS = 500
MAX_REF_CHARS = 100
NO_MENTIONS = discord.AllowedMentions.none()
APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again."

ShortText = commands.Range[str, 1, DISCORD_MAX_QUESTION_CHARS]
Ref = commands.Range[str, 1, MAX_REF_CHARS]
T = TypeVar("T")
_MENTION = re.compile(r"<@[!&]?\d+>|<#\d+>|@(?:everyone|here)\b")


def _per_user_cooldown(ctx: commands.Context) -> app_commands.Cooldown | None:
    seconds = ctx.cog.settings.cooldown
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None


# Applied to the command, not the function, so that each cog instance (each bot) gets its
# own copy of the buckets rather than sharing the function's.
_cooldown = commands.dynamic_cooldown(_per_user_cooldown, commands.BucketType.user)


class FactCog(commands.Cog, name="factbot"):
    def __init__(self, bot: commands.Bot, engine: Engine, settings: Settings):
        self.bot = bot
        self.engine = engine
        self.settings = settings
        self.several_docs = frontend.several_articles(engine)
        # user id -> when (event-loop clock) their last "slow down" reply's cooldown ends
        self._slowed_until: dict[int, float] = {}

    @_cooldown
    @commands.hybrid_command()
    @app_commands.describe(question="what you want to know from the article")
    async def ask(self, ctx: commands.Context, *, question: ShortText) -> None:
        """Answer a question with the article's own sentences, cited."""
        question = _without_mentions(ctx, question, "question")
        answer = await self._run(ctx, self.engine.ask, question, self.settings.k)
        await ctx.send(embed=embeds.answer_embed(answer, self.several_docs), allowed_mentions=NO_MENTIONS)

    @_cooldown
    @commands.hybrid_command()
    @app_commands.describe(claim="a statement to check against the article")
    async def check(self, ctx: commands.Context, *, claim: ShortText) -> None:
        """Check a claim against the article: a verdict with its evidence."""
        claim = _without_mentions(ctx, claim, "claim")
        result = await self._run(ctx, self.engine.check, claim, self.settings.k)
        await ctx.send(embed=embeds.check_embed(result, self.several_docs), allowed_mentions=NO_MENTIONS)

    @_cooldown
    @commands.hybrid_command()
    @app_commands.describe(ref="a sentence reference from an answer, like 4.2")
    async def context(self, ctx: commands.Context, ref: Ref) -> None:
        """Show a cited sentence with its neighbours."""
        docs = self.engine.corpus.docs
        found = await self._run(ctx, self.engine.context, frontend.parse_ref(ref, docs))
        await ctx.send(embed=embeds.context_embed(found, self.several_docs), allowed_mentions=NO_MENTIONS)

    @_cooldown
    @commands.hybrid_command()
    async def source(self, ctx: commands.Context) -> None:
        """List the loaded articles: title, byline and sentence count."""
        sources = await self._run(ctx, self.engine.sources)
        await ctx.send(embed=embeds.sources_embed(sources), allowed_mentions=NO_MENTIONS)

    @_cooldown
    @commands.hybrid_command(name="help")
    async def show_help(self, ctx: commands.Context) -> None:
        """Show what factbot can do."""
        usages = [(f"{c.name} {c.signature}".strip(), c.short_doc)
                  for c in self.get_commands() if not c.hidden]
        await ctx.send(embed=embeds.help_embed(usages, self.settings.prefix), ephemeral=True,
                       allowed_mentions=NO_MENTIONS)

    @commands.command(hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context, scope: Literal["global", "here"] = "global") -> None:
        """Publish the slash commands everywhere (global, can take an hour) or to this server now."""
        guild = ctx.guild if scope == "here" else None
        if guild is not None:
            self.bot.tree.copy_global_to(guild=guild)
        synced = await self.bot.tree.sync(guild=guild)
        where = "to this server" if guild is not None else "globally"
        text = f"Synced {frontend.count(len(synced), 'command')} {where}."
        await ctx.send(embeds.notice(text), allowed_mentions=NO_MENTIONS)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A message that starts with the bot's mention (or a DM) and is not a prefix
        command is a question for `ask`, or names a command by its first word (with or
        without the prefix); either runs like a typed command, with its cooldown and error
        replies. A mention later in a message (a reply that pings the bot) is not a question."""
        if message.author.bot or not self._addressed(message):
            return
        ctx = await self.bot.get_context(message)
        if ctx.prefix is not None:
            return
        ctx.command, ctx.view = self._mentioned_command(message.content)
        ctx.invoked_with = ctx.command.name
        await self.bot.invoke(ctx)

    async def cog_command_error(self, ctx: commands.Context, error: Exception) -> None:
        cause = _unwrap(error)
        if isinstance(cause, commands.CommandOnCooldown) and self._told_to_slow_down(ctx, cause):
            return
        text = _explain(cause, self._usage(ctx))
        if text is None:
            log.error("command %s failed", ctx.command, exc_info=cause)
            text = APOLOGY
        try:
            if ctx.interaction is not None and ctx.interaction.response.is_done():
                # A reply to a public defer cannot be ephemeral; remove the "thinking…" placeholder.
                await ctx.interaction.delete_original_response()
            # Only a slash command's reply can be seen by the asker alone; a prefix or mention
            # error is a reply to the asker's message, so it is clear whom it is for.
            reference = None if ctx.interaction is not None else ctx.message.to_reference(fail_if_not_exists=False)
            await ctx.send(embeds.notice(text), ephemeral=True, reference=reference, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not send the error reply for %s", ctx.command, exc_info=True)

    async def _run(self, ctx: commands.Context, call: Callable[..., T], *args: Any) -> T:
        """Acknowledges a slash command at once (Discord allows 3 seconds), then runs the
        engine in a worker thread so the gateway heartbeat never waits on a search."""
        await ctx.defer()
        return await asyncio.to_thread(call, *args)

    def _told_to_slow_down(self, ctx: commands.Context, error: commands.CommandOnCooldown) -> bool:
        """Whether this user was already told to slow down during this cooldown. A slash
        command's reply is ephemeral, seen by the user alone, so it is always sent; a
        prefix or mention reply goes to the channel, so spam gets one reply a cooldown,
        not one a message (a reaction would need a permission factbot does not ask for)."""
        if ctx.interaction is not None:
            return False
        now = asyncio.get_running_loop().time()
        if self._slowed_until.get(ctx.author.id, 0.0) > now:
            return True
        if len(self._slowed_until) > 1024:
            self._slowed_until = {user: t for user, t in self._slowed_until.items() if t > now}
        self._slowed_until[ctx.author.id] = now + error.retry_after
        return False

    def _usage(self, ctx: commands.Context) -> str:
        command = ctx.command
        if ctx.prefix is None and ctx.guild is not None and self.bot.user is not None:
            named = "" if command is self.ask else f"{command.name} "
            return f"@{self.bot.user.name} {named}{command.signature}".strip()
        return f"{ctx.prefix or self.settings.prefix}{command} {command.signature}".strip()

    def _addressed(self, message: discord.Message) -> bool:
        if message.guild is None:
            return True
        return self.bot.user is not None and re.match(rf"\s*<@!?{self.bot.user.id}>", message.content) is not None

    def _mentioned_command(self, content: str) -> tuple[commands.Command, StringView]:
        text = " ".join(_MENTION.sub(" ", content).split())
        first, _, rest = text.partition(" ")
        prefix = self.settings.prefix
        command = self.bot.get_command(first.lower().removeprefix(prefix) if prefix else first.lower())
        if command is None or command.cog is not self or command.hidden:
            return self.ask, StringView(text)
        return command, StringView(rest.strip())


def _without_mentions(ctx: commands.Context, text: str, parameter: str) -> str:
    """`text` without user, role and channel mentions or @everyone/@here, which are
    addressing, not part of a question; `MissingRequiredArgument` when nothing is left."""
    text = " ".join(_MENTION.sub(" ", text).split())
    if not text:
        raise commands.MissingRequiredArgument(ctx.command.clean_params[parameter])
    return text


def _unwrap(error: Exception) -> Exception:
    while isinstance(error, (commands.CommandInvokeError, commands.HybridCommandError,
                             app_commands.CommandInvokeError)):
        error = error.original
    return error


def _explain(error: Exception, usage: str) -> str | None:
    """What to tell the user about an error, or None when it is a bug."""
    if isinstance(error, commands.CommandOnCooldown):
        return f"Slow down: try again in {math.ceil(error.retry_after)} s."
    if isinstance(error, commands.MissingRequiredArgument):
        return f"Usage: {usage}"
    if isinstance(error, commands.RangeError) and isinstance(error.value, str):
        return f"That is {len(error.value):,} characters; the limit is {error.maximum:,}. Usage: {usage}"
    if isinstance(error, commands.NotOwner):
        return "Only the bot's owner can do that."
    if isinstance(error, (commands.UserInputError, commands.CheckFailure, FactbotError)):
        return str(error)
    return None
