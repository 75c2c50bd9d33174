"""All the SQL of the bot, in one place, returning the dataclasses of ``bot.core.models``.

Rows are read by column name (the connection's ``row_factory`` is ``aiosqlite.Row``), so a
column added to a query can never shift another one. The review status lives on the
group only: a question's status is its group's. Every write commits before its method returns: when the service hands a reply back, the
question is already on disk. Statements are parameterised; user text never becomes SQL.
One connection is shared by every coroutine of the process, so writes go through a lock:
without it, one coroutine's statement could land inside another's transaction and be
rolled back with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from bot.core.errors import DatabaseError, UnknownQuestion, UnknownRecordedQuestion
from bot.core.models import (
    Asker,
    DayCounts,
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
       COUNT(q.id) AS asked, MIN(q.asked_at) AS first_asked, MAX(q.asked_at) AS last_asked,
       group_concat(q.id) AS question_ids,
       (SELECT r.text FROM questions r WHERE r.group_id = g.id ORDER BY r.asked_at, r.id LIMIT 1) AS representative,
       (SELECT r.context FROM questions r WHERE r.group_id = g.id ORDER BY r.asked_at, r.id LIMIT 1) AS context
FROM question_groups g
JOIN questions q ON q.group_id = g.id
WHERE {where}
GROUP BY g.id
ORDER BY {order}
LIMIT ? OFFSET ?
"""
_BY_COUNT = "asked DESC, last_asked DESC, g.id"
_BY_RECENT = "last_asked DESC, g.id DESC"

_QUESTIONS_SQL = """
SELECT q.id, q.asked_at, q.text, q.user_id, q.display_name, q.guild_id, q.channel_id, q.answer_slug, q.score,
       q.group_id, q.picked_slug, q.context, g.status, g.resolved_slug, g.reason, g.reviewed_by, g.reviewed_at
FROM questions q LEFT JOIN question_groups g ON g.id = q.group_id
"""


def to_db_time(moment: dt.datetime) -> str:
    """One fixed UTC format, so that dates compare correctly as text in SQL."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: an aware UTC datetime is expected")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_db_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


class Repository:
    """The bot's memory: questions, review groups, votes and learned phrasings."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        *,
        reopen: Callable[[], Awaitable[aiosqlite.Connection]] | None = None,
    ) -> None:
        self._db = connection
        self._lock = asyncio.Lock()
        self._reopen = reopen
        """Opens a fresh connection: SQLite keeps a connection read-only once it opened the
        file read-only, so recovering from that takes a new one."""
        self._stale = False

    @property
    def connection(self) -> aiosqlite.Connection:
        """The connection in use now (it changes when a read-only one is replaced)."""
        return self._db

    async def close(self) -> None:
        await self._db.close()

    async def writable(self) -> str | None:
        """``None`` when the database accepts writes now, else why not (nothing is changed)."""
        try:
            row = await self._one("PRAGMA user_version")
            assert row is not None
            version = int(row["user_version"])
            async with self._write() as db:
                await db.execute(f"PRAGMA user_version = {version:d}")  # the same value: a write that changes nothing
        except DatabaseError as exc:
            return str(exc.__cause__ or exc)
        return None

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One committed transaction; rolled back as a whole if anything fails. Any SQLite
        error becomes a ``DatabaseError`` (disk full, read-only file, lock held too long)."""
        async with self._lock:
            await self._replace_stale_connection()
            try:
                await self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from exc
            try:
                yield self._db
            except BaseException as exc:
                try:
                    await self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    log.debug("Pas de transaction à annuler", exc_info=True)
                if isinstance(exc, sqlite3.Error):
                    raise self._write_error(exc) from exc
                raise
            else:
                try:
                    await self._db.execute("COMMIT")
                except sqlite3.Error as exc:
                    with contextlib.suppress(sqlite3.Error):
                        await self._db.execute("ROLLBACK")
                    raise self._write_error(exc) from exc

    def _write_error(self, exc: sqlite3.Error) -> DatabaseError:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY or "readonly" in str(exc):
            self._stale = self._reopen is not None
        return DatabaseError(f"écriture impossible dans la base de données : {exc}")

    async def _replace_stale_connection(self) -> None:
        if not self._stale or self._reopen is None:
            return
        try:
            fresh = await self._reopen()
        except DatabaseError:
            log.debug("La base de données ne se rouvre pas encore", exc_info=True)
            return
        old, self._db, self._stale = self._db, fresh, False
        with contextlib.suppress(sqlite3.Error, ValueError):
            await old.close()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        try:
            async with self._db.execute(sql, tuple(params)) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as exc:
            raise DatabaseError(f"lecture impossible dans la base de données : {exc}") from exc

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        try:
            async with self._db.execute(sql, tuple(params)) as cursor:
                return await cursor.fetchone()
        except sqlite3.Error as exc:
            raise DatabaseError(f"lecture impossible dans la base de données : {exc}") from exc

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
        context: str | None = None,
    ) -> tuple[int, int | None]:
        """Store a question; an unanswered one joins ``group_id`` or a new open group.

        ``context``: for a follow-up, the question it followed (``QuestionRecord.context``).

        Returns (question id, group id); the group id is ``None`` for an answered question.
        """
        when = to_db_time(asked_at)
        async with self._write() as db:
            if answer_slug is None:
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
                                          answer_slug, score, group_id, context)
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
                    group_id,
                    context or None,
                ),
            )
            question_id = cursor.lastrowid
        assert question_id is not None
        return question_id, group_id

    async def _is_open(self, group_id: int) -> bool:
        row = await self._one("SELECT status FROM question_groups WHERE id = ?", (group_id,))
        return row is not None and row["status"] == ReviewStatus.OPEN.value

    async def question(self, question_id: int) -> QuestionRecord | None:
        row = await self._one(f"{_QUESTIONS_SQL} WHERE q.id = ?", (question_id,))
        return _question(row) if row else None

    async def questions(self, *, limit: int = -1) -> list[QuestionRecord]:
        """Every stored question, oldest first (for tests, exports and audits)."""
        rows = await self._all(f"{_QUESTIONS_SQL} ORDER BY q.id LIMIT ?", (limit,))
        return [_question(row) for row in rows]

    # Groups ------------------------------------------------------------------------------

    async def open_group_with_key(self, grouping_key: str) -> int | None:
        """The open group that already holds a question with this exact normalised text."""
        row = await self._one(
            """SELECT q.group_id FROM questions q JOIN question_groups g ON g.id = q.group_id
               WHERE q.grouping_key = ? AND g.status = 'open'
               ORDER BY q.id DESC LIMIT 1""",
            (grouping_key,),
        )
        return int(row["group_id"]) if row else None

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
        for row in rows:
            picks.setdefault(int(row["group_id"]), []).append((str(row["picked_slug"]), int(row["chosen"])))
        return picks

    async def group(self, group_id: int) -> QuestionGroup | None:
        rows = await self._all(_GROUPS_SQL.format(where="g.id = ?", order=_BY_COUNT), (group_id, 1, 0))
        return _group(rows[0]) if rows else None

    async def group_questions(self, group_id: int) -> list[QuestionRecord]:
        rows = await self._all(f"{_QUESTIONS_SQL} WHERE q.group_id = ? ORDER BY q.asked_at, q.id", (group_id,))
        return [_question(row) for row in rows]

    async def resolve_group(self, group_id: int, slug: str, by: str, at: dt.datetime) -> list[LearnedPhrasing]:
        """Close a group with an answer and store each of its questions as a learned phrasing.

        Resolving again (to correct a mistake) replaces what the group taught before. A
        follow-up is learned as it was read, with the question it followed: « et en
        freelance ? » alone would teach the answer a fragment that fits any topic.
        """
        when = to_db_time(at)
        async with self._write() as db:
            await self._close_group(db, group_id, ReviewStatus.RESOLVED, slug, None, by, when)
            await db.execute("DELETE FROM learned_phrasings WHERE group_id = ?", (group_id,))
            await db.execute(
                """INSERT INTO learned_phrasings (slug, text, question_id, group_id, user_id, learned_at)
                   SELECT ?, CASE WHEN context IS NULL OR context = '' THEN text ELSE context || char(10) || text END,
                          id, group_id, user_id, ?
                   FROM questions WHERE group_id = ? ORDER BY asked_at, id""",
                (slug, when, group_id),
            )
            rows = await self._all(
                "SELECT slug, text FROM learned_phrasings WHERE group_id = ? ORDER BY id", (group_id,)
            )
        return [LearnedPhrasing(slug=row["slug"], text=row["text"]) for row in rows]

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

    async def file_for_review(self, question_id: int, grouping_key: str, group_id: int | None) -> int | None:
        """Put an answered question in the review queue (it got 👎): in ``group_id`` if that
        group is still open, else in a new open group. Returns the group id, or ``None``
        when the question is unknown, unanswered or already in a group (nothing changes)."""
        async with self._write() as db:
            row = await self._one("SELECT answer_slug, group_id, asked_at FROM questions WHERE id = ?", (question_id,))
            if row is None or row["answer_slug"] is None or row["group_id"] is not None:
                return None
            if group_id is not None and not await self._is_open(group_id):
                group_id = None
            if group_id is None:
                cursor = await db.execute(
                    "INSERT INTO question_groups (status, created_at) VALUES ('open', ?)", (row["asked_at"],)
                )
                group_id = cursor.lastrowid
            await db.execute(
                "UPDATE questions SET group_id = ?, grouping_key = ? WHERE id = ?",
                (group_id, grouping_key, question_id),
            )
        return group_id

    async def unfile_without_downvotes(self, question_id: int) -> None:
        """Take an answered question back out of an open group once no 👎 is left on it
        (the member changed their mind); a group left empty goes with it."""
        async with self._write() as db:
            await db.execute(
                """UPDATE questions SET group_id = NULL, grouping_key = NULL
                   WHERE id = ? AND answer_slug IS NOT NULL
                   AND group_id IN (SELECT id FROM question_groups WHERE status = 'open')
                   AND NOT EXISTS (SELECT 1 FROM votes WHERE question_id = questions.id AND helpful = 0)""",
                (question_id,),
            )
            await self._delete_empty_groups(db)

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
        return {int(row["user_id"]): bool(row["helpful"]) for row in rows}

    # Learning ----------------------------------------------------------------------------

    async def learned(self) -> list[LearnedPhrasing]:
        """Every learned phrasing once, in the order it was learned."""
        rows = await self._all("SELECT slug, text FROM learned_phrasings GROUP BY slug, text ORDER BY MIN(id)")
        return [LearnedPhrasing(slug=row["slug"], text=row["text"]) for row in rows]

    # Statistics --------------------------------------------------------------------------

    async def stats(self, top: int = 5) -> Stats:
        totals = await self._one("SELECT COUNT(*) AS questions, COUNT(answer_slug) AS answered FROM questions")
        top_answers = await self._all(
            """SELECT answer_slug, COUNT(*) AS given FROM questions WHERE answer_slug IS NOT NULL
               GROUP BY answer_slug ORDER BY given DESC, answer_slug LIMIT ?""",
            (top,),
        )
        votes = await self._one("SELECT COUNT(*) AS votes, COALESCE(SUM(helpful), 0) AS helpful FROM votes")
        by_status = await self._all(
            """SELECT g.status, COUNT(*) AS groups FROM question_groups g
               WHERE EXISTS (SELECT 1 FROM questions q WHERE q.group_id = g.id) GROUP BY g.status"""
        )
        counts = {ReviewStatus(row["status"]): int(row["groups"]) for row in by_status}
        assert totals is not None and votes is not None
        return Stats(
            questions=int(totals["questions"]),
            answered=int(totals["answered"]),
            top_answers=tuple((row["answer_slug"], int(row["given"])) for row in top_answers),
            top_unanswered=tuple(await self.groups(ReviewStatus.OPEN, limit=top)),
            votes=int(votes["votes"]),
            helpful=int(votes["helpful"]),
            groups_by_status=tuple((status, counts.get(status, 0)) for status in ReviewStatus),
        )

    async def downvoted_answers(self, since: dt.datetime | None = None, top: int = 5) -> list[tuple[str, int]]:
        """Answers that got 👎 (since ``since``), most 👎 first: the answer given, or the
        "did you mean" answer the asker picked."""
        rows = await self._all(
            """SELECT COALESCE(q.answer_slug, q.picked_slug) AS slug, COUNT(*) AS downvotes
               FROM votes v JOIN questions q ON q.id = v.question_id
               WHERE v.helpful = 0 AND COALESCE(q.answer_slug, q.picked_slug) IS NOT NULL AND v.voted_at >= ?
               GROUP BY slug ORDER BY downvotes DESC, slug LIMIT ?""",
            (to_db_time(since) if since is not None else "", top),
        )
        return [(str(row["slug"]), int(row["downvotes"])) for row in rows]

    async def downvotes_by_group(self, group_id: int) -> list[tuple[str, int]]:
        """👎 on the answers this group's questions got, per answer, most first."""
        rows = await self._all(
            """SELECT COALESCE(q.answer_slug, q.picked_slug) AS slug, COUNT(*) AS downvotes
               FROM votes v JOIN questions q ON q.id = v.question_id
               WHERE v.helpful = 0 AND q.group_id = ? AND COALESCE(q.answer_slug, q.picked_slug) IS NOT NULL
               GROUP BY slug ORDER BY downvotes DESC, slug""",
            (group_id,),
        )
        return [(str(row["slug"]), int(row["downvotes"])) for row in rows]

    async def daily_counts(self, since: dt.datetime) -> list[DayCounts]:
        """Per UTC day since ``since``: questions asked, answered, votes and helpful votes."""
        when = to_db_time(since)
        asked = await self._all(
            """SELECT substr(asked_at, 1, 10) AS day, COUNT(*) AS questions, COUNT(answer_slug) AS answered
               FROM questions WHERE asked_at >= ? GROUP BY day""",
            (when,),
        )
        voted = await self._all(
            """SELECT substr(voted_at, 1, 10) AS day, COUNT(*) AS votes, COALESCE(SUM(helpful), 0) AS helpful
               FROM votes WHERE voted_at >= ? GROUP BY day""",
            (when,),
        )
        days: dict[str, dict[str, int]] = {}
        for row in asked:
            days.setdefault(row["day"], {}).update(questions=int(row["questions"]), answered=int(row["answered"]))
        for row in voted:
            days.setdefault(row["day"], {}).update(votes=int(row["votes"]), helpful=int(row["helpful"]))
        return [DayCounts(dt.date.fromisoformat(day), **counts) for day, counts in sorted(days.items())]

    async def groups_created_since(self, since: dt.datetime) -> list[QuestionGroup]:
        """Open groups started since ``since``, most asked first."""
        sql = _GROUPS_SQL.format(where="g.status = 'open' AND g.created_at >= ?", order=_BY_COUNT)
        return [_group(row) for row in await self._all(sql, (to_db_time(since), -1, 0))]

    async def answered_since(self, since: dt.datetime) -> list[QuestionRecord]:
        """Questions the bot answered since ``since``, oldest first."""
        rows = await self._all(
            f"{_QUESTIONS_SQL} WHERE q.answer_slug IS NOT NULL AND q.asked_at >= ? ORDER BY q.asked_at, q.id",
            (to_db_time(since),),
        )
        return [_question(row) for row in rows]

    async def learned_since(self, since: dt.datetime) -> list[tuple[LearnedPhrasing, dt.datetime]]:
        """Phrasings moderators taught since ``since``, with when, oldest first."""
        rows = await self._all(
            "SELECT slug, text, learned_at FROM learned_phrasings WHERE learned_at >= ? ORDER BY learned_at, id",
            (to_db_time(since),),
        )
        return [
            (LearnedPhrasing(slug=row["slug"], text=row["text"]), from_db_time(row["learned_at"]))  # type: ignore[misc]
            for row in rows
        ]

    # Privacy -----------------------------------------------------------------------------

    async def forget_user(self, user_id: int) -> ForgetResult:
        """Delete a member's questions, votes and the phrasings learned only from them."""
        async with self._write() as db:
            votes = await self._one(
                """SELECT COUNT(*) AS votes FROM votes
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
        return ForgetResult(questions=questions, votes=int(votes["votes"]), phrasings=phrasings)

    async def purge(self, before: dt.datetime) -> int:
        """Delete the closed questions (answered, resolved, dismissed) asked before ``before``.

        Open ones (an answered question voted 👎 waits in an open group too) are the
        editors' to-do list and are never purged; learned phrasings stay
        (they are what the bot learned, not a record of who asked).
        """
        async with self._write() as db:
            cursor = await db.execute(
                """DELETE FROM questions WHERE asked_at < ?
                   AND ((answer_slug IS NOT NULL AND group_id IS NULL)
                        OR group_id IN (SELECT id FROM question_groups WHERE status != 'open'))""",
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


def _question(row: aiosqlite.Row) -> QuestionRecord:
    status = row["status"]
    return QuestionRecord(
        id=int(row["id"]),
        asked_at=from_db_time(row["asked_at"]),  # type: ignore[arg-type]
        text=row["text"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        answer_slug=row["answer_slug"],
        score=float(row["score"]),
        status=ReviewStatus(status) if status is not None else None,
        group_id=row["group_id"],
        resolved_slug=row["resolved_slug"],
        reason=row["reason"],
        reviewed_by=row["reviewed_by"],
        reviewed_at=from_db_time(row["reviewed_at"]),
        picked_slug=row["picked_slug"],
        context=row["context"],
    )


def _group(row: aiosqlite.Row) -> QuestionGroup:
    return QuestionGroup(
        id=int(row["id"]),
        status=ReviewStatus(row["status"]),
        resolved_slug=row["resolved_slug"],
        reason=row["reason"],
        count=int(row["asked"]),
        first_asked=from_db_time(row["first_asked"]),  # type: ignore[arg-type]
        last_asked=from_db_time(row["last_asked"]),  # type: ignore[arg-type]
        question_ids=tuple(sorted(int(part) for part in str(row["question_ids"]).split(","))),
        representative=row["representative"],
        context=row["context"],
    )
