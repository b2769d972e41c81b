"""Shared fixtures: the bundled-article engine, built once a session, and small exact articles.

The small articles are made up for the tests; every rule they exercise is a general one, so
each test states exactly which paragraph or sentence it expects.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Article, Engine, load_articles
from retrieval.corpus import article_from_text

# Title, standfirst, byline, a repeated lead, a subscription prompt, an author bio, then a
# "More from" teaser block whose text must not be indexed.
HARBOR_PAGE = """City Council Approves New Harbor Bridge

The vote ends a decade of debate over the crossing.

By Jane Doe and John Roe

The city council voted 7-2 on Tuesday to approve a $450 million bridge across the harbor, officials said.

Subscribe to our newsletter for daily updates.

Construction is expected to begin in March and take about four years, according to Mayor Ana Ruiz.

The city council voted 7-2 on Tuesday to approve a $450 million bridge across the harbor, officials said.

Critics argue the bridge will increase traffic in the old town. Supporters say it will cut commute times by 20 minutes.

Jane Doe is a city hall reporter at the Harbor Times.

More from the Harbor Times

Ferry Service Suspended After Storm

The ferry operator said service would resume next week.
"""

# The body paragraphs `clean_page` keeps from HARBOR_PAGE, in order (paragraph 1 is the
# standfirst, which is body text too).
HARBOR_PARAGRAPHS = (
    "The vote ends a decade of debate over the crossing.",
    "The city council voted 7-2 on Tuesday to approve a $450 million bridge across the harbor, "
    "officials said.",
    "Construction is expected to begin in March and take about four years, according to Mayor Ana Ruiz.",
    "Critics argue the bridge will increase traffic in the old town. "
    "Supporters say it will cut commute times by 20 minutes.",
    "Jane Doe is a city hall reporter at the Harbor Times.",
)

FERRY_PAGE = """Ferry Service Suspended After Storm

High winds damaged the main pier on Sunday night.

The island ferry will not run until repairs to the pier are finished, the operator said on Monday.

Engineers estimate the work will cost 1.2 million dollars and take three weeks.

About 4,000 residents rely on the ferry to reach the mainland each day.
"""


# Made up for these tests: figures, dates, titled names, a list of places, quotations whose
# speaker is named in a neighbouring sentence, a pronoun speaker and a surname alone.
PORT_PAGE = """Port Expansion Approved

The regional council approved the port expansion on Thursday, officials said.

The expansion will cost 2.4 billion dollars and add nearly 900 jobs, according to port authority officials.

Ships will be able to dock within 12 miles of the new rail terminal between March 3 and March 9, 2026.

"We expect the first cranes to arrive in June," said Maria Lopez, the head of the port authority. "Nobody will be left behind."

Lopez told reporters that the work would be finished by 2028.

"It is a fair deal for the city," she added.

Transport Minister Tomas Berg visited Rotterdam, Hamburg, and Antwerp to study their harbours.

The plan is backed by the shipping company Nordline and three unions.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def harbor_page() -> str:
    return HARBOR_PAGE


@pytest.fixture(scope="session")
def ferry_page() -> str:
    return FERRY_PAGE


@pytest.fixture(scope="session")
def harbor_paragraphs() -> tuple[str, ...]:
    return HARBOR_PARAGRAPHS


@pytest.fixture(scope="session")
def port_engine() -> Engine:
    return Engine.from_articles([article_from_text("port", PORT_PAGE)])


@pytest.fixture(scope="session")
def bundled_engine() -> Engine:
    return Engine.from_paths()


@pytest.fixture(scope="session")
def bundled_article(bundled_engine: Engine) -> Article:
    (article,) = bundled_engine.corpus.articles
    return article


@pytest.fixture(scope="session")
def articles_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    write(folder, "harbor.txt", HARBOR_PAGE)
    write(folder, "ferry.txt", FERRY_PAGE)
    return folder


@pytest.fixture(scope="session")
def harbor_path(articles_folder: Path) -> Path:
    return articles_folder / "harbor.txt"


@pytest.fixture(scope="session")
def harbor_engine(harbor_path: Path) -> Engine:
    return Engine.from_paths([harbor_path])


@pytest.fixture(scope="session")
def two_article_engine(articles_folder: Path) -> Engine:
    return Engine.from_articles(load_articles([articles_folder]))
