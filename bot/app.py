"""The discord.py bot: build it, sync its commands, run it, stop it cleanly.

``python -m bot run`` ends up in ``run_bot``. The bot needs no privileged intent:
Discord delivers the content of messages that mention the bot, and of DMs, without the
Message Content intent. Answers are re-read live: a background task polls ``answers/``
and asks the service to reload when a file changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.answers import snapshot
from bot.core.models import Problem
from bot.core.service import Service
from bot.exts.ask import AskCog
from bot.exts.browse import BrowseCog
from bot.exts.common import NO_MENTIONS, report_error
from bot.exts.faq import FaqCog
from bot.exts.i18n import FrenchTranslator
from bot.exts.review import ReviewCog
from bot.exts.views import PERSISTENT_ITEMS
from bot.wiring import open_service

log = logging.getLogger(__name__)

WATCH_INTERVAL = 2.0
"""Seconds between two looks at the answers folder."""
MISSING_TOKEN = (
    "DISCORD_TOKEN n'est pas défini : mets le jeton de ton application Discord dans .env (voir .env.example)."
)
REJECTED_TOKEN = "Discord a refusé DISCORD_TOKEN : vérifie le jeton dans le portail développeur (onglet Bot)."
UNREACHABLE = "Impossible de joindre Discord : vérifie la connexion réseau de cette machine."
SYNC_RETRY_FIRST = 1.0
"""Seconds before the first new attempt at a command sync Discord could not take (a 5xx
after discord.py's own five tries, or the network); doubled each time…"""
SYNC_RETRY_CAP = 60.0
"""…up to this: the bot waits out an outage of any length, looking again every minute."""
HTTP_CONNECTIONS = 100
"""Connections the bot keeps open to Discord's API at most (aiohttp's own default;
discord.py sets none). In a burst, requests take turns on connections already open
instead of each opening one: with no limit, a burst of 2,000 asks opened about 1,500
connections, and the p99 of the first response was about twice as long."""
INTENTS_REFUSED = "Discord refuse une intention privilégiée : ce bot n'en demande aucune, vérifie la version installée."


class FaqTree(app_commands.CommandTree):
    """The one error path for commands: known errors become a short ephemeral reply,
    everything else is logged with its traceback and the question id."""

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


class FaqBot(commands.Bot):
    """The FAQ bot: slash commands, mention/DM answers and live answers over one service."""

    def __init__(
        self, settings: Settings, service: Service, *, watch_interval: float = WATCH_INTERVAL, **options: Any
    ) -> None:
        if "connector" not in options:  # built here, in the running loop, as aiohttp wants
            options["connector"] = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),
            allowed_mentions=NO_MENTIONS,
            tree_cls=FaqTree,
            **options,
        )
        self.settings = settings
        self.service = service
        self.watch_interval = watch_interval
        self._watcher: asyncio.Task[None] | None = None
        self._reload_lock = asyncio.Lock()

    async def setup_hook(self) -> None:
        await self.tree.set_translator(FrenchTranslator())
        await self.add_cog(AskCog(self))
        await self.add_cog(BrowseCog(self))
        await self.add_cog(ReviewCog(self))
        await self.add_cog(FaqCog(self))
        self.add_dynamic_items(*PERSISTENT_ITEMS)
        await self.sync_commands_patiently()
        self._watcher = asyncio.create_task(self._watch_answers(), name="answers-watcher")

    async def sync_commands_patiently(self) -> None:
        """``sync_commands``, retried with a capped exponential backoff while Discord is
        down: an outage at start-up is waited out, not a reason to exit. Anything else
        (a rejected token, a refused payload) is raised at once."""
        delay = SYNC_RETRY_FIRST
        attempt = 1
        while True:
            try:
                await self.sync_commands()
                return
            except (discord.DiscordServerError, aiohttp.ClientError, OSError) as exc:
                log.warning(
                    "Synchronisation des commandes impossible (essai %d : %s) ; nouvel essai dans %.0f s",
                    attempt,
                    exc,
                    delay,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, SYNC_RETRY_CAP)
            attempt += 1

    async def sync_commands(self) -> None:
        """Sync to each guild of ``GUILD_IDS`` (instant), or globally (up to an hour).

        With ``GUILD_IDS``, commands left from an earlier global sync are removed: members
        would otherwise see every command twice in those servers.
        """
        if self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("%d commandes synchronisées sur le serveur %d", len(synced), guild_id)
            stale = await self.tree.fetch_commands()
            if stale:
                self.tree.clear_commands(guild=None)
                await self.tree.sync()
                log.info("%d commandes globales d'une synchronisation précédente retirées", len(stale))
        else:
            synced = await self.tree.sync()
            log.info("%d commandes synchronisées globalement (visibles d'ici une heure)", len(synced))

    async def on_ready(self) -> None:
        log.info(
            "Connecté en tant que %s (%s) sur %d serveur(s)",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions by mention or DM are handled by ``AskCog``."""

    async def reload_answers(self) -> list[Problem]:
        """Re-read the answers now; broken files keep their last good version."""
        async with self._reload_lock:
            return await self.service.reload()  # which logs each problem

    async def _watch_answers(self) -> None:
        """Poll the answers folder and reload when any file appears, changes or goes."""
        folder = self.settings.answers_dir
        seen = snapshot(folder)
        while True:
            await asyncio.sleep(self.watch_interval)
            try:
                current = snapshot(folder)
                if current != seen:
                    seen = current
                    log.info("Changement dans %s : rechargement des réponses", folder)
                    await self.reload_answers()
            except Exception:
                log.exception("Échec du rechargement automatique des réponses")

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await super().close()


async def serve(settings: Settings, *, install_signals: bool = True, **options: Any) -> int:
    """Run the bot until it stops or SIGINT/SIGTERM arrives; return the exit code.

    The database is closed whatever happens. A rejected token is one clear line.
    """
    if not settings.discord_token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 1
    service = await open_service(settings)
    bot = FaqBot(settings, service, **options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    if install_signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
                handled.append(sig)
    runner = asyncio.create_task(bot.start(settings.discord_token), name="discord-bot")
    stopper = asyncio.create_task(stop.wait(), name="stop-signal")
    code = 0
    try:
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("Arrêt demandé : déconnexion de Discord")
        await bot.close()
        try:
            await runner
        except discord.LoginFailure:
            print(REJECTED_TOKEN, file=sys.stderr)
            code = 1
        except discord.PrivilegedIntentsRequired:
            print(INTENTS_REFUSED, file=sys.stderr)
            code = 1
        except (OSError, aiohttp.ClientError) as exc:
            print(f"{UNREACHABLE} ({exc})", file=sys.stderr)
            code = 1
        except Exception:
            log.exception("Le bot s'est arrêté sur une erreur")
            code = 1
    finally:
        stopper.cancel()
        for sig in handled:
            loop.remove_signal_handler(sig)
        if not bot.is_closed():
            await bot.close()
        await service.close()
        log.info("Base de données fermée, au revoir")
    return code


def run_bot(settings: Settings) -> int:
    """``python -m bot run``: log through discord.py's handler, run, exit cleanly."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    discord.utils.setup_logging(level=settings.log_level_number, root=True)
    try:
        return asyncio.run(serve(settings))
    except KeyboardInterrupt:
        return 0
