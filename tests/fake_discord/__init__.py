"""A fake Discord (REST API + gateway websocket) on 127.0.0.1, for end-to-end tests.

``point_discord_py_at(fake)`` is the only link between discord.py and the fake: it sets
discord.py's two base URLs (the REST API and the gateway) and puts them back afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import discord.gateway
import discord.http
import yarl

from tests.fake_discord.payloads import EPHEMERAL, FakeUser, pinged
from tests.fake_discord.server import TOKEN, FakeDiscord, FakeDiscordError, Injected, Msg, Sent

__all__ = [
    "EPHEMERAL",
    "TOKEN",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeUser",
    "Injected",
    "Msg",
    "Sent",
    "pinged",
    "point_discord_py_at",
]


@contextlib.contextmanager
def point_discord_py_at(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base URL and gateway URL at the fake, then restore them.

    A non-sharded client connects to ``DiscordWebSocket.DEFAULT_GATEWAY`` (it asks
    ``/gateway/bot`` only when sharding), so both base URLs are set here.
    """
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.base_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
