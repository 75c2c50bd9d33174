"""French typography at render time: the rules, what they leave alone, and the renderer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answers import Renderer, load_library
from bot.core.typography import NBSP, NNBSP, typeset
from tests.conftest import ANSWERS, write_answer


def shown(text: str) -> str:
    """Make the two no-break spaces visible: ⍽ for U+00A0, · for U+202F."""
    return text.replace(NBSP, "⍽").replace(NNBSP, "·")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Ça va ? Oui ! Bof ; et toi : super.", "Ça va·? Oui·! Bof·; et toi⍽: super."),
        ("Ça va? Oui! Toi:", "Ça va·? Oui·! Toi⍽:"),
        ("C'est vrai ?! Bon  ?", "C’est vrai·?! Bon·?"),
        ("« Bonjour » et «salut»", "«·Bonjour·» et «·salut·»"),
        ("l'été, aujourd'hui, qu'il, don't", "l’été, aujourd’hui, qu’il, don’t"),
        ("**Repères 2026 :** vrai ?", "**Repères 2026⍽:** vrai·?"),
        ("[C'est quoi ?](https://x.fr/a?b=1)", "[C’est quoi·?](https://x.fr/a?b=1)"),
    ],
)
def test_punctuation_apostrophes_and_guillemets(source: str, expected: str) -> None:
    assert shown(typeset(source)) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1500 € et 83600 €", "1⍽500⍽€ et 83⍽600⍽€"),
        ("1 500 € et 1 823,03 € brut", "1⍽500⍽€ et 1⍽823,03⍽€ brut"),
        ("25,6 % ou 25,6% ou 100%", "25,6⍽% ou 25,6⍽% ou 100⍽%"),
        ("30 k€ ou 30k€, 12,02 €/h", "30⍽k€ ou 30⍽k€, 12,02⍽€/h"),
        ("9h30, 9 h 30, 18h, 48 h, 24h/24", "9⍽h⍽30, 9⍽h⍽30, 18⍽h, 48⍽h, 24⍽h/24"),
        ("15 000 abonnés", "15⍽000 abonnés"),
    ],
)
def test_numbers_units_and_thousands(source: str, expected: str) -> None:
    assert shown(typeset(source)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "En 2026, le décret 2025-943 et l'art. L1222-5 (code postal 75011)",
        "5 hashtags, 3 heures, un écran 16:9, rendez-vous à 12:30",
        "l’été déjà typographié\u00a0: «\u202fmerci\u202f»\u202f!",
    ],
)
def test_years_codes_and_typeset_text_stay_as_they_are(text: str) -> None:
    assert typeset(text) == text.replace("l'art", "l’art")


@pytest.mark.parametrize(
    "text",
    [
        "`a ? b : c` et ``l'un ; l'autre``",
        "```\nif x : y ? 1500 € ; l'été\n```",
        "https://www.service-public.fr/particuliers?x=1:2 et <https://urssaf.fr/a!b>",
        "www.impots.gouv.fr/ok?",
        "<@123> <@!45> <@&6> <#1> <:nom:1> <a:danse:22> <t:1700000000:R> </faq:99>",
        ":tada: :white_check_mark: :) ;-) :D",
        "jean.dupont@example.fr",
        "!help",
    ],
)
def test_code_urls_mentions_and_emoji_are_left_alone(text: str) -> None:
    assert typeset(text) == text


def test_no_double_space_and_only_ordinary_spaces_change() -> None:
    source = "Alors  ? « oui » ; 1 500 € : 25 % ! Et 9 h 30 ?\nNouvelle ligne : l'été."
    result = typeset(source)
    assert "  " not in result and " \u00a0" not in result and "\u00a0 " not in result
    assert result.split() == source.replace("l'été", "l’été").split()
    assert result.count("\n") == source.count("\n")


def test_names_are_kept_as_typed() -> None:
    assert shown(typeset("Salut Max! !", keep=("Max!",))) == "Salut Max!·!"
    assert typeset("Bienvenue sur Le QG : CM", keep=("Le QG : CM",)) == "Bienvenue sur Le QG : CM"


def test_the_renderer_typesets_real_templates_but_not_names(answers_dir: Path) -> None:
    write_answer(
        answers_dir,
        "a",
        title="C'est combien ?",
        body=(
            "Salut {{ asker }} !{% if server %} Bienvenue sur {{ server }} !{% endif %}\n\n"
            "**Repères 2026 :** environ {{ 1500 }} € par mois, soit 25,6 % ; tape `/faq cherche:salaire`."
        ),
    )
    answer = load_library(answers_dir).answers["a"]
    rendered = Renderer(answers_dir).render(answer, asker="Léa?", server="CM : le QG")
    assert shown(rendered.title) == "C’est combien·?"
    assert shown(rendered.body) == (
        "Salut Léa?·! Bienvenue sur CM : le QG·!\n\n"
        "**Repères 2026⍽:** environ 1⍽500⍽€ par mois, soit 25,6⍽%·; tape `/faq cherche:salaire`."
    )
    assert answer.body.count("'") == 0 and answer.title == "C'est combien ?"  # the file's text is untouched


def test_an_answer_in_another_language_keeps_its_spacing(answers_dir: Path) -> None:
    write_answer(answers_dir, "en", title="What's a CM?", body="Hello: it's 50 %!", extra="lang: en")
    rendered = Renderer(answers_dir).render(load_library(answers_dir).answers["en"], asker="Max", server=None)
    assert (rendered.title, rendered.body) == ("What's a CM?", "Hello: it's 50 %!")


def test_the_seed_keeps_its_words_with_french_typography() -> None:
    seed = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "max-community-manager.txt"
    if not seed.exists():
        pytest.skip("shared/ is not beside this checkout")
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    answer = load_library(ANSWERS).answers["perception-du-metier"]
    body = Renderer(ANSWERS).render(answer, asker="Max", server=None).body
    assert body.split() == " ".join(lines[1:-1]).split()
    assert f"Max, community manager de profession{NNBSP}!" in body
    assert " ?" not in body and " !" not in body and " :" not in body and "« " not in body
