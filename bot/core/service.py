"""The service: turns a question into a reply, the same way for Discord and the console.

It owns the live answer library and matcher, stores every question (through the review
desk) before handing the reply back, and is the only thing the adapters talk to. It is
built by ``bot.wiring``: the core never opens a database or reads the settings itself.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.core.answers import Library, Renderer, byline, escape_markdown, load_library
from bot.core.digest import Digest
from bot.core.errors import DatabaseError, UnknownAnswer
from bot.core.followup import AskerKey, Conversations, Turn, choice_number
from bot.core.matching import Matcher, also_answered, choices, decide
from bot.core.matching.encoders import Encoder
from bot.core.matching.semantic import (
    IndexingStopped,
    SemanticIndex,
    VectorsMissing,
    VectorStore,
    build_index,
)
from bot.core.matching.tuning import CONTEXT_MAX_WORDS, FIRST_BODY_PIECES, MAX_BODY_PIECES
from bot.core.models import (
    Answer,
    Asker,
    Candidate,
    MatchResult,
    Problem,
    QuestionGroup,
    QuestionRecord,
    RenderedAnswer,
    Reply,
    ReplyKind,
    ReviewItem,
    ReviewStatus,
    SmallTalk,
    SuggestedResolution,
    Suggestion,
)
from bot.core.review import ReviewDesk
from bot.core.suggest import suggest_resolution
from bot.core.text import has_words, normalise, questions_in
from bot.core.text_safety import clean

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_MATCHED_CHARS = 2000
"""Only the start of a huge message is matched: nobody asks a question in a novel."""
MAX_RELATED = 3
"""Related answers offered under an answer (one row of buttons)."""

SMALLTALK_REPLIES: dict[SmallTalk, str] = {
    SmallTalk.GREETING: "Salut {name} ! 👋 Pose-moi ta question sur le métier de community manager : salaire, outils, clients, trolls… je suis là pour ça.",
    SmallTalk.THANKS: "Avec plaisir {name} ! 😊 N'hésite pas si tu as une autre question.",
    SmallTalk.BYE: "À bientôt {name} ! Bon courage avec tes communautés. 👋",
    SmallTalk.BOT: "Oui, je suis un bot 🤖 : je cherche la bonne réponse dans les articles écrits par la rédaction. Quand je ne sais pas, je transmets ta question à l'équipe.",
    SmallTalk.HELP: "Je t'écoute {name} ! 🙂 Pose ta question en une phrase, comme à un collègue : « combien facturer une journée en freelance ? », « comment répondre à un commentaire négatif ? »… Je cherche la réponse dans les articles de la rédaction.",
    SmallTalk.MISSED: "Oups, désolé {name} 😅 Reformule ta question avec d'autres mots ou un peu plus de contexte, et je cherche de nouveau. Si une réponse n'était pas la bonne, le bouton « Pas vraiment » sous la réponse prévient la rédaction.",
    SmallTalk.AGREE: "Top 👍 Si une autre question te trotte dans la tête, je suis là.",
    SmallTalk.LAUGH: "😄 Content de te faire sourire ! Si tu as une question sur le métier, je suis là.",
}
"""One reply per kind of small talk (a test checks that none is missing)."""
EMPTY_REPLY = (
    "Ta question est vide 🙂 Écris-la après la commande, par exemple : « combien gagne un community manager ? »"
)
NO_WORDS_REPLY = (
    "Je ne vois pas de question dans ton message 🙂 Écris-la avec quelques mots, "
    "par exemple : « comment gérer un troll ? »"
)
UNANSWERED_REPLY = (
    "Je n'ai pas encore de réponse à cette question… mais elle n'est pas perdue : "
    "je la transmets à l'équipe de rédaction, qui s'en occupe. Merci de l'avoir posée ! 🙏"
)
OTHER_TOPICS = "Autres sujets"

STORAGE_APOLOGY = (
    "Oups, je n'arrive pas à noter ta question pour l'instant 😕 Elle n'est pas perdue : "
    "je la garde et l'enregistre dès que possible. Réessaie dans un petit moment !"
)
SPOOL_LIMIT = 10_000
"""Questions kept in memory while the database refuses writes; past this, the oldest go
(with an error line each): a bounded queue, whatever the length of the outage."""
SPOOL_RETRY_SECONDS = 2.0
"""How often the kept questions are offered to the database again, with or without new asks."""
SUGGEST_REPLY = "Je ne suis pas sûr d'avoir bien compris. Tu voulais parler de l'un de ces sujets ?"
ALSO_REPLY = "Tu posais aussi une autre question : j'y réponds dans {titles}. Pose-la-moi seule pour la lire."
OTHER_JOB_REPLY = "Je n'ai pas de réponse sur ce métier-là. Voici ce qui s'en rapproche le plus :"
SUGGEST_HOW = "Réponds par son numéro pour le lire. Sinon, pas de souci : ta question part chez l'équipe de rédaction."
FEWER_CHOICES = "Je n'ai proposé que {count} sujets 🙂 Réponds par l'un de ces numéros :"
NO_CHOICE_REPLY = (
    "Je ne t'ai rien proposé à choisir pour l'instant 🙂 Pose-moi ta question avec quelques mots, "
    "par exemple : « comment trouver mes premiers clients ? »"
)
ONE_CHOICE = "Je n'ai proposé qu'un sujet 🙂 Réponds 1 pour le lire :"


@dataclass(frozen=True)
class _Pending:
    """A question the database refused, waiting to be written."""

    asker: Asker
    text: str
    answer_slug: str | None
    score: float
    asked_at: dt.datetime
    context: str | None = None


def text_hash(text: str) -> str:
    """A short fingerprint of a question for the log: traceable, without its words."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class ServiceSettings:
    """What the service needs from the settings, as plain values (see ``bot.wiring``)."""

    answers_dir: Path
    match_threshold: float | None = None
    """``None``: the default of the side that scored (``bot.core.matching.tuning``)."""
    suggest_threshold: float | None = None


class Service:
    """Answers questions from a live library and remembers every one of them."""

    def __init__(
        self,
        settings: ServiceSettings,
        library: Library,
        matcher: Matcher,
        desk: ReviewDesk,
        *,
        index_encoder: Encoder | None = None,
        store: VectorStore | None = None,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings
        self._on_close = on_close
        self.library = library
        self.matcher = matcher
        self.desk = desk
        self.renderer = Renderer(settings.answers_dir)
        self._index_encoder = index_encoder or matcher.encoder
        self._store = store
        # One worker answers questions (embedding a question must never block the event
        # loop); another builds semantic indexes, so a long first build never makes a
        # member wait behind it.
        self._matching = ThreadPoolExecutor(max_workers=1, thread_name_prefix="matching")
        self._indexing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="indexing")
        self._index_task: asyncio.Task[None] | None = None
        self._stop_indexing = threading.Event()
        self._spool: collections.deque[_Pending] = collections.deque()
        self._spool_lock = asyncio.Lock()
        self._spool_task: asyncio.Task[None] | None = None
        self._refusal: DatabaseError | None = None
        self._conversations = Conversations()

    async def close(self) -> None:
        """Stop the semantic indexing and release what the wiring opened (the database,
        the vector cache); idempotent."""
        self._stop_indexing.set()  # a build in progress stops at its next batch
        if self._spool_task is not None and not self._spool_task.done():
            self._spool_task.cancel()
        if self._spool:
            await self.flush_spool()
            if self._spool:
                log.error(
                    "%d question(s) jamais enregistrée(s) : la base refuse encore les écritures", len(self._spool)
                )
        if self._index_task is not None and not self._index_task.done():
            self._index_task.cancel()
        self._matching.shutdown(wait=False, cancel_futures=True)
        self._indexing.shutdown(wait=False, cancel_futures=True)
        store, self._store = self._store, None
        if store is not None:
            store.close()
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            await on_close()

    # --- meaning ---------------------------------------------------------------------

    async def _run(self, executor: ThreadPoolExecutor, function: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, function, *args)

    async def match(self, text: str, context: str | None = None) -> MatchResult:
        """The matcher's verdict, computed in the matching worker (never on the event loop);
        ``context``: the asker's previous question, for a follow-up (``Matcher.match``)."""
        return await self._run(self._matching, self.matcher.match, text, 3, context)

    async def start_semantic(self, *, wait: bool = False) -> None:
        """Build the semantic index of the current library and attach it when ready.

        The cache is read once per pass: when it holds every piece (a warm restart) the
        complete index is attached before this returns. Otherwise the missing pieces mean
        minutes of embedding, done in the background while the lexical side answers, in
        two passes: the openings of the bodies first (``FIRST_BODY_PIECES``: the encoder
        serves within minutes), then the rest (``MAX_BODY_PIECES``). A cache that holds
        the first pass serves it at once and leaves only the second to the background."""
        matcher = self.matcher
        if matcher.encoder is None or self._index_encoder is None:
            return
        start = time.perf_counter()
        passes: list[tuple[int, int]] = []  # (body pieces, pieces to embed), still to build
        for body in (MAX_BODY_PIECES, FIRST_BODY_PIECES):
            try:
                index = await self._build_or_log(matcher, cached_only=True, body_pieces=body)
            except VectorsMissing as exc:
                passes.insert(0, (body, exc.count))
                continue
            if index is None:
                return
            await self._attach(matcher, index, 0, start)
            break
        if not passes:
            return
        task = asyncio.create_task(self._build_semantic(matcher, passes))
        self._index_task = task
        if wait:
            await task
        else:
            log.info(
                "Index sémantique : %d morceaux à encoder en arrière-plan ; %s en attendant",
                passes[-1][1],
                "le matching lexical répond" if not matcher.semantic_ready else "le début des textes sert",
            )

    async def wait_for_semantic(self) -> None:
        """Wait until a background semantic build has finished (for tests and one-off commands)."""
        if self._index_task is not None:
            await asyncio.shield(self._index_task)

    async def _build_semantic(self, matcher: Matcher, passes: list[tuple[int, int]]) -> None:
        done = 0
        for body, missing in passes:
            start = time.perf_counter()
            index = await self._build_or_log(matcher, body_pieces=body)
            if index is None:
                return
            await self._attach(matcher, index, missing - done, start)
            done = missing

    async def _build_or_log(
        self, matcher: Matcher, *, cached_only: bool = False, body_pieces: int = MAX_BODY_PIECES
    ) -> SemanticIndex | None:
        """The index, or None when the build was stopped or failed (logged: the matching
        stays lexical); ``VectorsMissing`` passes through (see ``start_semantic``)."""
        try:
            return await self._build_index(matcher, cached_only=cached_only, body_pieces=body_pieces)
        except (asyncio.CancelledError, IndexingStopped):
            return None
        except VectorsMissing:
            raise
        except Exception:
            log.exception("L'index sémantique n'a pas pu être construit ; le matching reste lexical")
            return None

    async def _attach(self, matcher: Matcher, index: SemanticIndex, missing: int, start: float) -> None:
        if self.matcher is not matcher:
            return  # the library was reloaded meanwhile; its own build attaches its index
        await self._run(self._matching, matcher.attach, index)
        log.info(
            "Matching sémantique actif : %d morceaux (%d encodés) en %.1f s%s",
            index.size,
            missing,
            time.perf_counter() - start,
            "" if index.body_pieces >= MAX_BODY_PIECES else " (début des textes ; la suite s'encode)",
        )

    async def ask(self, question: str, asker: Asker, *, record: bool = True) -> Reply:
        """Answer a question; it is stored before this returns (nothing is ever lost).

        ``record=False`` answers exactly the same but stores nothing (the reply then has no
        ``question_id``): an editor trying answers from the console must not fill the
        moderators' queue and the stats with test questions."""
        question = clean(question)  # valid UTF-8, no control character: whatever the member typed
        asker = dataclasses.replace(asker, display_name=clean(asker.display_name))
        text = question.strip()
        if not text:
            return Reply(ReplyKind.INVALID, EMPTY_REPLY)
        key: AskerKey = (asker.user_id, asker.channel_id)
        turn = self._conversations.current(key)
        number = choice_number(text)
        if number is not None:
            if turn is None or not turn.slugs:
                # « number 2 », « le deuxième » with no choice open: nothing to pick, no question to queue.
                return Reply(ReplyKind.INVALID, NO_CHOICE_REPLY)
            if chosen := await self._choose(turn, number, asker):
                self._conversations.picked(key)
                return chosen
        self._conversations.close_choices(key)  # anything else than a choice moves the conversation on
        matched = text[:MAX_MATCHED_CHARS]
        context = turn.question if turn is not None else None
        result = await self.match(matched, context)
        # A follow-up is stored with the question it followed (its last words, as the
        # matcher reads them): the moderators see its sense, and resolving it teaches that.
        followed = " ".join(context.split()[-CONTEXT_MAX_WORDS:]) if result.in_context and context else None
        read = f"{context}\n{matched}"[-MAX_MATCHED_CHARS:] if followed else matched
        candidates = result.candidates
        match_at, suggest_at = self.settings.match_threshold, self.settings.suggest_threshold
        decision = decide(result, match_at, suggest_at)

        if decision is ReplyKind.SMALLTALK and result.smalltalk is not None:
            template = SMALLTALK_REPLIES[SmallTalk(result.smalltalk)]
            return Reply(
                ReplyKind.SMALLTALK, template.format(name=escape_markdown(asker.display_name)), candidates=candidates
            )

        if not has_words(text):
            return Reply(ReplyKind.INVALID, NO_WORDS_REPLY)

        best = result.best
        if decision is ReplyKind.ANSWER and best is not None and best.slug in self.library.answers:
            # Rendered in the worker: even a template at its time budget never stalls the loop.
            rendered = await self._run(self._matching, self._render, self.library.answers[best.slug], asker)
            question_id = None
            if record:
                question_id = await self._record(asker, question, best.slug, result.score, followed)
            self._conversations.remember(key, read, question_id)
            if record and question_id is None:
                return Reply(ReplyKind.DELAYED, STORAGE_APOLOGY, candidates=candidates)
            parts = questions_in(matched)
            also = await self._also(parts, best.slug) if parts else ()
            shown = {best.slug, *(s.slug for s in also)}
            return Reply(
                ReplyKind.ANSWER,
                format_answer(rendered, also),
                question_id=question_id,
                answer=rendered,
                candidates=candidates,
                confidence=result.score,
                related=tuple(s for s in self.related(best.slug) if s.slug not in shown),
                also=also,
            )

        score = result.score
        question_id = None
        if record:
            question_id = await self._record(asker, question, None, score, followed)
        suggestions = self._suggestions(choices(result, match_at, suggest_at))
        shown = () if record and question_id is None else suggestions  # a delayed question shows none
        self._conversations.remember(key, read, question_id, [s.slug for s in shown])
        if record and question_id is None:
            return Reply(ReplyKind.DELAYED, STORAGE_APOLOGY, candidates=candidates)
        if suggestions:
            return Reply(
                ReplyKind.SUGGESTIONS,
                suggestions_text(OTHER_JOB_REPLY if result.other_job else SUGGEST_REPLY, suggestions),
                question_id=question_id,
                suggestions=suggestions,
                candidates=candidates,
                confidence=result.score,
            )
        return Reply(
            ReplyKind.UNANSWERED,
            UNANSWERED_REPLY,
            question_id=question_id,
            candidates=candidates,
            confidence=result.score,
        )

    async def _also(self, parts: list[str], answered: str) -> tuple[Suggestion, ...]:
        """The answers to the other questions of a message that asks several, each
        answered as confidently as if it had been asked alone: one answer shown, the
        others one click away, rather than the second question silently dropped."""
        results = await self._run(self._matching, self.matcher.each_question, parts)
        slugs = also_answered(results, answered, self.settings.match_threshold, self.settings.suggest_threshold)
        return offered(self.library.answers, slugs)

    def is_choice(self, text: str, asker: Asker) -> bool:
        """Whether this message picks one of the choices just offered to this asker (the
        adapters spare it their cooldown: it is the end of a question, not a new one)."""
        turn = self._conversations.current((asker.user_id, asker.channel_id))
        return turn is not None and turn.free_pick and choice_number(clean(text)) is not None

    # --- storage faults ----------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Questions kept in memory, waiting for the database to accept writes."""
        return len(self._spool)

    async def _record(
        self, asker: Asker, text: str, slug: str | None, score: float, context: str | None = None
    ) -> int | None:
        """Store a question; if the database refuses, keep it for later and return ``None``."""
        asked_at = dt.datetime.now(dt.UTC)
        if self._spool:
            await self.flush_spool()  # older questions first, so they keep their order
        if not self._spool:
            try:
                return await self.desk.record(asker, text, slug, score, asked_at=asked_at, context=context)
            except DatabaseError as exc:
                cause = exc
        else:
            cause = self._refusal or DatabaseError("la base de données refuse les écritures")
        self._keep(_Pending(asker, text, slug, score, asked_at, context), cause)
        return None

    def _keep(self, pending: _Pending, cause: Exception) -> None:
        if len(self._spool) >= SPOOL_LIMIT:
            lost = self._spool.popleft()
            log.error("File d'attente pleine (%d) : question %s perdue", SPOOL_LIMIT, text_hash(lost.text))
        self._spool.append(pending)
        log.error(
            "Question %s non enregistrée (%s) ; gardée en mémoire, %d en attente",
            text_hash(pending.text),
            cause,
            len(self._spool),
        )
        if self._spool_task is None or self._spool_task.done():
            self._spool_task = asyncio.create_task(self._retry_spool(), name="question-spool")

    async def flush_spool(self) -> int:
        """Write the kept questions, oldest first, until the database refuses; return how many."""
        written = 0
        async with self._spool_lock:
            while self._spool:
                pending = self._spool[0]
                try:
                    await self.desk.record(
                        pending.asker,
                        pending.text,
                        pending.answer_slug,
                        pending.score,
                        asked_at=pending.asked_at,
                        context=pending.context,
                    )
                except DatabaseError as exc:
                    self._refusal = exc
                    break
                self._spool.popleft()
                written += 1
        if written:
            log.info("Base de données de nouveau disponible : %d question(s) gardée(s) enregistrée(s)", written)
        return written

    async def _retry_spool(self) -> None:
        while self._spool:
            await asyncio.sleep(SPOOL_RETRY_SECONDS)
            try:
                await self.flush_spool()
            except Exception:
                log.exception("Échec inattendu en écrivant les questions gardées ; nouvel essai plus tard")

    def show(self, slug: str, asker: Asker) -> Reply:
        """Show one answer directly, by its slug (``/answer``, ``show``, a "did you mean" click)."""
        return self._shown(slug, self._render(self.answer(slug), asker))

    def _shown(self, slug: str, rendered: RenderedAnswer, question_id: int | None = None) -> Reply:
        return Reply(
            ReplyKind.ANSWER,
            format_answer(rendered),
            question_id=question_id,
            answer=rendered,
            related=self.related(slug),
        )

    async def _choose(self, turn: Turn, number: int, asker: Asker) -> Reply | None:
        """A typed « le deuxième » after "did you mean…": that answer, as a click on it
        gives (noted as the asker's pick, its votes counted for the question). The
        choices stay open, so « et le premier ? » works next. ``None`` when none of
        them is served any more (their files were removed): the message is then read
        as any other."""
        slug = turn.pick(number)
        if slug is None or slug not in self.library.answers:
            suggestions = offered(self.library.answers, turn.slugs)
            if not suggestions:
                return None
            intro = ONE_CHOICE if len(suggestions) == 1 else FEWER_CHOICES.format(count=len(suggestions))
            return Reply(
                ReplyKind.SUGGESTIONS,
                suggestions_text(intro, suggestions),
                question_id=turn.question_id,
                suggestions=suggestions,
            )
        if turn.question_id is not None and asker.user_id is not None:
            try:
                await self.pick(turn.question_id, asker.user_id, slug)
            except DatabaseError:
                # A pick is a hint for the moderators; the member still gets the answer.
                log.warning("Choix de %d non noté (question %d)", asker.user_id, turn.question_id, exc_info=True)
        rendered = await self._run(self._matching, self._render, self.library.answers[slug], asker)
        return self._shown(slug, rendered, turn.question_id)

    def related(self, slug: str) -> tuple[Suggestion, ...]:
        """Up to ``MAX_RELATED`` answers to offer under ``slug``: its ``see_also`` when the
        editor wrote one, else the closest answers (by meaning with the encoder, by words
        without; see ``Matcher.related``)."""
        return related_answers(self.library.answers, self.matcher, slug)

    def topics(self) -> list[tuple[str, list[Answer]]]:
        """The answers by ``category`` (headings in alphabetical order, answers by title);
        answers without a category come last, under « Autres sujets »."""
        by_category: dict[str, list[Answer]] = {}
        for answer in self.library.answers.values():
            by_category.setdefault(answer.category or "", []).append(answer)
        headings = sorted((c for c in by_category if c), key=normalise)
        if "" in by_category:
            headings.append("")
        return [
            (heading or OTHER_TOPICS, sorted(by_category[heading], key=lambda a: normalise(a.title)))
            for heading in headings
        ]

    # --- review ----------------------------------------------------------------------

    async def suggestion(
        self, group: QuestionGroup, questions: Sequence[QuestionRecord] | None = None
    ) -> SuggestedResolution | None:
        """The answer closest to an open group's questions, if plausible (``bot.core.suggest``)."""
        if group.status is not ReviewStatus.OPEN:
            return None
        if questions is None:
            questions = (await self.desk.show(group.id))[1]
        texts = [q.read for q in questions]
        found = await suggest_resolution(
            texts,
            self.match,
            match_threshold=self.settings.match_threshold,
            suggest_threshold=self.settings.suggest_threshold,
            exclude={slug for slug, _ in await self.desk.downvotes(group.id)},
        )
        return found if found is not None and found.slug in self.library.answers else None

    async def review_item(self, group_id: int) -> ReviewItem:
        """One group with everything that helps resolve it: the suggested answer, the
        "did you mean" answers its askers chose, the 👎 its answers got."""
        group, questions = await self.desk.show(group_id)
        return ReviewItem(
            group,
            tuple(questions),
            suggestion=await self.suggestion(group, questions),
            picks=tuple(await self.desk.picks(group_id)),
            downvotes=tuple(await self.desk.downvotes(group_id)),
        )

    async def digest(self, period: dt.timedelta, waiting_limit: int = 50) -> Digest:
        """What changed over ``period``, for the editors (``bot.core.digest``)."""
        since = self.desk.now() - period
        open_groups = await self.desk.list(limit=waiting_limit)
        waiting = [item for item in await self.review_items(open_groups) if item.suggestion is not None]
        return Digest(
            since=since,
            new_groups=tuple(await self.desk.new_groups(since)),
            waiting=tuple(waiting),
            downvoted=tuple(await self.desk.downvoted_answers(since, top=10)),
            thanks=tuple(await self.desk.answered_thanks_to_lessons(since)),
        )

    async def review_items(self, groups: list[QuestionGroup]) -> list[ReviewItem]:
        """``review_item`` for a page of groups (without their questions, to stay light)."""
        picks = await self.desk.all_picks()
        return [
            ReviewItem(group, (), suggestion=await self.suggestion(group), picks=tuple(picks.get(group.id, ())))
            for group in groups
        ]

    def answer(self, slug: str) -> Answer:
        answer = self.library.answers.get(slug)
        if answer is None:
            raise UnknownAnswer(slug)
        return answer

    def titles(self) -> dict[str, str]:
        """Every answer's title as members read it, by slug: the console and Discord show
        the same titles in queues, digests and lists."""
        return {slug: answer.shown_title for slug, answer in self.library.answers.items()}

    def search_titles(self, query: str, limit: int = 25) -> list[tuple[str, str]]:
        """Answers whose title or slug contains every word typed so far, for autocomplete."""
        words = normalise(query).split()
        found = []
        for answer in sorted(self.library.answers.values(), key=lambda a: a.title):
            haystack = normalise(f"{answer.title} {answer.slug.replace('-', ' ')}")
            if all(word in haystack for word in words):
                found.append((answer.slug, answer.shown_title))
        return found[:limit]

    async def vote(self, question_id: int, user_id: int, helpful: bool) -> None:
        await self.desk.vote(question_id, user_id, helpful)

    async def pick(self, question_id: int, user_id: int, slug: str) -> None:
        """The asker chose one of the suggestions of their own question."""
        await self.desk.pick(question_id, user_id, slug)

    async def reload(self) -> list[Problem]:
        """Re-read the answers folder. A broken file keeps its previous good version.

        Loading renders every answer (within the render budget): it runs in a thread, so a
        runaway template costs ``check`` its budget, never the members their answers."""
        fresh = await asyncio.to_thread(load_library, self.settings.answers_dir)
        fresh_paths = {answer.path for answer in fresh.answers.values()}
        broken_paths = {problem.path for problem in fresh.problems}
        for slug, previous in self.library.answers.items():
            still_there = previous.path.exists()
            if (
                slug not in fresh.answers
                and still_there
                and previous.path in broken_paths
                and previous.path not in fresh_paths
            ):
                fresh.answers[slug] = previous
        if fresh.answers.keys() != self.library.answers.keys() or any(
            fresh.answers[slug] != self.library.answers.get(slug) for slug in fresh.answers
        ):
            await self._swap_library(fresh)
        else:
            self.library = fresh
        for problem in fresh.problems:
            log.warning("Réponse en erreur : %s", problem)
        return list(fresh.problems)

    async def _build_index(
        self, matcher: Matcher, *, cached_only: bool = False, body_pieces: int = MAX_BODY_PIECES
    ) -> SemanticIndex:
        def build() -> SemanticIndex:
            assert self._index_encoder is not None
            answers = list(matcher.answers)
            learned, store, stop = matcher.learned, self._store, self._stop_indexing
            return build_index(
                self._index_encoder,
                answers,
                learned,
                store,
                stop=stop,
                cached_only=cached_only,
                body_pieces=body_pieces,
            )

        return await self._run(self._indexing, build)

    async def _swap_library(self, fresh: Library) -> None:
        """Serve a changed library: the previous matcher answers until the new one is ready.

        When the encoder already serves, the new semantic index is built first (from the
        cache, so only changed pieces are embedded) and both sides switch together;
        otherwise the lexical side switches now and the semantic build follows."""
        previous = self.matcher
        learned = await self.desk.learned()

        def build() -> Matcher:
            return Matcher(fresh.answers.values(), learned, encoder=previous.encoder, store=self._store)

        matcher = await self._run(self._matching, build)
        if previous.semantic_ready and self._index_encoder is not None:
            # As complete as the one serving: a first pass still completing goes on below.
            matcher.attach(await self._build_index(matcher, body_pieces=previous.semantic_body_pieces))
        self.library, self.matcher = fresh, matcher
        self.desk.matcher = matcher
        await self.desk.teach_matcher()  # lessons recorded while the new matcher was built
        log.info("Réponses rechargées : %d réponses", len(fresh.answers))
        if matcher.semantic_body_pieces < MAX_BODY_PIECES:
            await self.start_semantic()

    def _render(self, answer: Answer, asker: Asker) -> RenderedAnswer:
        return self.renderer.render(answer, asker=asker.addressed_name, server=asker.server_name, today=dt.date.today())

    def _suggestions(self, candidates: tuple[Candidate, ...]) -> tuple[Suggestion, ...]:
        return tuple(
            Suggestion(c.slug, self.library.answers[c.slug].shown_title, c.score)
            for c in candidates
            if c.slug in self.library.answers
        )


def related_answers(
    answers: Mapping[str, Answer], matcher: Matcher, slug: str, limit: int = MAX_RELATED
) -> tuple[Suggestion, ...]:
    """The answers to offer under ``slug``: its ``see_also`` when the editor wrote one,
    else the matcher's closest (``Matcher.related``: by meaning, or by words)."""
    answer = answers.get(slug)
    if answer is None:
        return ()
    slugs = answer.see_also or matcher.related(slug, limit)
    return offered(answers, [other for other in slugs[:limit] if other != slug])


def offered(answers: Mapping[str, Answer], slugs: Sequence[str]) -> tuple[Suggestion, ...]:
    """These answers as choices to offer, with their titles; those no longer served are left out."""
    return tuple(Suggestion(slug, answers[slug].shown_title, 0.0) for slug in slugs if slug in answers)


def suggestions_text(intro: str, suggestions: Sequence[Suggestion]) -> str:
    """The plain-text "did you mean…", numbered so that the console can answer « 2 »."""
    lines = [intro, *(f"{i}. {s.title}" for i, s in enumerate(suggestions, 1)), SUGGEST_HOW]
    return "\n".join(lines)


def format_answer(answer: RenderedAnswer, also: Sequence[Suggestion] = ()) -> str:
    """The plain-text form of an answer, as the console shows it."""
    parts = [f"**{answer.title}**", answer.body]
    footer = byline(answer)
    if answer.source:
        footer.append(f"source : {answer.source}")
    if footer:
        parts.append("— " + " · ".join(footer))
    if also:
        parts.append(also_text(also))
    return "\n\n".join(parts)


def also_text(also: Sequence[Suggestion]) -> str:
    """The line that says a message's other questions have answers too."""
    titles = " ; ".join(f"« {escape_markdown(s.title)} »" for s in also)
    return ALSO_REPLY.format(titles=titles)
