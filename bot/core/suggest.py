"""The suggested resolution of a group: the answer closest to what its askers wrote.

The matcher is asked about a few of the group's questions and the best candidate is
kept when its confidence reaches the suggest threshold (the one "did you mean…" uses).
With the encoder on, that confidence is the combined (lexical + meaning) one, so the
suggestion is the closest answer by meaning; with the encoder off (``SEMANTIC=off``, or
while the semantic index is still being built) the lexical matcher's candidates serve
and ``SuggestedResolution.semantic`` says so. Nothing is learned here: a suggestion is
only shown to a moderator, who resolves with it (one click) or picks another answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence

from bot.core.matching import thresholds
from bot.core.models import MatchResult, SuggestedResolution

SUGGEST_SAMPLE = 3
"""How many of a group's questions (oldest first) are matched: bounded work per group."""
MAX_MATCHED_CHARS = 2000


async def suggest_resolution(
    texts: Sequence[str],
    match: Callable[[str], Awaitable[MatchResult]],
    *,
    match_threshold: float | None = None,
    suggest_threshold: float | None = None,
    exclude: Collection[str] = (),
) -> SuggestedResolution | None:
    """The best candidate over the first ``SUGGEST_SAMPLE`` texts, if it is plausible.

    ``match`` is the service's (it runs in the matching worker, never on the event loop).
    Small talk is skipped: it is no question an answer could resolve. ``exclude`` names
    answers not to suggest (those members voted 👎 for these questions).
    """
    best: SuggestedResolution | None = None
    for text in texts[:SUGGEST_SAMPLE]:
        result = await match(text[:MAX_MATCHED_CHARS])
        if result.smalltalk is not None:
            continue
        _, suggest_at, _ = thresholds(result, match_threshold, suggest_threshold)
        top = next((c for c in result.candidates if c.slug not in exclude), None)
        if top is not None and top.score >= suggest_at and (best is None or top.score > best.score):
            best = SuggestedResolution(top.slug, top.score, result.semantic)
    return best
