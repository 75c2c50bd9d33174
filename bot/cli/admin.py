"""Running and looking after the bot: ``run``, ``migrate`` and ``forget-user``."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import number
from bot.config import Settings
from bot.wiring import open_service


def add_commands(commands: Any) -> None:
    run = commands.add_parser("run", help="lancer le bot sur Discord (DISCORD_TOKEN requis)")
    run.set_defaults(handler=cmd_run)

    migrate = commands.add_parser("migrate", help="mettre à jour la base de données (DATABASE_PATH)")
    migrate.set_defaults(handler=cmd_migrate, needs_answers=False)

    forget = commands.add_parser("forget-user", help="effacer les questions et votes d'un membre")
    forget.add_argument("user_id", type=number, metavar="USER_ID", help="identifiant Discord du membre")
    forget.set_defaults(handler=cmd_forget_user)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_bot

    return run_bot(settings)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage.database import migrate

    path = settings.database_path
    before, after = asyncio.run(migrate(path))
    if before == after:
        print(f"Base de données {path} déjà à jour (version {after}).")
    else:
        print(f"Base de données {path} mise à jour : version {before} → {after}.")
    return 0


def cmd_forget_user(settings: Settings, args: argparse.Namespace) -> int:
    async def forget() -> int:
        service = await open_service(settings)
        try:
            result = await service.desk.forget_user(args.user_id)
        finally:
            await service.close()
        print(
            f"Membre {args.user_id} oublié : {result.questions} question(s), {result.votes} vote(s) et "
            f"{result.phrasings} formulation(s) apprise(s) supprimés."
        )
        return 0

    return asyncio.run(forget())
