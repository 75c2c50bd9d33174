"""The service with a real database and the frozen library: who asked, who is addressed,
and small talk answered as members mean it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.models import Asker, ReplyKind
from bot.core.service import SMALLTALK_REPLIES, Service
from bot.wiring import open_service
from tests.conftest import ANSWERS, write_answer

GREETED = "Bonjour personnalisé pour quetzalcoatlus ?"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    answers = tmp_path / "answers"
    shutil.copytree(ANSWERS, answers)
    write_answer(answers, "bonjour-nomme", title="Un bonjour nommé", questions=(GREETED,), body="Bonjour {{ asker }} !")
    service = await open_service(Settings(answers_dir=answers, database_path=tmp_path / "bot.sqlite3", semantic="off"))
    yield service
    await service.close()


async def test_an_answer_for_another_member_greets_them_but_records_the_asker(service: Service) -> None:
    asker = Asker(display_name="Alice", user_id=111, guild_id=1, channel_id=2, addressee="Bob")
    reply = await service.ask(GREETED, asker)
    assert reply.kind is ReplyKind.ANSWER and reply.answer is not None
    assert reply.answer.body == "Bonjour Bob\u202f!"
    assert reply.question_id is not None
    stored = await service.desk.repository.question(reply.question_id)
    assert stored is not None
    assert (stored.user_id, stored.display_name) == (111, "Alice")


async def test_forgetting_the_asker_erases_a_question_asked_for_someone_else(service: Service) -> None:
    reply = await service.ask(GREETED, Asker(display_name="Alice", user_id=111, addressee="Bob"))
    assert (await service.desk.forget_user(111)).questions == 1
    assert reply.question_id is not None
    assert await service.desk.repository.question(reply.question_id) is None


async def test_thanking_the_bot_is_thanks(service: Service) -> None:
    reply = await service.ask("merci le bot !", Asker(display_name="Alice"))
    assert reply.kind is ReplyKind.SMALLTALK
    assert reply.text == SMALLTALK_REPLIES["thanks"].format(name="Alice")
    assert await service.desk.list() == []


@pytest.mark.parametrize("text", ["j'ai une question", "Salut ! J'ai une petite question", "aide-moi stp"])
async def test_announcing_a_question_invites_it_instead_of_answering_or_queueing(service: Service, text: str) -> None:
    """« j'ai une question » used to get the job-interview article; an editor never wants it."""
    reply = await service.ask(text, Asker(display_name="Alice"))
    assert reply.kind is ReplyKind.SMALLTALK
    assert reply.text == SMALLTALK_REPLIES["help"].format(name="Alice")
    assert await service.desk.list() == []


async def test_a_question_asked_without_recording_gets_the_same_reply_and_leaves_no_trace(service: Service) -> None:
    """The console and ``ask`` without ``--record``: the editors' test questions are not the members'."""
    questions = (GREETED, "Quelle est la meilleure recette de pain au levain ?", "Combien gagne un CM ?")
    for text in questions:
        trial = await service.ask(text, Asker(), record=False)
        assert trial.question_id is None
        recorded = await service.ask(text, Asker())
        assert (trial.kind, trial.text, trial.candidates) == (recorded.kind, recorded.text, recorded.candidates)
        assert recorded.question_id is not None
    stored = await service.desk.repository.questions()
    assert [q.text for q in stored] == list(questions)  # only the recorded ones
