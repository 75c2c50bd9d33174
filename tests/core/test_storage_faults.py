"""Storage faults, with a real SQLite file refusing writes for real: the member gets a
short apology, the log one line with the question's hash and the cause, and the question
is written as soon as the database accepts writes again, without a restart."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.models import Asker, ReplyKind
from bot.core.service import STORAGE_APOLOGY, Service, text_hash
from bot.wiring import open_service
from tests.conftest import ANSWERS

UNANSWERED = "Xyzzy plugh, le quetzalcoatlus vole-t-il au-dessus des fjords ? " * 300
"""Unanswerable, and long enough (about 19,000 characters) to need new database pages."""
ANSWERED = "combien gagne un community manager ?"
NO_LIMIT = 1_073_741_823


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    answers = tmp_path / "answers"
    shutil.copytree(ANSWERS, answers)
    service = await open_service(Settings(answers_dir=answers, database_path=tmp_path / "bot.sqlite3", semantic="off"))
    yield service
    await service.close()


async def _disk_full(service: Service) -> None:
    """SQLite's own limit on the file's size: writes fail with SQLITE_FULL, as on a full disk."""
    db = service.desk.repository.connection  # type: ignore[attr-defined]
    async with db.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    await db.execute(f"PRAGMA max_page_count = {int(row['page_count'])}")


async def _disk_freed(service: Service) -> None:
    db = service.desk.repository.connection  # type: ignore[attr-defined]
    await db.execute(f"PRAGMA max_page_count = {NO_LIMIT}")


async def _wait_until_written(service: Service, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while service.pending:
            await asyncio.sleep(0.05)


async def test_a_full_disk_means_an_apology_one_log_line_and_the_question_written_later(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    await _disk_full(service)
    asker = Asker(display_name="Alice", user_id=111, guild_id=1, channel_id=2)
    with caplog.at_level(logging.INFO):
        reply = await service.ask(UNANSWERED, asker)
    assert reply.kind is ReplyKind.DELAYED
    assert reply.text == STORAGE_APOLOGY
    assert "base de données" not in reply.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert text_hash(UNANSWERED.strip()) in line or text_hash(UNANSWERED) in line
    assert "full" in line
    assert "quetzalcoatlus" not in line  # the hash, not the member's words
    assert await service.desk.repository.questions() == []

    await _disk_freed(service)  # no new question: the bot notices by itself
    await _wait_until_written(service)
    stored = await service.desk.repository.questions()
    assert [(q.text, q.user_id, q.answer_slug) for q in stored] == [(UNANSWERED, 111, None)]
    groups = await service.desk.list()
    assert [g.count for g in groups] == [1]


async def test_questions_asked_during_the_outage_are_all_kept_in_order(service: Service) -> None:
    await _disk_full(service)
    texts = [f"{UNANSWERED} n°{n}" for n in range(3)]
    for n, text in enumerate(texts):
        reply = await service.ask(text, Asker(display_name=f"M{n}", user_id=n + 1))
        assert reply.kind is ReplyKind.DELAYED
    assert service.pending == 3
    await _disk_freed(service)
    reply = await service.ask(ANSWERED, Asker(display_name="Bob", user_id=9))
    assert reply.kind is ReplyKind.ANSWER and reply.question_id is not None
    stored = await service.desk.repository.questions()
    assert [q.text for q in stored] == [*texts, ANSWERED]
    assert service.pending == 0


async def test_a_connection_left_read_only_is_replaced_without_a_restart(service: Service) -> None:
    """SQLite keeps a connection read-only even once the file is writable again (a bot
    started on a read-only file apologised forever): the repository opens a fresh one."""
    db = service.desk.repository.connection  # type: ignore[attr-defined]
    await db.execute("PRAGMA query_only = ON")  # this connection now refuses every write
    reply = await service.ask(UNANSWERED, Asker(display_name="Alice", user_id=111))
    assert reply.kind is ReplyKind.DELAYED
    await _wait_until_written(service)
    assert [q.text for q in await service.desk.repository.questions()] == [UNANSWERED]
    reply = await service.ask(ANSWERED, Asker(display_name="Bob", user_id=9))
    assert reply.kind is ReplyKind.ANSWER


async def test_a_start_while_another_process_holds_the_write_lock_says_so_and_carries_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The write lock held past the busy timeout (10 s) during the whole start: one error
    line, then the bot answers; once the lock is gone, questions are written again."""
    import sqlite3

    answers = tmp_path / "answers"
    shutil.copytree(ANSWERS, answers)
    settings = Settings(answers_dir=answers, database_path=tmp_path / "bot.sqlite3", semantic="off")
    await (await open_service(settings)).close()  # creates and migrates the file
    blocker = sqlite3.connect(settings.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.INFO):
            service = await open_service(settings)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    try:
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert "refuse les écritures" in errors[0] and "locked" in errors[0]
        reply = await service.ask(ANSWERED, Asker(display_name="Bob", user_id=9))
        assert reply.kind is ReplyKind.ANSWER and reply.question_id is not None
    finally:
        await service.close()
