"""Command registration: with ``GUILD_IDS`` the commands live in those servers only."""

from __future__ import annotations

from contextlib import aclosing
from pathlib import Path

from tests.e2e.conftest import start_world
from tests.fake_discord import FakeDiscord

GLOBAL_ROUTE = "PUT /applications/{application_id}/commands"


async def test_guild_sync_removes_commands_left_from_an_earlier_global_sync(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    fake.register_commands(None, [{"name": "ask", "description": "Ancienne version", "type": 1}])
    async with aclosing(start_world(tmp_path, fake=fake)) as worlds:
        world = await anext(worlds)
        assert fake.commands[None] == []  # /ask no longer shows twice
        assert sorted(c["name"] for c in fake.commands[fake.guild_id]) == [
            "answer",
            "ask",
            "faq",
            "topics",
            "unanswered",
        ]
        reply = await (await fake.slash("ask", {"question": "combien gagne un CM ?"}, user=world.new_member())).reply()
        assert reply.embeds  # and /ask still answers in the guild


async def test_guild_sync_leaves_global_commands_alone_when_there_are_none(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    async with aclosing(start_world(tmp_path, fake=fake)) as worlds:
        await anext(worlds)
        assert GLOBAL_ROUTE not in [sent.route for sent in fake.sent]
        assert fake.commands.get(None, []) == []
