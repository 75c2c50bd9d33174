"""Member commands: ``/ask``, ``/answer``, and questions asked by mention or in a DM.

Thin: parse the input, call the service, format the reply. Two house rules live here
because they are about Discord, not about answers: a per-member cooldown, and not
posting the same answer publicly twice in a minute in one channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import Reply, ReplyKind
from bot.exts.common import APOLOGY, NO_MENTIONS, asker_of, defer, faq_bot, send
from bot.exts.delivery import DEFERRED_PUBLICLY, Delivery, Visibility, plan, to_interaction, to_message
from bot.exts.formatting import CHOICE_NAME_LIMIT, shorten

if TYPE_CHECKING:
    from bot.app import FaqBot

log = logging.getLogger(__name__)
T = TypeVar("T")

REPEAT_WINDOW = 60.0
"""The same answer is not posted publicly twice in a channel within this many seconds."""
DEFER_AFTER = 1.5
"""If the service has not answered by then, defer: Discord drops interactions left
unanswered for 3 seconds, and a defer sent at 1.5 s arrives in time even on a busy machine."""
DEFER_BUDGET = 1.5
"""A reply the queue of pending asks would push past this many seconds is deferred at
once, before waiting: in a burst, every member gets at least "thinking…" in time."""
HOLD_LIMIT = 10.0
"""Seconds the work of an ask waits at most for the defers of a burst to leave: under a
flood that never pauses, answers still come, at most this much later."""
FIRST_INTERVAL = 0.005
"""Seconds per ask assumed before any was timed: what one takes on a busy 2-core machine."""
INTERVAL_WEIGHT = 0.2
"""Weight of the newest interval between two completed asks in the running estimate."""
TOPIC_LIMIT = 100
"""A topic is an answer's identifier, picked from the list: never longer than this."""
TOPIC_TOO_LONG = "Ce sujet est trop long 🙂 Commence à taper son nom, puis choisis-le dans la liste proposée."
REPEATED_NOTE = "Je viens de donner cette réponse ici il y a moins d'une minute : je te la montre en privé 😉"
REPEATED_NOTE_DM = "Je viens de donner cette réponse dans le salon : je te l'envoie en privé 😉"


def cooldown_text(seconds: float) -> str:
    return f"Doucement 🙂 Tu pourras poser une autre question dans {max(1, round(seconds))} s."


class Cooldowns:
    """When each member may ask again; a pure clock-driven helper."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until: dict[int, float] = {}

    def remaining(self, user_id: int, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        return max(0.0, self._until.get(user_id, 0.0) - now)

    def start(self, user_id: int, now: float | None = None) -> None:
        if self.seconds > 0:
            now = time.monotonic() if now is None else now
            self._until[user_id] = now + self.seconds
            if len(self._until) > 10_000:
                self._until = {k: v for k, v in self._until.items() if v > now}


class AskQueue:
    """How long the asks already waiting will take: the number pending times the running
    mean interval between two completions while the queue was busy (the service's real
    throughput, whatever slows it: CPU, the database, the encoder).

    It also lets the defers of a burst go first: while any is on its way to Discord, the
    work of the asks and the answers to deferred asks wait (``defers_out``, ``HOLD_LIMIT``
    at most), and the asks that were to be answered directly are told (``burst_began``)
    and defer too. A defer must leave within 3 s, an answer after a defer has 15 minutes:
    the answers' requests, the matching worker and the database thread would otherwise
    take the event loop (and the interpreter) from the defers."""

    def __init__(self, interval: float = FIRST_INTERVAL) -> None:
        self.pending = 0
        self.interval = interval
        self._last_done: float | None = None
        self.deferring = 0
        self._no_defer = asyncio.Event()
        self._no_defer.set()
        self._burst: asyncio.Future[None] | None = None

    def expected_wait(self) -> float:
        return self.pending * self.interval

    def start(self) -> None:
        if self.pending == 0:
            self._last_done = time.monotonic()
        self.pending += 1

    def done(self) -> None:
        now = time.monotonic()
        if self._last_done is not None:
            self.interval += INTERVAL_WEIGHT * ((now - self._last_done) - self.interval)
        self._last_done = now
        self.pending -= 1

    def burst_began(self) -> asyncio.Future[None]:
        """Resolved when the next defer of a burst starts (``deferring_one``)."""
        if self._burst is None or self._burst.done():
            self._burst = asyncio.get_running_loop().create_future()
        return self._burst

    @contextlib.asynccontextmanager
    async def deferring_one(self) -> AsyncIterator[None]:
        """Around the defer of a burst: the work of every ask waits until no such defer
        is on its way, and the asks waiting to be answered directly defer at once."""
        self.deferring += 1
        self._no_defer.clear()
        if self._burst is not None and not self._burst.done():
            self._burst.set_result(None)
        try:
            yield
        finally:
            self.deferring -= 1
            if self.deferring == 0:
                self._no_defer.set()

    async def defers_out(self) -> None:
        """Return once no defer of a burst is on its way (at once when none is: normal
        load), or after ``HOLD_LIMIT``."""
        if not self._no_defer.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HOLD_LIMIT):
                    await self._no_defer.wait()

    async def after_defers(self, work: Awaitable[T]) -> T:
        """``work``, once no defer of a burst is on its way."""
        await self.defers_out()
        return await work


class RecentAnswers:
    """Which answers were posted publicly where, in the last ``REPEAT_WINDOW`` seconds."""

    def __init__(self, window: float = REPEAT_WINDOW) -> None:
        self.window = window
        self._posted: dict[tuple[int, str], float] = {}

    def seen(self, channel_id: int | None, slug: str, now: float | None = None) -> bool:
        if channel_id is None:
            return False
        now = time.monotonic() if now is None else now
        return now - self._posted.get((channel_id, slug), -self.window - 1) < self.window

    def note(self, channel_id: int | None, slug: str, now: float | None = None) -> None:
        if channel_id is None:
            return
        now = time.monotonic() if now is None else now
        self._posted[(channel_id, slug)] = now
        if len(self._posted) > 10_000:
            self._posted = {k: v for k, v in self._posted.items() if now - v < self.window}


class AskCog(commands.Cog):
    """Questions from members, whichever way they ask."""

    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        self.cooldowns = Cooldowns(bot.settings.cooldown_seconds)
        self.recent = RecentAnswers()
        self.queue = AskQueue()

    # --- /ask ---------------------------------------------------------------------------

    @app_commands.command(name="ask")
    @app_commands.rename(for_="for")
    @app_commands.describe(
        question="Your question, as you would ask a colleague",
        private="Only you see the answer",
        for_="Answer this member's question: only they are pinged",
    )
    async def ask(
        self,
        interaction: discord.Interaction[Any],
        question: app_commands.Range[str, 1, 2000],
        private: bool = False,
        for_: discord.Member | None = None,
    ) -> None:
        """Ask a question about the community manager job"""
        target = for_ if for_ is not None and not for_.bot and for_.id != interaction.user.id else None
        asker = asker_of(
            interaction.user,
            interaction.guild,
            interaction.channel_id,
            addressee=target.display_name if target is not None else None,
        )
        if not self.bot.service.is_choice(question, asker):  # « 2 » after "did you mean…" is no new question
            wait = self.cooldowns.remaining(interaction.user.id)
            if wait > 0:
                await send(interaction, content=cooldown_text(wait), ephemeral=True)
                return
            self.cooldowns.start(interaction.user.id)
        reply = await self._within_deadline(interaction, self.bot.service.ask(question, asker), private)
        interaction.extras["question_id"] = reply.question_id
        await self._answer_interaction(interaction, reply, private=private, target=target)

    async def _within_deadline(self, interaction: discord.Interaction[Any], work: Any, private: bool) -> Reply:
        """Await the service; defer first if it is slow, so Discord never drops us: at once
        when the asks queued ahead would take past ``DEFER_BUDGET``, else as soon as such a
        burst begins, or after ``DEFER_AFTER``."""
        expected = self.queue.expected_wait()
        self.queue.start()
        try:
            if expected > DEFER_BUDGET:
                # The defer goes first: the work would only compete with the defers of the
                # asks behind this one.
                try:
                    async with self.queue.deferring_one():
                        await self._defer(interaction, private)
                except discord.HTTPException:
                    # Discord refused the defer (it has forgotten the interaction): nothing
                    # can be answered, but the question is still stored for the moderators.
                    await self.queue.after_defers(work)
                    raise
                except BaseException:
                    work.close()
                    raise
                task = asyncio.ensure_future(self.queue.after_defers(work))
            else:
                task = asyncio.ensure_future(self.queue.after_defers(work))
                burst = self.queue.burst_began()
                done, _ = await asyncio.wait({task, burst}, timeout=DEFER_AFTER, return_when=asyncio.FIRST_COMPLETED)
                if burst in done and task not in done:
                    async with self.queue.deferring_one():
                        await self._defer(interaction, private)
                elif task not in done:
                    log.warning("Réponse lente (> %.1f s) : interaction différée", DEFER_AFTER)
                    await self._defer(interaction, private)
            reply = await task
            if interaction.response.is_done():
                await self.queue.defers_out()  # the answer has 15 minutes, the defers behind it 3 s
            return reply
        finally:
            self.queue.done()

    @staticmethod
    async def _defer(interaction: discord.Interaction[Any], private: bool) -> None:
        await defer(interaction, ephemeral=private)
        interaction.extras[DEFERRED_PUBLICLY] = not private

    async def _answer_interaction(
        self,
        interaction: discord.Interaction[Any],
        reply: Reply,
        *,
        private: bool,
        target: discord.Member | None,
    ) -> None:
        intro, mentions = None, NO_MENTIONS
        if target is not None and not private:
            name = discord.utils.escape_markdown(interaction.user.display_name)
            intro = f"{target.mention}, {name} pense que cette réponse peut t'aider :"
            mentions = discord.AllowedMentions(everyone=False, roles=False, replied_user=False, users=[target])
        delivery = self._plan(
            reply,
            interaction.user.id,
            interaction.channel_id,
            public=not private,
            intro=intro,
            mentions=mentions,
            addressee=target.id if target is not None else None,
        )
        await to_interaction(interaction, delivery)
        self._note_public_answer(reply, delivery, interaction.channel_id)

    def _plan(
        self,
        reply: Reply,
        asker_id: int,
        channel_id: int | None,
        *,
        public: bool,
        intro: str | None = None,
        mentions: discord.AllowedMentions = NO_MENTIONS,
        short: Visibility = Visibility.PRIVATE,
        repeated_note: str = REPEATED_NOTE,
        addressee: int | None = None,
    ) -> Delivery:
        """The house rule of both paths: an answer just given publicly in this channel
        goes privately, with a note saying why, instead of being posted again."""
        answer = reply.answer if reply.kind is ReplyKind.ANSWER else None
        if public and answer is not None and self.recent.seen(channel_id, answer.slug):
            return plan(
                reply, asker_id=asker_id, visibility=Visibility.PRIVATE, intro=repeated_note, addressee=addressee
            )
        visibility = Visibility.PUBLIC if public else Visibility.PRIVATE
        return plan(
            reply,
            asker_id=asker_id,
            visibility=visibility,
            intro=intro,
            mentions=mentions,
            short=short,
            addressee=addressee,
        )

    def _note_public_answer(self, reply: Reply, delivery: Delivery, channel_id: int | None) -> None:
        if reply.kind is ReplyKind.ANSWER and reply.answer is not None and delivery.visibility is Visibility.PUBLIC:
            self.recent.note(channel_id, reply.answer.slug)

    # --- /answer ------------------------------------------------------------------------

    @app_commands.command(name="answer")
    @app_commands.describe(topic="Start typing the topic, then pick it")
    async def answer(self, interaction: discord.Interaction[Any], topic: str) -> None:
        """Show one answer from the FAQ"""
        if len(topic) > TOPIC_LIMIT:
            await send(interaction, content=TOPIC_TOO_LONG, ephemeral=True)
            return
        asker = asker_of(interaction.user, interaction.guild, interaction.channel_id)
        reply = self.bot.service.show(topic, asker)
        await to_interaction(interaction, plan(reply, asker_id=interaction.user.id, visibility=Visibility.PUBLIC))

    @answer.autocomplete("topic")
    async def _topic_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return topic_choices(faq_bot(interaction), current)

    # --- mentions and DMs ---------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.bot.user is None:
            return
        in_dm = message.guild is None
        if not in_dm and self.bot.user not in message.mentions:
            return
        question = strip_mention(message.content, self.bot.user.id)
        try:
            await self._answer_message(message, question)
        except Exception:
            log.exception("Erreur en répondant au message %d de %d", message.id, message.author.id)
            try:
                await message.reply(APOLOGY, mention_author=False, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.warning("Impossible de s'excuser auprès de %d", message.author.id, exc_info=True)

    async def _answer_message(self, message: discord.Message, question: str) -> None:
        asker = asker_of(message.author, message.guild, message.channel.id)
        if not self.bot.service.is_choice(question, asker):  # « 2 » after "did you mean…" is no new question
            wait = self.cooldowns.remaining(message.author.id)
            if wait > 0:
                await message.reply(cooldown_text(wait), mention_author=False, allowed_mentions=NO_MENTIONS)
                return
            self.cooldowns.start(message.author.id)
        reply = await self.bot.service.ask(question, asker)
        # A message cannot be ephemeral: short lines answer in place, like the question.
        delivery = self._plan(
            reply,
            message.author.id,
            message.channel.id,
            public=message.guild is not None,
            short=Visibility.PUBLIC,
            repeated_note=REPEATED_NOTE_DM,
        )
        await to_message(message, delivery)
        self._note_public_answer(reply, delivery, message.channel.id)


MENTION_PREFIX = r"<@!?{id}>"


def strip_mention(content: str, bot_id: int) -> str:
    """The question without the bot's mention(s)."""
    return re.sub(MENTION_PREFIX.format(id=bot_id), " ", content).strip()


def topic_choices(bot: FaqBot, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 answers whose title matches what was typed so far."""
    return [
        app_commands.Choice(name=shorten(title, CHOICE_NAME_LIMIT), value=slug)
        for slug, title in bot.service.search_titles(current, limit=25)
    ]
