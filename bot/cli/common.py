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
    """A number, with or without the ``#`` that ``unanswered list`` prints before it."""
    shown = for_terminal(raw)[:40]
    digits = raw.strip().removeprefix("#").strip()
    if not digits.isascii() or not digits.isdigit():
        raise argparse.ArgumentTypeError(
            f"« {shown} » n'est pas un numéro (des chiffres sont attendus, avec ou sans #)"
        )
    if len(digits) > 19 or sqlite_id(int(digits)) is None:
        raise argparse.ArgumentTypeError(f"« {shown} » est trop grand pour être un numéro de question")
    return int(digits)


def count(raw: str) -> int:
    value = number(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("un nombre supérieur ou égal à 1 est attendu")
    return value


def when(moment: dt.datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M} UTC"


def times(n: int) -> str:
    return "1 fois" if n == 1 else f"{n} fois"


ARGPARSE_FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "argument(s) obligatoire(s) manquant(s) : %s",
    "unrecognized arguments: %s": "argument(s) inconnu(s) : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "invalid choice: %(value)r, choose from %(choices)s": "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut être %(matches)s",
    "not allowed with argument %s": "impossible avec l'argument %s",
    "one of the arguments %s is required": "un des arguments %s est obligatoire",
    "ignored explicit argument %r": "valeur ignorée : %r",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
"""argparse's own words (usage, help, errors), in the language of the rest of the CLI."""


def speak_french() -> None:
    """Make argparse print its usage lines, help and errors in French.

    argparse looks every message up through its module's ``_`` (gettext) when it prints:
    this routes the lookup through ``ARGPARSE_FRENCH``, leaving any message it does not
    know as it is. Only the CLI calls this; nothing else in the process uses argparse."""

    def translate(message: str) -> str:
        return ARGPARSE_FRENCH.get(message, message)

    argparse._ = translate  # type: ignore[attr-defined]
