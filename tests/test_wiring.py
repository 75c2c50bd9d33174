"""Start-up from the settings: what ``open_service`` leaves behind for the rest of the run."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.storage.database import DatabaseUnavailable
from bot.wiring import open_service
from tests.conftest import ANSWERS


def _settings(tmp_path: Path, database: Path | None = None) -> Settings:
    answers = tmp_path / "answers"
    if not answers.exists():
        shutil.copytree(ANSWERS, answers)
    return Settings(answers_dir=answers, database_path=database or tmp_path / "bot.sqlite3", semantic="off")


async def test_after_a_start_garbage_is_collected_again(tmp_path: Path) -> None:
    """Start-up pauses the collector; a bot that kept it paused would grow until killed."""
    service = await open_service(_settings(tmp_path))
    try:
        assert gc.isenabled()
        assert service.library.answers
    finally:
        await service.close()


async def test_after_a_failed_start_garbage_is_collected_again(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(DatabaseUnavailable):
        await open_service(_settings(tmp_path, database=folder))
    assert gc.isenabled()
