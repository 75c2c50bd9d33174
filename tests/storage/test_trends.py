"""What the stats chart and the digest read, against a real SQLite file."""

from __future__ import annotations

import datetime as dt

from bot.core.models import Asker, DayCounts
from bot.core.trends import weekly
from bot.storage.repository import Repository

MONDAY = dt.datetime(2025, 4, 28, 9, 0, tzinfo=dt.UTC)
ALICE = Asker(display_name="Alice", user_id=111, guild_id=1, channel_id=10)
BOB = Asker(display_name="Bob", user_id=222, guild_id=1, channel_id=10)


async def test_daily_counts_per_utc_day_and_binned_by_week(repository: Repository) -> None:
    answered, _ = await repository.add_question(ALICE, "salaire ?", "salaire", 0.9, MONDAY)
    await repository.add_question(ALICE, "vélo ?", None, 0.1, MONDAY + dt.timedelta(hours=3))
    late, _ = await repository.add_question(BOB, "outils ?", "outils", 0.9, MONDAY + dt.timedelta(days=8))
    await repository.vote(answered, 222, True, MONDAY + dt.timedelta(days=1))
    await repository.vote(late, 111, False, MONDAY + dt.timedelta(days=8))
    await repository.add_question(BOB, "trop vieux", "outils", 0.9, MONDAY - dt.timedelta(days=1))

    days = await repository.daily_counts(MONDAY)
    assert days == [
        DayCounts(dt.date(2025, 4, 28), questions=2, answered=1),
        DayCounts(dt.date(2025, 4, 29), votes=1, helpful=1),
        DayCounts(dt.date(2025, 5, 6), questions=1, answered=1, votes=1, helpful=0),
    ]
    weeks = weekly(days, MONDAY.date(), 3)
    assert [(w.start, w.questions, w.answered, w.votes, w.helpful) for w in weeks] == [
        (dt.date(2025, 4, 28), 2, 1, 1, 1),
        (dt.date(2025, 5, 5), 1, 1, 1, 0),
        (dt.date(2025, 5, 12), 0, 0, 0, 0),  # an empty week is there, with zeros
    ]
    assert weeks[0].share_answered == 0.5 and weeks[1].share_helpful == 0.0
    assert weeks[2].share_answered is None and weeks[2].share_helpful is None


async def test_downvotes_per_answer_and_per_group(repository: Repository) -> None:
    first, _ = await repository.add_question(ALICE, "salaire ?", "salaire", 0.9, MONDAY)
    second, _ = await repository.add_question(BOB, "salaire CM ?", "salaire", 0.9, MONDAY)
    picked, group = await repository.add_question(ALICE, "pain ?", None, 0.1, MONDAY, grouping_key="pain")
    assert group is not None
    await repository.record_pick(picked, 111, "outils")
    for question in (first, second):
        await repository.vote(question, 333, False, MONDAY)
    await repository.vote(picked, 111, False, MONDAY + dt.timedelta(days=2))
    await repository.vote(first, 444, True, MONDAY)
    assert await repository.downvoted_answers() == [("salaire", 2), ("outils", 1)]
    assert await repository.downvoted_answers(MONDAY + dt.timedelta(days=1)) == [("outils", 1)]
    assert await repository.downvotes_by_group(group) == [("outils", 1)]


async def test_new_groups_answered_and_learned_since(repository: Repository) -> None:
    _, old_group = await repository.add_question(ALICE, "vieux ?", None, 0.1, MONDAY, grouping_key="vieux")
    later = MONDAY + dt.timedelta(days=3)
    _, new_group = await repository.add_question(BOB, "neuf ?", None, 0.1, later, grouping_key="neuf")
    assert old_group is not None and new_group is not None
    await repository.resolve_group(old_group, "salaire", "mod", later)
    await repository.add_question(BOB, "vieux ?", "salaire", 0.9, later + dt.timedelta(hours=1))
    assert [g.id for g in await repository.groups_created_since(later)] == [new_group]
    assert [q.text for q in await repository.answered_since(later)] == ["vieux ?"]
    ((phrasing, learned_at),) = await repository.learned_since(later)
    assert (phrasing.slug, phrasing.text, learned_at) == ("salaire", "vieux ?", later)
