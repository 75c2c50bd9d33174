"""Settings: defaults that work, and one clear line naming a bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.errors import SettingsError
from tests.conftest import ROOT, env_example_names


def test_defaults_work_with_an_empty_environment(tmp_path: Path) -> None:
    (tmp_path / "answers").mkdir()
    settings = Settings.from_env({"ANSWERS_DIR": str(tmp_path / "answers")})
    assert settings.discord_token is None
    assert settings.database_path == Path("data") / "bot.sqlite3"
    assert settings.match_threshold is None and settings.suggest_threshold is None  # the tuned defaults
    assert settings.semantic == "auto"
    assert settings.vector_cache_path == Path("data") / "vectors.sqlite3"
    assert settings.retention_days == 0


def test_lists_of_ids_are_parsed(tmp_path: Path) -> None:
    settings = Settings.from_env({"GUILD_IDS": "123, 456", "MODERATOR_ROLE_IDS": "789"}, check_answers_dir=False)
    assert settings.guild_ids == (123, 456)
    assert settings.moderator_role_ids == (789,)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MATCH_THRESHOLD", "abc", "MATCH_THRESHOLD: un nombre entre 0 et 1 est attendu"),
        ("MATCH_THRESHOLD", "1.5", "MATCH_THRESHOLD: un nombre entre 0 et 1 est attendu"),
        ("RETENTION_DAYS", "-3", "RETENTION_DAYS: un nombre entier positif ou nul est attendu"),
        ("COOLDOWN_SECONDS", "vite", "COOLDOWN_SECONDS: un nombre positif ou nul est attendu"),
        ("GUILD_IDS", "12,abc", "GUILD_IDS: « abc » n'est pas un identifiant Discord"),
        ("LOG_LEVEL", "bavard", "LOG_LEVEL: un niveau parmi"),
        ("SEMANTIC", "peut-etre", "SEMANTIC: une valeur parmi auto, on, off"),
        ("ANSWERS_DIR", "/nulle/part", "ANSWERS_DIR: le dossier /nulle/part n'existe pas"),
    ],
)
def test_a_bad_setting_names_itself(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({name: value})
    assert str(error.value).startswith(message)


def test_suggest_threshold_cannot_exceed_match_threshold() -> None:
    with pytest.raises(SettingsError, match="SUGGEST_THRESHOLD"):
        Settings.from_env({"MATCH_THRESHOLD": "0.3", "SUGGEST_THRESHOLD": "0.5"}, check_answers_dir=False)


def test_env_example_lists_every_setting() -> None:
    assert env_example_names() == {
        "DISCORD_TOKEN",
        "DISCORD_APPLICATION_ID",
        "GUILD_IDS",
        "MODERATOR_ROLE_IDS",
        "ANSWERS_DIR",
        "DATABASE_PATH",
        "SEMANTIC",
        "VECTOR_CACHE_PATH",
        "MATCH_THRESHOLD",
        "SUGGEST_THRESHOLD",
        "COOLDOWN_SECONDS",
        "RETENTION_DAYS",
        "LOG_LEVEL",
    }
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    Settings.from_env(
        dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#")),
        check_answers_dir=False,
    )
