"""The semantic side of matching: every piece of every answer as a vector, and a query
as one matrix product.

A question is compared with each answer's phrasings (best cosine) and with its body
pieces (best cosine). Raw e5 cosines mean little on their own: any two French
sentences about work score 0.8. What transfers from one library to another is the
distance above the library's own *floor*: how alike two phrasings of two different
answers of this library are, on average. A question well above the floor is about
one of the answers; one at the floor is about nothing the library says. The floor is
measured on each library when its index is built, never assumed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.core.matching.encoders import Encoder
from bot.core.matching.pieces import Piece, Role, answer_pieces, phrasing_piece
from bot.core.matching.tuning import DEFAULT_FLOOR, EMBED_BATCH, FLOOR_SAMPLE, MAX_BODY_PIECES
from bot.core.models import Answer

log = logging.getLogger(__name__)


class IndexingStopped(Exception):
    """The build was asked to stop (the bot is shutting down)."""


class VectorsMissing(Exception):
    """A build from the store alone found pieces it would have to embed."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} morceaux à encoder")
        self.count = count


class VectorStore(Protocol):
    """Where vectors already computed are kept (``bot.storage.vector_cache``)."""

    def get_many(self, model_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model_id: str, items: Sequence[tuple[str, np.ndarray]]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SemanticScores:
    """Best cosines of one question, per answer slug."""

    phrasing: dict[str, float]
    body: dict[str, float]


class _Block:
    """Rows of unit vectors grouped by answer, for a per-answer max in one pass."""

    def __init__(self, owners: list[int], vectors: np.ndarray, size: int) -> None:
        order = np.argsort(np.asarray(owners, dtype=np.int64), kind="stable")
        self.owners = np.asarray(owners, dtype=np.int64)[order]
        self.vectors = np.ascontiguousarray(vectors[order], dtype=np.float32)
        self.size = size
        self.present, self.starts = (
            np.unique(self.owners, return_index=True) if len(self.owners) else (np.zeros(0, np.int64),) * 2
        )

    def best(self, query: np.ndarray) -> np.ndarray:
        """Per answer, the best cosine of one of its rows (-1 for an answer without rows)."""
        out = np.full(self.size, -1.0, dtype=np.float32)
        if len(self.owners):
            sims = self.vectors @ query
            out[self.present] = np.maximum.reduceat(sims, self.starts)
        return out


class SemanticIndex:
    """Vectors of a library's pieces (and of learned phrasings), ready to score questions."""

    def __init__(
        self,
        model_id: str,
        slugs: Sequence[str],
        pieces: Sequence[Piece],
        vectors: np.ndarray,
        floor: float | None = None,
        body_pieces: int = MAX_BODY_PIECES,
    ) -> None:
        self.model_id = model_id
        self.body_pieces = body_pieces
        """How many body pieces per answer it holds (fewer after a first pass)."""
        self.slugs = tuple(slugs)
        self._position = {slug: i for i, slug in enumerate(self.slugs)}
        kept = [(i, p) for i, p in enumerate(pieces) if p.slug in self._position]
        phrasing = [(i, p) for i, p in kept if p.role is Role.QUERY]
        body = [(i, p) for i, p in kept if p.role is Role.PASSAGE]
        dim = vectors.shape[1] if vectors.ndim == 2 else 0
        self._phrasings = self._block(phrasing, vectors, dim)
        self._body = self._block(body, vectors, dim)
        self._learned = _Block([], np.zeros((0, dim), np.float32), len(self.slugs))
        self._centroid_cache: np.ndarray | None = None
        self.floor = measure_floor(self._phrasings, self._phrasings) if floor is None else floor
        self.body_floor = measure_floor(self._phrasings, self._body) if floor is None else floor

    def _block(self, rows: list[tuple[int, Piece]], vectors: np.ndarray, dim: int) -> _Block:
        owners = [self._position[p.slug] for _, p in rows]
        matrix = vectors[[i for i, _ in rows]] if rows else np.zeros((0, dim), np.float32)
        return _Block(owners, matrix, len(self.slugs))

    @property
    def size(self) -> int:
        return len(self._phrasings.owners) + len(self._body.owners) + len(self._learned.owners)

    def set_learned(self, pairs: Sequence[tuple[str, str]], vectors: np.ndarray) -> None:
        """Make the learned phrasings exactly these (slug, text) pairs, with their vectors."""
        rows = [(i, slug) for i, (slug, _) in enumerate(pairs) if slug in self._position]
        owners = [self._position[slug] for _, slug in rows]
        matrix = vectors[[i for i, _ in rows]] if rows else np.zeros((0, self._phrasings.vectors.shape[1]), np.float32)
        self._learned = _Block(owners, matrix, len(self.slugs))

    def scores(self, query: np.ndarray) -> SemanticScores:
        phrasing = np.maximum(self._phrasings.best(query), self._learned.best(query))
        body = self._body.best(query)
        return SemanticScores(
            phrasing=dict(zip(self.slugs, phrasing.tolist(), strict=True)),
            body=dict(zip(self.slugs, body.tolist(), strict=True)),
        )

    def answer_similarities(self, slug: str) -> np.ndarray:
        """Cosines between the mean phrasing vector of ``slug`` and that of every answer
        (in ``slugs`` order): how close two answers are in what members ask.

        For "related answers" only; it plays no part in scoring questions. One row, not
        the whole answer-by-answer matrix, which would take 400 MB at 10,000 answers; the
        mean vectors are computed once. An answer without phrasings is -1 to every other.
        """
        centroids = self._centroids()
        row = centroids @ centroids[self._position[slug]]
        missing = ~np.isin(np.arange(len(self.slugs)), self._phrasings.present)
        row[missing] = -1.0
        if missing[self._position[slug]]:
            row[:] = -1.0
        return row

    def _centroids(self) -> np.ndarray:
        if self._centroid_cache is None:
            block = self._phrasings
            out = np.zeros((len(self.slugs), block.vectors.shape[1]), dtype=np.float32)
            if len(block.owners):
                sums = np.add.reduceat(block.vectors, block.starts, axis=0)
                norms = np.linalg.norm(sums, axis=1, keepdims=True)
                out[block.present] = sums / np.where(norms > 0, norms, 1.0)
            self._centroid_cache = out
        return self._centroid_cache


def measure_floor(phrasings: _Block, targets: _Block) -> float:
    """Mean, over phrasings, of the best cosine to a row of ``targets`` of *another* answer.

    Against the phrasings, it is how alike two questions of two different answers of
    this library are; against the body pieces, how well a question of one answer fits
    the text of another (queries and passages live on different cosine scales, so each
    side has its own floor). A big library is measured on an evenly spaced sample of
    its phrasings (the mean of a thousand is stable to the third decimal).
    """
    owners, vectors = phrasings.owners, phrasings.vectors
    if len(np.unique(owners)) < 2 or len(np.unique(targets.owners)) < 2:
        return DEFAULT_FLOOR
    step = max(1, len(owners) // FLOOR_SAMPLE)
    picks = np.arange(0, len(owners), step)
    best = []
    for start in range(0, len(picks), 256):
        chunk = picks[start : start + 256]
        sims = vectors[chunk] @ targets.vectors.T
        sims[owners[chunk][:, None] == targets.owners[None, :]] = -1.0
        best.append(sims.max(axis=1))
    return float(np.concatenate(best).mean())


def library_pieces(answers: Iterable[Answer], body_pieces: int = MAX_BODY_PIECES) -> list[Piece]:
    return [piece for answer in answers for piece in answer_pieces(answer, body_pieces=body_pieces)]


def embed_pieces(
    encoder: Encoder,
    pieces: Sequence[Piece],
    store: VectorStore | None = None,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    cached_only: bool = False,
) -> np.ndarray:
    """Vectors of ``pieces`` in order: read from the store, the missing ones embedded
    (and written back) in batches. ``progress(done, total)`` counts the embedded ones;
    ``stop`` set between two batches ends the build (what was embedded stays cached).
    ``cached_only`` raises ``VectorsMissing`` instead of embedding anything: a start reads
    the store once, and either serves at once or leaves the embedding to the background."""
    keys = [p.key for p in pieces]
    known = store.get_many(encoder.model_id, keys) if store is not None else {}
    missing = [i for i, k in enumerate(keys) if k not in known]
    # The same text twice (a question repeated in two answers) is embedded once.
    todo: dict[str, int] = {}
    for i in missing:
        todo.setdefault(keys[i], i)
    items = list(todo.items())
    total = len(items)
    if cached_only and total:
        raise VectorsMissing(total)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, EMBED_BATCH):
        if stop is not None and stop.is_set():
            raise IndexingStopped
        batch = items[start : start + EMBED_BATCH]
        by_role: dict[Role, list[tuple[str, int]]] = {}
        for key, i in batch:
            by_role.setdefault(pieces[i].role, []).append((key, i))
        fresh: list[tuple[str, np.ndarray]] = []
        for role, rows in by_role.items():
            texts = [pieces[i].text for _, i in rows]
            matrix = encoder.embed_queries(texts) if role is Role.QUERY else encoder.embed_passages(texts)
            fresh.extend((key, matrix[j]) for j, (key, _) in enumerate(rows))
        known.update(fresh)
        if store is not None:
            store.put_many(encoder.model_id, fresh)
        if progress is not None:
            progress(min(start + EMBED_BATCH, total), total)
    if not keys:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return np.stack([np.asarray(known[k], dtype=np.float32) for k in keys])


def build_index(
    encoder: Encoder,
    answers: Sequence[Answer],
    learned: Sequence[tuple[str, str]] = (),
    store: VectorStore | None = None,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    cached_only: bool = False,
    body_pieces: int = MAX_BODY_PIECES,
) -> SemanticIndex:
    """The semantic index of a library: every piece embedded once (the store keeps them).
    ``cached_only``: from the store alone, or ``VectorsMissing`` (see ``embed_pieces``);
    ``body_pieces``: how much of each body (``FIRST_BODY_PIECES`` for a first pass)."""
    pieces = library_pieces(answers, body_pieces)
    learned_pieces = [phrasing_piece(slug, text) for slug, text in learned]
    vectors = embed_pieces(encoder, [*pieces, *learned_pieces], store, progress, stop, cached_only)
    slugs = [a.slug for a in answers]
    index = SemanticIndex(encoder.model_id, slugs, pieces, vectors[: len(pieces)], body_pieces=body_pieces)
    index.set_learned(list(learned), vectors[len(pieces) :])
    log.debug("index sémantique : %d morceaux, plancher %.3f", index.size, index.floor)
    return index
