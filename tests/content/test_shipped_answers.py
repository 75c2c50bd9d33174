"""Content is data, validated like code: every answer the editors ship parses, renders and
fits Discord, whatever ``answers/`` holds today (how many answers, which words).

These are the only tests that read ``answers/``; tests of code run on the frozen copy in
``tests/fixtures/library``. ``pytest tests/content --answers-dir DIR`` checks another folder.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.answers import Renderer, load_library
from bot.exts.formatting import (
    DESCRIPTION_LIMIT,
    EMBEDS_PER_MESSAGE,
    FOOTER_LIMIT,
    MESSAGE_EMBED_LIMIT,
    TITLE_LIMIT,
    answer_messages,
)
from tests.conftest import SHIPPED_ANSWERS

LONGEST_NAME = "M" * 32
"""Discord display names go up to 32 characters: the worst case for ``{{ asker }}``."""


def answers_dir(config: pytest.Config) -> Path:
    return config.getoption("--answers-dir") or SHIPPED_ANSWERS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "slug" in metafunc.fixturenames:
        folder = answers_dir(metafunc.config)
        slugs = sorted(p.name.removesuffix(".md.jinja") for p in folder.glob("*.md.jinja"))
        metafunc.parametrize("slug", slugs)


@pytest.fixture
def folder(request: pytest.FixtureRequest) -> Path:
    return answers_dir(request.config)


def test_the_folder_holds_answers(folder: Path) -> None:
    assert load_library(folder).answers, f"no answer in {folder}"


def test_no_file_has_a_problem(folder: Path) -> None:
    assert [str(p) for p in load_library(folder).problems] == []


def test_every_answer_renders_and_fits_discord(folder: Path, slug: str) -> None:
    library = load_library(folder)
    assert slug in library.answers, [str(p) for p in library.problems if p.path.name.startswith(slug)]
    for server in ("Le serveur des community managers", None):
        rendered = Renderer(folder).render(library.answers[slug], asker=LONGEST_NAME, server=server)
        assert rendered.body.strip()
        assert "{{" not in rendered.body and "{%" not in rendered.body
        for embeds in answer_messages(rendered):
            assert len(embeds) <= EMBEDS_PER_MESSAGE
            assert sum(len(embed) for embed in embeds) <= MESSAGE_EMBED_LIMIT
            for embed in embeds:
                assert len(embed.title or "") <= TITLE_LIMIT
                assert len(embed.description or "") <= DESCRIPTION_LIMIT
                assert len(embed.footer.text or "") <= FOOTER_LIMIT


def test_check_passes(folder: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    result = run_cli("check", "--answers", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
