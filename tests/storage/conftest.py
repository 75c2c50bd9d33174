"""A real database, migrated for real, in a temporary folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.database import open_database
from bot.storage.repository import Repository


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def connection(db_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(db_path)
    yield connection
    await connection.close()


@pytest.fixture
async def repository(connection: aiosqlite.Connection) -> Repository:
    return Repository(connection)
