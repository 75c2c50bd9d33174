"""The real bot with the encoder on (warm vector cache): meaning, not only words, on Discord."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path

import pytest
import pytest_asyncio

from bot.core.answers import load_library
from tests.conftest import ANSWERS
from tests.e2e.conftest import World, start_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

DRAINED = "I feel completely drained by work, I can never switch off my phone at night"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def semantic_world(tmp_path_factory: pytest.TempPathFactory, warm_vectors: Path) -> AsyncIterator[World]:
    tmp = tmp_path_factory.mktemp("semantic")
    cache = tmp / "vectors.sqlite3"
    shutil.copy(warm_vectors, cache)
    async with aclosing(start_world(tmp, semantic="auto", vector_cache_path=cache)) as worlds:
        world = await anext(worlds)
        await asyncio.wait_for(world.bot.service.wait_for_semantic(), timeout=300)
        assert world.bot.service.matcher.semantic_ready
        yield world


async def test_an_english_question_without_the_answers_words_gets_its_answer(semantic_world: World) -> None:
    title = load_library(ANSWERS).answers["equilibre-vie-pro"].shown_title
    member = semantic_world.new_member()
    injected = await semantic_world.fake.slash("ask", {"question": DRAINED}, user=member, channel="entraide")
    reply = await injected.reply()
    offered = [reply.embeds[0]["title"]] if reply.embeds else [b.get("label") for b in reply.buttons]
    assert any(title.startswith(text.rstrip("…")) or text == title for text in offered if text), offered


async def test_an_off_topic_question_is_not_answered_with_an_article(semantic_world: World) -> None:
    member = semantic_world.new_member()
    injected = await semantic_world.fake.slash(
        "ask", {"question": "what is the weather in paris tomorrow"}, user=member, channel="entraide"
    )
    reply = await injected.reply()
    assert not reply.embeds or not any(e.get("title") in _titles() for e in reply.embeds)


def _titles() -> set[str]:
    return {a.title for a in load_library(ANSWERS).answers.values()}
