"""The command line: ``python -m bot <command>``.

This is the only place that reads the environment, configures logging and prints. Each
group of commands lives in its own module (``answers``, ``review``, ``admin``) and adds
its subcommands with a ``handler(settings, args) -> int``; ``main`` builds the settings
once and runs the handler. Every command goes through ``bot.wiring``, as Discord does, so
the console answers exactly as the bot does. User mistakes end with one clear line,
never a traceback; a closed pipe (``show … | head``) ends quietly.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import load_dotenv

from bot import __version__
from bot.cli import admin, answers, review
from bot.cli.common import Handler, speak_french
from bot.config import Settings
from bot.core.errors import BotError, DatabaseUnavailable, SettingsError
from bot.core.text_safety import for_terminal

log = logging.getLogger(__name__)

CLOSED_PIPE_EXIT = 141
"""What a Unix tool reports when the reader of its output went away (128 + SIGPIPE)."""


def build_parser() -> argparse.ArgumentParser:
    speak_french()
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Un bot Discord qui répond aux questions sur le métier de community manager. "
        "Sans commande : se connecte à Discord si DISCORD_TOKEN est défini, sinon ouvre la console.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="afficher la version et quitter"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", title="commandes")
    for group in (admin, answers, review):
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    load_dotenv(Path.cwd() / ".env")
    try:
        settings = Settings.from_env(os.environ, check_answers_dir=False)
        if getattr(args, "answers", None) is not None:
            settings = dataclasses.replace(settings, answers_dir=args.answers)
        if getattr(args, "needs_answers", True):
            settings.check_answers_dir(settings.answers_dir)
    except SettingsError as exc:
        print(f"Réglage invalide — {exc}", file=sys.stderr)
        return 2
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        handler = admin.cmd_run if settings.discord_token else answers.cmd_default_console
    # The console and one-shot commands speak to a person: only warnings, unless asked.
    quiet = handler is not admin.cmd_run and not os.environ.get("LOG_LEVEL")
    logging.basicConfig(
        level="WARNING" if quiet else settings.log_level,
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        code = handler(settings, args)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return CLOSED_PIPE_EXIT
    except SettingsError as exc:
        print(f"Réglage invalide — {exc}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:
        # Where the database should be is a setting: say which, as for every other one.
        print(f"Réglage invalide — DATABASE_PATH: {exc}", file=sys.stderr)
        return 2
    except BotError as exc:
        print(f"Erreur : {for_terminal(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """The reader is gone: point stdout at /dev/null so the final flush at exit is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


__all__ = ["build_parser", "main"]
