"""``/faq stats``, ``/faq digest`` and ``/faq reload``: the moderators' view of the FAQ itself."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.chart import weekly_chart
from bot.core.digest import digest_text
from bot.exts.common import defer, require_moderator, send
from bot.exts.formatting import DESCRIPTION_LIMIT, info_embed, quote_user_text, stats_embed

if TYPE_CHECKING:
    from bot.app import FaqBot

log = logging.getLogger(__name__)

CHART_NAME = "stats.png"
DIGEST_PERIODS = [
    app_commands.Choice(name="7 days", value=7),
    app_commands.Choice(name="14 days", value=14),
    app_commands.Choice(name="30 days", value=30),
]


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
        await defer(interaction, ephemeral=True)
        desk = self.bot.service.desk
        stats = await desk.stats()
        downvoted = await desk.downvoted_answers()
        # Drawing takes a few hundred milliseconds: off the event loop.
        png = await asyncio.to_thread(weekly_chart, await desk.weekly())
        titles = self.bot.service.titles()
        embed = stats_embed(stats, titles, downvoted, chart=CHART_NAME)
        file = discord.File(io.BytesIO(png), filename=CHART_NAME)
        await send(interaction, embed=embed, file=file, ephemeral=True)

    @app_commands.command(name="digest")
    @app_commands.describe(days="The period to sum up (default: 7 days)")
    @app_commands.choices(days=DIGEST_PERIODS)
    async def digest(self, interaction: discord.Interaction[Any], days: app_commands.Choice[int] | None = None) -> None:
        """What changed: new questions, suggestions waiting, answers voted down"""
        await defer(interaction, ephemeral=True)
        service = self.bot.service
        digest = await service.digest(dt.timedelta(days=days.value if days is not None else 7))
        titles = service.titles()
        text = digest_text(digest, titles, quote=lambda t: quote_user_text(t, 80), now=service.desk.now())
        embed = info_embed(text[:DESCRIPTION_LIMIT])
        embed.title = "Le digest de la rédaction"
        await send(interaction, embed=embed, ephemeral=True)

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
