import inspect
import os
import re
from pathlib import Path

import pytest

import bot.settings
from bot.settings import DEFAULT_COOLDOWN_SECONDS, DEFAULT_PREFIX, Secret, Settings, SettingsError
from retrieval import DEFAULT_K, FactbotError

# Shaped like a bot token (id.timestamp.hmac) but not one.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_defaults_when_nothing_is_set(tmp_path):
    settings = Settings.from_env({}, tmp_path / "missing.env")
    assert settings == Settings()
    assert (settings.token, settings.corpus, settings.index, settings.guild_id) == (None, (), None, None)
    assert (settings.prefix, settings.k, settings.cooldown, settings.log_level) == (
        DEFAULT_PREFIX, DEFAULT_K, DEFAULT_COOLDOWN_SECONDS, "INFO")


def test_reads_every_variable():
    settings = Settings.from_env({
        "DISCORD_TOKEN": TOKEN,
        "FACTBOT_CORPUS": f"a.txt{os.pathsep}news/, c.jsonl",
        "FACTBOT_INDEX": "saved-index",
        "FACTBOT_PREFIX": "?",
        "FACTBOT_GUILD_ID": "123456789012345678",
        "FACTBOT_K": "5",
        "FACTBOT_COOLDOWN": "2.5",
        "FACTBOT_LOG_LEVEL": "debug",
    }, env_file=None)
    assert settings.require_token() == TOKEN
    assert settings.corpus == (Path("a.txt"), Path("news"), Path("c.jsonl"))
    assert settings.index == Path("saved-index")
    assert (settings.prefix, settings.guild_id, settings.k, settings.cooldown, settings.log_level) == (
        "?", 123456789012345678, 5, 2.5, "DEBUG")


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN='{TOKEN}'\nFACTBOT_K=4\nFACTBOT_PREFIX=$\n", encoding="utf-8")
    settings = Settings.from_env({"FACTBOT_K": "7"}, env_file)
    assert settings.require_token() == TOKEN
    assert (settings.k, settings.prefix) == (7, "$")


def test_blank_values_count_as_unset(tmp_path):
    settings = Settings.from_env({"DISCORD_TOKEN": "  ", "FACTBOT_K": "", "FACTBOT_PREFIX": " "}, None)
    assert settings == Settings()


@pytest.mark.parametrize(("name", "value"), [
    ("FACTBOT_K", "0"), ("FACTBOT_K", "26"), ("FACTBOT_K", "three"), ("FACTBOT_K", "\u00b2"),
    ("FACTBOT_GUILD_ID", "my-server"), ("FACTBOT_GUILD_ID", "0"),
    ("FACTBOT_COOLDOWN", "-1"), ("FACTBOT_COOLDOWN", "nan"), ("FACTBOT_COOLDOWN", "soon"),
    ("FACTBOT_LOG_LEVEL", "LOUD"),
])
def test_malformed_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name) as raised:
        Settings.from_env({name: value}, None)
    assert isinstance(raised.value, FactbotError)
    assert "\n" not in str(raised.value)


def test_missing_token_points_to_the_example_and_the_repl():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({}, None).require_token()
    message = str(raised.value)
    assert "DISCORD_TOKEN" in message and ".env.example" in message and "factbot repl" in message


@pytest.mark.parametrize("bad", ["Bot " + TOKEN, "not-a-token", TOKEN.replace(".", ""), TOKEN + ".extra"])
def test_malformed_token_is_refused_without_showing_it(bad):
    settings = Settings.from_env({"DISCORD_TOKEN": bad}, None)
    with pytest.raises(SettingsError) as raised:
        settings.require_token()
    assert "DISCORD_TOKEN" in str(raised.value)
    assert bad not in str(raised.value)


def test_the_token_never_shows_in_repr_or_str():
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN}, None)
    for shown in (repr(settings), str(settings), repr(settings.token), str(settings.token),
                  f"{settings.token}", f"{settings!r}"):
        assert TOKEN not in shown
        assert TOKEN[:10] not in shown
    assert "Secret(" in repr(settings)


def test_secret_compares_by_value():
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    assert Secret("a") != "a"



def test_env_example_documents_every_setting_with_its_default():
    example = Path(__file__).parent.parent / ".env.example"
    read = set(re.findall(r'"((?:DISCORD|FACTBOT)_[A-Z_]+)"', inspect.getsource(bot.settings)))
    text = example.read_text(encoding="utf-8")
    documented = set(re.findall(r"^((?:DISCORD|FACTBOT)_[A-Z_]+)=", text, re.MULTILINE))
    assert read == documented
    assert Settings.from_env({}, example) == Settings()
