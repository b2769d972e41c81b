"""factbot's front ends: the CLI, the REPL and the Discord bot.

`create_bot` is imported on first use, so that the CLI and REPL never import discord.
"""
__all__ = ["create_bot"]


def __getattr__(name: str):
    if name == "create_bot":
        from .discord_bot import create_bot
        return create_bot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
