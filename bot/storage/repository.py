"""All the SQL of the bot, in one place, returning the dataclasses of ``bot.core.models``.

Every write commits before its method returns: when the service hands a reply back, the
question is already on disk. Statements are parameterised; user text never becomes SQL.
One connection is shared by every coroutine of the process, so writes go through a lock:
without it, one coroutine's statement could land inside another's transaction and be
rolled back with it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from bot.core.errors import DatabaseError, UnknownQuestion, UnknownRecordedQuestion
from bot.core.models import (
    Asker,
    ForgetResult,
    LearnedPhrasing,
    QuestionGroup,
    QuestionRecord,
    ReviewStatus,
    Stats,
)

log = logging.getLogger(__name__)

_GROUPS_SQL = """
SELECT g.id, g.status, g.resolved_slug, g.reason,
       COUNT(q.id) AS asked, MIN(q.asked_at), MAX(q.asked_at) AS last_asked,
       group_concat(q.id),
       (SELECT r.text FROM questions r WHERE r.group_id = g.id ORDER BY r.asked_at, r.id LIMIT 1)
FROM question_groups g
JOIN questions q ON q.group_id = g.id
WHERE {where}
GROUP BY g.id
ORDER BY {order}
LIMIT ? OFFSET ?
"""
_BY_COUNT = "asked DESC, last_asked DESC, g.id"
_BY_RECENT = "last_asked DESC, g.id DESC"

_QUESTION_COLUMNS = """id, asked_at, text, user_id, display_name, guild_id, channel_id, answer_slug, score,
       status, group_id, resolved_slug, reason, reviewed_by, reviewed_at, picked_slug"""


def to_db_time(moment: dt.datetime) -> str:
    """One fixed UTC format, so that dates compare correctly as text in SQL."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: an aware UTC datetime is expected")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_db_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


class Repository:
    """The bot's memory: questions, review groups, votes and learned phrasings."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One committed transaction; rolled back as a whole if anything fails."""
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise DatabaseError(f"écriture impossible dans la base de données : {exc}") from exc
            try:
                yield self._db
            except BaseException:
                try:
                    await self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("Échec de l'annulation d'une transaction")
                raise
            else:
                try:
                    await self._db.execute("COMMIT")
                except sqlite3.Error as exc:
                    raise DatabaseError(f"écriture impossible dans la base de données : {exc}") from exc

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> tuple[Any, ...] | None:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    # Questions ---------------------------------------------------------------------------

    async def add_question(
        self,
        asker: Asker,
        text: str,
        answer_slug: str | None,
        score: float,
        asked_at: dt.datetime,
        *,
        grouping_key: str | None = None,
        group_id: int | None = None,
    ) -> tuple[int, int | None]:
        """Store a question; an unanswered one joins ``group_id`` or a new open group.

        Returns (question id, group id); the group id is ``None`` for an answered question.
        """
        when = to_db_time(asked_at)
        async with self._write() as db:
            status = None
            if answer_slug is None:
                status = ReviewStatus.OPEN.value
                if group_id is not None and not await self._is_open(group_id):
                    group_id = None  # closed meanwhile (by the CLI in another process)
                if group_id is None:
                    cursor = await db.execute(
                        "INSERT INTO question_groups (status, created_at) VALUES ('open', ?)", (when,)
                    )
                    group_id = cursor.lastrowid
            else:
                group_id = grouping_key = None
            cursor = await db.execute(
                """INSERT INTO questions (asked_at, guild_id, channel_id, user_id, display_name, text, grouping_key,
                                          answer_slug, score, status, group_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    when,
                    asker.guild_id,
                    asker.channel_id,
                    asker.user_id,
                    asker.display_name,
                    text,
                    grouping_key,
                    answer_slug,
                    float(score),
                    status,
                    group_id,
                ),
            )
            question_id = cursor.lastrowid
        assert question_id is not None
        return question_id, group_id

    async def _is_open(self, group_id: int) -> bool:
        row = await self._one("SELECT status FROM question_groups WHERE id = ?", (group_id,))
        return row is not None and row[0] == ReviewStatus.OPEN.value

    async def question(self, question_id: int) -> QuestionRecord | None:
        row = await self._one(f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE id = ?", (question_id,))
        return _question(row) if row else None

    async def questions(self, *, limit: int = -1) -> list[QuestionRecord]:
        """Every stored question, oldest first (for tests, exports and audits)."""
        rows = await self._all(f"SELECT {_QUESTION_COLUMNS} FROM questions ORDER BY id LIMIT ?", (limit,))
        return [_question(row) for row in rows]

    # Groups ------------------------------------------------------------------------------

    async def open_group_with_key(self, grouping_key: str) -> int | None:
        """The open group that already holds a question with this exact normalised text."""
        row = await self._one(
            """SELECT q.group_id FROM questions q JOIN question_groups g ON g.id = q.group_id
               WHERE q.status = 'open' AND q.grouping_key = ? AND g.status = 'open'
               ORDER BY q.id DESC LIMIT 1""",
            (grouping_key,),
        )
        return int(row[0]) if row else None

    async def groups(
        self,
        status: ReviewStatus | None = ReviewStatus.OPEN,
        *,
        limit: int = -1,
        offset: int = 0,
        most_recent_first: bool = False,
    ) -> list[QuestionGroup]:
        """Groups with their counts, most asked first (or most recently asked first)."""
        where = "g.status = ?" if status is not None else "1 = 1"
        order = _BY_RECENT if most_recent_first else _BY_COUNT
        params = (status.value, limit, offset) if status is not None else (limit, offset)
        rows = await self._all(_GROUPS_SQL.format(where=where, order=order), params)
        return [_group(row) for row in rows]

    async def picks_by_group(self, group_id: int | None = None) -> dict[int, list[tuple[str, int]]]:
        """For each group (or just ``group_id``), the suggestions its askers chose and how
        often, most chosen first."""
        where = "group_id = ?" if group_id is not None else "group_id IS NOT NULL"
        rows = await self._all(
            f"""SELECT group_id, picked_slug, COUNT(*) AS chosen FROM questions
                WHERE picked_slug IS NOT NULL AND {where}
                GROUP BY group_id, picked_slug ORDER BY group_id, chosen DESC, picked_slug""",
            (group_id,) if group_id is not None else (),
        )
        picks: dict[int, list[tuple[str, int]]] = {}
        for group_id, slug, chosen in rows:
            picks.setdefault(int(group_id), []).append((str(slug), int(chosen)))
        return picks

    async def group(self, group_id: int) -> QuestionGroup | None:
        rows = await self._all(_GROUPS_SQL.format(where="g.id = ?", order=_BY_COUNT), (group_id, 1, 0))
        return _group(rows[0]) if rows else None

    async def group_questions(self, group_id: int) -> list[QuestionRecord]:
        rows = await self._all(
            f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE group_id = ? ORDER BY asked_at, id", (group_id,)
        )
        return [_question(row) for row in rows]

    async def resolve_group(self, group_id: int, slug: str, by: str, at: dt.datetime) -> list[LearnedPhrasing]:
        """Close a group with an answer and store each of its questions as a learned phrasing.

        Resolving again (to correct a mistake) replaces what the group taught before.
        """
        when = to_db_time(at)
        async with self._write() as db:
            await self._close_group(db, group_id, ReviewStatus.RESOLVED, slug, None, by, when)
            await db.execute("DELETE FROM learned_phrasings WHERE group_id = ?", (group_id,))
            await db.execute(
                """INSERT INTO learned_phrasings (slug, text, question_id, group_id, user_id, learned_at)
                   SELECT ?, text, id, group_id, user_id, ? FROM questions WHERE group_id = ? ORDER BY asked_at, id""",
                (slug, when, group_id),
            )
            rows = await self._all(
                "SELECT slug, text FROM learned_phrasings WHERE group_id = ? ORDER BY id", (group_id,)
            )
        return [LearnedPhrasing(slug=row[0], text=row[1]) for row in rows]

    async def dismiss_group(self, group_id: int, reason: str | None, by: str, at: dt.datetime) -> None:
        """Close a group without an answer; its questions are kept for the record."""
        when = to_db_time(at)
        async with self._write() as db:
            await self._close_group(db, group_id, ReviewStatus.DISMISSED, None, reason, by, when)
            await db.execute("DELETE FROM learned_phrasings WHERE group_id = ?", (group_id,))

    async def _close_group(
        self,
        db: aiosqlite.Connection,
        group_id: int,
        status: ReviewStatus,
        slug: str | None,
        reason: str | None,
        by: str,
        when: str,
    ) -> None:
        cursor = await db.execute(
            """UPDATE question_groups SET status = ?, resolved_slug = ?, reason = ?, reviewed_by = ?, reviewed_at = ?
               WHERE id = ? AND EXISTS (SELECT 1 FROM questions WHERE group_id = question_groups.id)""",
            (status.value, slug, reason, by, when, group_id),
        )
        if cursor.rowcount == 0:
            raise UnknownQuestion(group_id)
        await db.execute(
            """UPDATE questions SET status = ?, resolved_slug = ?, reason = ?, reviewed_by = ?, reviewed_at = ?
               WHERE group_id = ?""",
            (status.value, slug, reason, by, when, group_id),
        )

    # Votes -------------------------------------------------------------------------------

    async def vote(self, question_id: int, user_id: int, helpful: bool, at: dt.datetime) -> None:
        """One vote per member per question; voting again changes the vote."""
        async with self._write() as db:
            try:
                await db.execute(
                    """INSERT INTO votes (question_id, user_id, helpful, voted_at) VALUES (?, ?, ?, ?)
                       ON CONFLICT (question_id, user_id)
                       DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at""",
                    (question_id, user_id, int(helpful), to_db_time(at)),
                )
            except sqlite3.IntegrityError:
                raise UnknownRecordedQuestion(question_id) from None

    async def record_pick(self, question_id: int, user_id: int, slug: str) -> bool:
        """Note which suggestion the asker chose; only their own unanswered question counts."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE questions SET picked_slug = ? WHERE id = ? AND user_id = ? AND answer_slug IS NULL",
                (slug, question_id, user_id),
            )
            return cursor.rowcount > 0

    async def votes(self, question_id: int) -> dict[int, bool]:
        rows = await self._all("SELECT user_id, helpful FROM votes WHERE question_id = ?", (question_id,))
        return {int(row[0]): bool(row[1]) for row in rows}

    # Learning ----------------------------------------------------------------------------

    async def learned(self) -> list[LearnedPhrasing]:
        """Every learned phrasing once, in the order it was learned."""
        rows = await self._all("SELECT slug, text FROM learned_phrasings GROUP BY slug, text ORDER BY MIN(id)")
        return [LearnedPhrasing(slug=row[0], text=row[1]) for row in rows]

    # Statistics --------------------------------------------------------------------------

    async def stats(self, top: int = 5) -> Stats:
        totals = await self._one("SELECT COUNT(*), COUNT(answer_slug) FROM questions")
        top_answers = await self._all(
            """SELECT answer_slug, COUNT(*) AS given FROM questions WHERE answer_slug IS NOT NULL
               GROUP BY answer_slug ORDER BY given DESC, answer_slug LIMIT ?""",
            (top,),
        )
        votes = await self._one("SELECT COUNT(*), COALESCE(SUM(helpful), 0) FROM votes")
        by_status = await self._all(
            """SELECT g.status, COUNT(*) FROM question_groups g
               WHERE EXISTS (SELECT 1 FROM questions q WHERE q.group_id = g.id) GROUP BY g.status"""
        )
        counts = {ReviewStatus(row[0]): int(row[1]) for row in by_status}
        assert totals is not None and votes is not None
        return Stats(
            questions=int(totals[0]),
            answered=int(totals[1]),
            top_answers=tuple((row[0], int(row[1])) for row in top_answers),
            top_unanswered=tuple(await self.groups(ReviewStatus.OPEN, limit=top)),
            votes=int(votes[0]),
            helpful=int(votes[1]),
            groups_by_status=tuple((status, counts.get(status, 0)) for status in ReviewStatus),
        )

    # Privacy -----------------------------------------------------------------------------

    async def forget_user(self, user_id: int) -> ForgetResult:
        """Delete a member's questions, votes and the phrasings learned only from them."""
        async with self._write() as db:
            votes = await self._one(
                """SELECT COUNT(*) FROM votes
                   WHERE user_id = ? OR question_id IN (SELECT id FROM questions WHERE user_id = ?)""",
                (user_id, user_id),
            )
            cursor = await db.execute("DELETE FROM learned_phrasings WHERE user_id = ?", (user_id,))
            phrasings = cursor.rowcount
            await db.execute("DELETE FROM votes WHERE user_id = ?", (user_id,))
            cursor = await db.execute("DELETE FROM questions WHERE user_id = ?", (user_id,))
            questions = cursor.rowcount
            await self._delete_empty_groups(db)
        assert votes is not None
        return ForgetResult(questions=questions, votes=int(votes[0]), phrasings=phrasings)

    async def purge(self, before: dt.datetime) -> int:
        """Delete the closed questions (answered, resolved, dismissed) asked before ``before``.

        Open ones are the editors' to-do list and are never purged; learned phrasings stay
        (they are what the bot learned, not a record of who asked).
        """
        async with self._write() as db:
            cursor = await db.execute(
                "DELETE FROM questions WHERE asked_at < ? AND (status IS NULL OR status != 'open')",
                (to_db_time(before),),
            )
            purged = cursor.rowcount
            await self._delete_empty_groups(db)
        return purged

    @staticmethod
    async def _delete_empty_groups(db: aiosqlite.Connection) -> None:
        await db.execute(
            """DELETE FROM question_groups
               WHERE NOT EXISTS (SELECT 1 FROM questions q WHERE q.group_id = question_groups.id)"""
        )


def _question(row: Any) -> QuestionRecord:
    return QuestionRecord(
        id=int(row[0]),
        asked_at=from_db_time(row[1]),  # type: ignore[arg-type]
        text=row[2],
        user_id=row[3],
        display_name=row[4],
        guild_id=row[5],
        channel_id=row[6],
        answer_slug=row[7],
        score=float(row[8]),
        status=ReviewStatus(row[9]) if row[9] is not None else None,
        group_id=row[10],
        resolved_slug=row[11],
        reason=row[12],
        reviewed_by=row[13],
        reviewed_at=from_db_time(row[14]),
        picked_slug=row[15],
    )


def _group(row: Any) -> QuestionGroup:
    return QuestionGroup(
        id=int(row[0]),
        status=ReviewStatus(row[1]),
        resolved_slug=row[2],
        reason=row[3],
        count=int(row[4]),
        first_asked=from_db_time(row[5]),  # type: ignore[arg-type]
        last_asked=from_db_time(row[6]),  # type: ignore[arg-type]
        question_ids=tuple(sorted(int(part) for part in str(row[7]).split(","))),
        representative=row[8],
    )
