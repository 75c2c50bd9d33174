"""Opening and migrating the database: from empty, from every version, twice, never newer."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.core.errors import DatabaseError
from bot.core.models import ReviewStatus
from bot.storage.database import (
    MIGRATIONS_DIR,
    apply_migrations,
    connect,
    load_migrations,
    migrate,
    open_database,
    user_version,
)
from bot.storage.repository import Repository

MIGRATIONS = load_migrations()
NEWEST = MIGRATIONS[-1].version
EXPECTED_TABLES = {"questions", "question_groups", "votes", "learned_phrasings"}


def schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_migrations_are_real_numbered_files() -> None:
    names = sorted(p.name for p in MIGRATIONS_DIR.glob("*.sql"))
    assert len(MIGRATIONS) >= 2
    assert [m.name for m in MIGRATIONS] == names
    assert [m.version for m in MIGRATIONS] == list(range(1, len(names) + 1))
    assert all(m.statements for m in MIGRATIONS)


async def test_from_empty_creates_folder_file_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "bot.sqlite3"
    connection = await open_database(path)
    try:
        assert await user_version(connection) == NEWEST
        async with connection.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
        async with connection.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1
        async with connection.execute("PRAGMA busy_timeout") as cursor:
            assert (await cursor.fetchone())[0] > 0
    finally:
        await connection.close()
    tables = {name for kind, name, _ in schema(path) if kind == "table"}
    assert tables >= EXPECTED_TABLES


@pytest.mark.parametrize("start", range(NEWEST))
async def test_from_every_earlier_version_keeps_the_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / "bot.sqlite3"
    connection = await connect(path)
    await apply_migrations(connection, MIGRATIONS[:start])
    assert await user_version(connection) == start
    if start >= 1:
        await connection.execute(
            "INSERT INTO questions (asked_at, text, score) VALUES ('2024-01-01T00:00:00.000000+00:00', ?, 0)",
            ("ancienne question",),
        )
    await connection.close()

    assert await migrate(path) == (start, NEWEST)

    assert version(path) == NEWEST
    fresh = tmp_path / "fresh.sqlite3"
    await migrate(fresh)
    assert schema(path) == schema(fresh), "a database migrated step by step must equal one created from scratch"
    if start >= 1:
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT text FROM questions").fetchall() == [("ancienne question",)]


async def test_twice_in_a_row_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    assert await migrate(path) == (0, NEWEST)
    first = schema(path)
    assert await migrate(path) == (NEWEST, NEWEST)
    connection = await open_database(path)
    await connection.close()
    assert schema(path) == first


async def test_a_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await migrate(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {NEWEST + 1}")
    before = schema(path)
    with pytest.raises(DatabaseError, match="plus récente que ce code"):
        await open_database(path)
    with pytest.raises(DatabaseError, match=f"version {NEWEST + 1}"):
        await migrate(path)
    assert version(path) == NEWEST + 1
    assert schema(path) == before


async def test_a_failing_migration_is_rolled_back_entirely(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE a (x INTEGER);\n", encoding="utf-8")
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE b (x INTEGER);\nINSERT INTO a VALUES (1);\nTHIS IS NOT SQL;\n", encoding="utf-8"
    )
    path = tmp_path / "bot.sqlite3"
    connection = await connect(path)
    try:
        with pytest.raises(DatabaseError, match=r"0002_broken\.sql"):
            await apply_migrations(connection, load_migrations(folder))
        assert await user_version(connection) == 1
    finally:
        await connection.close()
    names = {name for _, name, _ in schema(path)}
    assert "a" in names
    assert "b" not in names
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM a").fetchone()[0] == 0


def test_a_gap_in_migration_numbers_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x);", encoding="utf-8")
    (tmp_path / "0003_c.sql").write_text("CREATE TABLE c (x);", encoding="utf-8")
    with pytest.raises(DatabaseError, match=r"0003_c\.sql"):
        load_migrations(tmp_path)


async def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not sqlite, just some text that is long enough to be a header" * 20)
    with pytest.raises(DatabaseError, match=r"bot\.sqlite3"):
        await open_database(path)


async def test_processes_starting_together_migrate_once(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    results = await asyncio.gather(*(migrate(path) for _ in range(4)))
    assert {after for _, after in results} == {NEWEST}
    assert sum(1 for before, _ in results if before == 0) >= 1
    assert version(path) == NEWEST
    fresh = tmp_path / "fresh.sqlite3"
    await migrate(fresh)
    assert schema(path) == schema(fresh)


async def test_review_status_moves_to_the_groups_and_old_databases_keep_their_reviews(tmp_path: Path) -> None:
    """A version-4 database, where each question carried a copy of its group's review."""
    path = tmp_path / "bot.sqlite3"
    connection = await connect(path)
    await apply_migrations(connection, MIGRATIONS[:4])
    when = "2025-01-01T00:00:00.000000+00:00"
    for statement, params in (
        ("INSERT INTO question_groups (id, status, resolved_slug, created_at) VALUES (1, 'resolved', 'salaire', ?)",
         (when,)),
        ("INSERT INTO question_groups (id, status, created_at) VALUES (2, 'dismissed', ?)", (when,)),
        ("""INSERT INTO questions (id, asked_at, user_id, text, answer_slug, score, status, group_id, resolved_slug,
                                   reviewed_by, reviewed_at)
            VALUES (1, ?, 7, 'combien ?', NULL, 0.1, 'resolved', 1, 'salaire', 'console:ed', ?)""", (when, when)),
        ("""INSERT INTO questions (id, asked_at, user_id, text, answer_slug, score, status, group_id, reason)
            VALUES (2, ?, 7, 'pain ?', NULL, 0.1, 'dismissed', 2, 'hors sujet')""", (when,)),
        ("""INSERT INTO questions (id, asked_at, user_id, text, answer_slug, score, status, group_id)
            VALUES (3, ?, 8, 'perdue ?', NULL, 0.1, 'open', NULL)""", (when,)),
        ("""INSERT INTO questions (id, asked_at, user_id, text, answer_slug, score, status, group_id)
            VALUES (4, ?, 8, 'salaire ?', 'salaire', 0.9, NULL, NULL)""", (when,)),
    ):  # fmt: skip
        await connection.execute(statement, params)
    await connection.close()

    assert await migrate(path) == (4, NEWEST)

    connection = await open_database(path)
    repository = Repository(connection)
    try:
        resolved, dismissed, orphan, answered = await repository.questions()
        assert (resolved.status, resolved.resolved_slug, resolved.reviewed_by) == (
            ReviewStatus.RESOLVED,
            "salaire",
            "console:ed",
        )
        assert (dismissed.status, dismissed.reason) == (ReviewStatus.DISMISSED, "hors sujet")
        assert orphan.status is ReviewStatus.OPEN and orphan.group_id is not None
        assert [g.representative for g in await repository.groups(ReviewStatus.OPEN)] == ["perdue ?"]
        assert (answered.status, answered.group_id) == (None, None)
    finally:
        await connection.close()
    with sqlite3.connect(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(questions)")}
    assert not columns & {"status", "resolved_slug", "reason", "reviewed_by", "reviewed_at"}
