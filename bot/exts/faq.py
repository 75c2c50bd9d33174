"""``/faq stats`` and ``/faq reload``: the moderators' view of the FAQ itself."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts.common import require_moderator, send
from bot.exts.formatting import DESCRIPTION_LIMIT, info_embed, stats_embed

if TYPE_CHECKING:
    from bot.app import FaqBot

log = logging.getLogger(__name__)


@app_commands.default_permissions(manage_messages=True)
@app_commands.guild_only()
class FaqCog(commands.GroupCog, group_name="faq", group_description="The FAQ itself (moderators)"):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:  # type: ignore[override]
        return await require_moderator(interaction)

    @app_commands.command(name="stats")
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        """How much the bot answers, and what it misses"""
        stats = await self.bot.service.desk.stats()
        titles = {slug: answer.title for slug, answer in self.bot.service.library.answers.items()}
        await send(interaction, embed=stats_embed(stats, titles), ephemeral=True)

    @app_commands.command(name="reload")
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        """Re-read the answer files now and report problems"""
        problems = await self.bot.reload_answers()
        count = len(self.bot.service.library.answers)
        if not problems:
            text = f"✅ {count} réponse(s) chargée(s), aucun problème."
        else:
            lines = [f"⚠️ {count} réponse(s) servie(s) ; {len(problems)} problème(s) :"]
            lines += [f"• `{p.path.name}:{p.line}` : {discord.utils.escape_markdown(p.message)}" for p in problems]
            lines.append("Les fichiers en erreur gardent leur dernière version valide.")
            text = "\n".join(lines)
        await send(interaction, embed=info_embed(text[:DESCRIPTION_LIMIT]), ephemeral=True)


__all__ = ["FaqCog"]
