"""Moderators: ``/unanswered`` and ``/faq``, refused to members, live answers."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from tests.conftest import write_answer
from tests.e2e.conftest import World
from tests.fake_discord import FakeDiscord, FakeUser

pytestmark = pytest.mark.asyncio(loop_scope="module")

WORDS = [
    "wobbix",
    "trundle",
    "mungo",
    "paxle",
    "yolkor",
    "dribbo",
    "fenkel",
    "glompa",
    "hurtix",
    "jixxo",
    "kleebo",
    "lurpa",
    "mosko",
    "nibbix",
    "orpal",
    "quandor",
    "rizzle",
    "sploof",
    "tazzo",
    "umbix",
    "vorpal",
    "wuxxa",
    "xyloz",
    "yibber",
]
NONSENSE = [f"{WORDS[2 * n]} {WORDS[2 * n + 1]} ?" for n in range(12)]
"""Twelve questions sharing no word: twelve groups."""


async def ask(fake: FakeDiscord, user: FakeUser, question: str) -> None:
    await (await fake.slash("ask", {"question": question}, user=user)).reply()


async def open_group_ids(world: World) -> list[int]:
    return [g.id for g in await world.bot.service.desk.list(limit=100)]


MODERATOR_COMMANDS = [
    ("unanswered list", {}),
    ("unanswered show", {"id": 1}),
    ("unanswered resolve", {"id": 1, "answer": "salaire"}),
    ("unanswered dismiss", {"id": 1, "reason": "hors sujet"}),
    ("unanswered export", {}),
    ("faq stats", {}),
    ("faq reload", {}),
]


@pytest.mark.parametrize(("command", "options"), MODERATOR_COMMANDS)
async def test_members_are_refused_and_nothing_changes(
    world: World, fake: FakeDiscord, command: str, options: dict[str, object]
) -> None:
    await ask(fake, world.new_member(), "zorglub wxqz refus ?")
    before = await world.bot.service.desk.list(limit=100)
    reply = await (await fake.slash(command, options, user="dave")).reply()
    assert reply.ephemeral
    assert reply.content == "Cette commande est réservée à la modération."
    assert not reply.attachments
    assert await world.bot.service.desk.list(limit=100) == before


async def test_moderator_commands_are_hidden_by_default(fake: FakeDiscord) -> None:
    for name in ("unanswered", "faq"):
        command = next(c for c in fake.commands[fake.guild_id] if c["name"] == name)
        assert int(command["default_member_permissions"]) == 1 << 13  # Manage Messages
        assert command.get("contexts") == [0] or command.get("dm_permission") is False


async def test_list_show_and_paging(world: World, fake: FakeDiscord) -> None:
    for question in NONSENSE:
        await ask(fake, world.new_member(), question)
    page1 = await (await fake.slash("unanswered list", user="bob")).reply()
    assert page1.ephemeral
    assert page1.embeds[0]["title"] == "Questions en attente — page 1"
    assert page1.embeds[0]["description"].count("**#") == 10
    nxt = page1.button("Suivant")
    assert not nxt.get("disabled") and page1.button("Précédent").get("disabled")
    page2 = await (await fake.click(page1, nxt, user="bob")).reply()
    assert page2.id == page1.id
    assert page2.embeds[0]["title"] == "Questions en attente — page 2"
    back = await (await fake.click(page2, page2.button("Précédent"), user="carol")).reply()
    assert back.embeds[0]["title"].endswith("page 1")
    refused = await (await fake.click(back, back.button("Suivant"), user="dave")).reply()
    assert refused.ephemeral and refused.id != back.id

    group_id = (await open_group_ids(world))[0]
    shown = await (await fake.slash("unanswered show", {"id": group_id}, user="carol")).reply()
    assert shown.ephemeral
    assert shown.embeds[0]["title"].startswith(f"Question #{group_id}")
    missing = await (await fake.slash("unanswered show", {"id": 99999}, user="carol")).reply()
    assert missing.content == "Aucune question en attente n'a le numéro 99999"


async def test_user_text_is_escaped_for_moderators(world: World, fake: FakeDiscord) -> None:
    await ask(fake, world.new_member(), "**zorglub** `wxqz` <@&123> @everyone __souligné__ ?")
    group = next(g for g in await world.bot.service.desk.list(limit=100) if "souligné" in g.representative)
    shown = await (await fake.slash("unanswered show", {"id": group.id}, user="bob")).reply()
    description = shown.embeds[0]["description"]
    assert "\\*\\*zorglub\\*\\*" in description and "\\_\\_souligné\\_\\_" in description
    assert "@\u200beveryone" in description


async def test_resolve_teaches_the_bot(world: World, fake: FakeDiscord) -> None:
    question = "grimblou frazzle snorf ?"
    await ask(fake, world.new_member(), question)
    group = next(g for g in await world.bot.service.desk.list(limit=100) if g.representative == question)
    choices = await (
        await fake.autocomplete("unanswered resolve", {"id": group.id, "answer": "outil"}, focused="answer", user="bob")
    ).choices()
    assert "outils" in [c["value"] for c in choices]
    done = await (await fake.slash("unanswered resolve", {"id": group.id, "answer": "outils"}, user="bob")).reply()
    assert done.ephemeral and f"#{group.id}" in done.text
    answer = await (await fake.slash("ask", {"question": question}, user=world.new_member())).reply()
    assert answer.embeds and answer.embeds[0]["title"] == world.bot.service.answer("outils").shown_title
    bad = await (await fake.slash("unanswered resolve", {"id": group.id, "answer": "nope"}, user="bob")).reply()
    assert bad.content == "Aucune réponse ne porte l'identifiant « nope »"


async def test_dismiss_and_export(world: World, fake: FakeDiscord) -> None:
    await ask(fake, world.new_member(), "plonk vrazz quibble ?")
    group = next(g for g in await world.bot.service.desk.list(limit=100) if g.representative == "plonk vrazz quibble ?")
    done = await (
        await fake.slash("unanswered dismiss", {"id": group.id, "reason": "hors *sujet*"}, user="carol")
    ).reply()
    assert "écartée" in done.text and "hors \\*sujet\\*" in done.text
    assert group.id not in await open_group_ids(world)

    export = await fake.slash("unanswered export", user="bob")
    await export.settle()
    message = export.messages[-1]
    assert message.ephemeral
    data = message.attachments["questions-sans-reponse.csv"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "groupe"
    assert next(r for r in rows if r[0] == str(group.id))[1] == "dismissed"


async def test_stats(world: World, fake: FakeDiscord) -> None:
    reply = await (await fake.slash("faq stats", user="bob")).reply()
    assert reply.ephemeral
    names = [f["name"] for f in reply.embeds[0]["fields"]]
    assert names[:3] == ["Questions", "Avec une réponse", "Votes « utile »"]


async def until(predicate: object, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_new_answer_file_is_served_without_restart(world: World, fake: FakeDiscord) -> None:
    write_answer(world.answers_dir, "nouvelle-reponse", title="Une toute nouvelle réponse", body="Première version.")
    await until(lambda: "nouvelle-reponse" in world.bot.service.library.answers)
    shown = await (await fake.slash("answer", {"topic": "nouvelle-reponse"}, user=world.new_member())).reply()
    assert shown.embeds[0]["description"] == "Première version."


async def test_reload_reports_a_broken_file(world: World, fake: FakeDiscord) -> None:
    write_answer(world.answers_dir, "a-casser", title="Bientôt cassée", body="Version valide.")
    await until(lambda: "a-casser" in world.bot.service.library.answers)
    broken = world.answers_dir / "a-casser.md.jinja"
    broken.write_text("---\ntitle: [pas fermé\n---\ncassé\n", encoding="utf-8")
    reply = await (await fake.slash("faq reload", user="bob")).reply()
    assert reply.ephemeral
    assert "a-casser.md.jinja" in reply.text and "problème" in reply.text
    assert "a-casser" in world.bot.service.library.answers  # still listed, still served
    broken.unlink()
    ok = await (await fake.slash("faq reload", user="carol")).reply()
    assert "aucun problème" in ok.text


async def test_broken_file_keeps_serving_its_previous_version(world: World, fake: FakeDiscord) -> None:
    write_answer(world.answers_dir, "garde-fou", title="Garde-fou", body="Bonne version.")
    await until(lambda: "garde-fou" in world.bot.service.library.answers)
    path = world.answers_dir / "garde-fou.md.jinja"
    path.write_text("---\ntitle: [pas fermé\n---\nversion cassée\n", encoding="utf-8")
    await (await fake.slash("faq reload", user="bob")).reply()
    try:
        shown = await (await fake.slash("answer", {"topic": "garde-fou"}, user=world.new_member())).reply()
        assert shown.embeds[0]["description"] == "Bonne version."
    finally:
        path.unlink()
        await world.bot.reload_answers()
