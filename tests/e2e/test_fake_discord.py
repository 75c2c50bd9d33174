"""The fake Discord itself: a real ``discord.Client`` logs in, gets READY, and what it
sends back to an injected interaction is recorded.

If these fail, every other end-to-end test is meaningless, so they come first.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
from discord import app_commands

from tests.fake_discord import TOKEN, FakeDiscord, point_discord_py_at, start_client

pytestmark = pytest.mark.asyncio(loop_scope="module")


class _Client(discord.Client):
    def __init__(self, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.guild = discord.Object(guild_id)
        self.seen: list[discord.Message] = []

        @self.tree.command(guild=self.guild)
        @app_commands.describe(word="a word to echo")
        async def echo(interaction: discord.Interaction, word: str) -> None:
            """Echo a word."""
            await interaction.response.send_message(f"{interaction.user.display_name}: {word}", ephemeral=True)

        @self.tree.command(guild=self.guild)
        async def slow(interaction: discord.Interaction) -> None:
            """Defer, then answer with a follow-up."""
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done")

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=self.guild)

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)
        if message.author != self.user:
            await message.channel.send(f"got {message.content!r}", allowed_mentions=discord.AllowedMentions.none())


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def raw_world() -> AsyncIterator[tuple[FakeDiscord, _Client]]:
    fake = await FakeDiscord().start()
    with point_discord_py_at(fake):
        client = _Client(fake.guild_id)
        task = await start_client(client)
        yield fake, client
        await client.close()
        await task
    await fake.close()


async def test_login_ready_and_guild(raw_world: tuple[FakeDiscord, _Client]) -> None:
    fake, client = raw_world
    assert client.user is not None and client.user.id == fake.bot.id
    guild = client.get_guild(fake.guild_id)
    assert guild is not None and guild.name == fake.guild_name
    assert {c.name for c in guild.text_channels} == {"general", "entraide"}
    assert "Modération" in {r.name for r in guild.roles}
    # discord.py asked for zlib-stream; the fake answers plain text frames, which it accepts.
    assert fake.gateway_queries[0].get("compress") == "zlib-stream"
    assert fake.gateway_queries[0].get("encoding") == "json"
    assert fake.commands[fake.guild_id][0]["name"] in {"echo", "slow"}
    assert fake.problems == []


async def test_interaction_callback_is_recorded(raw_world: tuple[FakeDiscord, _Client]) -> None:
    fake, _ = raw_world
    injected = await fake.slash("echo", {"word": "bonjour"}, user="alice")
    reply = await injected.reply()
    assert reply.content == "Alice: bonjour"
    assert reply.ephemeral
    assert fake.problems == []


async def test_deferred_then_followup(raw_world: tuple[FakeDiscord, _Client]) -> None:
    fake, _ = raw_world
    injected = await fake.slash("slow")
    callback = await injected.callback()
    assert callback.body["type"] == 5
    reply = await injected.reply()
    assert reply.content == "done"
    assert fake.problems == []


async def test_messages_mention_and_dm(raw_world: tuple[FakeDiscord, _Client]) -> None:
    fake, _ = raw_world
    await fake.post("salut", mention_bot=True)
    sent = await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages")
    assert sent.message is not None and "salut" in sent.message.content
    assert sent.message.pings == set()
    start = len(fake.sent)
    await fake.dm("coucou", user="dave")
    dm = await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=start)
    assert dm.message is not None and fake.dm_messages("dave")[0].content == "got 'coucou'"


async def test_unmentioned_message_has_no_content_without_the_intent(raw_world: tuple[FakeDiscord, _Client]) -> None:
    fake, client = raw_world
    before = len(client.seen)
    await fake.post("a secret")
    await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=len(fake.sent))
    assert client.seen[before].content == ""


async def test_unknown_interaction_and_limits_are_enforced(raw_world: tuple[FakeDiscord, _Client]) -> None:
    fake, client = raw_world
    too_long = discord.Embed(description="x" * 4097)
    channel = client.get_channel(fake.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embed=too_long)
    assert info.value.status == 400
    assert fake.problems and "4097 > 4096" in fake.problems[-1]
    fake.problems.clear()


async def test_wrong_token_is_refused() -> None:
    fake = await FakeDiscord().start()
    try:
        with point_discord_py_at(fake):
            client = discord.Client(intents=discord.Intents.default())
            with pytest.raises(discord.LoginFailure):
                await client.login("not-the-token")
            await client.close()
    finally:
        await fake.close()


async def test_privileged_intents_are_refused() -> None:
    fake = await FakeDiscord().start()
    try:
        with point_discord_py_at(fake):
            client = discord.Client(intents=discord.Intents.all())
            with pytest.raises(discord.PrivilegedIntentsRequired):
                await asyncio.wait_for(client.start(TOKEN), 10)
            await client.close()
    finally:
        await fake.close()
