"""The real bot against the fake Discord: real discord.py, real SQLite file, real answers.

One bot per test module (starting one costs a login, a gateway handshake and a command
sync); tests that need a clean slate (cooldown) ask for a fresh member with ``member``.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import FaqBot
from bot.config import Settings
from bot.wiring import open_service
from tests.conftest import ANSWERS, write_answer
from tests.fake_discord import TOKEN, FakeDiscord, FakeUser, Msg, point_discord_py_at, start_client

COOLDOWN = 30.0


def long_answer_file(directory: Path) -> Path:
    """An answer far longer than one embed: 14 paragraphs of ~900 characters (~12,600),
    then a last line that names the member it speaks to."""
    paragraph = (
        "Paragraphe {n} : un community manager anime, écoute et protège sa communauté au quotidien. "
        + "Il répond, il modère, il prend du recul, il mesure ce qui marche et il recommence. " * 10
    )
    body = "\n\n".join(paragraph.format(n=n).strip() for n in range(1, 15)) + "\n\nBon courage, {{ asker }} !"
    path = directory / "guide-tres-long.md.jinja"
    path.write_text(
        "---\n"
        "title: Le guide très long du marathon de la modération\n"
        "questions:\n"
        "  - Donne-moi le guide très long du marathon de la modération\n"
        "keywords: [marathon, guide-long]\n"
        "source: https://example.org/guide-long\n"
        "author: La rédaction\n"
        "---\n" + body + "\n",
        encoding="utf-8",
    )
    return path


LONG_QUESTION = "Donne-moi le guide très long du marathon de la modération"
"""The question of ``long_answer_file``."""
GREETED_QUESTION = "Un bonjour nommé pour quetzalcoatlus ?"
"""The question of ``greeting_answer_file``: its answer says the name it is addressed to."""


def greeting_answer_file(directory: Path) -> Path:
    """A test-only answer whose whole body is ``Bonjour <name> !``, whatever the library says."""
    return write_answer(
        directory,
        "bonjour-nomme",
        title="Un bonjour nommé",
        questions=(GREETED_QUESTION,),
        body="Bonjour {{ asker }} !",
    )


def action_labels(message: Msg) -> list[str | None]:
    """The labels of a message's buttons, less the related answers' row (``faq:rel:…``)."""
    return [b.get("label") for b in message.buttons if not str(b.get("custom_id", "")).startswith("faq:rel:")]


@dataclass
class World:
    fake: FakeDiscord
    bot: FaqBot
    settings: Settings
    answers_dir: Path
    _users: itertools.count

    def new_member(self, name: str = "Membre", roles: tuple[str, ...] = ()) -> FakeUser:
        """A member who has never asked anything (no cooldown running)."""
        number = next(self._users)
        return self.fake.add_user(f"member{number}", f"{name} {number}", roles=roles)


async def start_world(
    tmp: Path,
    fake: FakeDiscord | None = None,
    *,
    prepare: Callable[[Path], object] | None = None,
    **overrides: object,
) -> AsyncIterator[World]:
    """A running bot on a fake Discord (a new one unless ``fake`` is given, already started).

    ``prepare(answers_dir)`` adds answer files before the bot starts."""
    answers_dir = tmp / "answers"
    shutil.copytree(ANSWERS, answers_dir)
    long_answer_file(answers_dir)
    greeting_answer_file(answers_dir)
    if prepare is not None:
        prepare(answers_dir)
    fake = fake or await FakeDiscord().start()
    settings = Settings(
        discord_token=TOKEN,
        guild_ids=(fake.guild_id,),
        moderator_role_ids=(fake.roles["Équipe éditoriale"].id,),
        answers_dir=answers_dir,
        database_path=tmp / "data" / "bot.sqlite3",
        vector_cache_path=tmp / "data" / "vectors.sqlite3",
        cooldown_seconds=COOLDOWN,
        semantic="off",  # the encoder's own e2e test turns it on, with a warm cache
    )
    settings = replace(settings, **overrides)  # type: ignore[arg-type]
    service = await open_service(settings)
    with point_discord_py_at(fake):
        bot = FaqBot(settings, service, watch_interval=0.1, guild_ready_timeout=0.05)
        task = await start_client(bot)
        try:
            yield World(fake, bot, settings, answers_dir, itertools.count(1))
        finally:
            await bot.close()
            await task
            await service.close()
            await fake.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async for value in start_world(tmp_path_factory.mktemp("e2e")):
        yield value


@pytest.fixture
def fake(world: World) -> FakeDiscord:
    return world.fake


@pytest.fixture
def member(world: World) -> FakeUser:
    return world.new_member()


@pytest.fixture(autouse=True)
def no_problems(request: pytest.FixtureRequest) -> Callable[[], None]:
    """Every e2e test ends with the fake having seen nothing wrong (unknown routes,
    payloads Discord would reject, late answers)."""
    yield  # type: ignore[misc]
    if "world" in request.fixturenames:
        world: World = request.getfixturevalue("world")
        problems, world.fake.problems[:] = list(world.fake.problems), []
        assert problems == [], problems
