"""``python -m bot run`` for real: a separate process whose only link to the fake is
discord.py's two base URLs; it connects, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.app import MISSING_TOKEN, REJECTED_TOKEN
from tests.conftest import ANSWERS, ROOT, child_env
from tests.fake_discord import TOKEN, FakeDiscord

SCRIPT = """
import sys
from pathlib import Path

import discord.gateway
import discord.http
import yarl

discord.http.Route.BASE = sys.argv[1]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])

from bot.app import run_bot
from bot.config import Settings

settings = Settings(
    discord_token=sys.argv[3],
    guild_ids=(int(sys.argv[4]),),
    answers_dir=Path(sys.argv[5]),
    database_path=Path(sys.argv[6]),
    semantic="off",
)
sys.exit(run_bot(settings))
"""


async def launch(fake: FakeDiscord, token: str, tmp_path: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", SCRIPT, fake.base_url, fake.gateway_url, token, str(fake.guild_id), str(ANSWERS),
        str(tmp_path / "bot.sqlite3"),
        cwd=ROOT,
        env=child_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_run_connects_syncs_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    try:
        process = await launch(fake, TOKEN, tmp_path)
        await fake.wait_connected(timeout=30)
        await fake.wait_sent(lambda s: s.route.startswith("PUT /applications/"), timeout=10)
        assert fake.identify_payloads[0]["intents"] & ((1 << 1) | (1 << 8) | (1 << 15)) == 0  # no privileged intent
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()
        text = stderr.decode()
        assert "Base de données fermée" in text
        assert "Traceback" not in text
        assert fake.problems == []
    finally:
        await fake.close()


async def test_rejected_token_is_one_clear_line(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    try:
        process = await launch(fake, "not-the-token", tmp_path)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 1
        text = stderr.decode()
        assert REJECTED_TOKEN in text.splitlines()
        assert "Traceback" not in text
    finally:
        await fake.close()


def test_missing_token_is_one_clear_line(run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    result = run_cli("run")
    assert result.returncode == 1
    assert result.stderr.strip() == MISSING_TOKEN
