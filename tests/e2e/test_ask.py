"""Members asking: ``/ask``, ``/answer``, mentions and DMs, against the real bot."""

from __future__ import annotations

import pytest

from tests.fake_discord import FakeDiscord, FakeUser

pytestmark = pytest.mark.asyncio(loop_scope="module")

SALARY = "combien gagne un community manager ?"


async def test_ask_answers_with_an_embed_and_buttons(fake: FakeDiscord, member: FakeUser) -> None:
    injected = await fake.slash("ask", {"question": SALARY}, user=member, channel="entraide")
    reply = await injected.reply()
    assert not reply.ephemeral
    assert reply.embeds[0]["title"] == "Combien gagne un community manager ?"
    assert len(reply.embeds[0]["description"]) > 200
    labels = [b.get("label") for b in reply.buttons]
    assert labels == ["Utile", "Pas vraiment", "Supprimer"]
    assert reply.pings == set()
