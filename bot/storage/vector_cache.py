"""The vector cache: every embedded piece of text, keyed by model id and text hash.

Derived data, in its own SQLite file (``VECTOR_CACHE_PATH``), never mixed with the
questions database: deleting it loses nothing but the time to embed again. A restart
with unchanged answers reads every vector from here and embeds nothing; a changed
answer only embeds its changed pieces, since the key is the text itself.

Why the standard ``sqlite3`` module and not aiosqlite: the cache is only read and
written by the indexing worker thread (embedding is CPU work that must stay off the
event loop), so a plain connection used from that thread, behind a lock, is the
simple and right tool. A cache that cannot be opened or written is a warning, never
an error: the bot then embeds in memory.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model_id TEXT NOT NULL,
    text_key TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, text_key)
) WITHOUT ROWID;
"""
LOOKUP_CHUNK = 500
"""Keys per ``IN (…)`` query: well under SQLite's limit on bound parameters."""
SCAN_SHARE = 0.5
"""Read the model's whole table, and keep the keys asked for, when they make up at least
this share of it: a warm restart asks for nearly every row, and one sequential scan
reads 24,000 vectors in 0.09 s where as many keyed lookups take 0.34 s (1,000 answers,
``benchmarks.scale``). Counting the rows first costs 0.03 s."""


class VectorCache:
    """A ``VectorStore`` on a SQLite file (see ``bot.core.matching.semantic``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, check_same_thread=False, timeout=10.0)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            self._connection = connection
        except (OSError, sqlite3.Error) as exc:
            log.warning("cache de vecteurs inutilisable (%s) : %s ; les vecteurs resteront en mémoire", path, exc)

    def get_many(self, model_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for key, dim, blob in self._select(model_id, keys):
            vector = np.frombuffer(blob, dtype=np.float32)
            if vector.shape == (dim,):
                found[key] = vector
        return found

    def _select(self, model_id: str, keys: Sequence[str]) -> list[tuple]:
        """The rows of ``keys`` (one scan, or keyed lookups in chunks); none when the cache
        cannot be read."""
        if self._connection is None or not keys:
            return []
        unique = list(dict.fromkeys(keys))
        rows: list[tuple] = []
        try:
            with self._lock:
                if len(unique) > LOOKUP_CHUNK and len(unique) >= SCAN_SHARE * self._count(model_id):
                    wanted = set(unique)
                    query = "SELECT text_key, dim, vector FROM vectors WHERE model_id = ?"
                    rows = self._connection.execute(query, (model_id,))
                    return [(key, dim, blob) for key, dim, blob in rows if key in wanted]
                for start in range(0, len(unique), LOOKUP_CHUNK):
                    chunk = unique[start : start + LOOKUP_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    query = f"SELECT text_key, dim, vector FROM vectors WHERE model_id = ? AND text_key IN ({marks})"
                    rows.extend(self._connection.execute(query, (model_id, *chunk)).fetchall())
        except sqlite3.Error as exc:
            log.warning("lecture du cache de vecteurs impossible : %s", exc)
            return []
        return rows

    def put_many(self, model_id: str, items: Sequence[tuple[str, np.ndarray]]) -> None:
        if self._connection is None or not items:
            return
        rows = [
            (model_id, key, int(vector.shape[0]), np.asarray(vector, dtype=np.float32).tobytes())
            for key, vector in items
        ]
        try:
            with self._lock, self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO vectors (model_id, text_key, dim, vector) VALUES (?, ?, ?, ?)", rows
                )
        except sqlite3.Error as exc:
            log.warning("écriture dans le cache de vecteurs impossible : %s", exc)

    def count(self, model_id: str | None = None) -> int:
        if self._connection is None:
            return 0
        with self._lock:
            if model_id is None:
                return int(self._connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
            return self._count(model_id)

    def _count(self, model_id: str) -> int:
        """Rows of one model (called under the lock)."""
        assert self._connection is not None
        query = "SELECT COUNT(*) FROM vectors WHERE model_id = ?"
        return int(self._connection.execute(query, (model_id,)).fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
