"""Builds the service from the settings: the one place that knows every layer.

The CLI, the Discord app and the tests all come through here, so that the core never
opens a database nor reads the settings module: the values it needs reach it as plain
values (``ServiceSettings``) and the storage as an object that fits ``QuestionStore``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.core.answers import load_library
from bot.core.matching import Matcher
from bot.core.review import ReviewDesk
from bot.core.service import Service, ServiceSettings
from bot.storage.database import open_database
from bot.storage.repository import Repository

log = logging.getLogger(__name__)


def service_settings(settings: Settings) -> ServiceSettings:
    return ServiceSettings(
        answers_dir=settings.answers_dir,
        match_threshold=settings.match_threshold,
        suggest_threshold=settings.suggest_threshold,
    )


async def open_service(settings: Settings) -> Service:
    """Load the answers, open (and migrate) the database, build the matcher and teach it
    what moderators taught before the last restart, then apply ``RETENTION_DAYS``.

    ``Service.close()`` closes the database.
    """
    library = load_library(settings.answers_dir)
    for problem in library.problems:
        log.warning("Réponse ignorée : %s", problem)
    connection = await open_database(settings.database_path)
    try:
        matcher = Matcher(library.answers.values())
        desk = ReviewDesk(Repository(connection), matcher)
        await desk.teach_matcher()
        purged = await desk.purge(settings.retention_days)
    except BaseException:
        await connection.close()
        raise
    if purged:
        log.info("%d anciennes questions supprimées (RETENTION_DAYS=%d)", purged, settings.retention_days)
    log.info("%d réponses chargées depuis %s", len(library.answers), settings.answers_dir)
    return Service(service_settings(settings), library, matcher, desk, on_close=connection.close)


@asynccontextmanager
async def open_records(settings: Settings) -> AsyncIterator[ReviewDesk]:
    """A desk over the database alone, for the commands that only read (``unanswered
    list``/``show``/``export``, ``stats``): no answers loaded, no matcher, no purge."""
    connection = await open_database(settings.database_path)
    try:
        yield ReviewDesk(Repository(connection))
    finally:
        await connection.close()
