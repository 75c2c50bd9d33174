"""Small talk is recognised only when the whole message is chit-chat."""

from __future__ import annotations

import pytest

from bot.core.smalltalk import classify


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("merci", "thanks"),
        ("Merciiii !!", "thanks"),
        ("bien vu merci beaucoup 🙏", "thanks"),
        ("salut", "greeting"),
        ("bonjour à tous", "greeting"),
        ("ça va ?", "greeting"),
        ("bonne nuit", "bye"),
        ("t'es un robot ?", "bot"),
        ("tu sers à quoi ?", "bot"),
        ("are you a bot?", "bot"),
        ("mdr", "laugh"),
        ("🙏", "thanks"),
        ("👍🏽", "agree"),
        ("❤️❤️", "thanks"),
        ("👋", "greeting"),
    ],
)
def test_chit_chat_is_recognised(text: str, kind: str) -> None:
    assert classify(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "salut, comment devenir community manager ?",
        "merci de m'expliquer le salaire d'un CM",
        "?",
        "🙂🙂",
        "🍞",
        "",
        "{{ 7*7 }}",
    ],
)
def test_real_questions_and_junk_are_not_small_talk(text: str) -> None:
    assert classify(text) is None
