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


BOT = Path(__file__).parent.parent / "bot"
# The index's arrays, read only by the BM25 module; the corpus's sentence columns, read only
# by the modules that build, hold and save them.
INDEX_INTERNALS = {"vocabulary", "offsets", "positions", "by_impact", "weights", "lengths"}
SPAN_OWNERS = {"corpus.py", "build.py", "store.py"}


@pytest.mark.parametrize("module", sorted(CORE.glob("*.py")) + sorted(BOT.glob("*.py")),
                         ids=lambda path: f"{path.parent.name}/{path.name}")
def test_only_the_bm25_module_reads_the_index_s_arrays(module):
    if module.parent == CORE and module.name == "index.py":
        return
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in INDEX_INTERNALS:
            owner = ast.unparse(node.value)
            assert "index" not in owner.lower() and "search" not in owner.lower(), \
                f"{module.name}: {ast.unparse(node)}"
        if isinstance(node, ast.Attribute) and node.attr == "article" and ast.unparse(node.value).endswith("spans"):
            assert module.parent == CORE and module.name in SPAN_OWNERS, f"{module.name}: {ast.unparse(node)}"


def test_claims_get_their_collaborators_not_the_engine():
    source = (CORE / "claims.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "engine" not in imported and "ranking" not in imported
    assert "engine" not in source.lower().replace("engine's", "")


def test_the_core_builds_no_tokenizer_of_its_own():
    """Only the engine makes a tokenizer (and `text` the saved one); every stage is given it."""
    for module in sorted(CORE.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        made = any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Tokenizer"
                   for node in ast.walk(tree))
        assert not made or module.name == "engine.py", module.name


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
