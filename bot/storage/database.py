"""Opening the SQLite database and bringing its schema up to date.

Migrations are the numbered ``migrations/NNNN_description.sql`` files at the top of the
repository. Each one runs in its own transaction that also sets ``PRAGMA user_version``,
so a crash mid-migration leaves the database at the previous version, never half-way;
the version lives in the database itself (no side file to lose). A database whose version
is newer than the newest migration was written by newer code and is refused rather than
guessed at.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.core.errors import DatabaseError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another process (the bot and the editors' CLI share the file)."""

_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Read the migration files in order; a gap or a duplicate number is a bug, not data."""
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise DatabaseError(f"fichier de migration mal nommé : {path.name} (attendu : NNNN_description.sql)")
        migrations.append(Migration(int(match.group(1)), path.name, _split(path.read_text(encoding="utf-8"))))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise DatabaseError(f"migrations non consécutives : {migration.name} devrait être la n° {expected:04d}")
    return migrations


def _split(script: str) -> tuple[str, ...]:
    """Split a script into statements so they can run inside our own transaction.

    ``executescript`` would commit on its own; ``sqlite3.complete_statement`` knows where a
    statement ends (including trigger bodies), so we never parse SQL ourselves.
    """
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            if _strip_comments(statement):
                statements.append(statement)
            pending = ""
    if _strip_comments(pending):
        raise DatabaseError(f"instruction SQL incomplète à la fin d'une migration : {pending.strip()[:80]!r}")
    return tuple(statements)


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--")).strip().rstrip(";").strip()


async def connect(path: Path) -> aiosqlite.Connection:
    """Connect with the settings every connection needs: WAL, foreign keys, busy timeout.

    ``isolation_level=None`` leaves transactions to us: single statements commit at once
    and the repository opens explicit transactions where several statements belong together.
    Rows come back as ``aiosqlite.Row``: read by column name, never by position.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(f"impossible d'ouvrir la base de données {path} : {exc}") from exc
    connection.row_factory = aiosqlite.Row
    try:
        await _configure(connection)
    except sqlite3.DatabaseError as exc:
        await connection.close()
        raise DatabaseError(f"{path} n'est pas une base de données utilisable : {exc}") from exc
    return connection


_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
)


async def _configure(connection: aiosqlite.Connection) -> None:
    """Apply ``_PRAGMAS``, retrying while another process holds the file.

    ``journal_mode = WAL`` can answer "database is locked" at once, without waiting for
    the busy timeout, while another connection migrates a new file (seen when processes
    start together): it is retried here, up to the same timeout. The pragmas are idempotent.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            for pragma in _PRAGMAS:
                await connection.execute(pragma)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.02)


async def user_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row["user_version"]) if row else 0


async def apply_migrations(
    connection: aiosqlite.Connection, migrations: list[Migration] | None = None
) -> tuple[int, int]:
    """Apply the pending migrations, each in its own transaction; return (from, to).

    The version is re-read inside a ``BEGIN IMMEDIATE`` transaction, so two processes
    starting at once cannot both apply the same migration.
    """
    migrations = load_migrations() if migrations is None else migrations
    newest = migrations[-1].version if migrations else 0
    start = await user_version(connection)
    if start > newest:
        raise DatabaseError(
            f"la base de données est en version {start}, plus récente que ce code (version {newest}) : "
            "mets le bot à jour, ou utilise une sauvegarde compatible"
        )
    for migration in migrations:
        if migration.version <= start:
            continue
        await connection.execute("BEGIN IMMEDIATE")
        try:
            current = await user_version(connection)
            if current >= migration.version:
                await connection.execute("ROLLBACK")
                continue
            for statement in migration.statements:
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {migration.version:d}")
            await connection.execute("COMMIT")
        except BaseException as exc:
            await _rollback(connection)
            if isinstance(exc, sqlite3.Error):
                raise DatabaseError(f"la migration {migration.name} a échoué : {exc}") from exc
            raise
        log.info("Migration appliquée : %s", migration.name)
    return start, await user_version(connection)


async def _rollback(connection: aiosqlite.Connection) -> None:
    try:
        await connection.execute("ROLLBACK")
    except sqlite3.Error:
        log.debug("Pas de transaction à annuler", exc_info=True)


async def open_database(path: Path) -> aiosqlite.Connection:
    """Open (creating it and its folder if needed) and migrate the database at ``path``."""
    connection = await connect(path)
    try:
        await apply_migrations(connection)
    except BaseException:
        await connection.close()
        raise
    return connection


async def migrate(path: Path) -> tuple[int, int]:
    """Bring the database at ``path`` up to date; return (version before, version after)."""
    connection = await connect(path)
    try:
        return await apply_migrations(connection)
    finally:
        await connection.close()
