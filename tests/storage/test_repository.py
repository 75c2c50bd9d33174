"""The repository against a real SQLite file: text round trips, votes, privacy, retention."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.errors import UnknownQuestion
from bot.core.models import Asker, ForgetResult, ReviewStatus
from bot.storage.database import open_database
from bot.storage.repository import Repository

NOW = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)
ALICE = Asker(display_name="Alice", user_id=111, guild_id=1, channel_id=10, server_name="CM")
BOB = Asker(display_name="Bob", user_id=222, guild_id=1, channel_id=10)

TRICKY = [
    "L'animateur·rice d'une \"communauté\" c'est quoi ? '' \"\" `",
    "avant\x00après le NUL",
    "é" * 4000,
    "x" * 3999 + "😀",
    "Des emojis 👩🏽‍💻🇫🇷 et des drapeaux 🏳️‍🌈",
    "\u200fمرحبا\u200e texte mêlé \u202bRTL\u202c",
    "'; DROP TABLE questions; --",
    "Robert'); DELETE FROM votes WHERE 1=1; --",
    "  espaces autour \t\n et retours\r\n  ",
    "NFC é vs NFD e\u0301 — distincts",
    "\ufeffBOM au début",
]


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
async def test_text_round_trips_byte_for_byte(repository: Repository, db_path: Path, text: str) -> None:
    question_id, group_id = await repository.add_question(ALICE, text, None, 0.1, NOW, grouping_key=text)
    stored = await repository.question(question_id)
    assert stored is not None
    assert stored.text.encode("utf-8") == text.encode("utf-8")
    group = await repository.group(group_id)
    assert group is not None and group.representative == text
    # And straight from the file, through another connection: nothing was altered on disk.
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT text FROM questions WHERE id = ?", (question_id,)).fetchone()[0] == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300))
async def test_any_text_round_trips(repository: Repository, text: str) -> None:
    question_id, _ = await repository.add_question(BOB, text, "salaire", 0.9, NOW)
    stored = await repository.question(question_id)
    assert stored is not None and stored.text == text


async def test_a_question_is_committed_when_add_returns(repository: Repository, db_path: Path) -> None:
    question_id, _ = await repository.add_question(ALICE, "combien gagne un CM ?", "salaire", 0.93, NOW)
    with sqlite3.connect(db_path) as other:
        row = other.execute("SELECT text, answer_slug, score, group_id FROM questions WHERE id = ?", (question_id,))
        assert row.fetchone() == ("combien gagne un CM ?", "salaire", 0.93, None)


async def test_records_who_where_and_when(repository: Repository) -> None:
    question_id, group_id = await repository.add_question(ALICE, "pain au levain ?", None, 0.05, NOW)
    stored = await repository.question(question_id)
    assert stored is not None
    assert (stored.user_id, stored.display_name, stored.guild_id, stored.channel_id) == (111, "Alice", 1, 10)
    assert stored.asked_at == NOW and stored.asked_at.tzinfo is not None
    assert stored.status is ReviewStatus.OPEN and stored.group_id == group_id
    console_id, _ = await repository.add_question(Asker(), "et en console ?", None, 0.0, NOW)
    console = await repository.question(console_id)
    assert console is not None
    assert (console.user_id, console.guild_id, console.channel_id, console.display_name) == (None, None, None, "toi")


async def test_votes_are_one_per_member_and_changeable(repository: Repository) -> None:
    question_id, _ = await repository.add_question(ALICE, "combien gagne un CM ?", "salaire", 0.93, NOW)
    await repository.vote(question_id, 111, True, NOW)
    await repository.vote(question_id, 222, True, NOW)
    await repository.vote(question_id, 111, False, NOW)
    assert await repository.votes(question_id) == {111: False, 222: True}
    stats = await repository.stats()
    assert (stats.votes, stats.helpful) == (2, 1)


async def test_a_pick_counts_only_on_the_askers_own_unanswered_question(repository: Repository) -> None:
    unanswered, _ = await repository.add_question(ALICE, "ça paie, CM ?", None, 0.35, NOW, grouping_key="ca paie cm")
    answered, _ = await repository.add_question(ALICE, "combien gagne un CM ?", "salaire", 0.93, NOW)

    assert not await repository.record_pick(unanswered, BOB.user_id, "salaire")  # type: ignore[arg-type]
    assert not await repository.record_pick(answered, ALICE.user_id, "outils")  # type: ignore[arg-type]
    assert not await repository.record_pick(4242, ALICE.user_id, "salaire")  # type: ignore[arg-type]
    assert await repository.record_pick(unanswered, ALICE.user_id, "salaire")  # type: ignore[arg-type]

    stored = await repository.question(unanswered)
    assert stored is not None and stored.picked_slug == "salaire" and stored.status is ReviewStatus.OPEN
    other = await repository.question(answered)
    assert other is not None and other.picked_slug is None


async def test_a_vote_on_an_unknown_question_is_a_clear_error(repository: Repository) -> None:
    with pytest.raises(UnknownQuestion, match="999"):
        await repository.vote(999, 111, True, NOW)


async def test_closing_an_unknown_group_is_a_clear_error_and_changes_nothing(repository: Repository) -> None:
    with pytest.raises(UnknownQuestion, match="aucune question en attente n'a le numéro 42"):
        await repository.resolve_group(42, "salaire", "moi", NOW)
    with pytest.raises(UnknownQuestion):
        await repository.dismiss_group(42, None, "moi", NOW)
    assert await repository.learned() == []


async def test_resolve_closes_every_question_and_learns_each_phrasing(repository: Repository) -> None:
    _, group_id = await repository.add_question(ALICE, "pain au levain ?", None, 0.1, NOW)
    await repository.add_question(BOB, "pain au levain ??", None, 0.1, NOW, group_id=group_id)
    learned = await repository.resolve_group(group_id, "salaire", "console:ed", NOW)
    assert [(p.slug, p.text) for p in learned] == [("salaire", "pain au levain ?"), ("salaire", "pain au levain ??")]
    questions = await repository.group_questions(group_id)
    assert {(q.status, q.resolved_slug, q.reviewed_by, q.reviewed_at) for q in questions} == {
        (ReviewStatus.RESOLVED, "salaire", "console:ed", NOW)
    }
    # Resolving again corrects the mistake: the group now teaches the other answer only.
    await repository.resolve_group(group_id, "outils", "console:ed", NOW)
    assert {p.slug for p in await repository.learned()} == {"outils"}
    # A new question with the same text no longer joins the closed group.
    assert await repository.open_group_with_key("pain au levain ?") is None


async def test_forget_user_removes_their_questions_votes_and_own_phrasings(repository: Repository) -> None:
    _alice_q, group_id = await repository.add_question(ALICE, "question partagée", None, 0.1, NOW)
    await repository.add_question(BOB, "question partagée", None, 0.1, NOW, group_id=group_id)
    await repository.add_question(ALICE, "rien que d'Alice", None, 0.1, NOW, group_id=group_id)
    bob_answered, _ = await repository.add_question(BOB, "combien gagne un CM ?", "salaire", 0.9, NOW)
    await repository.vote(bob_answered, 111, True, NOW)  # Alice's vote on Bob's question
    await repository.resolve_group(group_id, "salaire", "ed", NOW)

    result = await repository.forget_user(111)

    assert result == ForgetResult(questions=2, votes=1, phrasings=2)
    remaining = await repository.questions()
    assert {q.user_id for q in remaining} == {222}
    assert await repository.votes(bob_answered) == {}
    # Bob asked "question partagée" too: it stays learned. "rien que d'Alice" is gone.
    assert [(p.slug, p.text) for p in await repository.learned()] == [("salaire", "question partagée")]
    group = await repository.group(group_id)
    assert group is not None and group.count == 1 and group.representative == "question partagée"


async def test_forget_user_deletes_a_group_left_empty(repository: Repository) -> None:
    _, group_id = await repository.add_question(ALICE, "seule", None, 0.1, NOW)
    await repository.forget_user(111)
    assert await repository.group(group_id) is None
    assert await repository.groups(None) == []


async def test_purge_keeps_open_and_recent_questions_and_what_was_learned(repository: Repository) -> None:
    old, recent = NOW - dt.timedelta(days=40), NOW - dt.timedelta(days=5)
    old_answered, _ = await repository.add_question(ALICE, "vieux répondu", "salaire", 0.9, old)
    old_open, open_group = await repository.add_question(ALICE, "vieux ouvert", None, 0.1, old)
    _old_resolved, resolved_group = await repository.add_question(ALICE, "vieux résolu", None, 0.1, old)
    _old_dismissed, dismissed_group = await repository.add_question(ALICE, "vieux écarté", None, 0.1, old)
    recent_resolved, _ = await repository.add_question(BOB, "récent résolu", None, 0.1, recent, group_id=resolved_group)
    await repository.resolve_group(resolved_group, "outils", "ed", NOW)
    await repository.dismiss_group(dismissed_group, "hors sujet", "ed", NOW)
    await repository.vote(old_answered, 222, True, NOW)

    purged = await repository.purge(NOW - dt.timedelta(days=30))

    assert purged == 3
    kept = {q.id for q in await repository.questions()}
    assert kept == {old_open, recent_resolved}
    assert await repository.group(dismissed_group) is None
    assert (await repository.group(open_group)).count == 1  # type: ignore[union-attr]
    assert {p.text for p in await repository.learned()} == {"vieux résolu", "récent résolu"}
    assert (await repository.stats()).votes == 0


async def test_groups_are_listed_most_asked_first_with_dates_and_ids(repository: Repository) -> None:
    _, once = await repository.add_question(ALICE, "une fois", None, 0.1, NOW)
    first_id, thrice = await repository.add_question(ALICE, "trois fois", None, 0.1, NOW - dt.timedelta(days=2))
    ids = [first_id]
    for days in (1, 0):
        qid, _ = await repository.add_question(
            BOB, "trois fois !", None, 0.1, NOW - dt.timedelta(days=days), group_id=thrice
        )
        ids.append(qid)
    groups = await repository.groups(ReviewStatus.OPEN)
    assert [g.id for g in groups] == [thrice, once]
    top = groups[0]
    assert (top.count, top.first_asked, top.last_asked, top.question_ids) == (
        3,
        NOW - dt.timedelta(days=2),
        NOW,
        tuple(ids),
    )
    assert top.representative == "trois fois"
    assert [g.id for g in await repository.groups(ReviewStatus.OPEN, limit=1, offset=1)] == [once]
    assert await repository.groups(ReviewStatus.RESOLVED) == []


async def test_a_closed_group_is_not_joined(repository: Repository) -> None:
    _, group_id = await repository.add_question(ALICE, "a", None, 0.1, NOW)
    await repository.dismiss_group(group_id, None, "ed", NOW)
    _, new_group = await repository.add_question(BOB, "a", None, 0.1, NOW, group_id=group_id)
    assert new_group != group_id


async def test_stats_count_questions_answers_and_open_groups(repository: Repository) -> None:
    for _ in range(3):
        await repository.add_question(ALICE, "combien gagne un CM ?", "salaire", 0.9, NOW)
    await repository.add_question(ALICE, "quels outils ?", "outils", 0.9, NOW)
    await repository.add_question(ALICE, "pain ?", None, 0.1, NOW)
    stats = await repository.stats()
    assert (stats.questions, stats.answered, stats.share_answered) == (5, 4, 0.8)
    assert stats.top_answers == (("salaire", 3), ("outils", 1))
    assert [g.representative for g in stats.top_unanswered] == ["pain ?"]
    assert dict(stats.groups_by_status)[ReviewStatus.OPEN] == 1
    assert stats.share_helpful is None


async def test_data_survives_reopening_the_file(db_path: Path) -> None:
    connection = await open_database(db_path)
    question_id, _ = await Repository(connection).add_question(ALICE, "persistant ?", None, 0.2, NOW)
    await connection.close()
    connection = await open_database(db_path)
    try:
        stored = await Repository(connection).question(question_id)
        assert stored is not None and stored.text == "persistant ?"
    finally:
        await connection.close()
