""" "Did you mean…": with a match threshold nothing reaches, every close question gets
suggestion buttons, which makes the flow testable whatever the matcher's tuning."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.app import FaqBot
from tests.e2e.conftest import World, start_world
from tests.fake_discord import FakeDiscord, point_discord_py_at, start_client

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async for value in start_world(tmp_path_factory.mktemp("suggest"), match_threshold=1.0, suggest_threshold=0.05):
        yield value


async def test_did_you_mean_then_pick_replaces_the_suggestions(world: World, fake: FakeDiscord) -> None:
    asker = world.new_member()
    reply = await (await fake.slash("ask", {"question": "combien gagne un community manager ?"}, user=asker)).reply()
    assert not reply.ephemeral
    assert 1 <= len(reply.buttons) <= 3
    assert "Tu voulais parler" in reply.text
    first = reply.buttons[0]
    picked = await fake.click(reply, first, user=asker)
    answer = await picked.reply()
    assert answer.id == reply.id  # edited in place
    assert answer.embeds[0]["title"] == first["label"]
    labels = [b.get("label") for b in answer.buttons]
    assert labels[:3] == ["Utile", "Pas vraiment", "Supprimer"]
    # The pick waits in the editors' queue, next to the question.
    desk = world.bot.service.desk
    question_id = int(first["custom_id"].split(":")[2])
    (record,) = [q for g in await desk.list(limit=100) for q in (await desk.show(g.id))[1] if q.id == question_id]
    assert record.picked_slug == first["custom_id"].split(":")[4]
    shown = await (await fake.slash("unanswered show", {"id": record.group_id}, user="carol")).reply()
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    title = world.bot.service.answer(record.picked_slug).shown_title
    assert fields["Choix des membres"] == f"1 membre a choisi *{title}* (`{record.picked_slug}`)"
    confirm = shown.button("(choisie par 1 membre)")  # the suggestion, or a button of its own
    assert confirm["custom_id"] == f"faq:resolve:{record.group_id}:{record.picked_slug}"
    assert f"→ `{record.picked_slug}`" in fields["Formulations"]
    # The votes count for the original question.
    before = await world.bot.service.desk.stats()
    await (await fake.click(answer, answer.button("Utile"), user=asker)).reply()
    assert (await world.bot.service.desk.stats()).helpful == before.helpful + 1


async def test_typing_the_number_of_a_choice_shows_it_even_within_the_cooldown(world: World, fake: FakeDiscord) -> None:
    """« 2 » in reply to "did you mean…" is the end of a question, not a new one: no
    cooldown, no new line for the editors, the pick noted as a click would note it."""
    asker = world.new_member()
    posted = "POST /channels/{channel_id}/messages"
    start = len(fake.sent)
    await fake.dm("comment trouver des clients ?", user=asker)
    offered = (await fake.wait_sent(lambda s: s.route == posted, start=start)).message
    assert offered is not None and len(offered.buttons) >= 2
    assert "2. " in offered.embeds[0]["description"]  # numbered, so that « 2 » means something
    second = offered.buttons[1]
    start = len(fake.sent)
    await fake.dm("le 2", user=asker)  # well within the 30 s cooldown
    shown = (await fake.wait_sent(lambda s: s.route == posted, start=start)).message
    assert shown is not None and shown.embeds[0]["title"] == second["label"]
    assert [b.get("label") for b in shown.buttons][:2] == ["Utile", "Pas vraiment"]
    question_id, slug = int(second["custom_id"].split(":")[2]), second["custom_id"].split(":")[4]
    record = await world.bot.service.desk.repository.question(question_id)
    assert record is not None and record.picked_slug == slug
    asked = [q for q in await world.bot.service.desk.repository.questions() if q.user_id == asker.id]
    assert [q.text for q in asked] == ["comment trouver des clients ?"]


async def test_someone_else_picking_gets_the_answer_privately(world: World, fake: FakeDiscord) -> None:
    asker, curious = world.new_member(), world.new_member()
    reply = await (
        await fake.slash("ask", {"question": "comment gérer un troll ?"}, user=asker, channel="entraide")
    ).reply()
    picked = await (await fake.click(reply, reply.buttons[0], user=curious)).reply()
    assert picked.ephemeral
    assert picked.id != reply.id
    assert reply.refresh().buttons == reply.buttons  # the asker's suggestions are untouched
    question_id = int(reply.buttons[0]["custom_id"].split(":")[2])
    desk = world.bot.service.desk
    records = [q for g in await desk.list(limit=100) for q in (await desk.show(g.id))[1] if q.id == question_id]
    assert [r.picked_slug for r in records] == [None]  # only the asker's own choice is a hint


async def test_buttons_still_work_after_a_restart(world: World, fake: FakeDiscord) -> None:
    """A new bot process (same database) handles clicks on messages the old one sent."""
    asker = world.new_member()
    reply = await (await fake.slash("ask", {"question": "quels outils pour planifier ?"}, user=asker)).reply()
    await world.bot.close()
    with point_discord_py_at(fake):
        fresh = FaqBot(world.settings, world.bot.service, watch_interval=0.1, guild_ready_timeout=0.05)
        task = await start_client(fresh)
        try:
            choice = reply.buttons[0]
            answer = await (await fake.click(reply, choice, user=asker)).reply()
            assert answer.embeds[0]["title"] == choice["label"]
        finally:
            await fresh.close()
            await task
