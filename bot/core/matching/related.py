"""Related answers: the few answers offered under an answer ("Voir aussi").

Kept apart from the matcher's decision: nothing here scores a member's question. By
meaning when the semantic index is attached (answers whose phrasings sit closest, see
``SemanticIndex.answer_similarities``); otherwise by words, with the lexical similarity
of the answers' questions and keywords (titles are left out: nearly all of them say
"community manager", which would make every answer look related).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.matching.semantic import SemanticIndex
from bot.core.models import Answer

LEXICAL_QUESTIONS = 20
"""Questions of each answer that take part in the lexical comparison, with its keywords."""


def by_meaning(index: SemanticIndex, slug: str, limit: int) -> tuple[str, ...]:
    """The ``limit`` answers closest to ``slug`` by meaning, closest first."""
    if slug not in index.slugs:
        return ()
    row = index.answer_similarities(slug)
    ranked = sorted(
        ((float(score), other) for other, score in zip(index.slugs, row.tolist(), strict=True) if other != slug),
        key=lambda pair: (-pair[0], pair[1]),
    )
    return tuple(other for score, other in ranked if score > -1.0)[:limit]


def by_words(
    answers: Sequence[Answer], slug: str, similarity: Callable[[str, str], float], limit: int
) -> tuple[str, ...]:
    """The ``limit`` answers whose questions and keywords share the most words with ``slug``'s."""
    texts = {answer.slug: _text(answer) for answer in answers}
    if slug not in texts:
        return ()
    ranked = sorted(
        ((similarity(texts[slug], text), other) for other, text in texts.items() if other != slug),
        key=lambda pair: (-pair[0], pair[1]),
    )
    return tuple(other for score, other in ranked if score > 0.0)[:limit]


def _text(answer: Answer) -> str:
    return " ".join([*answer.keywords, *answer.questions[:LEXICAL_QUESTIONS]])
