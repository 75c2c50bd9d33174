"""The vector cache on a real SQLite file: what a restart reads back is exactly what was
written for this model and these texts, whichever way the rows are read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from bot.storage import vector_cache
from bot.storage.vector_cache import LOOKUP_CHUNK, VectorCache

MODEL = "test-model"
DIM = 8


def _vectors(count: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def filled(tmp_path: Path) -> tuple[VectorCache, list[str], np.ndarray]:
    """A cache holding 2 x LOOKUP_CHUNK vectors of MODEL, plus some of another model."""
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    keys = [f"key-{i}" for i in range(2 * LOOKUP_CHUNK)]
    vectors = _vectors(len(keys), seed=1)
    cache.put_many(MODEL, list(zip(keys, vectors, strict=True)))
    cache.put_many("other-model", list(zip(keys[:10], _vectors(10, seed=2), strict=True)))
    yield cache, keys, vectors
    cache.close()


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["one scan", "keyed lookups"])
def test_a_restart_reads_back_exactly_this_models_vectors(filled, monkeypatch, share: float) -> None:
    cache, keys, vectors = filled
    monkeypatch.setattr(vector_cache, "SCAN_SHARE", share)
    asked = [*keys[: LOOKUP_CHUNK + 100], "never-written", keys[0]]

    found = cache.get_many(MODEL, asked)

    assert set(found) == set(keys[: LOOKUP_CHUNK + 100])
    for i, key in enumerate(keys[: LOOKUP_CHUNK + 100]):
        np.testing.assert_array_equal(found[key], vectors[i])


def test_vectors_of_the_wrong_size_are_embedded_again_not_served(filled) -> None:
    cache, keys, _ = filled
    with sqlite3.connect(cache.path) as raw:
        raw.execute("UPDATE vectors SET dim = 4 WHERE model_id = ? AND text_key = ?", (MODEL, keys[3]))

    found = cache.get_many(MODEL, keys)

    assert keys[3] not in found
    assert len(found) == len(keys) - 1


def test_an_unreadable_cache_reads_as_empty(tmp_path: Path, caplog) -> None:
    path = tmp_path / "vectors.sqlite3"
    path.write_bytes(b"not a database" * 100)

    cache = VectorCache(path)

    assert cache.get_many(MODEL, [f"key-{i}" for i in range(LOOKUP_CHUNK + 1)]) == {}
    assert "cache de vecteurs" in caplog.text
    cache.close()
