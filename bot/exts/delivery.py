"""The one delivery path: what to send, where, how visible and with which buttons.

``plan`` turns a ``Reply`` into a ``Delivery`` once, whatever brought the question in
(a slash command, a button, a mention, a DM): the reply-kind dispatch lives here and
nowhere else. Two thin senders carry a delivery out, one for interactions and one for
messages; they know how Discord sends, not what the bot says.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.models import Reply, ReplyKind
from bot.exts.common import NO_MENTIONS, send
from bot.exts.formatting import CONTENT_LIMIT, answer_messages, shorten_block, suggestions_embed
from bot.exts.views import answer_view, suggestions_view

log = logging.getLogger(__name__)

DEFERRED_PUBLICLY = "deferred_publicly"
"""``interaction.extras`` key: the interaction was deferred with a public "thinking…"."""
DM_REFUSED = "Je viens de répondre à cette question juste au-dessus ⬆️"


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


@dataclass(frozen=True)
class Delivery:
    parts: tuple[Part, ...]
    visibility: Visibility
    mentions: discord.AllowedMentions = NO_MENTIONS


def plan(
    reply: Reply,
    *,
    asker_id: int,
    visibility: Visibility,
    intro: str | None = None,
    mentions: discord.AllowedMentions = NO_MENTIONS,
    short: Visibility = Visibility.PRIVATE,
) -> Delivery:
    """How a reply goes out. An answer is split within Discord's limits, ``intro`` above
    its first part and its buttons under the last one; suggestions are one embed with a
    button each; every other kind (unanswered, small talk, invalid) is one short line, as
    visible as ``short`` says."""
    if reply.kind is ReplyKind.ANSWER and reply.answer is not None:
        public = visibility is Visibility.PUBLIC
        batches = answer_messages(reply.answer)
        last = len(batches) - 1

        def buttons(previous: Sequence[int]) -> discord.ui.View | None:
            return answer_view(reply, asker_id=asker_id, previous=previous, public=public)

        parts = tuple(
            Part(intro if i == 0 else None, tuple(embeds), buttons if i == last else None)
            for i, embeds in enumerate(batches)
        )
        return Delivery(parts, visibility, mentions)
    if reply.kind is ReplyKind.SUGGESTIONS and reply.suggestions and reply.question_id is not None:
        embed = suggestions_embed(reply.text, [s.title for s in reply.suggestions])
        part = Part(intro, (embed,), lambda _: suggestions_view(reply, asker_id))
        return Delivery((part,), visibility, mentions)
    return Delivery((Part(shorten_block(reply.text, CONTENT_LIMIT)),), short)


async def to_interaction(interaction: discord.Interaction[Any], delivery: Delivery, *, edit: bool = False) -> list[int]:
    """Send a delivery as the interaction's response and follow-ups; return the message ids.

    With ``edit`` the first part replaces the message whose button was clicked. A private
    delivery after a public "thinking…" removes that placeholder first.
    """
    ephemeral = delivery.visibility is Visibility.PRIVATE
    # After a deferral the first part fills the "thinking…" message in place: an edit, which
    # a retry after a lost answer repeats harmlessly, where a follow-up would post twice.
    fill_placeholder = interaction.response.type is discord.InteractionResponseType.deferred_channel_message
    if ephemeral and interaction.extras.pop(DEFERRED_PUBLICLY, False):
        await interaction.delete_original_response()
        fill_placeholder = False
    sent: list[int] = []
    for i, part in enumerate(delivery.parts):
        kwargs = part.kwargs(sent, delivery.mentions)
        if i == 0 and fill_placeholder:
            message = await interaction.edit_original_response(**kwargs)
            sent.append(message.id)
            continue
        if i == 0 and edit:
            kwargs.setdefault("content", None)
            kwargs.setdefault("view", None)  # the clicked buttons go unless the part brings its own
            await interaction.response.edit_message(**kwargs)
            if interaction.message is not None:
                sent.append(interaction.message.id)
            continue
        message = await send(interaction, ephemeral=ephemeral, **kwargs)
        if message is not None:
            sent.append(message.id)
    return sent


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
            kwargs["nonce"] = f"{message.id}-{i}"[:25]
            if i == 0 and in_place:
                posted = await message.reply(mention_author=False, **kwargs)
            else:
                posted = await channel.send(**kwargs)
            sent.append(posted.id)
    except discord.Forbidden:
        if in_place:
            raise
        log.info("Message privé refusé par %d : renvoi vers la réponse du salon", message.author.id)
        await message.reply(DM_REFUSED, mention_author=False, allowed_mentions=NO_MENTIONS)
    return sent
