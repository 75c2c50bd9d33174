"""The review desk: what happens to the questions the bot could not answer.

Unanswered questions are the editors' to-do list. The desk files each one in a group of
similar open questions (so seven people asking the same thing make one row, "asked 7
times"), lets a moderator resolve a group with an answer — which teaches the matcher at
once, and after every restart through ``teach_matcher()`` — or dismiss it with a reason, and
handles the privacy chores (forgetting a member, purging old questions).

Review ids are always GROUP ids: a moderator acts on a group, not on one message.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from bot.core.errors import UnknownAnswer, UnknownQuestion
from bot.core.models import (
    Asker,
    DayCounts,
    ForgetResult,
    LearnedPhrasing,
    QuestionGroup,
    QuestionRecord,
    ReviewStatus,
    Stats,
    WeekStats,
    with_context,
)
from bot.core.text import normalise
from bot.core.text_safety import csv_cell
from bot.core.trends import weekly

log = logging.getLogger(__name__)

SIMILARITY_THRESHOLD = 0.8
"""Two unanswered questions at least this similar (matcher's similarity) share a group."""
NEAR_DUPLICATE_WINDOW = 200
"""How many recently asked open groups a new question is compared with: bounded work per
question, and a question asked again months later simply starts a fresh group."""
MAX_COMPARED_CHARS = 1000
"""Only the start of a very long message takes part in near-duplicate comparison."""
CSV_HEADER = (
    "groupe",
    "statut",
    "question",
    "nombre",
    "premiere_fois",
    "derniere_fois",
    "reponse",
    "raison",
    "choix_des_membres",
    "a_la_suite_de",
)


class SupportsReview(Protocol):
    """The part of ``bot.core.matching.Matcher`` the desk relies on."""

    @property
    def slugs(self) -> frozenset[str]: ...

    def similarity(self, a: str, b: str) -> float: ...

    def set_learned(self, learned: Iterable[tuple[str, str]]) -> None: ...


class QuestionStore(Protocol):
    """Where the desk keeps questions: ``bot.storage.repository.Repository``, given by the
    wiring. Declared here so that the core depends on what it needs, not on the storage."""

    async def add_question(
        self,
        asker: Asker,
        text: str,
        answer_slug: str | None,
        score: float,
        asked_at: dt.datetime,
        *,
        grouping_key: str | None = None,
        group_id: int | None = None,
    ) -> tuple[int, int | None]: ...

    async def question(self, question_id: int) -> QuestionRecord | None: ...

    async def open_group_with_key(self, grouping_key: str) -> int | None: ...

    async def groups(
        self,
        status: ReviewStatus | None = ReviewStatus.OPEN,
        *,
        limit: int = -1,
        offset: int = 0,
        most_recent_first: bool = False,
    ) -> list[QuestionGroup]: ...

    async def group(self, group_id: int) -> QuestionGroup | None: ...

    async def group_questions(self, group_id: int) -> list[QuestionRecord]: ...

    async def picks_by_group(self, group_id: int | None = None) -> dict[int, list[tuple[str, int]]]: ...

    async def resolve_group(self, group_id: int, slug: str, by: str, at: dt.datetime) -> list[LearnedPhrasing]: ...

    async def dismiss_group(self, group_id: int, reason: str | None, by: str, at: dt.datetime) -> None: ...

    async def vote(self, question_id: int, user_id: int, helpful: bool, at: dt.datetime) -> None: ...

    async def file_for_review(self, question_id: int, grouping_key: str, group_id: int | None) -> int | None: ...

    async def unfile_without_downvotes(self, question_id: int) -> None: ...

    async def record_pick(self, question_id: int, user_id: int, slug: str) -> bool: ...

    async def learned(self) -> list[LearnedPhrasing]: ...

    async def stats(self, top: int = 5) -> Stats: ...

    async def forget_user(self, user_id: int) -> ForgetResult: ...

    async def downvoted_answers(self, since: dt.datetime | None = None, top: int = 5) -> list[tuple[str, int]]: ...

    async def downvotes_by_group(self, group_id: int) -> list[tuple[str, int]]: ...

    async def daily_counts(self, since: dt.datetime) -> list[DayCounts]: ...

    async def groups_created_since(self, since: dt.datetime) -> list[QuestionGroup]: ...

    async def answered_since(self, since: dt.datetime) -> list[QuestionRecord]: ...

    async def learned_since(self, since: dt.datetime) -> list[tuple[LearnedPhrasing, dt.datetime]]: ...

    async def purge(self, before: dt.datetime) -> int: ...


class NoMatcher(RuntimeError):
    """A desk opened to read (``unanswered list``, ``stats``…) was asked for something
    only a desk with a matcher does: recording, resolving, teaching. A bug, not a user error."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReviewDesk:
    """Records questions, groups the unanswered ones and closes the loop with the matcher.

    ``matcher`` is a public attribute: the service swaps in a fresh matcher when the
    answers are reloaded. A desk without a matcher only reads (list, show, picks, export,
    stats): the commands that only read need neither the answers nor a matcher.
    """

    def __init__(
        self,
        repository: QuestionStore,
        matcher: SupportsReview | None = None,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.repository = repository
        self.matcher = matcher
        self._clock = clock
        # Finding a group and joining it must not interleave, or two copies of a new
        # question asked at the same moment would start two groups.
        self._grouping = asyncio.Lock()

    def _matcher(self) -> SupportsReview:
        if self.matcher is None:
            raise NoMatcher("this review desk was opened to read only: it has no matcher")
        return self.matcher

    async def record(
        self,
        asker: Asker,
        text: str,
        answer_slug: str | None,
        score: float,
        *,
        asked_at: dt.datetime | None = None,
        context: str | None = None,
    ) -> int:
        """Store a question verbatim (committed when this returns); return its id.

        ``asked_at`` is when it was asked, for a question written late (kept while the
        database refused writes); now by default. ``context``: for a follow-up, the
        question it followed; it groups and is learned as it was read, with it."""
        matcher = self._matcher()  # before anything is stored: grouping needs it
        when = asked_at or self._clock()
        context = context or None
        if answer_slug is not None:
            question_id, _ = await self.repository.add_question(asker, text, answer_slug, score, when, context=context)
            return question_id
        read = with_context(text, context)
        key = normalise(read)
        async with self._grouping:
            group_id = await self._find_group(matcher, read, key)
            question_id, group_id = await self.repository.add_question(
                asker, text, None, score, when, grouping_key=key, group_id=group_id, context=context
            )
        log.info("Question sans réponse n°%d enregistrée (groupe %s)", question_id, group_id)
        return question_id

    async def _find_group(self, matcher: SupportsReview, text: str, key: str) -> int | None:
        group_id = await self.repository.open_group_with_key(key)
        if group_id is not None or not key:
            return group_id
        best_score, best_id = 0.0, None
        sample = text[:MAX_COMPARED_CHARS]
        for group in await self.repository.groups(
            ReviewStatus.OPEN, limit=NEAR_DUPLICATE_WINDOW, most_recent_first=True
        ):
            try:
                score = matcher.similarity(sample, group.read[:MAX_COMPARED_CHARS])
            except Exception:
                # Grouping is a convenience; storing the question is not. Never lose it.
                log.exception("Échec du calcul de similarité ; la question ouvre un nouveau groupe")
                return None
            if score > best_score:
                best_score, best_id = score, group.id
        return best_id if best_score >= SIMILARITY_THRESHOLD else None

    async def vote(self, question_id: int, user_id: int, helpful: bool) -> None:
        """Record (or change) a member's helpful / not helpful vote on an answer.

        A 👎 on an answer the bot gave puts that question in the review queue (joining a
        group of similar questions), where the group says "1 👎 on this answer for this
        question": the moderator resolves it with the right answer, or dismisses it.
        Nothing changes in the matcher until then. Once no 👎 is left on it (votes
        changed), it leaves an open group again."""
        await self.repository.vote(question_id, user_id, helpful, self._clock())
        if helpful:
            await self.repository.unfile_without_downvotes(question_id)
            return
        record = await self.repository.question(question_id)
        if record is None or record.answer_slug is None or record.group_id is not None:
            return
        key = normalise(record.read)
        async with self._grouping:
            group_id = await self._find_group(self.matcher, record.read, key) if self.matcher is not None else None
            group_id = await self.repository.file_for_review(question_id, key, group_id)
        log.info("Question n°%d jugée « pas vraiment » utile : à relire (groupe %s)", question_id, group_id)

    async def pick(self, question_id: int, user_id: int, slug: str) -> bool:
        """The asker chose a "did you mean" suggestion: keep it for the moderators.

        It does not teach the matcher by itself (anyone can click anything); it shows in
        ``show`` so that resolving the group with the right answer is one step.
        """
        if slug not in self._matcher().slugs:
            raise UnknownAnswer(slug)
        return await self.repository.record_pick(question_id, user_id, slug)

    async def picks(self, group_id: int) -> list[tuple[str, int]]:
        """The suggestions askers of a group chose, most chosen first: the moderator's hint."""
        return (await self.repository.picks_by_group(group_id)).get(group_id, [])

    async def all_picks(self) -> dict[int, list[tuple[str, int]]]:
        """``picks`` of every group at once, by group id."""
        return await self.repository.picks_by_group()

    async def list(
        self, status: ReviewStatus = ReviewStatus.OPEN, limit: int = 20, offset: int = 0
    ) -> list[QuestionGroup]:
        """Groups in this status, most asked first."""
        return await self.repository.groups(status, limit=max(limit, 0), offset=max(offset, 0))

    async def show(self, group_id: int) -> tuple[QuestionGroup, list[QuestionRecord]]:
        group = await self._group(group_id)
        return group, await self.repository.group_questions(group_id)

    async def resolve(self, group_id: int, slug: str, by: str) -> QuestionGroup:
        """Attach a group to an answer: every question in it becomes a learned phrasing,
        and the live matcher learns them now, not at the next restart."""
        if slug not in self._matcher().slugs:
            raise UnknownAnswer(slug)
        phrasings = await self.repository.resolve_group(group_id, slug, by, self._clock())
        await self.teach_matcher()
        count = len({phrasing.text for phrasing in phrasings})
        log.info("Groupe %d résolu par %s avec « %s » (%d formulations apprises)", group_id, by, slug, count)
        return await self._group(group_id)

    async def dismiss(self, group_id: int, reason: str | None, by: str) -> QuestionGroup:
        """Close a group without an answer; its questions stay for the record."""
        reason = reason.strip() if reason and reason.strip() else None
        await self.repository.dismiss_group(group_id, reason, by, self._clock())
        await self.teach_matcher()  # a group dismissed after being resolved teaches nothing any more
        log.info("Groupe %d écarté par %s", group_id, by)
        return await self._group(group_id)

    async def _group(self, group_id: int) -> QuestionGroup:
        group = await self.repository.group(group_id)
        if group is None:
            raise UnknownQuestion(group_id)
        return group

    async def export_csv(self) -> str:
        """Every group, one row each, with its count and first/last dates (UTC, ISO 8601).

        Editors open it in a spreadsheet, so member text that would start a formula is
        prefixed with an apostrophe (the usual CSV-injection guard), and control characters
        go (``bot.core.text_safety.csv_cell``): a bare ``\r`` can no longer start a row.
        A follow-up (« et en freelance ? ») means nothing alone, so the question it followed
        comes in the last column, added there so that sheets reading columns by position
        keep working.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        chosen = await self.repository.picks_by_group()
        for group in await self.repository.groups(None):
            writer.writerow(
                (
                    group.id,
                    group.status.value,
                    csv_cell(group.representative),
                    group.count,
                    group.first_asked.isoformat(timespec="seconds"),
                    group.last_asked.isoformat(timespec="seconds"),
                    group.resolved_slug or "",
                    csv_cell(group.reason or ""),
                    "; ".join(f"{slug} ({count})" for slug, count in chosen.get(group.id, ())),
                    csv_cell(group.context or ""),
                )
            )
        return buffer.getvalue()

    async def stats(self) -> Stats:
        return await self.repository.stats()

    async def downvotes(self, group_id: int) -> list[tuple[str, int]]:
        """👎 on the answers this group's askers got: "2 👎 on this answer for this question"."""
        return await self.repository.downvotes_by_group(group_id)

    async def downvoted_answers(self, since: dt.datetime | None = None, top: int = 5) -> list[tuple[str, int]]:
        """The answers with the most 👎 (since ``since``), most first."""
        return await self.repository.downvoted_answers(since, top)

    async def weekly(self, weeks: int = 8) -> list[WeekStats]:
        """The last ``weeks`` weeks (Monday to Sunday, UTC; the current one last), for the chart."""
        today = self._clock().date()
        first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
        since = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
        return weekly(await self.repository.daily_counts(since), first, weeks)

    def now(self) -> dt.datetime:
        return self._clock()

    async def new_groups(self, since: dt.datetime) -> list[QuestionGroup]:
        """Open groups started since ``since``, most asked first."""
        return await self.repository.groups_created_since(since)

    async def answered_thanks_to_lessons(self, since: dt.datetime) -> list[tuple[str, int]]:
        """Per answer, the questions asked since ``since`` that the bot answered with it and
        that are as alike as a group's questions (``SIMILARITY_THRESHOLD``) to a phrasing a
        moderator taught it for that answer before they were asked: what resolving paid."""
        lessons: dict[str, list[tuple[str, dt.datetime]]] = {}
        for phrasing, learned_at in await self.repository.learned_since(dt.datetime.min.replace(tzinfo=dt.UTC)):
            lessons.setdefault(phrasing.slug, []).append((phrasing.text, learned_at))
        counts: dict[str, int] = {}
        for question in await self.repository.answered_since(since):
            slug = question.answer_slug
            taught = [text for text, at in lessons.get(slug or "", ()) if at <= question.asked_at]
            if slug and any(self._alike(question.read, text) for text in taught):
                counts[slug] = counts.get(slug, 0) + 1
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))

    def _alike(self, a: str, b: str) -> bool:
        if normalise(a) == normalise(b):
            return True
        return self.matcher is not None and self.matcher.similarity(a, b) >= SIMILARITY_THRESHOLD

    async def forget_user(self, user_id: int) -> ForgetResult:
        """Erase a member: their questions, their votes, the phrasings learned only from them.

        This desk's matcher forgets them at once; a bot running in another process (the
        CLI's ``forget-user`` next to a running bot) forgets them at its next restart.
        """
        result = await self.repository.forget_user(user_id)
        await self.teach_matcher()
        log.info("Membre %d oublié : %s", user_id, result)
        return result

    async def purge(self, retention_days: int) -> int:
        """Delete closed questions older than ``retention_days`` (0 keeps everything)."""
        if retention_days <= 0:
            return 0
        return await self.repository.purge(self._clock() - dt.timedelta(days=retention_days))

    async def learned(self) -> list[tuple[str, str]]:
        """(slug, phrasing) pairs to teach a fresh matcher at start."""
        return [(phrasing.slug, phrasing.text) for phrasing in await self.repository.learned()]

    async def teach_matcher(self) -> None:
        """Bring the matcher's learned phrasings in line with the database, both ways:
        what moderators taught is known at once, what they took back is forgotten."""
        self._matcher().set_learned(await self.learned())
