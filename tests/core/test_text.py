"""Normalisation: what makes "Métier", "metier" and "MÉTIER" one word."""

from __future__ import annotations

import pytest

from bot.core.text import has_words, looks_english, normalise, plain, questions_in, tokens


def test_normalise_folds_case_accents_ligatures_and_spaces() -> None:
    assert normalise("  Le MÉTIER   de Cœur\u00a0!  ") == "le metier de coeur"
    assert normalise("Ça s’appelle comment ?") == "ca s'appelle comment"
    assert normalise("ﬁche") == "fiche"  # NFKC ligature


def test_normalise_drops_invisible_characters_and_survives_anything() -> None:
    assert normalise("\u200b") == ""
    assert normalise("bon\u200bjour") == "bonjour"
    assert normalise("") == ""


def test_elisions_and_stopwords_are_removed() -> None:
    assert tokens("l'avenir du métier") == tokens("avenir metier")
    assert tokens("qu'est-ce que c'est, d'après toi ?") == []
    assert tokens("j'arrive pas à déconnecter") == tokens("arrive deconnecter")


def test_accents_and_inflections_meet_on_one_stem() -> None:
    assert tokens("Compétences") == tokens("competence")
    assert tokens("les clients") == tokens("le client")
    assert tokens("DÉCONNECTER") == tokens("deconnecte")


def test_sms_spellings_and_slang_are_plain_french() -> None:
    assert tokens("jsuis perdu") == tokens("je suis perdu")
    assert tokens("mon taf") == tokens("mon travail")
    assert tokens("cb tu gagnes") == tokens("combien tu gagnes")


def test_urls_and_discord_mentions_are_not_words() -> None:
    assert tokens("<@123456789012345678> https://discord.gg/abcdef") == []


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("**combien** on gagne ?", "combien on gagne ?"),
        ("@everyone @here combien on gagne", "combien on gagne"),
        ("<@123456789012345678> <:pepe:42> salut <#987654321>", "salut"),
        ("> comment devenir cm\n-# sans diplome", "comment devenir cm sans diplome"),
        (
            "||spoiler|| et `code` et ~~barré~~ et __souligné__ et _italique_",
            "spoiler et code et barré et souligné et italique",
        ),
        ("[mon portfolio](https://exemple.fr/cm) est bien ?", "mon portfolio est bien ?"),
        ("mon_compte insta https://instagram.com/mon_compte", "mon_compte insta"),
        ("", ""),
    ],
)
def test_plain_is_the_question_without_discord_markup(typed: str, meant: str) -> None:
    assert plain(typed) == meant


def test_english_stopwords_are_removed_too() -> None:
    assert tokens("what does a community manager do?") == tokens("community manager")


@pytest.mark.parametrize(
    ("question", "english"),
    [
        ("how do I find my first clients?", True),
        ("what does a typical day look like for a CM?", True),
        ("comment trouver mes premiers clients ?", False),
        ("c koi le salaire d'un cm", False),
        ("ok merci", False),  # words both languages use say nothing
        ("community manager", False),  # no function word at all: French, the library's language
        ("", False),
    ],
)
def test_a_question_in_english_is_told_from_french(question: str, english: bool) -> None:
    assert looks_english(question) is english


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        (
            "combien gagne un cm ? et comment trouver des clients ?",
            ["combien gagne un cm", "et comment trouver des clients"],
        ),
        (
            "J'ai 30 ans. Trop tard pour devenir CM ? Et on gagne combien au début",
            ["Trop tard pour devenir CM", "Et on gagne combien au début"],
        ),
        ("combien gagne un cm ?", []),
        ("Salut ! ça marche ? je voudrais devenir cm", []),  # « ça marche ? » asks nothing of its own
        ("quel salaire pour un cm junior ? merci d'avance !", []),
    ],
)
def test_the_questions_of_a_message_that_asks_several(message: str, questions: list[str]) -> None:
    assert questions_in(message) == questions


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("aaaaaaaaaaaaaaa", False),
        ("qsdfghjklm", False),
        ("hmmmm ?", False),
        ("TJM ?", True),
        ("rgpd", True),
        ("merciii", True),
        ("comment gérer un trooooll", True),
        ("Сколько зарабатывает", True),
    ],
)
def test_a_hand_on_the_keyboard_is_no_word(message: str, words: bool) -> None:
    assert has_words(message) is words
