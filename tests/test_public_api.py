"""Meta-tests: the public API is what `__all__` says, the core stays pure, every command has help."""
from __future__ import annotations

import argparse
import ast
import io
import types
from pathlib import Path

import pytest

import retrieval
from bot.cli import build_parser, main

CORE = Path(retrieval.__file__).parent
FRONT_END_ONLY = {"discord", "dotenv", "argparse"}


def test_all_matches_the_public_names():
    public = {name for name, value in vars(retrieval).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert set(retrieval.__all__) == public
    assert len(retrieval.__all__) == len(set(retrieval.__all__))


def test_every_name_in_all_resolves():
    for name in retrieval.__all__:
        assert getattr(retrieval, name) is not None, name


@pytest.mark.parametrize("module", sorted(CORE.glob("*.py")), ids=lambda path: path.name)
def test_core_never_imports_front_end_libraries_nor_prints(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("print", "input", "eval", "exec"), f"{module.name}: {node.func.id}()"
    assert not imported & (FRONT_END_ONLY | {"pickle"}), module.name


def subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(command path, its parser, its help line) for every subcommand, nested ones too."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                yield prefix + (name,), subparser, helps.get(name)
                yield from subcommands(subparser, prefix + (name,))


COMMANDS = list(subcommands(build_parser()))


def test_there_are_commands():
    assert {path[0] for path, _, _ in COMMANDS} >= {"ask", "repl"}


COMMAND_NAMES = [" ".join(path) for path, _, _ in COMMANDS]


@pytest.mark.parametrize("path, parser, help_line", COMMANDS, ids=COMMAND_NAMES)
def test_every_command_and_option_has_help(path, parser, help_line):
    assert help_line, f"factbot {' '.join(path)} has no help line"
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        described = not action.option_strings and action.metavar in (parser.description or "")
        assert action.help or described, f"factbot {' '.join(path)}: {action.dest} has no help"


@pytest.mark.parametrize("path", [path for path, _, _ in COMMANDS], ids=COMMAND_NAMES)
def test_every_command_prints_its_help(path):
    out = io.StringIO()
    assert main([*path, "--help"], stdout=out, stderr=io.StringIO()) == 0
    assert out.getvalue().startswith(f"usage: factbot {' '.join(path)}")
