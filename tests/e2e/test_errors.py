"""When something breaks for real (here: the database goes away), the member gets a
short apology and the log gets the traceback with the question id. Never silence."""

from __future__ import annotations

import logging

import pytest

from bot.exts.common import APOLOGY
from tests.e2e.conftest import World
from tests.fake_discord import FakeDiscord

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_failure_is_apologised_for_and_logged_with_the_question_id(
    world: World, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    member = world.new_member()
    answer = await (await fake.slash("ask", {"question": "combien gagne un community manager ?"}, user=member)).reply()
    question_id = int(answer.button("Utile")["custom_id"].split(":")[2])
    await world.bot.service.close()  # the database is gone from now on

    with caplog.at_level(logging.ERROR, logger="bot"):
        vote = await (await fake.click(answer, answer.button("Utile"), user=member)).reply()
        assert vote.ephemeral and vote.content == APOLOGY
        asked = await (await fake.slash("ask", {"question": "quels outils ?"}, user=world.new_member())).reply()
        assert asked.ephemeral and asked.content == APOLOGY
        start = len(fake.sent)
        await fake.post("comment devenir CM ?", user=world.new_member(), mention_bot=True)
        reply = await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=start)
        assert reply.body["content"] == APOLOGY

    records = [r for r in caplog.records if r.exc_info]
    assert any(f"question {question_id}" in r.getMessage() for r in records)
    assert len(records) >= 3
