"""The one delivery path: what to send, where, how visible and with which buttons.

``plan`` turns a ``Reply`` into a ``Delivery`` once, whatever brought the question in
(a slash command, a button, a mention, a DM): the reply-kind dispatch lives here and
nowhere else. Two thin senders carry a delivery out, one for interactions and one for
messages; they know how Discord sends, not what the bot says.

Every message goes out exactly once, although discord.py repeats any request answered
500, 502, 504 or 524, even one Discord had carried out: a channel message goes with a
nonce (Discord then creates it once), an interaction's response is taken once (a repeat
is "already acknowledged"), an edit is the same edit twice. Only an interaction's
follow-up (``POST /webhooks/…``) takes no nonce, so none is sent where another way exists.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.models import Reply, ReplyKind
from bot.exts.common import NO_MENTIONS, send, update
from bot.exts.formatting import CONTENT_LIMIT, answer_messages, shorten_block, suggestions_embed
from bot.exts.views import answer_view, suggestions_view, turns_fit

log = logging.getLogger(__name__)

DEFERRED_PUBLICLY = "deferred_publicly"
"""``interaction.extras`` key: the interaction was deferred with a public "thinking…"."""
ALSO_LINE = "Tu posais aussi une autre question : sa réponse est dans le bouton ❔ sous celle-ci."
POINTER_UP = "Je viens de répondre à cette question juste au-dessus ⬆️"
"""In place of a private copy of an answer that cannot go privately (the member refuses
DMs, or the interaction was deferred publicly): a private answer in a server is always the
one just given publicly above (``bot.exts.ask``'s repeat rule)."""
NONCE_LIMIT = 25
"""Discord accepts a nonce of at most 25 characters."""


class Visibility(enum.Enum):
    PUBLIC = "public"
    """Everyone in the channel sees it."""
    PRIVATE = "private"
    """Only the asker: an ephemeral response, or a DM for a message in a server."""


Buttons = Callable[[Sequence[int]], discord.ui.View | None]
"""Builds a part's buttons from the ids of the parts sent before it (for "delete all")."""


@dataclass(frozen=True)
class Part:
    """One Discord message of a delivery."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    buttons: Buttons | None = None

    def kwargs(self, previous: Sequence[int], mentions: discord.AllowedMentions) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"allowed_mentions": mentions}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = list(self.embeds)
        view = self.buttons(previous) if self.buttons is not None else None
        if view is not None:
            kwargs["view"] = view
        return kwargs


Pages = Callable[[int], Part]
"""One part of an answer (clamped to the answer's), with the buttons that turn the others."""


@dataclass(frozen=True)
class Delivery:
    parts: tuple[Part, ...]
    visibility: Visibility
    mentions: discord.AllowedMentions = NO_MENTIONS
    pages: Pages | None = None
    """For a private answer in several parts: its parts one at a time, as one ephemeral
    message that its buttons edit (see ``to_interaction``)."""


def plan(
    reply: Reply,
    *,
    asker_id: int,
    visibility: Visibility,
    intro: str | None = None,
    mentions: discord.AllowedMentions = NO_MENTIONS,
    short: Visibility = Visibility.PRIVATE,
    addressee: int | None = None,
) -> Delivery:
    """How a reply goes out. An answer is split within Discord's limits, ``intro`` above
    its first part and its buttons under the last one (a private one also comes as
    ``pages``, how an interaction shows it, whose buttons remember the member ``addressee``
    it speaks to); suggestions are one embed with a button each; every other kind
    (unanswered, small talk, invalid) is one short line, as visible as ``short`` says."""
    if reply.kind is ReplyKind.ANSWER and reply.answer is not None:
        if reply.also:
            intro = f"{intro}\n{ALSO_LINE}" if intro else ALSO_LINE
        public = visibility is Visibility.PUBLIC
        batches = answer_messages(reply.answer)
        last = len(batches) - 1

        def buttons(previous: Sequence[int]) -> discord.ui.View | None:
            return answer_view(reply, asker_id=asker_id, previous=previous, public=public)

        parts = tuple(
            Part(intro if i == 0 else None, tuple(embeds), buttons if i == last else None)
            for i, embeds in enumerate(batches)
        )
        pages = None
        if not public and len(batches) > 1 and turns_fit(reply, len(batches), addressee):
            pages = _pages(reply, batches, asker_id=asker_id, intro=intro, addressee=addressee)
        return Delivery(parts, visibility, mentions, pages)
    if reply.kind is ReplyKind.SUGGESTIONS and reply.suggestions and reply.question_id is not None:
        embed = suggestions_embed(reply.text, [s.title for s in reply.suggestions])
        part = Part(intro, (embed,), lambda _: suggestions_view(reply, asker_id))
        return Delivery((part,), visibility, mentions)
    return Delivery((Part(shorten_block(reply.text, CONTENT_LIMIT)),), short)


def _pages(
    reply: Reply,
    batches: Sequence[Sequence[discord.Embed]],
    *,
    asker_id: int,
    intro: str | None,
    addressee: int | None = None,
) -> Pages:
    """A private answer's parts one at a time, each with the intro and every button."""

    def page(index: int) -> Part:
        index = min(max(index, 0), len(batches) - 1)

        def buttons(_: Sequence[int]) -> discord.ui.View | None:
            at = (index, len(batches))
            return answer_view(reply, asker_id=asker_id, previous=(), public=False, page=at, addressee=addressee)

        return Part(intro, tuple(batches[index]), buttons)

    return page


async def to_interaction(
    interaction: discord.Interaction[Any], delivery: Delivery, *, edit: bool = False, page: int = 0
) -> list[int]:
    """Send a delivery as the interaction's response and what follows it; return the message ids.

    With ``edit`` the first part replaces the message whose button was clicked. Nothing a
    retried request repeats shows twice:

    - the first part is the response (taken once), or fills the "thinking…" placeholder
      or the clicked message (an edit; see ``common.send``);
    - a public answer's next parts are channel messages with a nonce made of the
      interaction's id and the part's index (in a server and in the bot's own DM). A
      follow-up is the fallback only where the bot cannot post in the channel (another
      private conversation, a server it is not in, no Send Messages or Embed Links, a
      slowmode it is not exempt from, a refusal), logged;
    - a private answer in several parts is one ephemeral message showing part ``page``,
      with buttons that turn the parts by editing it (``views.TurnButton``): only a
      follow-up could add another ephemeral message (they remain for an answer whose
      slug is too long for those buttons' custom ids);
    - after a public "thinking…", a private reply cannot stay private without a follow-up
      (or the deletion of the placeholder, which a retry turns into an error): it fills the
      placeholder, so the trade-off is visibility. A short line (unanswered, small talk,
      invalid) is then seen by the channel where the member asked; a private copy of an
      answer (the repeat rule's) becomes ``POINTER_UP`` to the one given just above.
    """
    ephemeral = delivery.visibility is Visibility.PRIVATE
    if interaction.extras.pop(DEFERRED_PUBLICLY, False) and ephemeral:
        delivery = in_public(delivery)
        ephemeral = False
    parts = delivery.parts
    if ephemeral and delivery.pages is not None:
        parts = (delivery.pages(page),)
    channel = None if ephemeral else _channel_for_parts(interaction, len(parts))
    sent: list[int] = []
    for i, part in enumerate(parts):
        kwargs = part.kwargs(sent, delivery.mentions)
        message: discord.Message | None
        if i == 0 and edit:
            kwargs.setdefault("content", None)
            kwargs.setdefault("view", None)  # the clicked buttons go unless the part brings its own
            await update(interaction, **kwargs)
            message = interaction.message
        elif i > 0 and channel is not None:
            try:
                message = await channel.send(nonce=f"{interaction.id}-{i}"[:NONCE_LIMIT], **kwargs)
            except discord.Forbidden:
                log.info("Salon %s refusé au bot : suite de la réponse en messages de suivi", interaction.channel_id)
                channel = None
                message = await send(interaction, **kwargs)
        else:
            message = await send(interaction, ephemeral=ephemeral, **kwargs)
        if message is not None:
            sent.append(message.id)
    return sent


def in_public(delivery: Delivery) -> Delivery:
    """A private delivery as it shows in public instead: a short line as it is, an answer
    as ``POINTER_UP`` (see ``to_interaction``)."""
    if any(part.embeds for part in delivery.parts):
        return Delivery((Part(POINTER_UP),), Visibility.PUBLIC)
    return Delivery(delivery.parts, Visibility.PUBLIC, delivery.mentions)


def _channel_for_parts(interaction: discord.Interaction[Any], count: int) -> discord.abc.Messageable | None:
    """Where the next parts of a public answer can go as channel messages (see ``to_interaction``)."""
    if count < 2:
        return None
    channel = interaction.channel
    permissions = interaction.app_permissions
    if not isinstance(channel, discord.abc.Messageable):
        why = "pas de salon"
    elif interaction.guild is None:
        if interaction.context.dm_channel:
            return channel  # the bot's own DM with the member: it may always post there
        why = "une conversation privée d'autres personnes"  # an app a user installed
    elif isinstance(channel, discord.Thread) and not permissions.send_messages_in_threads:
        why = "pas le droit d'écrire dans ce fil"
    elif not isinstance(channel, discord.Thread) and not permissions.send_messages:
        why = "pas le droit d'écrire dans ce salon"
    elif not permissions.embed_links:
        why = "pas le droit d'intégrer des liens"  # the parts' embeds would not show
    elif getattr(channel, "slowmode_delay", 0) and not (permissions.manage_messages or permissions.manage_channels):
        why = "mode lent"
    else:
        return channel
    log.debug("Interaction %d : suite de la réponse en messages de suivi (%s)", interaction.id, why)
    return None


async def to_message(message: discord.Message, delivery: Delivery) -> list[int]:
    """Send a delivery in answer to a member's message; return the message ids.

    Public, or in a DM: a reply to the message, then follow-ups in the same channel.
    Private in a server: in the member's DMs (if they refuse DMs, a pointer upwards).
    """
    channel: discord.abc.Messageable = message.channel
    in_place = delivery.visibility is Visibility.PUBLIC or message.guild is None
    sent: list[int] = []
    try:
        if not in_place:
            channel = await message.author.create_dm()
        for i, part in enumerate(delivery.parts):
            kwargs = part.kwargs(sent, delivery.mentions)
            # One nonce per part of the answer to this message: Discord posts a message
            # sent again with the same nonce (any retry, discord.py's or ours) only once.
            kwargs["nonce"] = f"{message.id}-{i}"[:NONCE_LIMIT]
            if i == 0 and in_place:
                posted = await message.reply(mention_author=False, **kwargs)
            else:
                posted = await channel.send(**kwargs)
            sent.append(posted.id)
    except discord.Forbidden:
        if in_place:
            raise
        log.info("Message privé refusé par %d : renvoi vers la réponse du salon", message.author.id)
        await message.reply(POINTER_UP, mention_author=False, allowed_mentions=NO_MENTIONS)
    return sent
