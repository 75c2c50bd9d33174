"""``/topics`` (``/sujets`` in French): browse the answers by heading, for every member.

The reply is a menu only the member sees: the headings (each answer's ``category``),
then the answers of the chosen one; picking an answer shows it, with its related
answers under it. The menus are persistent items (``bot.exts.views``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts.common import send
from bot.exts.views import topics_page

if TYPE_CHECKING:
    from bot.app import FaqBot

log = logging.getLogger(__name__)


class BrowseCog(commands.Cog):
    """The FAQ as a table of contents."""

    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot

    @app_commands.command(name="topics")
    async def topics(self, interaction: discord.Interaction[Any]) -> None:
        """Browse the FAQ by topic"""
        embed, view = topics_page(self.bot.service.topics())
        await send(interaction, embed=embed, view=view, ephemeral=True)


__all__ = ["BrowseCog"]
