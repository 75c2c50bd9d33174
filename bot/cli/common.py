"""What the command groups share: the handler type, argument types and small formatting."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from bot.core.text_safety import for_terminal, sqlite_id

Handler = Callable[[Settings, argparse.Namespace], int]
"""Every command: the settings (built once by ``main``) and its own arguments, read only."""


def answers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answers", type=Path, metavar="DIR", help="dossier des réponses (défaut : ANSWERS_DIR)")


def number(raw: str) -> int:
    shown = for_terminal(raw)[:40]
    if not raw.strip().isascii() or not raw.strip().isdigit():
        raise argparse.ArgumentTypeError(f"« {shown} » n'est pas un numéro (des chiffres sont attendus)")
    if len(raw.strip()) > 19 or sqlite_id(int(raw)) is None:
        raise argparse.ArgumentTypeError(f"« {shown} » est trop grand pour être un numéro de question")
    return int(raw)


def count(raw: str) -> int:
    value = number(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("un nombre supérieur ou égal à 1 est attendu")
    return value


def when(moment: dt.datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M} UTC"


def times(n: int) -> str:
    return "1 fois" if n == 1 else f"{n} fois"
