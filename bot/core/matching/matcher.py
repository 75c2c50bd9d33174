"""The matcher the service talks to: the lexical index, plus the encoder when it runs.

Why one object: the bot, ``ask``, the console and ``eval`` must make the same
decision, so they all call ``Matcher.match``. The semantic index is attached when it
is ready (at first start it is built in the background while the lexical side
serves); until then, and whenever the encoder cannot run, results are lexical and say
so (``MatchResult.semantic``), so the right thresholds apply.

Thread safety: the service runs ``match`` in a worker thread, so that embedding a
question never blocks the event loop, while moderators' lessons arrive from the loop.
One lock guards the indexes; a lesson only updates the lexical side at once (cheap)
and leaves its embedding to the next ``match`` in the worker.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from bot.core.matching.encoders import Encoder
from bot.core.matching.lexical import LexicalIndex
from bot.core.matching.pieces import phrasing_piece
from bot.core.matching.related import by_meaning, by_words
from bot.core.matching.scoring import combined_candidates, lexical_candidates
from bot.core.matching.semantic import SemanticIndex, VectorStore, embed_pieces
from bot.core.matching.tuning import CONTEXT_MAX_WORDS, FOLLOWUP_MAX_WORDS, MAX_QUESTIONS
from bot.core.models import Answer, Candidate, MatchResult
from bot.core.smalltalk import classify
from bot.core.text import analyse, looks_english, normalise, plain

log = logging.getLogger(__name__)

REJECTING = frozenset({"non", "nan", "no", "nope"})
"""A message that starts by saying no (« non je parlais de tiktok ») turns the previous
answer down: it is never read in that answer's light. On 40 conversations written to
probe the bot, 2 wrong answers fewer and 1 right answer fewer among 52 follow-ups."""


class Matcher:
    """Matches questions against an answer library; cheap to query, cheap to extend."""

    def __init__(
        self,
        answers: Iterable[Answer],
        learned: Iterable[tuple[str, str]] = (),
        *,
        encoder: Encoder | None = None,
        store: VectorStore | None = None,
    ) -> None:
        self.answers = tuple(answers)
        self._lock = threading.RLock()
        self._lexical = LexicalIndex(self.answers)
        self._learned: dict[tuple[str, str], None] = {}
        self._encoder = encoder
        self._store = store
        self._semantic: SemanticIndex | None = None
        self._semantic_learned: tuple[tuple[str, str], ...] = ()
        self._related: dict[tuple[str, bool], tuple[str, ...]] = {}
        self.set_learned(learned)

    # --- state -----------------------------------------------------------------------

    @property
    def slugs(self) -> frozenset[str]:
        return self._lexical.slugs

    @property
    def encoder(self) -> Encoder | None:
        return self._encoder

    @property
    def semantic_ready(self) -> bool:
        return self._semantic is not None

    @property
    def semantic_body_pieces(self) -> int:
        """Body pieces per answer in the attached semantic index (0 without one)."""
        return self._semantic.body_pieces if self._semantic is not None else 0

    @property
    def learned(self) -> tuple[tuple[str, str], ...]:
        with self._lock:
            return tuple(self._learned)

    def attach(self, index: SemanticIndex) -> None:
        """Start using a semantic index built for this library (by ``semantic.build_index``)."""
        if self._encoder is None or index.model_id != self._encoder.model_id:
            raise ValueError("l'index sémantique ne vient pas de l'encodeur de ce matcher")
        with self._lock:
            if set(index.slugs) != set(self.slugs):
                raise ValueError("l'index sémantique ne correspond pas à cette bibliothèque")
            self._semantic = index
            self._semantic_learned = ()

    # --- lessons ---------------------------------------------------------------------

    def add_phrasing(self, slug: str, text: str) -> None:
        """Teach a new phrasing for an answer; it counts like a front-matter question at once."""
        with self._lock:
            if slug not in self.slugs or (slug, text) in self._learned:
                self._lexical.add_phrasing(slug, text)  # logs an unknown slug
                return
            self._learned[(slug, text)] = None
            self._lexical.add_phrasing(slug, text)

    def set_learned(self, learned: Iterable[tuple[str, str]]) -> None:
        """Make the learned phrasings exactly these (slug, text) pairs (see ``LexicalIndex``)."""
        wanted = dict.fromkeys((slug, text) for slug, text in learned if slug in self.slugs)
        with self._lock:
            self._learned = wanted
            self._lexical.set_learned(wanted)

    def _sync_semantic_learned(self) -> None:
        """Embed the lessons the semantic index has not seen yet (called under the lock)."""
        if self._semantic is None or self._encoder is None:
            return
        wanted = tuple(self._learned)
        if wanted == self._semantic_learned:
            return
        pieces = [phrasing_piece(slug, text) for slug, text in wanted]
        vectors = embed_pieces(self._encoder, pieces, self._store)
        self._semantic.set_learned(wanted, vectors)
        self._semantic_learned = wanted

    # --- querying --------------------------------------------------------------------

    def features(self, question: str) -> list[tuple[str, tuple[float, ...]]]:
        """The lexical features of the best answers (for fitting and debugging)."""
        with self._lock:
            return self._lexical.features(question)

    def query_vector(self, question: str) -> np.ndarray | None:
        if self._encoder is None or self._semantic is None:
            return None
        return self._encoder.embed_queries([question])[0]

    def match(self, question: str, limit: int = 3, context: str | None = None) -> MatchResult:
        """Up to ``limit`` candidates, best first, with calibrated scores; never raises.
        Both sides read the question without its Discord markup (``text.plain``).

        ``context`` is the asker's previous question. A short message made only of words
        the library knows (« et en freelance ? », « pareil pour facebook ? ») is also
        read together with it, and that reading wins when it is at least as sure. A word
        the library has never seen (« et un astronaute ? ») keeps the message on its own:
        the context would only drag it back to the previous topic."""
        result = self._match(question, limit)
        if context and result.smalltalk is None and self._follows(question):
            # The end of a long context: the encoder and the words side read only the
            # start of a text, and the follow-up must stay inside what they read.
            recent = " ".join(plain(context).split()[-CONTEXT_MAX_WORDS:])
            together = self._match(f"{recent}\n{question}", limit)
            if together.candidates and together.score >= result.score:
                return dataclasses.replace(together, smalltalk=None, in_context=True)
        return result

    def each_question(self, parts: Sequence[str]) -> tuple[MatchResult, ...]:
        """Each question of a message that asks several (``text.questions_in``), matched
        on its own, the first ``MAX_QUESTIONS`` only. Not part of ``match``: the service
        asks for it only when it answers, to offer the other answers too."""
        return tuple(self._match(part, 3) for part in parts[:MAX_QUESTIONS])

    def _follows(self, question: str) -> bool:
        """Whether a message can be a follow-up: a few informative words, all known, and
        no « non » in front."""
        try:
            question = plain(question)
            if not 1 <= len(analyse(question)) <= FOLLOWUP_MAX_WORDS:
                return False
            if set(normalise(question).split()[:1]) & REJECTING:
                return False
            with self._lock:
                return self._lexical.knows_all(question)
        except Exception:
            log.exception("la lecture d'une suite a échoué")
            return False

    def _match(self, question: str, limit: int) -> MatchResult:
        try:
            question = plain(question)
            smalltalk = classify(question)
            vector = self.query_vector(question) if self._semantic is not None else None
            with self._lock:
                lexical = self._lexical.features(question)
                other_job = self._lexical.unknown_subject(question) is not None
                index = self._semantic if vector is not None else None
                if index is not None:
                    self._sync_semantic_learned()
            # The matrix product runs outside the lock: at 10,000 answers it takes tens of
            # milliseconds, and a lesson arriving from the event loop must not wait for it.
            if index is not None and vector is not None:
                scores = index.scores(vector)
                candidates, sure, veto = combined_candidates(
                    lexical, scores, index.floor, index.body_floor, english=looks_english(question)
                )
                confidence: float | None = round(sure, 4)
            else:
                candidates, confidence, veto = lexical_candidates(lexical), None, False
            other_job = other_job and bool(candidates)
            top = tuple(Candidate(c.slug, round(c.score, 4)) for c in candidates[: max(0, limit)])
            return MatchResult(
                candidates=top,
                smalltalk=smalltalk,
                confidence=confidence,
                veto=veto or other_job,
                other_job=other_job,
            )
        except Exception:  # a member's message must never crash the bot
            log.exception("le matching a échoué pour %r", question[:200] if isinstance(question, str) else question)
            return MatchResult()

    def similarity(self, a: str, b: str) -> float:
        """How alike two questions are, in [0, 1]: for grouping unanswered questions."""
        with self._lock:
            return self._lexical.similarity(a, b)

    def related(self, slug: str, limit: int = 3) -> tuple[str, ...]:
        """The answers closest to ``slug`` (by meaning once the semantic index is attached,
        by words until then), for "related answers"; no part of ``match``. Cached: the
        library of a matcher never changes."""
        with self._lock:
            semantic = self._semantic
            key = (slug, semantic is not None)
            if key not in self._related:
                if semantic is not None:
                    found = by_meaning(semantic, slug, max(limit, 5))
                else:
                    found = by_words(self.answers, slug, self._lexical.similarity, max(limit, 5))
                self._related[key] = found
            return self._related[key][:limit]
