"""The seed article: the advice-column reply to Max, shipped word for word and signed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answers import Renderer, load_library
from tests.conftest import SHIPPED_ANSWERS as ANSWERS


def test_the_seed_article_is_served_word_for_word() -> None:
    """The first answer is the advice-column reply to Max, kept word for word (French
    typography adds no-break spaces, which do not change the words)."""
    seed = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "max-community-manager.txt"
    if not seed.exists():
        pytest.skip("shared/ is not beside this checkout")
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    expected_words = " ".join(lines[1:-1]).split()  # minus the title line and the trailing tag line
    answer = load_library(ANSWERS).answers["perception-du-metier"]
    rendered = Renderer(ANSWERS).render(answer, asker="Max", server=None)
    assert rendered.body.split() == expected_words
    assert answer.title == lines[0].strip()


def test_the_seed_article_is_signed_by_its_author_in_the_footer() -> None:
    from bot.core.service import format_answer
    from bot.exts.formatting import answer_footer

    seed = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "max-community-manager.txt"
    if not seed.exists():
        pytest.skip("shared/ is not beside this checkout")
    signature = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()][-1].strip()
    answer = load_library(ANSWERS).answers["perception-du-metier"]
    rendered = Renderer(ANSWERS).render(answer, asker="Max", server=None)
    assert answer.author == signature == "je_suis_community_manager"
    assert answer_footer(rendered) == signature  # on Discord
    assert format_answer(rendered).endswith(f"\n\n— {signature}")  # in the console
