"""The Discord bot end to end with real discord.py objects, offline.

Prefix commands run through dpytest. Slash commands run as a real `discord.Interaction`
built from a gateway INTERACTION_CREATE payload and dispatched by discord.py's own
connection state through the command tree, with Discord's HTTP replaced at the webhook
adapter (the pattern of discord.py's tests/test_app_commands_invoke.py).
"""
import asyncio
import io
import itertools
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import discord
import discord.ext.test as dpytest
import pytest
from discord.ext import commands
from discord.webhook.async_ import async_context

import bot
from bot import embeds
from bot.cog import APOLOGY, DISCORD_MAX_QUESTION_CHARS
from bot.discord_bot import FactBot, default_intents, run
from bot.settings import Settings
from retrieval import ClaimCheck, Verdict

TROOPS = "How many troops has Russia sent to Belarus?"
CLAIM = "Russia has sent 30,000 troops to Belarus."
NO_PINGS = {"parse": []}
# Shaped like a bot token (id.timestamp.hmac) but not one.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture(scope="module")
def engine(bundled_engine):
    return bundled_engine


@pytest.fixture
async def make_bot(engine, monkeypatch):
    """Builds the bot as `create_bot` does and wires it to dpytest's fake Discord. Returns
    the bot and the payload of every message it sends (dpytest's fake HTTP drops the
    allowed mentions, so they are read where discord.py builds the payload)."""
    payloads = []
    build_payload = discord.abc.handle_message_parameters

    def spy(*args, **kwargs):
        params = build_payload(*args, **kwargs)
        payloads.append(params.payload)
        return params
    monkeypatch.setattr(discord.abc, "handle_message_parameters", spy)

    async def make(settings=None, members=1):
        settings = settings or Settings(cooldown=0)
        intents = default_intents()
        intents.members = True  # dpytest needs the member cache
        factbot = bot.create_bot(settings, engine, intents=intents)
        await factbot._async_setup_hook()
        dpytest.configure(factbot, members=members)
        factbot.allowed_mentions = discord.AllowedMentions.none()  # configure() drops it
        await factbot.setup_hook()  # dpytest does not log in, so nothing else calls it
        return factbot, payloads
    yield make
    await dpytest.empty_queue()


@pytest.fixture
async def factbot(make_bot):
    return await make_bot()


def sent() -> discord.Message:
    return dpytest.get_message()


# The prefix path, through dpytest

async def test_ask_answers_with_the_cited_troop_sentence(factbot, engine):
    bot_, payloads = factbot
    await dpytest.message(f"!ask {TROOPS}")
    embed = sent().embeds[0]
    answer = engine.ask(TROOPS, bot_.settings.k)
    assert embed.to_dict() == embeds.answer_embed(answer).to_dict()
    assert "30,000" in embed.fields[0].value
    assert embed.fields[0].name.startswith(answer.citations[0].ref)
    assert payloads[0]["allowed_mentions"] == NO_PINGS


async def test_ask_shows_the_confidence_in_the_footer(factbot, engine):
    answer = engine.ask(TROOPS, factbot[0].settings.k)
    assert answer.found and answer.confidence is not None
    await dpytest.message(f"!ask {TROOPS}")
    assert sent().embeds[0].footer.text.startswith(f"Confidence {answer.confidence:.0%} · Source: ")


async def test_a_question_full_of_mentions_pings_nobody(factbot):
    bot_, payloads = factbot
    bot_.allowed_mentions = discord.AllowedMentions.all()  # even if the bot-wide policy were lost
    member = dpytest.get_config().members[0]
    role = dpytest.get_config().guilds[0].roles[0]
    await dpytest.message(f"!ask @everyone @here {member.mention} {role.mention} how many troops?")
    assert payloads[0]["allowed_mentions"] == NO_PINGS
    embed = sent().embeds[0]
    assert "@everyone" not in embed.title and member.mention not in embed.title


async def test_check_replies_with_verdict_and_evidence(factbot, engine):
    await dpytest.message(f"!check {CLAIM}")
    embed = sent().embeds[0]
    expected: ClaimCheck = engine.check(CLAIM, factbot[0].settings.k)
    assert isinstance(expected.verdict, Verdict) and expected.explanation
    assert embed.title.startswith("Verdict: ")
    assert embed.to_dict() == embeds.check_embed(expected).to_dict()
    assert len(embed.fields) == len(expected.evidence)


async def test_context_shows_the_sentence_with_its_neighbours(factbot, engine):
    ref = engine.ask(TROOPS).citations[0].ref
    await dpytest.message(f"!context {ref}")
    embed = sent().embeds[0]
    assert embed.to_dict() == embeds.context_embed(engine.context(ref)).to_dict()
    assert "30,000" in embed.description


@pytest.mark.parametrize("shown", ["({ref})", "[{ref}]"])
async def test_context_reads_a_ref_as_an_answer_shows_it(factbot, engine, shown):
    ref = engine.ask(TROOPS).citations[0].ref
    await dpytest.message(f"!context {shown.format(ref=ref)}")
    assert sent().embeds[0].to_dict() == embeds.context_embed(engine.context(ref)).to_dict()


async def test_context_of_an_unknown_ref_says_what_refs_look_like(factbot):
    with pytest.raises(commands.CommandInvokeError):
        await dpytest.message("!context 999.9")
    assert "refs look like" in sent().content


async def test_source_lists_the_loaded_article(factbot, engine):
    await dpytest.message("!source")
    embed = sent().embeds[0]
    assert embed.to_dict() == embeds.sources_embed(engine.sources()).to_dict()
    assert engine.sources()[0].title[:40] in embed.fields[0].name.replace("\\", "")


async def test_help_lists_every_public_command(factbot):
    await dpytest.message("!help")
    help_text = sent().embeds[0].description
    for usage in ("ask <question>", "check <claim>", "context <ref>", "source", "help"):
        assert f"`!{usage}`" in help_text
    assert "sync" not in help_text


async def test_an_empty_question_gets_usage_help(factbot):
    with pytest.raises(commands.MissingRequiredArgument):
        await dpytest.message("!ask   ")
    assert sent().content == "Usage: !ask <question>"


async def test_a_prefix_error_replies_to_the_askers_message_without_pinging(factbot):
    bot_, payloads = factbot
    with pytest.raises(commands.MissingRequiredArgument):
        await dpytest.message("!ask")
    (asked,) = [m.id for m in bot_.cached_messages if m.content == "!ask"]
    assert sent().content == "Usage: !ask <question>"
    assert payloads[-1]["message_reference"]["message_id"] == asked
    assert payloads[-1]["allowed_mentions"] == NO_PINGS  # replied_user defaults to false: no ping


async def test_an_over_long_question_is_refused(factbot):
    with pytest.raises(commands.RangeError):
        await dpytest.message("!ask " + "why " * 200)
    reply = sent().content
    assert f"the limit is {DISCORD_MAX_QUESTION_CHARS}" in reply and "Usage: !ask" in reply


async def test_a_question_without_searchable_words_gets_the_engine_message(factbot):
    with pytest.raises(commands.CommandInvokeError):
        await dpytest.message("!ask the of and")
    assert "no searchable words" in sent().content


async def test_an_unexpected_error_is_logged_apologised_for_and_survived(factbot, monkeypatch, caplog):
    bot_, payloads = factbot
    cog = bot_.get_cog("factbot")
    monkeypatch.setattr(cog.engine, "ask", lambda question, k: 1 / 0)
    with pytest.raises(commands.CommandInvokeError):
        await dpytest.message(f"!ask {TROOPS}")
    assert sent().content == APOLOGY
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info[0] is ZeroDivisionError
    monkeypatch.undo()
    await dpytest.message(f"!ask {TROOPS}")
    assert "30,000" in sent().embeds[0].fields[0].value
    assert all(p["allowed_mentions"] == NO_PINGS for p in payloads)


async def test_cooldown_is_per_user(make_bot):
    await make_bot(Settings(cooldown=30), members=2)
    first, second = dpytest.get_config().members
    await dpytest.message(f"!ask {TROOPS}", member=first)
    assert sent().embeds
    with pytest.raises(commands.CommandOnCooldown):
        await dpytest.message(f"!ask {TROOPS}", member=first)
    assert sent().content.startswith("Slow down: try again in 30 s")
    await dpytest.message(f"!ask {TROOPS}", member=second)
    assert sent().embeds


async def test_spam_during_a_cooldown_gets_one_slow_down_reply(make_bot):
    await make_bot(Settings(cooldown=30), members=2)
    first, second = dpytest.get_config().members
    await dpytest.message(f"!ask {TROOPS}", member=first)
    assert sent().embeds
    with pytest.raises(commands.CommandOnCooldown):
        await dpytest.message(f"!ask {TROOPS}", member=first)
    assert sent().content.startswith("Slow down: try again in")
    await dpytest.message("!help", member=first)  # another command, its own cooldown
    assert sent().embeds
    for text in (f"!ask {TROOPS}", "!help", f"!ask {TROOPS}"):
        with pytest.raises(commands.CommandOnCooldown):
            await dpytest.message(text, member=first)
    assert dpytest.verify().message().nothing()  # told once; the rest of the spam is ignored
    await dpytest.message(f"!ask {TROOPS}", member=second)  # others are answered as usual
    assert sent().embeds


async def test_help_has_a_cooldown(make_bot):
    await make_bot(Settings(cooldown=30))
    await dpytest.message("!help")
    assert sent().embeds
    with pytest.raises(commands.CommandOnCooldown):
        await dpytest.message("!help")
    assert sent().content.startswith("Slow down")


async def test_a_mention_with_a_question_is_answered(factbot, engine):
    bot_, payloads = factbot
    await dpytest.message(f"{bot_.user.mention} {TROOPS}")
    assert sent().embeds[0].to_dict() == embeds.answer_embed(engine.ask(TROOPS)).to_dict()
    assert payloads[0]["allowed_mentions"] == NO_PINGS


async def test_a_mention_can_name_a_command(factbot):
    bot_, _ = factbot
    await dpytest.message(f"<@!{bot_.user.id}> source")
    assert sent().embeds[0].title == "Loaded articles"


async def test_a_bare_mention_gets_usage_help_for_the_mention(factbot):
    bot_, _ = factbot
    with pytest.raises(commands.MissingRequiredArgument):
        await dpytest.message(bot_.user.mention)
    assert sent().content == embeds.notice(f"Usage: @{bot_.user.name} <question>")
    with pytest.raises(commands.MissingRequiredArgument):
        await dpytest.message(f"{bot_.user.mention} context")
    assert sent().content == embeds.notice(f"Usage: @{bot_.user.name} context <ref>")


async def test_mentions_and_prefixes_are_not_part_of_the_question(factbot, engine):
    bot_, _ = factbot
    member = dpytest.get_config().members[0]
    expected = embeds.answer_embed(engine.ask("how many troops", bot_.settings.k)).to_dict()
    for message in ("!ask @everyone how many troops", f"!ask how many {member.mention} troops",
                    f"{bot_.user.mention} !ask how many troops", f"{bot_.user.mention} @here how many troops"):
        await dpytest.message(message)
        assert sent().embeds[0].to_dict() == expected, message


async def test_a_question_of_only_mentions_gets_usage_help(factbot):
    with pytest.raises(commands.MissingRequiredArgument):
        await dpytest.message("!ask @everyone @here")
    assert sent().content == "Usage: !ask <question>"


async def test_a_message_that_only_pings_the_bot_later_is_not_a_question(factbot):
    bot_, _ = factbot
    await dpytest.message(f"thanks! {bot_.user.mention}")
    await dpytest.message(f"how many troops, {bot_.user.mention}?")
    assert dpytest.verify().message().nothing()


async def test_messages_that_do_not_address_the_bot_are_ignored(factbot):
    await dpytest.message(TROOPS)
    assert dpytest.verify().message().nothing()


async def test_dms_work(factbot):
    member = dpytest.get_config().members[0]
    dm = await member.create_dm()
    await dpytest.message(f"!ask {TROOPS}", channel=dm, member=member)
    assert "30,000" in sent().embeds[0].fields[0].value
    await dpytest.message(TROOPS, channel=dm, member=member)
    assert "30,000" in sent().embeds[0].fields[0].value


async def test_sync_is_for_the_owner_only(factbot, monkeypatch):
    bot_, _ = factbot
    owner, = dpytest.get_config().members
    synced = []

    async def fake_sync(*, guild=None):
        synced.append(guild)
        return ["ask", "check"]
    monkeypatch.setattr(bot_.tree, "sync", fake_sync)
    bot_.owner_id = owner.id + 1
    with pytest.raises(commands.NotOwner):
        await dpytest.message("!sync")
    assert sent().content == "Only the bot's owner can do that."
    bot_.owner_id = owner.id
    await dpytest.message("!sync")
    assert sent().content == "Synced 2 commands globally."
    await dpytest.message("!sync here")
    assert sent().content == "Synced 2 commands to this server."
    assert synced == [None, dpytest.get_config().guilds[0]]


async def test_fifty_concurrent_questions_all_get_their_answer(make_bot):
    await make_bot(Settings(cooldown=30), members=50)
    members = dpytest.get_config().members
    await asyncio.gather(*(dpytest.message(f"!ask {TROOPS}", member=m) for m in members))
    replies = [sent() for _ in members]
    assert all("30,000" in r.embeds[0].fields[0].value for r in replies)
    assert dpytest.verify().message().nothing()


# The slash path: a real Interaction through the command tree

_ids = itertools.count(1000)


def _message_payload(body: dict) -> dict:
    return {"id": str(next(_ids)), "channel_id": "2", "type": 0, "content": body.get("content") or "",
            "embeds": body.get("embeds", []), "attachments": [], "mentions": [], "mention_roles": [],
            "mention_everyone": False, "pinned": False, "tts": False, "flags": body.get("flags", 0),
            "timestamp": "2024-01-01T00:00:00+00:00", "edited_timestamp": None,
            "author": {"id": "1", "username": "factbot", "discriminator": "0", "avatar": None, "bot": True}}


class RecordingWebhookAdapter:
    """Stands in for discord.py's AsyncWebhookAdapter: records each request that would go
    to Discord and answers as Discord does."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []

    async def create_interaction_response(self, interaction_id, token, *, session, params, **_):
        self.requests.append(("callback", params.payload))
        reply = {"interaction": {"id": str(interaction_id), "type": 2}}
        if params.payload["type"] == discord.InteractionResponseType.channel_message.value:
            reply["resource"] = {"type": 4, "message": _message_payload(params.payload["data"])}
        return reply

    async def execute_webhook(self, webhook_id, token, *, session, payload=None, **_):
        self.requests.append(("followup", payload))
        return _message_payload(payload)

    async def delete_original_interaction_response(self, application_id, token, *, session, **_):
        self.requests.append(("delete original", {}))


def _interaction_payload(name: str, user_id: int = 3, **options: str) -> dict:
    return {
        "id": str(discord.utils.time_snowflake(discord.utils.utcnow())),
        "application_id": "1", "token": "interaction-token", "version": 1,
        "type": discord.InteractionType.application_command.value,
        "attachment_size_limit": 8 * 1024 * 1024,
        "channel": {"id": "2", "type": discord.ChannelType.private.value},
        "user": {"id": str(user_id), "username": "asker", "discriminator": "0", "avatar": None},
        "data": {"id": "4", "name": name, "type": discord.AppCommandType.chat_input.value,
                 "options": [{"type": discord.AppCommandOptionType.string.value, "name": key, "value": value}
                             for key, value in options.items()]},
        "locale": "en-US",
    }


@pytest.fixture
async def slash(engine):
    """The bot, started without connecting, and a function that dispatches a slash command
    as the gateway would and returns what was sent back."""
    factbot = bot.create_bot(Settings(cooldown=30), engine)
    adapter = RecordingWebhookAdapter()
    reset = async_context.set(adapter)
    async with factbot:
        await factbot.setup_hook()

        async def invoke(name: str, user_id: int = 3, **options: str) -> list[tuple[str, dict]]:
            adapter.requests.clear()
            factbot._connection.parse_interaction_create(_interaction_payload(name, user_id, **options))
            await asyncio.gather(*(t for t in asyncio.all_tasks() if t.get_name() == "CommandTree-invoker"))
            return list(adapter.requests)
        yield invoke
    async_context.reset(reset)


async def test_slash_ask_defers_then_answers_like_the_prefix_command(slash, engine):
    (kind, defer), (follow, reply) = await slash("ask", question=TROOPS)
    deferred = discord.InteractionResponseType.deferred_channel_message.value
    assert (kind, defer) == ("callback", {"type": deferred})
    assert follow == "followup"
    assert reply["embeds"] == [embeds.answer_embed(engine.ask(TROOPS)).to_dict()]
    assert "30,000" in reply["embeds"][0]["fields"][0]["value"]
    assert reply["allowed_mentions"] == NO_PINGS
    assert not reply.get("flags", 0) & discord.MessageFlags.ephemeral.flag


async def test_slash_cooldown_is_an_ephemeral_reply(slash):
    await slash("ask", question=TROOPS)
    ((kind, response),) = await slash("ask", question=TROOPS)
    assert (kind, response["type"]) == ("callback", discord.InteractionResponseType.channel_message.value)
    assert response["data"]["flags"] & discord.MessageFlags.ephemeral.flag
    assert response["data"]["content"].startswith("Slow down: try again in 30 s")
    assert response["data"]["allowed_mentions"] == NO_PINGS
    assert len(await slash("ask", user_id=4, question=TROOPS)) == 2  # another user is not held back


async def test_slash_engine_error_after_the_defer_is_still_ephemeral(slash):
    (_, defer), deleted, (follow, reply) = await slash("ask", question="the of and")
    assert defer["type"] == discord.InteractionResponseType.deferred_channel_message.value
    assert deleted == ("delete original", {})
    assert follow == "followup" and reply["flags"] & discord.MessageFlags.ephemeral.flag
    assert "no searchable words" in reply["content"] and reply["allowed_mentions"] == NO_PINGS


async def test_slash_unexpected_error_is_logged_and_apologised_for(slash, engine, monkeypatch, caplog):
    monkeypatch.setattr(engine, "ask", lambda question, k: 1 / 0)
    *_, (_, reply) = await slash("ask", question=TROOPS)
    assert reply["content"] == APOLOGY and reply["flags"] & discord.MessageFlags.ephemeral.flag
    assert [r.exc_info[0] for r in caplog.records if r.levelno == logging.ERROR] == [ZeroDivisionError]


async def test_a_slash_command_the_tree_cannot_run_gets_the_fallback_apology(slash, caplog):
    ((kind, response),) = await slash("retired-command")
    assert kind == "callback" and response["data"]["content"] == APOLOGY
    assert response["data"]["flags"] & discord.MessageFlags.ephemeral.flag
    assert response["data"]["allowed_mentions"] == NO_PINGS
    assert [r.exc_info[0] for r in caplog.records if r.levelno == logging.ERROR] == [
        discord.app_commands.CommandNotFound]


async def test_slash_help_is_ephemeral(slash):
    ((kind, response),) = await slash("help")
    assert kind == "callback" and response["data"]["flags"] & discord.MessageFlags.ephemeral.flag
    assert "`/ask <question>`" in response["data"]["embeds"][0]["description"]


async def test_slash_commands_are_registered_with_descriptions(engine):
    factbot = bot.create_bot(Settings(), engine)
    await factbot.setup_hook()
    commands_ = {c.name: c for c in factbot.tree.get_commands()}
    assert set(commands_) == {"ask", "check", "context", "source", "help"}
    ask = commands_["ask"]
    assert ask.description.startswith("Answer a question")
    (question,) = ask.parameters
    assert question.max_value == DISCORD_MAX_QUESTION_CHARS and question.description
    assert ask.to_dict(factbot.tree)["options"][0]["max_length"] == DISCORD_MAX_QUESTION_CHARS


# Building and running

def test_create_bot_reads_the_environment_and_needs_no_token(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("FACTBOT_PREFIX", "?")
    factbot = bot.create_bot()
    assert factbot.command_prefix == "?" and factbot.settings.token is None
    assert factbot.allowed_mentions.to_dict() == NO_PINGS
    assert factbot.intents.message_content and not factbot.intents.members and not factbot.intents.presences


def test_no_voice_library_warnings_at_start(engine, caplog, monkeypatch):
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    bot.create_bot(Settings(), engine)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_without_message_content_the_bot_warns_once(engine, caplog):
    bot.create_bot(Settings(), engine, intents=default_intents(message_content=False))
    ours = [r for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("bot.")]
    assert len(ours) == 1 and "message content intent" in ours[0].getMessage()


async def test_guild_sync_at_start_when_a_guild_is_set(engine, monkeypatch):
    factbot = bot.create_bot(Settings(guild_id=123456789012345678), engine)
    synced = []

    async def fake_sync(*, guild=None):
        synced.append(guild)
        return factbot.tree.get_commands(guild=guild)
    monkeypatch.setattr(factbot.tree, "sync", fake_sync)
    await factbot.setup_hook()
    assert [g.id for g in synced] == [123456789012345678]
    assert len(factbot.tree.get_commands(guild=synced[0])) == 5


def _refuse_to_connect(monkeypatch):
    attempts = []

    async def static_login(self, token):
        attempts.append(token)
        raise discord.LoginFailure("Improper token has been passed.")
    monkeypatch.setattr(discord.http.HTTPClient, "static_login", static_login)
    return attempts


@pytest.mark.parametrize("token", [None, "Bot " + TOKEN, "not-a-token"])
def test_run_without_a_usable_token_exits_2_before_connecting(monkeypatch, token):
    attempts = _refuse_to_connect(monkeypatch)
    err = io.StringIO()
    code = run(stderr=err, environ={} if token is None else {"DISCORD_TOKEN": token}, env_file=None)
    assert code == 2 and attempts == []
    (line,) = err.getvalue().splitlines()
    assert ".env.example" in line and "factbot repl" in line
    assert token is None or token not in line


def test_a_refused_token_exits_2_and_never_shows(monkeypatch):
    attempts = _refuse_to_connect(monkeypatch)
    err = io.StringIO()
    code = run(stderr=err, environ={"DISCORD_TOKEN": TOKEN, "FACTBOT_LOG_LEVEL": "DEBUG"}, env_file=None)
    assert code == 2 and attempts == [TOKEN]
    assert TOKEN not in err.getvalue() and TOKEN[:12] not in err.getvalue()
    assert err.getvalue().splitlines()[-1].startswith("factbot: error: Discord refused DISCORD_TOKEN")


def test_a_bad_corpus_exits_1_before_connecting(monkeypatch, tmp_path):
    attempts = _refuse_to_connect(monkeypatch)
    err = io.StringIO()
    code = run(corpus=[str(tmp_path / "missing.txt")], stderr=err, environ={"DISCORD_TOKEN": TOKEN},
               env_file=None)
    assert code == 1 and attempts == []
    assert err.getvalue().splitlines()[-1].startswith("factbot: error: ")


class FakeGateway:
    """Stands in for connecting to Discord: records each bot `run` starts, and can refuse
    the privileged message content intent as Discord does when the portal has it off."""

    def __init__(self):
        self.bots: list[FactBot] = []
        self.refuse_message_content = False

    async def start(self, bot_: FactBot, token: str) -> None:
        self.bots.append(bot_)
        if bot_.intents.message_content and self.refuse_message_content:
            raise discord.PrivilegedIntentsRequired(None)


@pytest.fixture
def gateway(monkeypatch):
    fake = FakeGateway()

    async def start(self, token, *, reconnect=True):
        await fake.start(self, token)
    monkeypatch.setattr(FactBot, "start", start)
    return fake


def test_run_serves_the_corpus_given_on_the_command_line(gateway, harbor_path):
    code = run(corpus=[str(harbor_path)], stderr=io.StringIO(), environ={"DISCORD_TOKEN": TOKEN},
               env_file=None)
    assert code == 0 and len(gateway.bots) == 1
    assert [s.doc for s in gateway.bots[0].engine.sources()] == [harbor_path.stem]
    assert gateway.bots[0].intents.message_content


def test_run_lets_a_large_corpus_build_in_worker_processes(gateway, harbor_path, monkeypatch):
    from bot import frontend
    calls = []
    load = frontend.load_engine

    def recording_load(corpus=None, index=None, **kwargs):
        calls.append((list(corpus), index, kwargs))
        return load(corpus, index, **kwargs)
    monkeypatch.setattr(frontend, "load_engine", recording_load)
    code = run(corpus=[str(harbor_path)], stderr=io.StringIO(), environ={"DISCORD_TOKEN": TOKEN},
               env_file=None)
    assert code == 0
    assert calls == [([harbor_path], None, {"workers": None})]


def test_run_loads_a_saved_index(gateway, harbor_engine, tmp_path):
    harbor_engine.save(tmp_path / "index")
    environ = {"DISCORD_TOKEN": TOKEN, "FACTBOT_INDEX": str(tmp_path / "index")}
    code = run(stderr=io.StringIO(), environ=environ, env_file=None)
    assert code == 0
    assert gateway.bots[0].engine.sources() == harbor_engine.sources()


def test_without_the_message_content_intent_the_bot_reconnects_without_it(gateway, caplog):
    gateway.refuse_message_content = True
    code = run(stderr=io.StringIO(), environ={"DISCORD_TOKEN": TOKEN}, env_file=None)
    assert code == 0
    assert [b.intents.message_content for b in gateway.bots] == [True, False]
    assert gateway.bots[0].engine is gateway.bots[1].engine  # built once
    ours = [r for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("bot.")]
    assert len(ours) == 1 and "message content intent is off" in ours[0].getMessage()


_STOPPABLE_BOT = """
import asyncio, sys, threading
import bot.discord_bot as discord_bot

def blocking_load(settings):
    print("loading", flush=True)
    threading.Event().wait()

async def serve_forever(self, token, *, reconnect=True):
    print("serving", flush=True)
    await asyncio.Event().wait()

if sys.argv[1] == "loading":
    discord_bot.load_engine = blocking_load
else:
    discord_bot.load_engine = lambda settings: object()
    discord_bot.FactBot.start = serve_forever
sys.exit(discord_bot.run(environ={"DISCORD_TOKEN": sys.argv[2]}, env_file=None))
"""


@pytest.mark.parametrize("phase", ["loading", "serving"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_is_one_log_line_and_exit_0_even_while_loading(tmp_path, phase, sig):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}
    process = subprocess.Popen([sys.executable, "-c", _STOPPABLE_BOT, phase, TOKEN], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == phase
        process.send_signal(sig)
        _, err = process.communicate(timeout=30)  # a hang, not a speed limit
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "WARNING" in line or "ERROR" in line or "stopped" in line]
    assert len(lines) == 1 and lines[0].endswith(f"stopped by {sig.name}")


def _factbot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_factbot_discord_without_a_token_is_one_line_exit_2(tmp_path):
    result = _factbot("discord", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("factbot: error: DISCORD_TOKEN is not set")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert ".env.example" in result.stderr and "factbot repl" in result.stderr


def test_the_cli_never_imports_discord(tmp_path):
    code = ("import sys; from bot.cli import main; import bot; "
            "main(['ask', 'How many troops?'], stdout=open('/dev/null', 'w')); "
            "print('discord' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.stdout.strip() == "False", result.stderr
