"""The one settings object, read from the environment (and a ``.env`` file) at start.

Settings are built once, in the CLI, and passed down: nothing else reads ``os.environ``.
Every problem names the setting so that a bad ``.env`` is fixed in one look.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.core.errors import SettingsError

T = TypeVar("T")

DEFAULT_ANSWERS_DIR = Path("answers")
DEFAULT_DATABASE_PATH = Path("data") / "bot.sqlite3"
DEFAULT_VECTOR_CACHE_PATH = Path("data") / "vectors.sqlite3"
SEMANTIC_MODES = ("auto", "on", "off")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Settings:
    """Everything the bot can be told through its environment; see ``.env.example``."""

    discord_token: str | None = None
    discord_application_id: int | None = None
    """``None``: read from ``DISCORD_TOKEN`` when needed (see ``application_id``)."""
    guild_ids: tuple[int, ...] = ()
    moderator_role_ids: tuple[int, ...] = ()
    answers_dir: Path = DEFAULT_ANSWERS_DIR
    database_path: Path = DEFAULT_DATABASE_PATH
    match_threshold: float | None = None
    """``None``: the default of the side that scores (``bot.core.matching.tuning``)."""
    suggest_threshold: float | None = None
    semantic: str = "auto"
    vector_cache_path: Path = DEFAULT_VECTOR_CACHE_PATH
    cooldown_seconds: float = 10.0
    retention_days: int = 0
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, check_answers_dir: bool = True) -> Settings:
        """Build and validate the settings; raise ``SettingsError`` naming the bad one."""

        def get(name: str) -> str | None:
            value = env.get(name)
            if value is None or not value.strip():
                return None
            return value.strip()

        def parse(name: str, convert: Callable[[str], T], default: T) -> T:
            raw = get(name)
            if raw is None:
                return default
            try:
                return convert(raw)
            except ValueError as exc:
                raise SettingsError(f"{name}: {exc} (valeur reçue : {raw!r})") from None

        settings = cls(
            discord_token=get("DISCORD_TOKEN"),
            discord_application_id=parse("DISCORD_APPLICATION_ID", _snowflake, None),
            guild_ids=parse("GUILD_IDS", _ids, ()),
            moderator_role_ids=parse("MODERATOR_ROLE_IDS", _ids, ()),
            answers_dir=parse("ANSWERS_DIR", Path, DEFAULT_ANSWERS_DIR),
            database_path=parse("DATABASE_PATH", Path, DEFAULT_DATABASE_PATH),
            match_threshold=parse("MATCH_THRESHOLD", _unit_float, None),
            suggest_threshold=parse("SUGGEST_THRESHOLD", _unit_float, None),
            semantic=parse("SEMANTIC", _semantic_mode, "auto"),
            vector_cache_path=parse("VECTOR_CACHE_PATH", Path, DEFAULT_VECTOR_CACHE_PATH),
            cooldown_seconds=parse("COOLDOWN_SECONDS", _non_negative_float, 10.0),
            retention_days=parse("RETENTION_DAYS", _non_negative_int, 0),
            log_level=parse("LOG_LEVEL", _log_level, "INFO"),
        )
        if (
            settings.suggest_threshold is not None
            and settings.match_threshold is not None
            and settings.suggest_threshold > settings.match_threshold
        ):
            raise SettingsError(
                f"SUGGEST_THRESHOLD: doit être inférieur ou égal à MATCH_THRESHOLD "
                f"({settings.suggest_threshold} > {settings.match_threshold})"
            )
        if check_answers_dir:
            settings.check_answers_dir(settings.answers_dir)
        if settings.database_path.exists() and settings.database_path.is_dir():
            raise SettingsError(f"DATABASE_PATH: {settings.database_path} est un dossier, pas un fichier")
        if settings.vector_cache_path.exists() and settings.vector_cache_path.is_dir():
            raise SettingsError(f"VECTOR_CACHE_PATH: {settings.vector_cache_path} est un dossier, pas un fichier")
        return settings

    @staticmethod
    def check_answers_dir(path: Path) -> None:
        if not path.is_dir():
            raise SettingsError(f"ANSWERS_DIR: le dossier {path} n'existe pas")

    def application_id(self) -> tuple[int, str]:
        """The Discord application's id, and the setting it came from.

        ``DISCORD_APPLICATION_ID`` when set; otherwise the first segment of
        ``DISCORD_TOKEN``, which is the bot user's id in base64: the application's id too,
        except for some very old applications, whose owners set the id instead."""
        if self.discord_application_id is not None:
            return self.discord_application_id, "DISCORD_APPLICATION_ID"
        if not self.discord_token:
            raise SettingsError(
                "DISCORD_APPLICATION_ID: non défini, et pas de DISCORD_TOKEN d'où le lire "
                "(portail développeur Discord > General Information > Application ID)"
            )
        return _id_from_token(self.discord_token), "DISCORD_TOKEN"

    @property
    def log_level_number(self) -> int:
        return logging.getLevelName(self.log_level)


def _ids(raw: str) -> tuple[int, ...]:
    ids = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(f"« {part} » n'est pas un identifiant Discord (des chiffres séparés par des virgules)")
        ids.append(int(part))
    return tuple(ids)


def _snowflake(raw: str) -> int:
    if not raw.isdigit() or not 15 <= len(raw) <= 20:
        raise ValueError("un identifiant Discord est attendu (15 à 20 chiffres)")
    return int(raw)


def _id_from_token(token: str) -> int:
    first = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), altchars=b"-_", validate=True).decode("ascii")
        return _snowflake(decoded)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise SettingsError(
            "DISCORD_TOKEN: ce jeton ne commence pas par l'identifiant de l'application ; "
            "définis DISCORD_APPLICATION_ID (portail développeur > General Information > Application ID)"
        ) from None


def _unit_float(raw: str) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ValueError("un nombre entre 0 et 1 est attendu") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError("un nombre entre 0 et 1 est attendu")
    return value


def _non_negative_float(raw: str) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ValueError("un nombre positif ou nul est attendu") from None
    if value < 0 or value != value:
        raise ValueError("un nombre positif ou nul est attendu")
    return value


def _non_negative_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("un nombre entier positif ou nul est attendu") from None
    if value < 0:
        raise ValueError("un nombre entier positif ou nul est attendu")
    return value


def _semantic_mode(raw: str) -> str:
    mode = raw.lower()
    if mode not in SEMANTIC_MODES:
        raise ValueError(f"une valeur parmi {', '.join(SEMANTIC_MODES)} est attendue")
    return mode


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"un niveau parmi {', '.join(LOG_LEVELS)} est attendu")
    return level
