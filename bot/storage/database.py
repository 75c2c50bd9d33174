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
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.core.errors import DatabaseError, DatabaseUnavailable

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
    A file that cannot be opened or written raises ``DatabaseUnavailable`` before any
    aiosqlite thread starts (``probe``).
    """
    path = Path(path)
    probe(path)
    try:
        connection = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseUnavailable(f"impossible d'ouvrir la base de données {path} : {exc}", path) from exc
    connection.row_factory = aiosqlite.Row
    try:
        await _configure(connection)
    except sqlite3.DatabaseError as exc:
        await connection.close()
        raise DatabaseUnavailable(f"{path} n'est pas une base de données utilisable : {exc}", path) from exc
    return connection


def probe(path: Path) -> None:
    """Check, with a plain short-lived connection, that ``path`` opens as a database that
    can be written (creating it and its folder if needed).

    Done synchronously before aiosqlite: a connection that fails inside aiosqlite's worker
    thread leaves that thread behind, and it dies noisily when the event loop closes."""
    blocking = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise DatabaseUnavailable(f"{blocking} est un fichier : il ne peut pas contenir {path}", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"impossible de créer le dossier {path.parent} de la base de données ({exc.strerror or exc})", path
        ) from None
    if path.exists() and not path.is_file():
        raise DatabaseUnavailable(f"{path} n'est pas un fichier", path)
    # SQLite writes the file itself and, in WAL mode, a -wal and a -shm beside it.
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseUnavailable(f"{path} est en lecture seule : le bot doit pouvoir y écrire", path)
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseUnavailable(
            f"le dossier {path.parent} est en lecture seule : le bot doit pouvoir y écrire {path.name} "
            "et ses fichiers -wal et -shm",
            path,
        )
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"impossible d'ouvrir la base de données {path} ({exc})", path) from None
    try:
        connection.execute("PRAGMA schema_version").fetchone()  # reads the header: "file is not a database"
        connection.execute("BEGIN IMMEDIATE")  # takes the write lock: "readonly database", "unable to open"
        connection.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return  # another process is writing: the file is fine, and writable
        hint = "vérifie que le bot a le droit d'y écrire" if "readonly" in str(exc) or "open" in str(exc) else ""
        message = f"{path} n'est pas une base de données utilisable ({exc})"
        raise DatabaseUnavailable(f"{message} ; {hint}" if hint else message, path) from None
    finally:
        connection.close()


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


@dataclass(frozen=True)
class BackupResult:
    version: int
    questions: int
    pages: int


def backup(source: Path, target: Path) -> BackupResult:
    """Copy the database at ``source`` to ``target`` through SQLite's online backup API.

    Safe while the bot writes: the copy is taken in one step, inside one read transaction,
    so it is the database as it was at one instant (every transaction committed before it
    began, none half-way); in WAL mode the bot's writes carry on meanwhile. The copy is
    written next to ``target`` first, checked (``PRAGMA integrity_check``), switched to a
    self-contained file (no ``-wal`` beside it) and only then renamed over ``target``: a
    failed backup never leaves a half-written file under the name asked for.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise DatabaseUnavailable(f"aucune base de données à sauvegarder : {source} n'existe pas", source)
    if target.resolve() == source.resolve():
        raise DatabaseError(f"la sauvegarde ne peut pas remplacer la base elle-même ({source})")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        origin = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            copy = sqlite3.connect(partial)
            try:
                origin.backup(copy)  # pages=-1: every page in one step, one snapshot
                copy.execute("PRAGMA journal_mode = DELETE")
                (status,) = copy.execute("PRAGMA integrity_check").fetchone()
                if status != "ok":
                    raise DatabaseError(f"la copie de {source} ne passe pas le contrôle d'intégrité : {status}")
                (version,) = copy.execute("PRAGMA user_version").fetchone()
                (pages,) = copy.execute("PRAGMA page_count").fetchone()
                has_questions = copy.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'questions'"
                ).fetchone()
                questions = copy.execute("SELECT COUNT(*) FROM questions").fetchone()[0] if has_questions else 0
            finally:
                copy.close()
        finally:
            origin.close()
        os.replace(partial, target)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise DatabaseUnavailable(f"{source} n'est pas une base de données utilisable : {exc}", source) from None
        raise DatabaseError(f"sauvegarde de {source} impossible : {exc}") from exc
    except sqlite3.Error as exc:
        raise DatabaseError(f"sauvegarde de {source} impossible : {exc}") from exc
    except OSError as exc:
        raise DatabaseError(f"impossible d'écrire la sauvegarde {target} : {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(version=int(version), questions=int(questions), pages=int(pages))
