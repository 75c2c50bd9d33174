"""The loop's pieces in the core: suggested resolutions, related answers by words, the
digest's text and the chart, on the frozen library with the real (lexical) matcher."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import pytest
from matplotlib.image import imread

from bot.core.answers import load_library
from bot.core.chart import weekly_chart
from bot.core.digest import Digest, digest_text, parse_since
from bot.core.matching import Matcher
from bot.core.models import MatchResult, QuestionGroup, ReviewItem, ReviewStatus, SuggestedResolution, WeekStats
from bot.core.suggest import suggest_resolution
from tests.conftest import FROZEN_LIBRARY

LIBRARY = load_library(FROZEN_LIBRARY)
MATCHER = Matcher(LIBRARY.answers.values())


async def match(text: str) -> MatchResult:
    return await asyncio.to_thread(MATCHER.match, text)


async def test_the_closest_answer_is_suggested_when_plausible() -> None:
    found = await suggest_resolution(["pain au levain ?", "le salaire d'un community manager junior ?"], match)
    assert found is not None and found.slug == "salaire" and not found.semantic
    assert found.score >= 0.3  # the lexical suggest threshold


async def test_nothing_is_suggested_for_what_the_library_does_not_cover() -> None:
    assert await suggest_resolution(["Quelle est la meilleure recette de pain au levain ?"], match) is None
    assert await suggest_resolution(["merci !"], match) is None  # small talk resolves nothing
    assert await suggest_resolution(["le salaire d'un CM ?"], match, match_threshold=1.0, suggest_threshold=1.0) is None


async def test_only_the_first_questions_are_matched() -> None:
    texts = ["pain ?", "vélo ?", "chat ?", "le salaire d'un community manager junior ?"]
    assert await suggest_resolution(texts, match) is None


def test_related_by_words_is_stable_and_excludes_the_answer_itself() -> None:
    related = MATCHER.related("gerer-les-critiques")
    assert len(related) == 3 and "gerer-les-critiques" not in related
    assert related == Matcher(LIBRARY.answers.values()).related("gerer-les-critiques")
    assert MATCHER.related("inconnue") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", dt.timedelta(days=7)),
        ("7j", dt.timedelta(days=7)),
        ("2w", dt.timedelta(weeks=2)),
        ("36h", dt.timedelta(hours=36)),
        ("3", dt.timedelta(days=3)),
    ],
)
def test_since_durations(text: str, expected: dt.timedelta) -> None:
    assert parse_since(text) == expected


@pytest.mark.parametrize("text", ["", "0d", "bientôt", "7 ans", "-3d"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="n'est pas une durée"):
        parse_since(text)


def test_digest_text_names_every_section() -> None:
    now = dt.datetime(2025, 5, 8, tzinfo=dt.UTC)
    group = QuestionGroup(3, "**pain** ?", ReviewStatus.OPEN, 2, now, now)
    digest = Digest(
        since=now - dt.timedelta(days=7),
        new_groups=(group,),
        waiting=(ReviewItem(group, (), SuggestedResolution("salaire", 0.42, True)),),
        downvoted=(("outils", 2),),
        thanks=(("salaire", 3), ("outils", 1)),
    )
    text = digest_text(digest, {"salaire": "Combien gagne un CM ?"}, quote=lambda t: t.replace("*", "\\*"), now=now)
    assert text.splitlines()[0] == "Depuis le 01/05/2025 (7 jours) :"
    assert "Nouveaux groupes sans réponse : 1\n  • #3 · 2 fois · « \\*\\*pain\\*\\* ? »" in text
    assert "#3 · « \\*\\*pain\\*\\* ? » → Combien gagne un CM ? (salaire) (42 %)" in text
    assert "2 👎 · outils (outils)" in text
    assert "Questions répondues grâce aux résolutions : 4\n  • 3 × Combien gagne un CM ? (salaire)" in text
    empty = digest_text(Digest(now - dt.timedelta(days=1), (), (), (), ()), {}, now=now)
    assert "Nouveaux groupes sans réponse : aucun" in empty and "(1 jour)" in empty


def test_chart_is_a_portrait_png_with_something_drawn() -> None:
    first = dt.date(2025, 3, 10)
    weeks = [WeekStats(first + dt.timedelta(days=7 * i), 10 * i, 8 * i, 3 * i, 2 * i) for i in range(8)]
    png = weekly_chart(weeks)
    image = imread(io.BytesIO(png))[:, :, :3]
    assert image.shape[:2] == (936, 780)
    assert ((image.max(axis=2) - image.min(axis=2)) > 0.25).mean() > 0.01
    blank = imread(io.BytesIO(weekly_chart([WeekStats(first, 0, 0, 0, 0)] * 8)))[:, :, :3]
    assert ((blank.max(axis=2) - blank.min(axis=2)) > 0.25).mean() < (
        (image.max(axis=2) - image.min(axis=2)) > 0.25
    ).mean()
