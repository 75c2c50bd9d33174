"""The guard that keeps every test on 127.0.0.1 really stops what tries to leave."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator

import discord
import pytest

from tests import network_guard
from tests.conftest import ROOT, child_env
from tests.fake_discord import TOKEN

OUTSIDE = ("192.0.2.1", 443)
"""TEST-NET-1: an address outside the machine that nobody answers anyway."""


@pytest.fixture
def blocked() -> Iterator[list[str]]:
    """What the test under way tried; forgotten afterwards, since trying is the point here."""
    start = len(network_guard.attempts)
    yield network_guard.attempts
    del network_guard.attempts[start:]


def test_a_plain_socket_cannot_connect_outside(blocked: list[str]) -> None:
    with pytest.raises(network_guard.NetworkBlocked), socket.socket() as sock:
        sock.connect(OUTSIDE)
    assert blocked[-1] == "192.0.2.1:443"


async def test_asyncio_cannot_even_look_up_discord(blocked: list[str]) -> None:
    with pytest.raises(network_guard.NetworkBlocked):
        await asyncio.open_connection("discord.com", 443)
    assert blocked[-1] == "discord.com:443"


async def test_a_discord_client_left_pointing_at_discord_is_stopped(blocked: list[str]) -> None:
    """What a leftover task would do: log in with the test token against the real API."""
    client = discord.Client(intents=discord.Intents.default())
    try:
        with pytest.raises(network_guard.NetworkBlocked):
            await client.login(TOKEN)
    finally:
        await client.close()
    assert blocked and blocked[-1].startswith("discord.com")


def test_the_loopback_still_works(blocked: list[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server, socket.create_connection(server.getsockname()):
        pass
    assert network_guard.is_loopback("localhost") and network_guard.is_loopback("::1")
    assert not network_guard.is_loopback("discord.com") and not network_guard.is_loopback("10.0.0.1")


def test_programs_started_by_tests_are_guarded_too() -> None:
    script = "import socket; socket.create_connection(('192.0.2.1', 443), timeout=1)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=60
    )
    assert result.returncode == 1
    assert "NetworkBlocked: a test tried to reach 192.0.2.1:443" in result.stderr
