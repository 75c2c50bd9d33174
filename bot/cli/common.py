"""What the command groups share: the handler type, argument types and small formatting."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings

Handler = Callable[[Settings, argparse.Namespace], int]
"""Every command: the settings (built once by ``main``) and its own arguments, read only."""


def answers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answers", type=Path, metavar="DIR", help="dossier des réponses (défaut : ANSWERS_DIR)")


def number(raw: str) -> int:
    if not raw.strip().isdigit():
        raise argparse.ArgumentTypeError(f"« {raw} » n'est pas un numéro (des chiffres sont attendus)")
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
