"""Matching a member's question to an answer: lexical index, encoder, one decision.

The pieces, each doing one job: ``lexical`` (inverted index of stemmed words) with
``spelling`` (typo tolerance), ``encoders`` (the encoder port and its adapters),
``pieces`` and ``semantic`` (what is embedded, and the vector index), ``scoring``
(the combined confidence and ``decide``), ``matcher`` (the object the service uses)
and ``tuning`` (every tunable number).
"""

from bot.core.matching.matcher import Matcher
from bot.core.matching.scoring import also_answered, choices, decide, thresholds
from bot.core.matching.tuning import (
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_SUGGEST_THRESHOLD,
    LEXICAL_MATCH_THRESHOLD,
    LEXICAL_SUGGEST_THRESHOLD,
)

__all__ = [
    "DEFAULT_MATCH_THRESHOLD",
    "DEFAULT_SUGGEST_THRESHOLD",
    "LEXICAL_MATCH_THRESHOLD",
    "LEXICAL_SUGGEST_THRESHOLD",
    "Matcher",
    "also_answered",
    "choices",
    "decide",
    "thresholds",
]
