"""One decision from two sides: the combined confidence, and what to do with it.

The lexical index is good at questions that share words with an answer; the encoder
at questions that share meaning. The candidates of both sides are ranked together by
a logistic over six features (``tuning.COMBINED_COEFFICIENTS``): the lexical confidence
and its margin, and the encoder's best phrasing and body cosines measured *above the
library's floors*, with their margins. A second logistic (``ACCEPTANCE_COEFFICIENTS``)
then says how sure the bot is that the best one is right. Because the semantic features
are relative to the library's own floors, and both models were fitted on the tune half
against a rich library and thinner copies of it, one threshold serves both kinds.

``decide`` turns that into a ``ReplyKind``: answer, offer a choice ("did you mean…",
also for a near-tie, which is never settled silently, and when meaning vetoes what the
words found), or leave the question to the editors.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence

from bot.core.matching.lexical import lexical_confidence
from bot.core.matching.semantic import SemanticScores
from bot.core.matching.tuning import (
    ACCEPTANCE_COEFFICIENTS,
    COMBINED_COEFFICIENTS,
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_SUGGEST_THRESHOLD,
    LEXICAL_CANDIDATES,
    LEXICAL_MATCH_THRESHOLD,
    LEXICAL_SUGGEST_THRESHOLD,
    LEXICAL_TIE_MARGIN,
    MAX_SUGGESTIONS,
    SEMANTIC_CANDIDATES,
    SEMANTIC_SCALE,
    SEMANTIC_VETO,
    SUGGEST_RELATIVE,
    TIE_MARGIN,
)
from bot.core.models import Candidate, MatchResult, ReplyKind

Features = tuple[float, ...]


def lexical_candidates(lexical: Sequence[tuple[str, Features]]) -> list[Candidate]:
    """Candidates scored by the lexical confidence alone (no encoder)."""
    return [Candidate(slug, lexical_confidence(f)) for slug, f in lexical]


def combined_features(
    lexical: Sequence[tuple[str, Features]], semantic: SemanticScores, floor: float, body_floor: float
) -> list[tuple[str, Features]]:
    """The six features of each candidate from either side, lexical top first."""
    confidence = {slug: lexical_confidence(f) for slug, f in lexical}
    phrasing, body = semantic.phrasing, semantic.body
    by_meaning = heapq.nsmallest(SEMANTIC_CANDIDATES, phrasing, key=lambda s: (-(phrasing[s] + body.get(s, -1.0)), s))
    slugs = [s for s, _ in lexical[:LEXICAL_CANDIDATES]] + by_meaning
    lex_other, phr_other, bod_other = (
        _best_other(confidence, 0.0),
        _best_other(phrasing, floor),
        _best_other(body, body_floor),
    )
    out: list[tuple[str, Features]] = []
    for slug in dict.fromkeys(s for s in slugs if s in phrasing):
        lex, phr, bod = confidence.get(slug, 0.0), phrasing[slug], body.get(slug, body_floor)
        out.append(
            (
                slug,
                (
                    lex,
                    lex - lex_other(slug),
                    (phr - floor) * SEMANTIC_SCALE,
                    (phr - phr_other(slug)) * SEMANTIC_SCALE,
                    (bod - body_floor) * SEMANTIC_SCALE,
                    (bod - bod_other(slug)) * SEMANTIC_SCALE,
                ),
            )
        )
    return out


def _best_other(values: dict[str, float], default: float) -> Callable[[str], float]:
    """``slug -> the best value of any other answer``, from one pass over ``values`` (a
    per-candidate scan of every answer cost milliseconds at 10,000 answers)."""
    top = heapq.nlargest(2, values.items(), key=lambda item: item[1])
    first_slug, first = top[0] if top else ("", default)
    second = top[1][1] if len(top) > 1 else default
    return lambda slug: second if slug == first_slug else first


def combined_confidence(features: Features, coefficients: Sequence[float] = COMBINED_COEFFICIENTS) -> float:
    z = coefficients[0] + sum(c * f for c, f in zip(coefficients[1:], features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def acceptance_features(ranked: Sequence[tuple[str, float, Features]], english: bool = False) -> Features:
    """What the acceptance model reads of the best candidate: its six features, its lead
    over the runner-up, its ranking confidence as log-odds, and whether the question is
    in English. A French library shares no words with an English question, so its
    lexical side says nothing either way: without that flag the model read the silence
    as "out of scope" and left most English questions unanswered."""
    _, best, features = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    clipped = min(max(best, 1e-6), 1.0 - 1e-6)
    return (*features, best - second, math.log(clipped / (1.0 - clipped)), float(english))


def combined_candidates(
    lexical: Sequence[tuple[str, Features]],
    semantic: SemanticScores,
    floor: float,
    body_floor: float,
    ranking: Sequence[float] = COMBINED_COEFFICIENTS,
    acceptance: Sequence[float] = ACCEPTANCE_COEFFICIENTS,
    *,
    english: bool = False,
) -> tuple[list[Candidate], float, bool]:
    """(candidates ranked by the ranking confidence, confidence that the best is right,
    whether meaning vetoes answering with it directly: see ``tuning.SEMANTIC_VETO``).

    Two models, because they answer two questions: the ranking one is fitted on every
    candidate (which answer is this about?), the acceptance one only on the best of each
    question (is the best one right?), which is the decision a member sees; fitting the
    decision on its own lifted tune-half accuracy on thin libraries by 2 to 12 points."""
    rows = combined_features(lexical, semantic, floor, body_floor)
    ranked = sorted(((s, combined_confidence(f, ranking), f) for s, f in rows), key=lambda r: (-r[1], r[0]))
    if not ranked:
        return [], 0.0, False
    confidence = combined_confidence(acceptance_features(ranked, english), acceptance)
    features = ranked[0][2]
    veto = features[2] < SEMANTIC_VETO and features[4] < SEMANTIC_VETO
    return [Candidate(s, c) for s, c, _ in ranked], confidence, veto


def thresholds(
    result: MatchResult, match: float | None = None, suggest: float | None = None, tie: float | None = None
) -> tuple[float, float, float]:
    """(answer, suggest, tie margin) for this result: the operator's thresholds, or the
    defaults of the side that scored it (lexical and combined confidences are different
    scales; the lexical side keeps the behaviour it had before the encoder)."""
    if result.semantic:
        answer, offer, margin = DEFAULT_MATCH_THRESHOLD, DEFAULT_SUGGEST_THRESHOLD, TIE_MARGIN
    else:
        answer, offer, margin = LEXICAL_MATCH_THRESHOLD, LEXICAL_SUGGEST_THRESHOLD, LEXICAL_TIE_MARGIN
    answer = answer if match is None else match
    offer = offer if suggest is None else suggest
    return answer, min(offer, answer), margin if tie is None else tie


def decide(
    result: MatchResult, match: float | None = None, suggest: float | None = None, tie: float | None = None
) -> ReplyKind:
    """What the bot does with a match: answer, suggest, leave unanswered, or small talk."""
    if result.smalltalk is not None:
        return ReplyKind.SMALLTALK
    best = result.best
    answer_at, suggest_at, tie = thresholds(result, match, suggest, tie)
    if best is None or result.score < suggest_at:
        return ReplyKind.UNANSWERED
    second = result.candidates[1].score if len(result.candidates) > 1 else 0.0
    if result.score >= answer_at and best.score - second >= tie and not result.veto:
        return ReplyKind.ANSWER
    return ReplyKind.SUGGESTIONS


def choices(
    result: MatchResult, match: float | None = None, suggest: float | None = None, tie: float | None = None
) -> tuple[Candidate, ...]:
    """The answers offered by "did you mean…": the best, and those close enough to it."""
    if decide(result, match, suggest, tie) is not ReplyKind.SUGGESTIONS or result.best is None:
        return ()
    floor = SUGGEST_RELATIVE * result.best.score
    return tuple(c for c in result.candidates[:MAX_SUGGESTIONS] if c is result.best or c.score >= floor)


def also_answered(
    parts: Sequence[MatchResult], answered: str, match: float | None = None, suggest: float | None = None
) -> list[str]:
    """The answers to the other questions of a message that asks several (``parts``, from
    ``Matcher.each_question``), each given only if it would be answered asked alone."""
    slugs = [p.best.slug for p in parts if p.best is not None and decide(p, match, suggest) is ReplyKind.ANSWER]
    return [slug for slug in dict.fromkeys(slugs) if slug != answered]
