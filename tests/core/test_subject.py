"""A career question about another job is not answered with this library's job."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answers import load_library
from bot.core.matching import Matcher, choices, decide
from bot.core.matching.subject import looks_like_a_job, subjects
from bot.core.models import ReplyKind
from tests.conftest import write_answer


@pytest.fixture
def matcher(answers_dir: Path) -> Matcher:
    write_answer(
        answers_dir,
        "salaire",
        title="Combien gagne un community manager ?",
        questions=(
            "Quel salaire pour un community manager débutant ?",
            "Combien on gagne en freelance quand on gère des réseaux sociaux ?",
            "Le salaire d'un CM en agence ?",
        ),
        body="Un community manager junior gagne entre 2 000 et 2 400 € brut par mois. "
        "Ta cliente boulangerie te paiera moins qu'une agence.",
    )
    write_answer(
        answers_dir,
        "journee-type",
        title="La journée type d'un community manager",
        questions=("À quoi ressemble une journée de CM ?", "Journée type d'un community manager en agence ?"),
        body="Le matin, la veille et la modération ; l'après-midi, les contenus.",
    )
    return Matcher(load_library(answers_dir).answers.values())


def kind_of(matcher: Matcher, question: str) -> ReplyKind:
    return decide(matcher.match(question))


@pytest.mark.parametrize(
    "question",
    [
        "salaire d'un boulanger",
        "combien gagne une boulangère",
        "journée type d'un pompier",
        "la journee type d'un plombier",
    ],
)
def test_another_job_is_never_answered_with_ours(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert decide(result) is not ReplyKind.ANSWER
    assert all(c.slug in {"salaire", "journee-type"} for c in choices(result))


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("salaire d'un community manager", "salaire"),
        ("combien gagne un cm débutant", "salaire"),
        ("journée type d'un community manager", "journee-type"),
    ],
)
def test_our_own_job_is_still_answered(matcher: Matcher, question: str, slug: str) -> None:
    result = matcher.match(question)
    assert decide(result) is ReplyKind.ANSWER and result.best is not None and result.best.slug == slug


def test_a_job_the_library_is_about_is_answered(answers_dir: Path) -> None:
    write_answer(
        answers_dir,
        "tarifs",
        title="Combien gagne un photographe de mariage ?",
        questions=("Quel salaire pour un photographe ?", "Tarifs d'un photographe indépendant ?"),
        body="Un reportage complet se facture entre 1 200 et 2 500 €.",
    )
    matcher = Matcher(load_library(answers_dir).answers.values())
    assert kind_of(matcher, "combien gagne un photographe") is ReplyKind.ANSWER
    assert kind_of(matcher, "combien gagne un plombier") is not ReplyKind.ANSWER


def test_the_asker_s_own_job_does_not_hide_the_question_about_ours(matcher: Matcher) -> None:
    result = matcher.match("Combien gagne un community manager en tant que vendeur reconverti ?")
    assert decide(result) is ReplyKind.ANSWER and result.best is not None and result.best.slug == "salaire"
    assert kind_of(matcher, "combien gagne un vendeur") is not ReplyKind.ANSWER


def job_subjects(question: str) -> list[str]:
    return [word for word in subjects(question) if looks_like_a_job(word)]


def test_only_job_names_in_a_career_place_count() -> None:
    assert job_subjects("Comment devenir infirmière ?") == ["infirmiere"]
    assert job_subjects("le métier de fleuriste, ça paie ?") == ["fleuriste"]
    assert job_subjects("combien gagne un débutant") == []  # a level, not a job
    assert job_subjects("devenir freelance") == []
    assert job_subjects("salaire horaire d'un cm") == []  # qualifies the salary
    assert job_subjects("how to become a better community manager") == []
    assert job_subjects("un infirmier m'a demandé un conseil") == []  # not what the question is about
