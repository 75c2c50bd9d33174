"""Resilience through the fake Discord: lost answers retried, rate limits, storage
faults, hostile text and a runaway template, against the real bot."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.service import STORAGE_APOLOGY
from bot.core.typography import typeset
from bot.exts.ask import TOPIC_TOO_LONG, AskCog
from bot.exts.delivery import POINTER_UP
from tests.e2e.conftest import GREETED_QUESTION, LONG_QUESTION, World, action_labels
from tests.fake_discord import FakeDiscord, FakeUser, Injected, Msg
from tests.fake_discord.payloads import SEND_MESSAGES

pytestmark = pytest.mark.asyncio(loop_scope="module")

CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
FOLLOWUP = "POST /webhooks/{application_id}/{token}"
EDIT_ORIGINAL = "PATCH /webhooks/{application_id}/{token}/messages/{message_id}"
CHANNEL_MESSAGE = "POST /channels/{channel_id}/messages"
SALARY = "combien gagne un community manager ?"
RUNAWAY = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


@pytest.fixture(autouse=True)
def no_faults_left(fake: FakeDiscord) -> Iterator[None]:
    yield
    fake.faults.clear()


def _expected_problems(fake: FakeDiscord, *fragments: str) -> list[str]:
    """Take out of the fake's problems the ones a test provoked on purpose."""
    expected = [p for p in fake.problems if any(f in p for f in fragments)]
    fake.problems[:] = [p for p in fake.problems if p not in expected]
    return expected


def _bot_messages(fake: FakeDiscord, channel: str, marker: str) -> list[str]:
    texts = [m.text for m in fake.channel_messages(channel) if not m.deleted]
    return [t for t in texts if marker in t]


async def test_an_answer_taken_by_discord_but_lost_on_the_way_shows_once_whole(
    fake: FakeDiscord, member: FakeUser
) -> None:
    """A 502 after Discord created the response: discord.py retries, Discord says
    "already acknowledged"; the answer counts as sent, and its next parts follow once."""
    fault = fake.fail(CALLBACK, 502, after_work=True)
    injected = await fake.slash("ask", {"question": LONG_QUESTION}, user=member, channel="entraide")
    sent = await injected.settle(quiet=1.5, timeout=15)
    assert fault.hits == 1
    parts = injected.shown
    titles = [e.get("title") for m in parts for e in m.embeds if e.get("title")]
    assert titles.count("Le guide très long du marathon de la modération") == 1
    assert len(parts) >= 2, [(s.method, s.route, s.status) for s in sent]  # every part, each once
    assert len({m.id for m in parts}) == len(parts)
    assert not any("Oups" in m.text for m in parts)
    assert _expected_problems(fake, "already been acknowledged") != []


async def test_a_long_answer_in_the_bots_dm_shows_each_part_once_despite_lost_replies(
    fake: FakeDiscord, member: FakeUser
) -> None:
    """In the bot's DM, as in a server, the next parts of a long answer are messages with
    a nonce: a follow-up, which takes none, showed twice when its answer was lost (a 502
    after Discord had posted it, which discord.py sends again)."""
    fake.fail(FOLLOWUP, 502, after_work=True)
    fault = fake.fail(CHANNEL_MESSAGE, 502, after_work=True)
    injected = await fake.slash("ask", {"question": LONG_QUESTION}, user=member, dm=True)
    await injected.settle(quiet=1.5, timeout=15)
    shown = injected.shown
    assert fault.hits == 1
    assert _paragraphs(shown) == [str(n) for n in range(1, 15)]  # every part, each once, in order
    assert len(shown) >= 3 and not any(m.ephemeral for m in shown)
    assert all(m.channel_id == shown[0].channel_id for m in shown)


async def test_a_rate_limited_answer_arrives_once(fake: FakeDiscord, member: FakeUser) -> None:
    fault = fake.fail(CALLBACK, 429, retry_after=0.2)
    injected = await fake.slash("ask", {"question": SALARY}, user=member)
    reply = await injected.reply(timeout=10)
    await injected.settle(quiet=0.3)
    assert fault.hits == 1
    assert reply.embeds and reply.embeds[0]["title"]
    assert len([m for m in injected.messages if m.embeds]) == 1


async def test_a_mention_reply_lost_after_the_work_is_posted_once(fake: FakeDiscord, member: FakeUser) -> None:
    fault = fake.fail(CHANNEL_MESSAGE, 502, after_work=True)
    marker = "Le guide très long du marathon"
    before = len(_bot_messages(fake, "general", marker))
    await fake.post(LONG_QUESTION, user=member, mention_bot=True)
    await fake.wait_sent(lambda s: s.route == CHANNEL_MESSAGE and s.status == 200, start=0, timeout=15)
    await asyncio.sleep(1.0)
    assert fault.hits == 1
    posted = [m for m in fake.channel_messages("general") if not m.deleted and m.embeds]
    titles = [e.get("title") for m in posted for e in m.embeds]
    assert titles.count("Le guide très long du marathon de la modération") - before == 1


async def test_a_deferred_answer_fills_its_placeholder_once_despite_a_lost_answer(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    """The database is locked by another process for 2.5 s: the bot defers, then fills
    the "thinking…" message. The answer to that request is lost (502 after the work) and
    discord.py sends it again: a follow-up would post the answer twice, an edit does not."""
    fake.fail(FOLLOWUP, 502, after_work=True)
    fake.fail(EDIT_ORIGINAL, 502, after_work=True)
    injected, _ = await _slow_ask(world, SALARY, member)
    await injected.settle(quiet=1.5, timeout=15)
    shown = [m for m in injected.messages if not m.deleted and m.embeds]
    assert len(shown) == 1
    assert shown[0].embeds[0]["title"] == typeset("Combien gagne un community manager ?")


def _paragraphs(messages: list[Msg]) -> list[str]:
    """The numbers of the long answer's paragraphs, as many times as they show."""
    text = "\n".join(m.text for m in messages)
    return re.findall(r"Paragraphe (\d+)\b", text)


async def test_the_next_parts_of_an_answer_lost_on_the_way_show_once(fake: FakeDiscord, member: FakeUser) -> None:
    """A 502 after Discord posted part 2 of a public answer, whichever way it goes: the
    retry posts nothing twice (a follow-up takes no nonce, a channel message does)."""
    fake.fail(FOLLOWUP, 502, after_work=True)
    fake.fail(CHANNEL_MESSAGE, 502, after_work=True)
    # /answer: no "just given here" rule, the earlier tests' long answers notwithstanding.
    injected = await fake.slash("answer", {"topic": "guide-tres-long"}, user=member, channel="entraide")
    await injected.settle(quiet=1.5, timeout=15)
    shown = injected.shown
    assert sum(f.hits for f in fake.faults) == 1  # one part was lost on the way, and retried
    assert _paragraphs(shown) == [str(n) for n in range(1, 15)]  # every part, each once, in order
    assert len(shown) >= 3
    assert not any(m.ephemeral for m in shown)
    assert action_labels(shown[-1]) == ["Supprimer", "Source"]


async def test_a_private_long_answer_is_one_message_whose_parts_turn_in_place(
    fake: FakeDiscord, member: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    """Only a follow-up could add a second ephemeral message: the parts are turned in the
    one message by its buttons (an edit), and a click whose answer is lost shows once and
    is no error (the retried edit comes back "already acknowledged")."""
    injected = await fake.slash("ask", {"question": LONG_QUESTION, "private": True}, user=member)
    reply = await injected.reply()
    await injected.settle(quiet=0.3)
    assert [m.id for m in injected.shown] == [reply.id]
    assert reply.ephemeral
    pages = int(reply.button("Suite")["label"].rsplit("/", 1)[1].rstrip(")"))
    assert pages >= 3
    assert reply.button("Précédent").get("disabled")
    assert action_labels(reply)[2:] == ["Utile", "Pas vraiment", "Source"]  # the answer's own buttons stay
    seen = [_paragraphs([reply])]
    fault = fake.fail(CALLBACK, 502, after_work=True)
    for page in range(2, pages + 1):
        current = reply.refresh()
        assert current.button("Suite")["label"] == f"Suite ({page}/{pages})"
        click = await fake.click(current, current.button("Suite"), user=member)
        await click.settle(quiet=1.5 if page == 2 else 0.1, timeout=15)
        assert click.shown == []  # nothing new: the same message, edited
        seen.append(_paragraphs([reply.refresh()]))
    assert fault.hits == 1
    assert _expected_problems(fake, "already been acknowledged") != []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("bot.") and r.levelno >= logging.ERROR] == []
    assert [n for page in seen for n in page] == [str(n) for n in range(1, 15)]
    last = reply.refresh()
    assert last.ephemeral and last.button("Suite").get("disabled")
    assert last.embeds[-1]["footer"]["text"] == "La rédaction"
    back = await fake.click(last, last.button("Précédent"), user=member)
    await back.settle()
    assert _paragraphs([reply.refresh()]) == seen[-2]
    assert [m.id for m in injected.shown] == [reply.id]


async def test_where_the_bot_may_not_post_the_next_parts_are_follow_ups(fake: FakeDiscord, member: FakeUser) -> None:
    """No Send Messages in the channel (the interaction says so), or a refusal on the way
    (the permission just taken away): the next parts go as follow-ups, each once."""
    entraide = fake.channel("entraide").id
    fake.bot_denied[entraide] = SEND_MESSAGES
    try:
        denied = await fake.slash("answer", {"topic": "guide-tres-long"}, user=member, channel="entraide")
        await denied.settle(quiet=0.3)
    finally:
        del fake.bot_denied[entraide]
    refusal = fake.fail(CHANNEL_MESSAGE, 403)
    refused = await fake.slash("answer", {"topic": "guide-tres-long"}, user=member, channel="general")
    await refused.settle(quiet=0.3)
    assert refusal.hits == 1
    for injected in (denied, refused):
        shown = injected.shown
        assert _paragraphs(shown) == [str(n) for n in range(1, 15)]
        assert [m.id for m in injected.messages] == [m.id for m in shown]  # the response, then follow-ups
        assert action_labels(shown[-1]) == ["Supprimer", "Source"]


async def test_a_short_reply_after_a_public_thinking_fills_it_once_despite_a_lost_answer(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    """A slow ask is deferred publicly, then has no answer: the kind line fills the
    "thinking…" message in place (an edit, repeated harmlessly after a 502) instead of
    removing it for an ephemeral follow-up, which a retry would post twice."""
    fake.fail(FOLLOWUP, 502, after_work=True)
    fake.fail(EDIT_ORIGINAL, 502, after_work=True)
    injected, placeholder = await _slow_ask(world, "zorglub wxqz quasar ?", member)
    await injected.settle(quiet=1.5, timeout=15)
    assert sum(f.hits for f in fake.faults) == 1
    (shown,) = injected.shown
    assert shown.id == placeholder.id
    assert "équipe de rédaction" in shown.content
    assert not shown.ephemeral  # the trade-off: public, as the placeholder was


async def test_a_repeated_answer_after_a_public_thinking_points_up_to_the_first(
    world: World, fake: FakeDiscord
) -> None:
    """The answer was just given in this channel, so its copy would be private: after a
    public "thinking…" only a follow-up could be, so the placeholder points up instead."""
    question = "comment trouver des idées de posts ?"
    first = await (await fake.slash("ask", {"question": question}, user=world.new_member(), channel="entraide")).reply()
    assert first.embeds and not first.ephemeral
    fake.fail(EDIT_ORIGINAL, 502, after_work=True)
    injected, placeholder = await _slow_ask(world, question, world.new_member())
    await injected.settle(quiet=1.5, timeout=15)
    (shown,) = injected.shown
    assert (shown.id, shown.content, shown.embeds, shown.ephemeral) == (placeholder.id, POINTER_UP, [], False)


async def test_a_deferral_taken_by_discord_but_lost_on_the_way_is_filled_once(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    """The "thinking…" is created, its answer lost: discord.py sends the deferral again,
    Discord says "already acknowledged"; the placeholder is there, and the answer fills it."""
    fault = fake.fail(CALLBACK, 502, after_work=True)
    injected, placeholder = await _slow_ask(world, "quels outils utiliser ?", member)
    await injected.settle(quiet=1.5, timeout=15)
    assert fault.hits == 1
    assert _expected_problems(fake, "already been acknowledged") != []
    (shown,) = injected.shown
    assert shown.id == placeholder.id
    assert shown.embeds and shown.embeds[0]["title"]
    assert not any("Oups" in m.text for m in injected.shown)


async def test_a_deferred_moderator_reply_lost_on_the_way_shows_once(fake: FakeDiscord) -> None:
    """``/faq digest`` defers, then fills its "thinking…": an edit, not a follow-up (the
    first follow-up after a deferral replaces the placeholder, a retried one is a second
    message)."""
    fake.fail(FOLLOWUP, 502, after_work=True)
    fake.fail(EDIT_ORIGINAL, 502, after_work=True)
    injected = await fake.slash("faq digest", {"days": 7}, user="bob")
    await injected.settle(quiet=1.5, timeout=20)
    assert sum(f.hits for f in fake.faults) == 1
    (shown,) = injected.shown
    assert shown.ephemeral and shown.embeds[0]["title"] == "Le digest de la rédaction"


async def _slow_ask(world: World, question: str, member: FakeUser) -> tuple[Injected, Msg]:
    """``/ask`` in #entraide while another process holds the database for about 2.5 s: the
    bot defers publicly; returns the interaction and its "thinking…" message."""
    blocker = sqlite3.connect(world.settings.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        injected = await world.fake.slash("ask", {"question": question}, user=member, channel="entraide")
        callback = await injected.callback(timeout=5)
        assert callback.body["type"] == 5  # deferred publicly: "thinking…" for all to see
        assert callback.message is not None
        await asyncio.sleep(1.0)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    return injected, callback.message


async def test_a_full_disk_gets_the_apology_and_the_question_is_written_later(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    service = world.bot.service
    db = service.desk.repository.connection  # type: ignore[attr-defined]
    async with db.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    await db.execute(f"PRAGMA max_page_count = {int(row['page_count'])}")
    question = "Xyzzy plugh, le quetzalcoatlus vole-t-il au-dessus des fjords ? " * 30
    try:
        reply = await (await fake.slash("ask", {"question": question[:2000]}, user=member)).reply()
    finally:
        await db.execute("PRAGMA max_page_count = 1073741823")
    assert reply.ephemeral
    assert reply.text == STORAGE_APOLOGY
    async with asyncio.timeout(15):
        while service.pending:
            await asyncio.sleep(0.05)
    stored = [q for q in await service.desk.repository.questions() if q.user_id == member.id]
    assert [q.text for q in stored] == [question[:2000]]


async def test_a_lone_surrogate_in_ask_is_answered_and_stored(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    reply = await (await fake.slash("ask", {"question": "salaire \ud800 community manager ?"}, user=member)).reply()
    assert reply.embeds
    stored = [q for q in await world.bot.service.desk.repository.questions() if q.user_id == member.id]
    assert [q.text for q in stored] == ["salaire \ufffd community manager ?"]


async def test_answer_topics_are_echoed_escaped_and_bounded(fake: FakeDiscord, member: FakeUser) -> None:
    masked = await (await fake.slash("answer", {"topic": "[clic ici](https://evil.example)"}, user=member)).reply()
    assert masked.ephemeral
    assert "\\[clic ici]" in masked.text  # an escaped bracket: Discord shows text, not a masked link
    assert " [clic ici]" not in masked.text
    long = await (await fake.slash("answer", {"topic": "x" * 5000}, user=member)).reply()
    assert long.ephemeral and long.text == TOPIC_TOO_LONG


async def test_a_runaway_template_keeps_the_previous_answer_and_the_bot_answering(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    path: Path = world.answers_dir / "bonjour-nomme.md.jinja"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("Bonjour {{ asker }} !", RUNAWAY), encoding="utf-8")
    try:
        reload = await fake.slash("faq reload", user="bob")
        # While the reload renders the runaway file, a member is answered as usual.
        other = await (await fake.slash("ask", {"question": SALARY}, user=world.new_member())).reply()
        assert other.embeds
        report = await reload.reply(timeout=10)
        assert "bonjour-nomme.md.jinja" in report.text and "dépasse" in report.text
        reply = await (await fake.slash("ask", {"question": GREETED_QUESTION}, user=member)).reply()
        assert reply.embeds[0]["description"] == f"Bonjour {member.global_name}\u202f!"
    finally:
        path.write_text(good, encoding="utf-8")
        await world.bot.reload_answers()


async def test_start_up_waits_out_an_outage_of_the_command_sync(tmp_path: Path) -> None:
    """Six 500s on the sync: more than discord.py's own five tries (about 16 s). The bot
    retries with a backoff, says so in the log, and then serves."""
    from tests.e2e.test_run import launch
    from tests.fake_discord import TOKEN

    outage = await FakeDiscord().start()
    fault = outage.fail("PUT /applications/{application_id}/guilds/{guild_id}/commands", 500, times=6)
    try:
        process = await launch(outage, TOKEN, tmp_path)
        try:
            await outage.wait_sent(
                lambda s: s.route.endswith("/guilds/{guild_id}/commands") and s.method == "PUT" and s.status == 200,
                timeout=60,
            )
            assert fault.hits == 6
            assert sorted(c["name"] for c in outage.commands[outage.guild_id]) == [
                "answer",
                "ask",
                "faq",
                "topics",
                "unanswered",
            ]
            await outage.wait_connected(timeout=20)
            assert process.returncode is None  # still running
        finally:
            process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), 20)
        text = stderr.decode()
        assert "Synchronisation des commandes impossible (essai 1" in text
        assert "Traceback" not in text
    finally:
        await outage.close()


async def test_a_burst_of_asks_is_answered_or_deferred_in_time(world: World, fake: FakeDiscord) -> None:
    """300 asks at once from 300 members: Discord drops none (the fake records a problem
    for any response after 3 s, which fails the test) and every one gets its answer."""
    members = [world.new_member("Rafale") for _ in range(300)]
    questions = [SALARY, "comment gérer les trolls ?", "quels outils utiliser ?"]
    injected = [
        await fake.slash("ask", {"question": questions[i % 3]}, user=members[i], channel="entraide") for i in range(300)
    ]
    late = [p for p in fake.problems if "answered after" in p]
    async with asyncio.timeout(60):
        for handle in injected:
            callback = await handle.callback(timeout=30)
            assert callback.status < 300
    await asyncio.sleep(0.5)
    for handle in injected:
        await handle.settle(quiet=0.05, timeout=30)
    answered = [h for h in injected if any(m.text and "Oups" not in m.text for m in h.messages if not m.deleted)]
    assert late == []
    assert len(answered) == 300


async def test_a_question_whose_defer_discord_refuses_is_still_stored(
    world: World, fake: FakeDiscord, member: FakeUser
) -> None:
    """An ask queued behind slow ones defers before any work. When Discord refuses that
    defer (it has forgotten the interaction), nothing can be answered, but the question
    is kept for the moderators all the same."""
    cog = world.bot.get_cog("AskCog")
    assert isinstance(cog, AskCog)
    interval = cog.queue.interval
    blocker = sqlite3.connect(world.settings.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the first ask waits on the database, so it stays queued
    try:
        cog.queue.interval = 10.0  # each ask queued ahead counts for 10 s: the next one defers first
        first = await fake.slash("ask", {"question": SALARY}, user=member, channel="entraide")
        await asyncio.sleep(0.3)
        fault = fake.fail(CALLBACK, 404)
        lost = "Quelle formation pour devenir community manager ? (défer refusé)"
        await fake.slash("ask", {"question": lost}, user=world.new_member(), channel="entraide")
        await fake.wait_sent(lambda s: s.route == CALLBACK and s.status == 404, start=0, timeout=5)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        cog.queue.interval = interval
    await first.settle(quiet=0.5, timeout=15)
    assert fault.hits == 1
    async with asyncio.timeout(10):
        while True:
            with sqlite3.connect(world.settings.database_path) as db:
                if db.execute("SELECT COUNT(*) FROM questions WHERE text = ?", (lost,)).fetchone()[0]:
                    break
            await asyncio.sleep(0.1)
    _expected_problems(fake, "404")
