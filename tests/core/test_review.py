"""The review desk with a real database and the real matcher over the shipped answers."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers import load_library
from bot.core.errors import UnknownAnswer, UnknownQuestion
from bot.core.matching import LEXICAL_MATCH_THRESHOLD, Matcher
from bot.core.models import Asker, ForgetResult, ReviewStatus
from bot.core.review import NoMatcher, ReviewDesk
from bot.storage.database import open_database
from bot.storage.repository import Repository
from tests.conftest import FROZEN_LIBRARY

LIBRARY = load_library(FROZEN_LIBRARY)
ALICE = Asker(display_name="Alice", user_id=111, guild_id=1, channel_id=10)
BOB = Asker(display_name="Bob", user_id=222, guild_id=1, channel_id=11)
CAROL = Asker(display_name="Carol", user_id=333)

BREAD = [
    "Quelle est la meilleure recette de pain au levain ?",
    "quelle est la meilleure recette de pain au levain",
    "Quelle est la meilleure recette du pain au levain ??",
]
BIKE = "Comment réparer la chaîne de mon vélo ?"


class Clock:
    """A settable clock, so retention can be tested without waiting 30 days."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(LIBRARY.answers.values())


@pytest.fixture
async def desk(tmp_path: Path, matcher: Matcher, clock: Clock) -> AsyncIterator[ReviewDesk]:
    connection = await open_database(tmp_path / "bot.sqlite3")
    yield ReviewDesk(Repository(connection), matcher, clock=clock)
    await connection.close()


async def test_the_shipped_library_does_not_already_answer_our_out_of_scope_questions(matcher: Matcher) -> None:
    for question in [*BREAD, BIKE]:
        assert matcher.match(question).score < 0.5, question


async def test_answered_questions_are_stored_but_not_queued(desk: ReviewDesk) -> None:
    question_id = await desk.record(ALICE, "combien gagne un CM ?", "salaire", 0.91)
    stored = await desk.repository.question(question_id)
    assert stored is not None and stored.answer_slug == "salaire" and stored.status is None
    assert await desk.list() == []


async def test_small_variations_of_one_question_form_one_group(desk: ReviewDesk) -> None:
    ids = [await desk.record(asker, text, None, 0.1) for asker, text in zip((ALICE, BOB, CAROL), BREAD, strict=True)]
    await desk.record(ALICE, BIKE, None, 0.1)
    groups = await desk.list()
    assert [(g.count, g.representative) for g in groups] == [(3, BREAD[0]), (1, BIKE)]
    assert groups[0].question_ids == tuple(ids)
    group, questions = await desk.show(groups[0].id)
    assert group == groups[0]
    assert [q.text for q in questions] == BREAD
    assert [q.display_name for q in questions] == ["Alice", "Bob", "Carol"]


async def test_exact_same_normalised_text_always_groups(desk: ReviewDesk) -> None:
    await desk.record(ALICE, "PAIN AU LEVAIN ?!", None, 0.1)
    await desk.record(BOB, "pain au levain", None, 0.1)
    await desk.record(BOB, "Pain, au levain…", None, 0.1)
    assert [g.count for g in await desk.list()] == [3]


async def test_different_questions_stay_apart(desk: ReviewDesk) -> None:
    for text in (BREAD[0], BIKE, "Quel temps fera-t-il demain à Lyon ?", "Combien de pattes a une araignée ?"):
        await desk.record(ALICE, text, None, 0.1)
    assert [g.count for g in await desk.list()] == [1, 1, 1, 1]


async def test_concurrent_copies_of_a_new_question_start_only_one_group(desk: ReviewDesk) -> None:
    await asyncio.gather(*(desk.record(ALICE, BREAD[i % 3], None, 0.1) for i in range(30)))
    groups = await desk.list()
    assert [g.count for g in groups] == [30]


async def test_resolve_teaches_the_matcher_at_once_and_after_a_restart(desk: ReviewDesk, matcher: Matcher) -> None:
    for asker, text in zip((ALICE, BOB, CAROL), BREAD, strict=True):
        await desk.record(asker, text, None, 0.1)
    (group,) = await desk.list()

    resolved = await desk.resolve(group.id, "trouver-des-idees", "console:ed")

    assert resolved.status is ReviewStatus.RESOLVED and resolved.resolved_slug == "trouver-des-idees"
    assert matcher.match(BREAD[0]).best.slug == "trouver-des-idees"  # type: ignore[union-attr]
    assert await desk.list() == []
    assert [g.id for g in await desk.list(ReviewStatus.RESOLVED)] == [group.id]
    _, questions = await desk.show(group.id)
    assert {(q.status, q.resolved_slug, q.reviewed_by) for q in questions} == {
        (ReviewStatus.RESOLVED, "trouver-des-idees", "console:ed")
    }
    # A restart: a fresh matcher taught from the database knows it too.
    fresh = Matcher(LIBRARY.answers.values(), learned=await desk.learned())
    assert fresh.match(BREAD[1]).best.slug == "trouver-des-idees"  # type: ignore[union-attr]
    assert sorted(await desk.learned()) == sorted(("trouver-des-idees", text) for text in BREAD)


async def test_resolve_with_an_unknown_slug_or_group_is_a_clear_error(desk: ReviewDesk) -> None:
    await desk.record(ALICE, BIKE, None, 0.1)
    (group,) = await desk.list()
    with pytest.raises(UnknownAnswer, match="recette-des-crepes"):
        await desk.resolve(group.id, "recette-des-crepes", "ed")
    with pytest.raises(UnknownQuestion, match="4242"):
        await desk.resolve(4242, "salaire", "ed")
    with pytest.raises(UnknownQuestion, match="4242"):
        await desk.show(4242)
    with pytest.raises(UnknownQuestion, match="4242"):
        await desk.dismiss(4242, None, "ed")
    assert [g.status for g in await desk.list()] == [ReviewStatus.OPEN]
    assert await desk.learned() == []


async def test_dismissed_questions_are_kept_for_the_record(desk: ReviewDesk) -> None:
    await desk.record(ALICE, BIKE, None, 0.1)
    (group,) = await desk.list()
    dismissed = await desk.dismiss(group.id, "hors sujet", "ed")
    assert (dismissed.status, dismissed.reason, dismissed.count) == (ReviewStatus.DISMISSED, "hors sujet", 1)
    assert await desk.list() == []
    _, questions = await desk.show(group.id)
    assert [(q.text, q.status, q.reason) for q in questions] == [(BIKE, ReviewStatus.DISMISSED, "hors sujet")]
    assert await desk.learned() == []
    # The same question asked again after dismissal starts a new open group.
    await desk.record(BOB, BIKE, None, 0.1)
    assert [g.count for g in await desk.list()] == [1]


async def test_export_is_one_csv_row_per_group_with_counts_and_dates(desk: ReviewDesk, clock: Clock) -> None:
    tricky = 'Un "guillemet", une virgule\net un saut de ligne 😀 \u200fRTL'
    first = clock.now
    await desk.record(ALICE, BREAD[0], None, 0.1)
    clock.now += dt.timedelta(days=2)
    await desk.record(BOB, BREAD[1], None, 0.1)
    await desk.record(CAROL, tricky, None, 0.1)
    await desk.record(CAROL, "combien gagne un CM ?", "salaire", 0.9)
    groups = await desk.list()
    await desk.dismiss(groups[1].id, "hors, sujet", "ed")

    rows = list(csv.DictReader(io.StringIO(await desk.export_csv())))

    assert len(rows) == 2
    by_text = {row["question"]: row for row in rows}
    assert by_text[BREAD[0]]["nombre"] == "2"
    assert by_text[BREAD[0]]["statut"] == "open"
    assert dt.datetime.fromisoformat(by_text[BREAD[0]]["premiere_fois"]) == first
    assert dt.datetime.fromisoformat(by_text[BREAD[0]]["derniere_fois"]) == clock.now
    assert by_text[tricky]["statut"] == "dismissed" and by_text[tricky]["raison"] == "hors, sujet"
    assert by_text[tricky]["choix_des_membres"] == ""


async def test_export_never_lets_a_spreadsheet_run_member_text(desk: ReviewDesk) -> None:
    formula = '=HYPERLINK("http://evil.example","clique")'
    await desk.record(ALICE, formula, None, 0.1)
    (row,) = csv.DictReader(io.StringIO(await desk.export_csv()))
    assert row["question"] == "'" + formula


async def test_stats(desk: ReviewDesk) -> None:
    answered = await desk.record(ALICE, "combien gagne un CM ?", "salaire", 0.9)
    await desk.record(BOB, "combien gagne un CM ?", "salaire", 0.9)
    await desk.record(BOB, BIKE, None, 0.1)
    await desk.record(CAROL, BIKE, None, 0.1)
    await desk.vote(answered, 111, False)
    await desk.vote(answered, 111, True)
    await desk.vote(answered, 222, True)
    stats = await desk.stats()
    assert (stats.questions, stats.answered, stats.share_answered) == (4, 2, 0.5)
    assert stats.top_answers == (("salaire", 2),)
    assert [(g.representative, g.count) for g in stats.top_unanswered] == [(BIKE, 2)]
    assert (stats.votes, stats.helpful, stats.share_helpful) == (2, 2, 1.0)


async def test_a_lesson_taken_back_is_forgotten_at_once(desk: ReviewDesk, matcher: Matcher) -> None:
    """A moderator who resolved with the wrong answer corrects it, then changes their mind
    again and dismisses the group: the running bot follows each step, no restart needed."""
    for text in BREAD:
        await desk.record(ALICE, text, None, 0.1)
    (group,) = await desk.list()
    await desk.resolve(group.id, "salaire", "ed")
    assert matcher.match(BREAD[0]).best.slug == "salaire"  # type: ignore[union-attr]

    await desk.resolve(group.id, "trouver-des-idees", "ed")
    assert [c.slug for c in matcher.match(BREAD[0]).candidates[:1]] == ["trouver-des-idees"]
    assert "salaire" not in {c.slug for c in matcher.match(BREAD[0]).candidates if c.score >= 0.3}

    await desk.dismiss(group.id, "hors sujet", "ed")
    assert matcher.match(BREAD[0]).score < LEXICAL_MATCH_THRESHOLD


async def test_picks_wait_for_the_moderator_and_show_in_the_group(desk: ReviewDesk, matcher: Matcher) -> None:
    ids = [await desk.record(asker, text, None, 0.35) for asker, text in zip((ALICE, BOB, CAROL), BREAD, strict=True)]
    await desk.pick(ids[0], ALICE.user_id, "trouver-des-idees")  # type: ignore[arg-type]
    await desk.pick(ids[1], BOB.user_id, "trouver-des-idees")  # type: ignore[arg-type]
    await desk.pick(ids[2], CAROL.user_id, "salaire")  # type: ignore[arg-type]
    with pytest.raises(UnknownAnswer):
        await desk.pick(ids[0], ALICE.user_id, "recette-des-crepes")  # type: ignore[arg-type]

    (group,) = await desk.list()  # still the editors' to do: a click is a hint, not a review
    assert await desk.picks(group.id) == [("trouver-des-idees", 2), ("salaire", 1)]
    (row,) = csv.DictReader(io.StringIO(await desk.export_csv()))
    assert row["choix_des_membres"] == "trouver-des-idees (2); salaire (1)"
    assert matcher.match(BREAD[0]).score < LEXICAL_MATCH_THRESHOLD  # nothing learned from clicks


async def test_forget_user(desk: ReviewDesk) -> None:
    await desk.record(ALICE, BREAD[0], None, 0.1)
    await desk.record(BOB, BREAD[1], None, 0.1)
    answered = await desk.record(BOB, "combien gagne un CM ?", "salaire", 0.9)
    await desk.vote(answered, 111, True)
    (group,) = await desk.list()
    await desk.resolve(group.id, "trouver-des-idees", "ed")

    assert await desk.forget_user(111) == ForgetResult(questions=1, votes=1, phrasings=1)

    assert await desk.learned() == [("trouver-des-idees", BREAD[1])]
    assert desk.matcher.match(BREAD[0]).best.slug == "trouver-des-idees"  # type: ignore[union-attr]
    _, questions = await desk.show(group.id)
    assert [q.user_id for q in questions] == [222]
    assert await desk.forget_user(111) == ForgetResult(questions=0, votes=0, phrasings=0)

    await desk.forget_user(222)
    assert desk.matcher.match(BREAD[0]).score < LEXICAL_MATCH_THRESHOLD  # Bob's phrasing went with him


async def test_retention_purges_closed_questions_only(desk: ReviewDesk, clock: Clock) -> None:
    await desk.record(ALICE, BIKE, None, 0.1)
    await desk.record(ALICE, BREAD[0], None, 0.1)
    await desk.record(ALICE, "combien gagne un CM ?", "salaire", 0.9)
    bike, bread = sorted(await desk.list(), key=lambda g: g.representative != BIKE)
    await desk.dismiss(bike.id, None, "ed")
    await desk.resolve(bread.id, "trouver-des-idees", "ed")
    await desk.record(BOB, "Comment planter des tomates ?", None, 0.1)
    clock.now += dt.timedelta(days=31)
    await desk.record(BOB, "combien gagne un CM ?", "salaire", 0.9)

    assert await desk.purge(0) == 0
    assert await desk.purge(60) == 0
    assert await desk.purge(30) == 3

    remaining = await desk.repository.questions()
    assert sorted(q.text for q in remaining) == ["Comment planter des tomates ?", "combien gagne un CM ?"]
    assert await desk.learned() == [("trouver-des-idees", BREAD[0])]


async def test_a_desk_opened_to_read_refuses_to_record_and_stores_nothing(tmp_path: Path) -> None:
    connection = await open_database(tmp_path / "bot.sqlite3")
    try:
        reader = ReviewDesk(Repository(connection))
        with pytest.raises(NoMatcher):
            await reader.record(ALICE, BIKE, None, 0.1)
        assert await reader.repository.questions() == []
        assert await reader.list() == []
    finally:
        await connection.close()


async def test_a_thumbs_down_files_the_answered_question_for_review(desk: ReviewDesk, matcher: Matcher) -> None:
    answered = await desk.record(ALICE, "combien gagne un CM ?", "salaire", 0.9)
    again = await desk.record(BOB, "combien gagne un CM ??", "salaire", 0.9)
    await desk.vote(answered, 222, True)
    assert await desk.list() == []  # 👍: nothing to review
    await desk.vote(answered, 222, False)
    await desk.vote(again, 333, False)
    (group,) = await desk.list()  # both 👎 questions, alike: one group
    assert group.count == 2 and set(group.question_ids) == {answered, again}
    assert await desk.downvotes(group.id) == [("salaire", 2)]
    assert matcher.match("combien gagne un CM ?").best.slug == "salaire"  # type: ignore[union-attr]
    await desk.vote(again, 333, True)  # changed their mind: leaves the queue
    (group,) = await desk.list()
    assert group.question_ids == (answered,)
    await desk.resolve(group.id, "freelance-ou-salarie", "ed")  # the moderator decides what is learned
    assert ("freelance-ou-salarie", "combien gagne un CM ?") in await desk.learned()


async def test_a_follow_up_is_grouped_and_learned_with_the_question_it_followed(desk: ReviewDesk) -> None:
    """« et en freelance ? » after two different questions is two different questions; the
    moderator sees which one it followed, and resolving it teaches it with that sense."""
    follow_up = "et en freelance ?"
    await desk.record(ALICE, follow_up, None, 0.1, context=BREAD[0])
    await desk.record(BOB, follow_up, None, 0.1, context=BIKE)

    groups = await desk.list()
    assert sorted(g.read for g in groups) == sorted([f"{BREAD[0]}\n{follow_up}", f"{BIKE}\n{follow_up}"])
    (bread,) = [g for g in groups if g.context == BREAD[0]]
    _, (question,) = await desk.show(bread.id)
    assert (question.text, question.context) == (follow_up, BREAD[0])  # what was typed, and what it followed

    exported = {row["a_la_suite_de"] for row in csv.DictReader(io.StringIO(await desk.export_csv()))}
    assert exported == {BREAD[0], BIKE}

    await desk.resolve(bread.id, "trouver-des-idees", "ed")
    assert await desk.learned() == [("trouver-des-idees", f"{BREAD[0]}\n{follow_up}")]
