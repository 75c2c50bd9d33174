"""``/unanswered``: the editors' queue of questions the bot could not answer.

Moderators only: hidden from others by ``default_permissions(manage_messages)`` and
refused at run time to anyone without Manage Messages or a ``MODERATOR_ROLE_IDS`` role.
Every reply is ephemeral: the queue holds members' words and is nobody else's business.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import ReviewStatus
from bot.exts.ask import topic_choices
from bot.exts.common import defer, faq_bot, moderator_name, require_moderator, send
from bot.exts.formatting import group_embed, info_embed, quote_user_text, resolved_text
from bot.exts.views import groups_page, review_view

if TYPE_CHECKING:
    from bot.app import FaqBot

log = logging.getLogger(__name__)

STATUS_CHOICES = [
    app_commands.Choice(name="open", value=ReviewStatus.OPEN.value),
    app_commands.Choice(name="resolved", value=ReviewStatus.RESOLVED.value),
    app_commands.Choice(name="dismissed", value=ReviewStatus.DISMISSED.value),
]
EXPORT_NAME = "questions-sans-reponse.csv"


@app_commands.default_permissions(manage_messages=True)
@app_commands.guild_only()
class ReviewCog(
    commands.GroupCog, group_name="unanswered", group_description="Questions the bot could not answer (moderators)"
):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:  # type: ignore[override]
        return await require_moderator(interaction)

    @app_commands.command(name="list")
    @app_commands.describe(status="Which questions to list (default: open)", page="Page number (10 per page)")
    @app_commands.choices(status=STATUS_CHOICES)
    async def list_(
        self,
        interaction: discord.Interaction[Any],
        status: app_commands.Choice[str] | None = None,
        page: app_commands.Range[int, 1, 10_000] = 1,
    ) -> None:
        """List the questions waiting for an answer"""
        chosen = ReviewStatus(status.value) if status is not None else ReviewStatus.OPEN
        embed, view = await groups_page(interaction, chosen, page)
        await send(interaction, embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="show")
    @app_commands.describe(id="The question number shown by /unanswered list")
    async def show(self, interaction: discord.Interaction[Any], id: app_commands.Range[int, 1]) -> None:
        """Show one question and all the ways it was asked"""
        item = await self.bot.service.review_item(id)
        titles = self.bot.service.titles()
        view = review_view(item, titles)
        await send(interaction, embed=group_embed(item, titles), ephemeral=True, **({"view": view} if view else {}))

    @app_commands.command(name="resolve")
    @app_commands.describe(id="The question number shown by /unanswered list", answer="The answer to attach")
    async def resolve(self, interaction: discord.Interaction[Any], id: app_commands.Range[int, 1], answer: str) -> None:
        """Attach an answer to a question: the bot learns the phrasing"""
        group = await self.bot.service.desk.resolve(id, answer, by=moderator_name(interaction))
        text = resolved_text(group, self.bot.service.answer(answer).shown_title)
        await send(interaction, embed=info_embed(text), ephemeral=True)

    @resolve.autocomplete("answer")
    async def _answer_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return topic_choices(faq_bot(interaction), current)

    @app_commands.command(name="dismiss")
    @app_commands.describe(id="The question number shown by /unanswered list", reason="Why (kept for the record)")
    async def dismiss(
        self,
        interaction: discord.Interaction[Any],
        id: app_commands.Range[int, 1],
        reason: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        """Close a question without an answer"""
        group = await self.bot.service.desk.dismiss(id, reason, by=moderator_name(interaction))
        text = f"🗃️ Question #{group.id} écartée."
        if group.reason:
            text += f" Raison : {quote_user_text(group.reason, 300)}"
        await send(interaction, embed=info_embed(text), ephemeral=True)

    @app_commands.command(name="export")
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """Download every question as a CSV file"""
        await defer(interaction, ephemeral=True)
        content = await self.bot.service.desk.export_csv()
        # UTF-8 with a BOM: spreadsheet programs then open French text correctly.
        file = discord.File(io.BytesIO(content.encode("utf-8-sig")), filename=EXPORT_NAME)
        rows = max(content.count("\n") - 1, 0)
        await send(interaction, content=f"📄 {rows} groupe(s) de questions.", file=file, ephemeral=True)


__all__ = ["ReviewCog"]
