"""The Discord bot's settings, read once from the environment and `.env`.

Everything else receives what it needs from a `Settings`; nothing below the front end
reads the environment. The token is held in a `Secret`, which never shows its value in a
`repr`, a `str`, a log line or an error message.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from dotenv import dotenv_values

from retrieval import DEFAULT_K, FactbotError

from .frontend import parse_k

DEFAULT_PREFIX = "!"
DEFAULT_COOLDOWN_SECONDS = 3.0
DEFAULT_LOG_LEVEL = "INFO"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# A bot token is three base64url parts joined by dots: the bot's id, a timestamp, an HMAC.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")
_SETUP_HINT = "see .env.example, or run `factbot repl` to ask questions without Discord"


class SettingsError(FactbotError):
    """A setting is missing or malformed; the message names the variable, never a secret."""


class Secret:
    """A string that does not show itself: `reveal()` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    token: Secret | None = None
    corpus: tuple[Path, ...] = ()
    index: Path | None = None
    prefix: str = DEFAULT_PREFIX
    guild_id: int | None = None
    k: int = DEFAULT_K
    cooldown: float = DEFAULT_COOLDOWN_SECONDS
    log_level: str = DEFAULT_LOG_LEVEL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 env_file: str | Path | None = ".env") -> "Settings":
        """Settings from `env_file` (if it exists) overlaid by `environ` (default: the
        process environment), as python-dotenv's `load_dotenv` would, without changing
        the process environment. Raises `SettingsError` naming the bad variable."""
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update({key: value for key, value in dotenv_values(env_file).items() if value is not None})
        values.update(os.environ if environ is None else environ)
        setting = {key: value.strip() for key, value in values.items()
                   if key.startswith(("DISCORD_", "FACTBOT_")) and value.strip()}
        return cls(
            token=Secret(setting["DISCORD_TOKEN"]) if "DISCORD_TOKEN" in setting else None,
            corpus=_paths(setting.get("FACTBOT_CORPUS", "")),
            index=Path(setting["FACTBOT_INDEX"]) if "FACTBOT_INDEX" in setting else None,
            prefix=setting.get("FACTBOT_PREFIX", DEFAULT_PREFIX),
            guild_id=_guild_id(setting.get("FACTBOT_GUILD_ID")),
            k=_k(setting.get("FACTBOT_K")),
            cooldown=_cooldown(setting.get("FACTBOT_COOLDOWN")),
            log_level=_log_level(setting.get("FACTBOT_LOG_LEVEL")),
        )

    def require_token(self) -> str:
        """The token's value, or `SettingsError` when it is missing or not shaped like a bot token."""
        if self.token is None:
            raise SettingsError(f"DISCORD_TOKEN is not set; {_SETUP_HINT}")
        if not _TOKEN_SHAPE.fullmatch(self.token.reveal()):
            raise SettingsError("DISCORD_TOKEN does not look like a bot token (three dot-separated parts, "
                                f"no 'Bot ' prefix); {_SETUP_HINT}")
        return self.token.reveal()


def _paths(value: str) -> tuple[Path, ...]:
    parts = re.split(f"[,{re.escape(os.pathsep)}]", value)
    return tuple(Path(part.strip()) for part in parts if part.strip())


def _guild_id(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or int(value) == 0:
        raise SettingsError(f"FACTBOT_GUILD_ID must be a server id (a number), not {value!r}")
    return int(value)


def _k(value: str | None) -> int:
    if value is None:
        return DEFAULT_K
    try:
        return parse_k(value)
    except ValueError as error:
        raise SettingsError(f"FACTBOT_K: {error}") from None


def _cooldown(value: str | None) -> float:
    if value is None:
        return DEFAULT_COOLDOWN_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise SettingsError(f"FACTBOT_COOLDOWN must be seconds from 0 to 3600, not {value!r}")
    return seconds


def _log_level(value: str | None) -> str:
    if value is None:
        return DEFAULT_LOG_LEVEL
    level = value.upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"FACTBOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
    return level
