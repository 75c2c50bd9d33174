"""Buttons that keep working after a restart (sent through ``bot.exts.delivery``).

Every button is a ``DynamicItem``: its state lives in its custom id (``faq:vote:12:1``),
so discord.py rebuilds it from any click, even on a message sent before the restart.
Custom ids stay under Discord's 100 characters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.core.models import Reply, ReviewStatus
from bot.exts.common import NOT_A_MODERATOR, asker_of, faq_bot, is_moderator, report_error, send
from bot.exts.formatting import BUTTON_LABEL_LIMIT, groups_embed, is_link, shorten

log = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_LINKED_PARTS = 3
"""How many earlier parts of a split answer the delete button can also remove."""


class GuardedButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"faq:never-matches"):
    """A persistent button whose errors reach the user and the log like command errors."""

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.handle(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError


class VoteButton(GuardedButton, template=r"faq:vote:(?P<question>\d+):(?P<helpful>[01])"):
    """ "Was this helpful?": one vote per member and question (voting again changes it)."""

    def __init__(self, question_id: int, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Utile" if helpful else "Pas vraiment",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"faq:vote:{question_id}:{int(helpful)}",
            )
        )
        self.question_id = question_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["question"]), match["helpful"] == "1")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        interaction.extras["question_id"] = self.question_id
        await faq_bot(interaction).service.vote(self.question_id, interaction.user.id, self.helpful)
        text = (
            "Merci pour ton retour, ça fait plaisir ! 😊"
            if self.helpful
            else "Merci de l'avoir signalé 🙏 L'équipe de rédaction va s'en servir pour améliorer cette réponse."
        )
        await send(interaction, content=text, ephemeral=True)


class PickButton(GuardedButton, template=r"faq:pick:(?P<question>\d+):(?P<asker>\d+):(?P<slug>[a-z0-9-]+)"):
    """One "did you mean…" choice: shows that answer."""

    def __init__(self, question_id: int, asker_id: int, slug: str, title: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=shorten(title or slug, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.primary,
                custom_id=f"faq:pick:{question_id}:{asker_id}:{slug}",
            )
        )
        self.question_id = question_id
        self.asker_id = asker_id
        self.slug = slug

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PickButton:
        return cls(int(match["question"]), int(match["asker"]), match["slug"], item.label or "")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        # The delivery path builds these buttons: imported here, not at the top, to keep
        # the two modules from importing each other while they load.
        from bot.exts.delivery import Visibility, plan, to_interaction

        interaction.extras["question_id"] = self.question_id
        bot = faq_bot(interaction)
        asker = asker_of(interaction.user, interaction.guild, interaction.channel_id)
        reply = bot.service.show(self.slug, asker)
        message = interaction.message
        own = interaction.user.id == self.asker_id
        if message is not None and (own or message.flags.ephemeral):
            # The asker's own suggestions become the answer they picked.
            await bot.service.pick(self.question_id, interaction.user.id, self.slug)
            reply = dataclasses.replace(reply, question_id=self.question_id)
            visibility = Visibility.PRIVATE if message.flags.ephemeral else Visibility.PUBLIC
            await to_interaction(interaction, plan(reply, asker_id=self.asker_id, visibility=visibility), edit=True)
        else:
            private = plan(reply, asker_id=interaction.user.id, visibility=Visibility.PRIVATE)
            await to_interaction(interaction, private)


class DeleteButton(GuardedButton, template=r"faq:del:(?P<asker>\d+)(?::(?P<parts>\d+(?:\.\d+)*))?"):
    """Deletes a wrong answer (and its earlier parts); for the asker and moderators only."""

    def __init__(self, asker_id: int, parts: Sequence[int] = ()) -> None:
        parts = tuple(parts)[-MAX_LINKED_PARTS:]
        suffix = ":" + ".".join(map(str, parts)) if parts else ""
        super().__init__(
            discord.ui.Button(
                label="Supprimer",
                emoji="🗑️",
                style=discord.ButtonStyle.danger,
                custom_id=f"faq:del:{asker_id}{suffix}",
            )
        )
        self.asker_id = asker_id
        self.parts = parts

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> DeleteButton:
        parts = [int(p) for p in match["parts"].split(".")] if match["parts"] else []
        return cls(int(match["asker"]), parts)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.asker_id and not is_moderator(interaction):
            await send(
                interaction,
                content="Seule la personne qui a posé la question (ou la modération) peut supprimer cette réponse.",
                ephemeral=True,
            )
            return
        await interaction.response.defer()
        channel = interaction.channel
        if interaction.message is not None:
            await interaction.message.delete()
        if isinstance(channel, discord.abc.Messageable):
            for part in self.parts:
                with contextlib.suppress(discord.NotFound):
                    await channel.get_partial_message(part).delete()  # type: ignore[attr-defined]
        log.info("Réponse supprimée par %s (%d) dans %s", interaction.user, interaction.user.id, interaction.channel_id)


class PageButton(
    GuardedButton, template=r"faq:page:(?P<status>open|resolved|dismissed):(?P<page>\d+)(?::(?P<tag>\w))?"
):
    """Previous / next page of ``/unanswered list``."""

    def __init__(self, status: ReviewStatus, page: int, *, forward: bool, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Suivant" if forward else "Précédent",
                emoji="▶️" if forward else "◀️",
                style=discord.ButtonStyle.secondary,
                # The tag keeps the two buttons' ids distinct when both point at the same page.
                custom_id=f"faq:page:{status.value}:{page}:{'n' if forward else 'p'}",
                disabled=disabled,
            )
        )
        self.status = status
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(ReviewStatus(match["status"]), int(match["page"]), forward=match["tag"] == "n")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if not is_moderator(interaction):
            await send(interaction, content=NOT_A_MODERATOR, ephemeral=True)
            return
        embed, view = await groups_page(interaction, self.status, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


PERSISTENT_ITEMS: tuple[type[GuardedButton], ...] = (VoteButton, PickButton, DeleteButton, PageButton)


async def groups_page(
    interaction: discord.Interaction[Any], status: ReviewStatus, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    """One page of question groups, with its previous/next buttons."""
    page = max(page, 1)
    desk = faq_bot(interaction).service.desk
    groups = await desk.list(status, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    has_next = len(groups) > PAGE_SIZE
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(status, max(page - 1, 1), forward=False, disabled=page == 1))
    view.add_item(PageButton(status, page + 1, forward=True, disabled=not has_next))
    return groups_embed(groups[:PAGE_SIZE], status, page, has_next), view


def answer_view(reply: Reply, *, asker_id: int, previous: Sequence[int], public: bool) -> discord.ui.View | None:
    """Buttons under an answer: votes (when the question was stored), delete (public
    answers only: an ephemeral one can simply be dismissed), and a link to the source."""
    view = discord.ui.View(timeout=None)
    if reply.question_id is not None:
        view.add_item(VoteButton(reply.question_id, True))
        view.add_item(VoteButton(reply.question_id, False))
    if public:
        view.add_item(DeleteButton(asker_id, previous))
    source = reply.answer.source if reply.answer else None
    if source and is_link(source):
        view.add_item(discord.ui.Button(label="Source", emoji="🔗", url=source))
    return view if view.children else None


def suggestions_view(reply: Reply, asker_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    assert reply.question_id is not None
    for suggestion in reply.suggestions[:3]:
        view.add_item(PickButton(reply.question_id, asker_id, suggestion.slug, suggestion.title))
    return view
