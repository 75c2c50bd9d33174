"""Small talk is recognised only when the whole message is chit-chat."""

from __future__ import annotations

import pytest

from bot.core.models import SmallTalk
from bot.core.service import SMALLTALK_REPLIES
from bot.core.smalltalk import classify

RECOGNISED = [
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
    ("merci le bot !", "thanks"),
    ("salut le bot", "greeting"),
    ("bot ?", "bot"),
    ("le robot", "bot"),
    ("j'ai une question", "help"),
    ("j ai une question", "help"),
    ("Salut, j'ai une petite question !", "help"),
    ("merci ! j'ai une autre question", "help"),
    ("aide-moi stp", "help"),
    ("Tu peux m'aider ?", "help"),
    ("can you help me?", "help"),
    ("pas compris", "missed"),
    ("c'est faux !", "missed"),
    ("Ta réponse est nulle", "missed"),
    ("non", "missed"),
    ("aucun des deux", "missed"),
    ("non merci", "thanks"),
    ("bonne réponse !", "agree"),
    ("qui a créé ce bot ?", "bot"),
    ("test", "bot"),
    ("bonne nuit tout le monde", "bye"),
    ("merci pour ta réponse", "thanks"),
    ("t'es un bot ou un humain ?", "bot"),
    ("je comprends pas ta réponse", "missed"),
    ("ça m'aide pas du tout ton truc", "missed"),
    ("t'es nul", "missed"),
    ("tu peux détailler ?", "help"),
]


@pytest.mark.parametrize(("text", "kind"), RECOGNISED)
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
        "cv",
        "CV ?",
        "j'ai une question sur le salaire",
        "aide pour trouver des clients",
        "stp",
        "pas compris le salaire d'un cm",
        "non je voulais savoir comment trouver des clients",
        "test de personnalité pour savoir si je suis fait pour être cm",
        "explique moi le seo",
        "tu peux détailler le statut de micro-entrepreneur ?",
        "merci pour les conseils sur le salaire, et pour un freelance ?",
        "combien gagne tout le monde dans une agence",
    ],
)
def test_real_questions_and_junk_are_not_small_talk(text: str) -> None:
    assert classify(text) is None


def test_kinds_are_an_enum_that_compares_as_text() -> None:
    kind = classify("merci le bot !")
    assert kind is SmallTalk.THANKS
    assert kind == "thanks"


def test_every_kind_is_recognised_from_some_message() -> None:
    """A kind that no message reaches is a reply nobody ever gets."""
    assert {classify(text) for text, _ in RECOGNISED} == set(SmallTalk)


def test_every_kind_has_its_reply_and_every_reply_its_kind() -> None:
    assert set(SMALLTALK_REPLIES) == set(SmallTalk)
    assert all(reply.strip() for reply in SMALLTALK_REPLIES.values())
