"""Builds the service from the settings: the one place that knows every layer.

The CLI, the Discord app and the tests all come through here, so that the core never
opens a database, loads an encoder nor reads the settings module: the values it needs
reach it as plain values (``ServiceSettings``), the storage as objects that fit
``QuestionStore`` and ``VectorStore``, the encoder as an ``Encoder``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from bot.config import Settings
from bot.core.answers import load_library
from bot.core.errors import SettingsError
from bot.core.matching import Matcher
from bot.core.matching.encoders import BACKENDS, SHIPPED_BACKEND, Encoder, EncoderUnavailable, load_encoder
from bot.core.review import ReviewDesk
from bot.core.service import Service, ServiceSettings
from bot.storage.database import connect, open_database, probe
from bot.storage.repository import Repository
from bot.storage.vector_cache import VectorCache

log = logging.getLogger(__name__)


def load_encoders(settings: Settings) -> tuple[Encoder, Encoder] | None:
    """Two handles on the encoder (questions, indexing), or None to match by words only.

    ``SEMANTIC=on`` turns an encoder that cannot run into a settings error (one line,
    exit 2); ``auto`` says why in one log line and carries on lexical."""
    try:
        choice = load_encoder(settings.semantic)
    except EncoderUnavailable as exc:
        raise SettingsError(f"SEMANTIC=on : {exc}") from None
    if choice.encoder is None:
        if settings.semantic == "off":
            log.info("%s", choice.reason)
        else:
            log.warning("%s", choice.reason)
        return None
    log.info("%s", choice.reason)
    return choice.encoder, BACKENDS[SHIPPED_BACKEND]()


def service_settings(settings: Settings) -> ServiceSettings:
    return ServiceSettings(
        answers_dir=settings.answers_dir,
        match_threshold=settings.match_threshold,
        suggest_threshold=settings.suggest_threshold,
    )


async def open_service(settings: Settings, *, wait_for_index: bool = False, purge: bool = True) -> Service:
    """Load the answers, open (and migrate) the database, build the matcher and teach it
    what moderators taught before the last restart, then apply ``RETENTION_DAYS``.

    With the encoder, the semantic index is built from the vector cache: at once when
    the cache holds every piece (a warm restart) or when ``wait_for_index`` (one-off
    commands); otherwise in the background, while the lexical side answers.
    ``Service.close()`` closes the database and the cache. ``purge=False`` leaves
    ``RETENTION_DAYS`` alone, for the commands that only read (and suggest).

    The garbage collector waits while start-up builds what lives as long as the service:
    its passes over hundreds of thousands of new objects, none of them garbage, cost a
    warm restart 0.3 s at 1,000 answers (``benchmarks.scale``). A one-off command that
    waits minutes for the encoder does so with the collector running.
    """
    with _collector_paused():
        service = await _assemble(settings, purge)
        if not wait_for_index:
            await service.start_semantic()  # a warm restart attaches the index here
    if wait_for_index:
        await service.start_semantic(wait=True)
    # What start-up built (the library, both indexes) lives as long as the service: out
    # of the garbage collector's sight, a full collection no longer walks it, which held
    # the event loop for 60-68 ms at 1,000 answers (benchmarks.scale; 11-23 ms frozen).
    # The garbage is collected first, so that only what is alive is set aside.
    gc.collect()
    gc.freeze()
    return service


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


async def _assemble(settings: Settings, purge: bool) -> Service:
    """The service over the settings' answers, database and encoder, index not started."""
    probe(settings.database_path)  # an unusable DATABASE_PATH stops here, before anything is loaded
    library = load_library(settings.answers_dir)
    for problem in library.problems:
        log.warning("Réponse ignorée : %s", problem)
    encoders = load_encoders(settings)
    store = VectorCache(settings.vector_cache_path) if encoders is not None else None
    connection = await open_database(settings.database_path)
    path = settings.database_path
    repository = Repository(connection, reopen=lambda: connect(path))
    try:
        matcher = Matcher(library.answers.values(), encoder=encoders[0] if encoders else None, store=store)
        desk = ReviewDesk(repository, matcher)
        await desk.teach_matcher()
        refused = await repository.writable()
        purged = 0
        if refused is not None:
            log.error(
                "La base de données %s refuse les écritures (%s) : les questions sont gardées en mémoire "
                "et écrites dès qu'elle les accepte",
                path,
                refused,
            )
        elif purge:
            purged = await desk.purge(settings.retention_days)
    except BaseException:
        await repository.close()
        if store is not None:
            store.close()
        raise
    if purged:
        log.info("%d anciennes questions supprimées (RETENTION_DAYS=%d)", purged, settings.retention_days)
    log.info("%d réponses chargées depuis %s", len(library.answers), settings.answers_dir)
    return Service(
        service_settings(settings),
        library,
        matcher,
        desk,
        index_encoder=encoders[1] if encoders else None,
        store=store,
        on_close=lambda: _release(repository),
    )


async def _release(repository: Repository) -> None:
    await repository.close()
    gc.unfreeze()  # what the service held can be collected again


@asynccontextmanager
async def open_records(settings: Settings) -> AsyncIterator[ReviewDesk]:
    """A desk over the database alone, for the commands that only read (``unanswered
    list``/``show``/``export``, ``stats``): no answers loaded, no matcher, no purge."""
    connection = await open_database(settings.database_path)
    try:
        yield ReviewDesk(Repository(connection))
    finally:
        await connection.close()
