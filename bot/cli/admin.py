"""Running and looking after the bot: ``run``, ``invite``, ``migrate``, ``backup`` and
``forget-user``."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.cli.common import number
from bot.config import Settings
from bot.wiring import open_service


def add_commands(commands: Any) -> None:
    run = commands.add_parser("run", help="lancer le bot sur Discord (DISCORD_TOKEN requis)")
    run.set_defaults(handler=cmd_run)

    invite = commands.add_parser(
        "invite",
        help="afficher le lien d'invitation du bot et à quoi sert chaque permission",
        description="Affiche le lien qui ajoute le bot à un serveur : portées bot et applications.commands, "
        "exactement les permissions dont il se sert (calculées par discord.py), et à quoi sert chacune. "
        "L'identifiant de l'application vient de DISCORD_APPLICATION_ID ; s'il n'est pas défini, il est lu "
        "dans DISCORD_TOKEN, dont la première partie est cet identifiant en base64. Rien n'est envoyé à Discord.",
    )
    invite.set_defaults(handler=cmd_invite, needs_answers=False)

    migrate = commands.add_parser("migrate", help="mettre à jour la base de données (DATABASE_PATH)")
    migrate.set_defaults(handler=cmd_migrate, needs_answers=False)

    backup = commands.add_parser(
        "backup",
        help="copier la base de données (DATABASE_PATH) dans un fichier, même bot en marche",
        description="Écrit dans FICHIER une copie cohérente de la base (DATABASE_PATH) par l'API de sauvegarde "
        "en ligne de SQLite : sans danger pendant que le bot tourne et écrit. La copie est vérifiée "
        "(PRAGMA integrity_check) avant de prendre le nom FICHIER, qu'elle remplace s'il existe. "
        "Pour restaurer : arrêter le bot, copier la sauvegarde à la place de DATABASE_PATH, relancer.",
    )
    backup.add_argument(
        "file", type=Path, metavar="FICHIER", help="fichier de la copie (ex. sauvegardes/bot-2026-12-01.sqlite3)"
    )
    backup.set_defaults(handler=cmd_backup, needs_answers=False)

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


def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    from bot.exts.invite import PERMISSIONS, SCOPES, invite_url, permissions

    application_id, origin = settings.application_id()
    print(f"Lien d'invitation du bot (application {application_id}, identifiant lu dans {origin}) :")
    print(invite_url(application_id))
    print("\nPortées :")
    for scope, why in SCOPES.items():
        print(f"  {scope} : {why}")
    print(f"\nPermissions (valeur {permissions().value}) :")
    for label, why in PERMISSIONS.values():
        print(f"  {label} : {why}")
    print(
        "\nAucune autre : ses réponses aux commandes slash et aux boutons passent par l'interaction, "
        "les messages privés ne demandent aucune permission, et il supprime ses propres messages sans "
        "« Gérer les messages »."
    )
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage.database import backup

    result = backup(settings.database_path, args.file)
    print(
        f"Sauvegarde de {settings.database_path} écrite dans {args.file} : {result.questions} question(s), "
        f"schéma en version {result.version}, intégrité vérifiée."
    )
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
