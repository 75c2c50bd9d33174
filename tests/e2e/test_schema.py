"""The commands the bot registers, checked against a recorded schema.

A change to any command (name, option, description, French localisation, permission)
fails this test until the recording is updated on purpose:
``UPDATE_COMMAND_SCHEMA=1 pytest tests/e2e/test_schema.py``, then review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.fake_discord import FakeDiscord

pytestmark = pytest.mark.asyncio(loop_scope="module")

RECORDED = Path(__file__).with_name("commands_schema.json")
VOLATILE = {"id", "application_id", "version", "guild_id"}


def normalise(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in sorted(value.items()) if k not in VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return sorted((clean(c) for c in commands), key=lambda c: c["name"])


async def test_registered_commands_match_the_recording(fake: FakeDiscord) -> None:
    registered = normalise(fake.commands[fake.guild_id])
    if os.environ.get("UPDATE_COMMAND_SCHEMA"):
        RECORDED.write_text(json.dumps(registered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert registered == recorded, "commands changed: update tests/e2e/commands_schema.json (see module docstring)"


async def test_every_name_and_description_has_french(fake: FakeDiscord) -> None:
    def walk(node: dict[str, Any]) -> None:
        assert node.get("name_localizations", {}).get("fr"), node["name"]
        if "description" in node:
            assert node.get("description_localizations", {}).get("fr"), node["name"]
        for choice in node.get("choices") or []:
            assert choice.get("name_localizations", {}).get("fr"), choice
        for option in node.get("options") or []:
            walk(option)

    assert fake.command_names() == ["answer", "ask", "faq", "topics", "unanswered"]
    for command in fake.commands[fake.guild_id]:
        walk(command)
