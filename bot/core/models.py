"""Plain data that crosses layers: answers, matches, replies and stored questions.

Everything here is a frozen dataclass so the adapter, the CLI and the storage layer can
pass values around without one layer mutating what another still holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bot.core.typography import typeset


@dataclass(frozen=True)
class Answer:
    """One answer file, parsed and validated but not rendered."""

    slug: str
    title: str
    questions: tuple[str, ...]
    body: str
    path: Path
    body_line: int = 1
    keywords: tuple[str, ...] = ()
    lang: str = "fr"
    source: str | None = None
    author: str | None = None
    updated: dt.date | None = None
    category: str | None = None
    """The heading members browse this answer under; ``None`` for the default heading."""
    see_also: tuple[str, ...] = ()
    """Slugs of related answers, offered under this one (each checked to exist)."""

    @property
    def shown_title(self) -> str:
        """The title as members read it, wherever it shows (embed, button, menu, list):
        with French typography for a French answer, as the renderer gives the body."""
        return typeset(self.title) if self.lang == "fr" else self.title


@dataclass(frozen=True)
class Problem:
    """Something wrong with an answer file, reported as ``path:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Candidate:
    """An answer the matcher considers, with its confidence in [0, 1]."""

    slug: str
    score: float


class SmallTalk(StrEnum):
    """The kinds of chit-chat the bot recognises; each one has its own short reply.

    A ``StrEnum`` so that code comparing with plain strings (``== "thanks"``) keeps working.
    """

    GREETING = "greeting"
    THANKS = "thanks"
    BYE = "bye"
    BOT = "bot"
    """A question about the bot itself ("t'es un robot ?")."""
    HELP = "help"
    """A call for help, or a question announced but not asked yet ("j'ai une question")."""
    MISSED = "missed"
    """The member says the bot missed: "pas compris", "c'est faux", a "non" to a choice."""
    AGREE = "agree"
    LAUGH = "laugh"


@dataclass(frozen=True)
class MatchResult:
    """What the matcher makes of a question: up to 3 candidates, best first.

    ``smalltalk`` names the kind of small talk when the message is chit-chat rather than
    a question; the service answers it briefly and does not queue it for the editors.
    """

    candidates: tuple[Candidate, ...] = ()
    smalltalk: SmallTalk | None = None
    confidence: float | None = None
    """How sure the combined (lexical + encoder) acceptance model is that the best
    candidate is right; ``None`` when the words alone scored (see ``semantic``)."""
    veto: bool = False
    """Meaning vetoes answering with the best candidate directly (words matched, meaning
    did not): a choice is offered instead."""
    other_job: bool = False
    """The question is about a job no answer is about (« salaire d'un infirmier »,
    ``matching.subject``): never answered directly, and the reply says why."""
    in_context: bool = False
    """Read as a follow-up of the asker's previous question (« et en freelance ? »): the
    candidates are those of both messages together (``Matcher.match``'s ``context``)."""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def semantic(self) -> bool:
        """Scored by the combined confidence, so its own thresholds apply; the words
        alone score on another scale (``scoring.thresholds``)."""
        return self.confidence is not None

    @property
    def score(self) -> float:
        if self.confidence is not None and self.candidates:
            return self.confidence
        return self.candidates[0].score if self.candidates else 0.0


@dataclass(frozen=True)
class RenderedAnswer:
    """An answer rendered to Discord Markdown text; embeds are built only in ``bot/exts``."""

    slug: str
    title: str
    body: str
    source: str | None = None
    author: str | None = None
    updated: dt.date | None = None


class ReplyKind(StrEnum):
    ANSWER = "answer"
    """A confident match: ``Reply.answer`` is set."""
    SUGGESTIONS = "suggestions"
    """No match is sure enough to answer, but some come close: ``Reply.suggestions``
    lists up to 3 answers to choose from ("did you mean…"). The question is also queued
    for the editors, as an unanswered one."""
    UNANSWERED = "unanswered"
    """Nothing good enough: the question went to the editors."""
    SMALLTALK = "smalltalk"
    """Chit-chat, answered with a short friendly line."""
    INVALID = "invalid"
    """Empty or unusable input, answered with a clear message."""
    DELAYED = "delayed"
    """The database refused the question: kept in memory, written when it accepts writes
    again; the member gets a short apology."""


@dataclass(frozen=True)
class Suggestion:
    slug: str
    title: str
    score: float


@dataclass(frozen=True)
class Reply:
    """What the service answers; the console prints ``text``, Discord builds embeds."""

    kind: ReplyKind
    text: str
    question_id: int | None = None
    answer: RenderedAnswer | None = None
    suggestions: tuple[Suggestion, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    """What the matcher considered, best first, with their ranking scores (for ``ask --json`` and logs)."""
    confidence: float = 0.0
    """How sure the matcher was of the best candidate: what the thresholds were applied to."""
    related: tuple[Suggestion, ...] = ()
    """Up to 3 answers offered under an answer: its ``see_also``, else the closest ones."""
    also: tuple[Suggestion, ...] = ()
    """The answers to the other questions of a message that asked several (« combien
    gagne un cm ? et comment trouver des clients ? »), offered under the answer to the
    whole message."""


@dataclass(frozen=True)
class Asker:
    """Who asked and where. Ids are ``None`` in the console, guild ids ``None`` in a DM.

    ``display_name`` and ``user_id`` are always the person who asked: they are what is
    stored, and what ``forget-user`` erases. ``addressee`` is the name the answer speaks
    to when someone asks on behalf of another member (``/ask for:``); it is never stored.
    """

    display_name: str = "toi"
    user_id: int | None = None
    guild_id: int | None = None
    channel_id: int | None = None
    server_name: str | None = None
    addressee: str | None = None

    @property
    def addressed_name(self) -> str:
        """The name the answer greets: the member it is for, else the asker."""
        return self.addressee or self.display_name


class ReviewStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class QuestionRecord:
    """One stored question, verbatim, with what the bot answered."""

    id: int
    asked_at: dt.datetime
    text: str
    user_id: int | None
    display_name: str | None
    guild_id: int | None
    channel_id: int | None
    answer_slug: str | None
    score: float
    status: ReviewStatus | None = None
    """Review status for unanswered questions; ``None`` for answered ones."""
    group_id: int | None = None
    resolved_slug: str | None = None
    reason: str | None = None
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None
    picked_slug: str | None = None
    """The "did you mean" suggestion the asker chose, if any."""
    context: str | None = None
    """For a follow-up (« et en freelance ? »), the question it followed; else ``None``."""

    @property
    def read(self) -> str:
        """The question as the bot read it: a follow-up with the question it followed."""
        return with_context(self.text, self.context)


@dataclass(frozen=True)
class QuestionGroup:
    """Similar unanswered questions shown as one row: "asked 7 times, last on …"."""

    id: int
    representative: str
    status: ReviewStatus
    count: int
    first_asked: dt.datetime
    last_asked: dt.datetime
    question_ids: tuple[int, ...] = field(default=())
    resolved_slug: str | None = None
    reason: str | None = None
    context: str | None = None
    """The question the representative followed, when it is a follow-up."""

    @property
    def read(self) -> str:
        """The representative as the bot read it (``QuestionRecord.read``)."""
        return with_context(self.representative, self.context)


def with_context(text: str, context: str | None) -> str:
    """A follow-up reads with the question it followed, on the line before it."""
    return f"{context}\n{text}" if context else text


@dataclass(frozen=True)
class LearnedPhrasing:
    """A question a moderator attached to an answer; the matcher learns it."""

    slug: str
    text: str


@dataclass(frozen=True)
class Stats:
    """What ``python -m bot stats`` shows: how much the bot answers and what it misses."""

    questions: int
    answered: int
    top_answers: tuple[tuple[str, int], ...]
    """(slug, times given), most given first."""
    top_unanswered: tuple[QuestionGroup, ...]
    """Open groups, most asked first."""
    votes: int
    helpful: int
    groups_by_status: tuple[tuple[ReviewStatus, int], ...] = ()

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def share_helpful(self) -> float | None:
        return self.helpful / self.votes if self.votes else None


@dataclass(frozen=True)
class ForgetResult:
    """What ``forget-user`` deleted, so the moderator can tell the member."""

    questions: int
    votes: int
    phrasings: int


@dataclass(frozen=True)
class SuggestedResolution:
    """The answer the matcher finds closest to a group's questions, for a one-click resolve."""

    slug: str
    score: float
    semantic: bool
    """Scored with the encoder (combined confidence); lexical confidence when False."""


@dataclass(frozen=True)
class ReviewItem:
    """A group as a moderator reviews it: its questions and every hint at its answer."""

    group: QuestionGroup
    questions: tuple[QuestionRecord, ...]
    suggestion: SuggestedResolution | None = None
    picks: tuple[tuple[str, int], ...] = ()
    """(slug, members) who chose this "did you mean" suggestion, most chosen first."""
    downvotes: tuple[tuple[str, int], ...] = ()
    """(slug, votes): 👎 given to the answer the bot gave to this group's questions."""


@dataclass(frozen=True)
class DayCounts:
    """One UTC day of activity, as the storage counts it (the core bins days into weeks)."""

    day: dt.date
    questions: int = 0
    answered: int = 0
    votes: int = 0
    helpful: int = 0


@dataclass(frozen=True)
class WeekStats:
    """One week (Monday to Sunday, UTC) of the stats chart."""

    start: dt.date
    questions: int
    answered: int
    votes: int
    helpful: int

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def share_helpful(self) -> float | None:
        return self.helpful / self.votes if self.votes else None
