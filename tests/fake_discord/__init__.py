"""A fake Discord (REST API + gateway websocket) on 127.0.0.1, for end-to-end tests.

``point_discord_py_at(fake)`` is the only link between discord.py and the fake: it sets
discord.py's two base URLs (the REST API and the gateway) and puts them back afterwards.
The fake runs in the test's own event loop, or in a process of its own
(``tests.fake_discord.process``, for the burst benchmark).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Protocol

import discord
import discord.gateway
import discord.http
import yarl

from tests.fake_discord.payloads import EPHEMERAL, FakeUser, pinged
from tests.fake_discord.server import TOKEN, FakeDiscord, FakeDiscordError, Fault, Injected, Msg, Sent

__all__ = [
    "EPHEMERAL",
    "TOKEN",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeUser",
    "Fault",
    "Injected",
    "Msg",
    "Sent",
    "pinged",
    "point_discord_py_at",
    "start_client",
]


class Endpoints(Protocol):
    """Where a fake Discord listens: a ``FakeDiscord``, or one in another process."""

    @property
    def base_url(self) -> str: ...

    @property
    def gateway_url(self) -> str: ...


@contextlib.contextmanager
def point_discord_py_at(fake: Endpoints) -> Iterator[None]:
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


async def start_client(client: discord.Client, token: str = TOKEN, timeout: float = 10.0) -> asyncio.Task[None]:
    """Log in, connect in a background task, and return that task once the client is READY.

    ``login`` runs first, in the caller's task: it is what prepares ``wait_until_ready``
    (and runs ``setup_hook``). Waiting for readiness before ``start()`` has had a chance
    to run only worked on Python 3.11, where ``wait_for`` wrapped the wait in a new task.
    A connection that fails before READY raises here instead of timing out.
    """
    await client.login(token)
    task = asyncio.create_task(client.connect(), name=f"{type(client).__name__}-connect")
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # the connection's own error
        task.cancel()
        raise TimeoutError(f"{type(client).__name__} not READY after {timeout} s")
    return task
