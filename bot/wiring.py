"""Builds the service from the settings: the one place that knows every part.

The core never reads settings or opens files of its own; the CLI, the Discord client
and the tests all get their service from here, so they answer the same way.
"""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.core.errors import SettingsError
from bot.core.matching.encoders import BACKENDS, SHIPPED_BACKEND, Encoder, EncoderUnavailable, load_encoder
from bot.core.service import Service
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


async def open_service(settings: Settings, *, wait_for_index: bool = False) -> Service:
    """The service for these settings, with the encoder and its vector cache when they run."""
    encoders = load_encoders(settings)
    store = VectorCache(settings.vector_cache_path) if encoders is not None else None
    return await Service.open(settings, encoders=encoders, store=store, wait_for_index=wait_for_index)
