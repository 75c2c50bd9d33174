"""Members asking: ``/ask``, ``/answer``, mentions and DMs, against the real bot."""

from __future__ import annotations

import pytest

from bot.core.models import Asker
from bot.core.typography import typeset
from bot.exts.ask import REPEATED_NOTE, REPEATED_NOTE_DM
from bot.exts.delivery import ALSO_LINE, POINTER_UP
from tests.e2e.conftest import GREETED_QUESTION, LONG_QUESTION, World, action_labels
from tests.fake_discord import FakeDiscord, FakeUser

pytestmark = pytest.mark.asyncio(loop_scope="module")

SALARY = "combien gagne un community manager ?"
SALARY_TITLE = typeset("Combien gagne un community manager ?")  # as members read it
UNKNOWN = "zorglub wxqz blorf ?"


async def test_ask_answers_publicly_with_an_embed_and_buttons(fake: FakeDiscord, member: FakeUser) -> None:
    injected = await fake.slash("ask", {"question": SALARY}, user=member, channel="entraide")
    reply = await injected.reply()
    assert not reply.ephemeral
    assert reply.embeds[0]["title"] == SALARY_TITLE
    assert len(reply.embeds[0]["description"]) > 200
    assert action_labels(reply) == ["Utile", "Pas vraiment", "Supprimer"]
    assert reply.pings == set()


async def test_private_ask_is_ephemeral_without_a_delete_button(fake: FakeDiscord, member: FakeUser) -> None:
    injected = await fake.slash("ask", {"question": "comment gérer les trolls ?", "private": True}, user=member)
    reply = await injected.reply()
    assert reply.ephemeral
    assert action_labels(reply) == ["Utile", "Pas vraiment"]


async def test_for_member_pings_that_member_only(world: World, fake: FakeDiscord, member: FakeUser) -> None:
    target = world.new_member("Cible")
    role = fake.roles["Modération"].id
    question = f"@everyone @here <@&{role}> comment trouver des clients en freelance ?"
    injected = await fake.slash("ask", {"question": question, "for": target}, user=member, channel="entraide")
    reply = await injected.reply()
    assert reply.content.startswith(f"<@{target.id}>")
    assert member.global_name in reply.content
    assert reply.pings == {f"user:{target.id}"}


async def test_for_member_addresses_them_but_records_and_forgets_the_asker(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    target = world.new_member("Cible")
    injected = await fake.slash("ask", {"question": GREETED_QUESTION, "for": target}, user=member)
    reply = await injected.reply()
    assert reply.embeds[0]["description"] == f"Bonjour {target.global_name}\u202f!"
    question_id = int(reply.button("Utile")["custom_id"].split(":")[2])
    repository = world.bot.service.desk.repository
    stored = await repository.question(question_id)
    assert stored is not None
    assert (stored.user_id, stored.display_name) == (member.id, member.global_name)
    await world.bot.service.desk.forget_user(member.id)
    assert await repository.question(question_id) is None


async def test_for_member_is_named_on_every_part_of_a_private_long_answer(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    """The parts of a private answer are rendered again at each turn, for the member the
    answer speaks to (``/ask for:``), not for the asker who clicks."""
    target = world.new_member("Cible")
    injected = await fake.slash("ask", {"question": LONG_QUESTION, "private": True, "for": target}, user=member)
    reply = await injected.reply()
    await injected.settle(quiet=0.3)
    current = reply
    while not current.button("Suite").get("disabled"):
        click = await fake.click(current, current.button("Suite"), user=member)
        await click.settle(quiet=0.1, timeout=15)
        current = reply.refresh()
    assert f"Bon courage, {target.global_name}" in current.text
    assert member.global_name not in current.text


async def test_everyone_in_a_question_pings_nobody(fake: FakeDiscord, member: FakeUser) -> None:
    injected = await fake.slash("ask", {"question": "@everyone " + UNKNOWN}, user=member)
    reply = await injected.reply()
    assert reply.pings == set()
    assert "@everyone" not in reply.content


async def test_unanswered_question_gets_a_kind_private_reply(world: World, fake: FakeDiscord, member: FakeUser) -> None:
    before = await world.bot.service.desk.list()
    injected = await fake.slash("ask", {"question": "zorglub wxqz kryptonite ?"}, user=member)
    reply = await injected.reply()
    assert reply.ephemeral
    assert "équipe de rédaction" in reply.content
    after = await world.bot.service.desk.list()
    assert sum(g.count for g in after) == sum(g.count for g in before) + 1


async def test_cooldown_stops_a_second_question_kindly(world: World, fake: FakeDiscord, member: FakeUser) -> None:
    first = await fake.slash("ask", {"question": "quels outils utiliser ?"}, user=member)
    await first.reply()
    stats = await world.bot.service.desk.stats()
    second = await fake.slash("ask", {"question": "et pour la journée type ?"}, user=member)
    reply = await second.reply()
    assert reply.ephemeral
    assert reply.content.startswith("Doucement")
    assert (await world.bot.service.desk.stats()).questions == stats.questions


async def test_same_answer_twice_in_a_minute_goes_private(world: World, fake: FakeDiscord) -> None:
    first, second = world.new_member(), world.new_member()
    question = "c'est quoi exactement le métier de community manager ?"
    public = await (await fake.slash("ask", {"question": question}, user=first, channel="general")).reply()
    assert not public.ephemeral
    repeat = await (await fake.slash("ask", {"question": question}, user=second, channel="general")).reply()
    assert repeat.ephemeral
    assert repeat.content == REPEATED_NOTE
    assert repeat.embeds[0]["title"] == public.embeds[0]["title"]
    # Another channel is another audience: public again.
    other = await (await fake.slash("ask", {"question": question}, user=world.new_member(), channel="entraide")).reply()
    assert not other.ephemeral


async def test_vote_buttons_record_the_vote(world: World, fake: FakeDiscord, member: FakeUser) -> None:
    reply = await (await fake.slash("ask", {"question": "comment mesurer mes résultats ?"}, user=member)).reply()
    before = await world.bot.service.desk.stats()
    ack = await (await fake.click(reply, reply.button("Utile"), user=member)).reply()
    assert ack.ephemeral and "Merci" in ack.content
    voter = world.new_member()
    await (await fake.click(reply, reply.button("Pas vraiment"), user=voter)).reply()
    after = await world.bot.service.desk.stats()
    assert (after.votes, after.helpful) == (before.votes + 2, before.helpful + 1)


async def test_delete_button_for_the_asker_and_moderators_only(world: World, fake: FakeDiscord) -> None:
    asker = world.new_member()
    reply = await (await fake.slash("ask", {"question": "comment trouver des idées de posts ?"}, user=asker)).reply()
    refused = await (await fake.click(reply, reply.button("Supprimer"), user="dave")).reply()
    assert refused.ephemeral and "Seule la personne" in refused.content
    assert not reply.refresh().deleted
    click = await fake.click(reply, reply.button("Supprimer"), user=asker)
    await click.settle()
    assert reply.refresh().deleted

    other = await (
        await fake.slash("ask", {"question": "comment gérer les critiques ?"}, user=world.new_member())
    ).reply()
    moderator = await fake.click(other, other.button("Supprimer"), user="carol")  # by role
    await moderator.settle()
    assert other.refresh().deleted


async def test_answer_command_with_autocomplete(fake: FakeDiscord, member: FakeUser) -> None:
    choices = await (await fake.autocomplete("answer", {"topic": "sal"}, focused="topic", user=member)).choices()
    assert {"name": SALARY_TITLE, "value": "salaire"} in choices
    everything = await (await fake.autocomplete("answer", {"topic": ""}, focused="topic", user=member)).choices()
    assert 10 < len(everything) <= 25
    reply = await (await fake.slash("answer", {"topic": "salaire"}, user=member, channel="entraide")).reply()
    assert reply.embeds[0]["title"] == SALARY_TITLE
    assert action_labels(reply) == ["Supprimer"]


async def test_answer_with_an_unknown_topic_says_so(fake: FakeDiscord, member: FakeUser) -> None:
    reply = await (await fake.slash("answer", {"topic": "n-existe-pas"}, user=member)).reply()
    assert reply.ephemeral
    assert reply.content == "Aucune réponse ne porte l'identifiant « n-existe-pas »"


async def test_long_answer_is_split_within_discord_limits(fake: FakeDiscord, member: FakeUser, world: World) -> None:
    injected = await fake.slash("answer", {"topic": "guide-tres-long"}, user=member)
    await injected.settle()
    messages = injected.shown
    assert len(messages) >= 3
    # The first part is the response; the next ones are channel messages (with a nonce).
    assert [m.id for m in injected.messages] == [messages[0].id]
    descriptions = [e["description"] for m in messages for e in m.embeds]
    rendered = world.bot.service.show("guide-tres-long", Asker(display_name=member.global_name)).answer
    assert rendered is not None
    body = rendered.body
    assert "\n\n".join(descriptions) == body.strip()
    assert all(d.startswith("Paragraphe") for d in descriptions)  # split at paragraph boundaries
    assert messages[0].embeds[0]["title"].startswith("Le guide très long")
    assert messages[0].embeds[0]["url"] == "https://example.org/guide-long"
    assert all(not m.buttons for m in messages[:-1])
    last = messages[-1]
    assert action_labels(last) == ["Supprimer", "Source"]
    assert last.embeds[-1]["footer"]["text"] == "La rédaction"
    # Deleting the last part removes every part.
    await (await fake.click(last, last.button("Supprimer"), user=member)).settle()
    assert all(m.refresh().deleted for m in messages)


async def test_mention_is_answered_in_the_channel(fake: FakeDiscord, member: FakeUser) -> None:
    start = len(fake.sent)
    posted = await fake.post("@everyone comment devenir community manager ?", user=member, mention_bot=True)
    sent = await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=start)
    assert sent.message is not None
    assert int(sent.body["message_reference"]["message_id"]) == int(posted["id"])
    assert sent.message.embeds[0]["title"]
    assert sent.message.pings == set()


async def test_dm_is_answered_in_the_dm(fake: FakeDiscord, member: FakeUser) -> None:
    start = len(fake.sent)
    await fake.dm("combien gagne un CM freelance ?", user=member)
    sent = await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=start)
    assert sent.message is not None
    assert fake.dm_messages(member)[0].id == sent.message.id
    assert sent.message.embeds
    assert "Supprimer" not in [b.get("label") for b in sent.message.buttons]


async def test_repeated_mention_answer_goes_to_dm(world: World, fake: FakeDiscord) -> None:
    question = "comment concilier vie pro et vie perso ?"
    first, second = world.new_member(), world.new_member()
    start = len(fake.sent)
    await fake.post(question, user=first, mention_bot=True, channel="general")
    await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=start)
    start = len(fake.sent)
    await fake.post(question, user=second, mention_bot=True, channel="general")
    opened = await fake.wait_sent(lambda s: s.route == "POST /users/@me/channels", start=start)
    assert int(opened.body["recipient_id"]) == second.id
    await fake.wait_sent(
        lambda s: s.route == "POST /channels/{channel_id}/messages" and bool(s.body.get("embeds")), start=start
    )
    (dm,) = fake.dm_messages(second)
    assert dm.content == REPEATED_NOTE_DM
    assert dm.embeds[0]["title"]
    assert "Supprimer" not in [b.get("label") for b in dm.buttons]


async def test_unmentioned_messages_are_ignored(fake: FakeDiscord, member: FakeUser) -> None:
    start = len(fake.sent)
    await fake.post(SALARY, user=member)
    await fake.post("ping", user=member)  # a second message, to know the first was processed
    await fake.dm("merci !", user=member)
    await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=start)
    posted = [s for s in fake.sent[start:] if s.route == "POST /channels/{channel_id}/messages"]
    assert all(int(s.path.split("/")[2]) == fake.dm_channels[member.id].id for s in posted)


async def test_repeated_mention_answer_for_a_member_who_refuses_dms_points_upwards(
    world: World, fake: FakeDiscord
) -> None:
    question = "comment gérer les critiques négatives ?"
    first, second = world.new_member(), world.new_member()
    fake.closed_dms.add(second.id)
    start = len(fake.sent)
    await fake.post(question, user=first, mention_bot=True, channel="entraide")
    await fake.wait_sent(lambda s: s.route == "POST /channels/{channel_id}/messages", start=start)
    start = len(fake.sent)
    posted = await fake.post(question, user=second, mention_bot=True, channel="entraide")
    pointer = await fake.wait_sent(
        lambda s: s.route == "POST /channels/{channel_id}/messages" and s.message is not None, start=start
    )
    assert pointer.message is not None and pointer.message.content == POINTER_UP
    assert int(pointer.body["message_reference"]["message_id"]) == int(posted["id"])
    assert fake.dm_messages(second) == []


TWO_QUESTIONS = "Comment devenir community manager sans diplôme ? Et quel salaire pour un community manager junior ?"


async def test_a_message_with_two_questions_answers_one_and_offers_the_other(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    reply = await (await fake.slash("ask", {"question": TWO_QUESTIONS}, user=member, channel="entraide")).reply()
    assert reply.content == ALSO_LINE and reply.pings == set()
    other = [b for b in reply.buttons if (b.get("emoji") or {}).get("name") == "❔"]
    assert [b["label"] for b in other] == [SALARY_TITLE]
    assert reply.embeds[0]["title"] != SALARY_TITLE  # one question answered, the other offered
    shown = await (await fake.click(reply, other[0], user=member)).reply()
    assert shown.ephemeral and shown.embeds[0]["title"] == SALARY_TITLE
    single = await (await fake.slash("ask", {"question": SALARY}, user=world.new_member())).reply()
    assert single.content != ALSO_LINE and not [b for b in single.buttons if (b.get("emoji") or {}).get("name") == "❔"]
