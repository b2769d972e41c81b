"""The project's packaging and CI files: licence metadata, bounded build requirement,
pinned CI installs, lint before tests."""
from __future__ import annotations

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
