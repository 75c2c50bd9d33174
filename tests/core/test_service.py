"""The service with a real database and the frozen library: who asked, who is addressed,
and small talk answered as members mean it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.models import Asker, ReplyKind
from bot.core.service import OTHER_JOB_REPLY, SMALLTALK_REPLIES, Service
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


@pytest.fixture
async def unsure(tmp_path: Path) -> AsyncIterator[Service]:
    """A service that answers nothing directly, with three answers that tie on « comment
    trouver des clients ? »: it always gets "did you mean…" with three choices."""
    answers = tmp_path / "answers"
    for slug, where in (("linkedin", "sur LinkedIn"), ("instagram", "sur Instagram"), ("salons", "dans les salons")):
        write_answer(
            answers,
            f"clients-{slug}",
            title=f"Trouver des clients {where}",
            questions=(f"Comment trouver des clients {where} ?",),
            body=f"Des clients {where}, voici comment.",
        )
    settings = Settings(
        answers_dir=answers,
        database_path=tmp_path / "bot.sqlite3",
        semantic="off",
        match_threshold=1.0,
        suggest_threshold=0.05,
    )
    service = await open_service(settings)
    yield service
    await service.close()


ALICE = Asker(display_name="Alice", user_id=111, guild_id=1, channel_id=2)
CLIENTS = "comment trouver des clients ?"


async def _offered(service: Service, asker: Asker = ALICE) -> tuple[int, list[str]]:
    reply = await service.ask(CLIENTS, asker)
    assert reply.kind is ReplyKind.SUGGESTIONS and len(reply.suggestions) >= 2
    assert reply.question_id is not None
    titles = [s.title for s in reply.suggestions]
    assert [line.split(". ", 1)[1] for line in reply.text.splitlines()[1 : 1 + len(titles)]] == titles  # numbered
    return reply.question_id, [s.slug for s in reply.suggestions]


async def test_typing_a_number_after_did_you_mean_shows_that_answer_as_a_click_would(unsure: Service) -> None:
    """The console has no buttons, and members type « le 2 » anyway: it used to be a new question."""
    question_id, slugs = await _offered(unsure)
    assert unsure.is_choice("le deuxième", ALICE)
    reply = await unsure.ask("le deuxième", ALICE)
    assert reply.kind is ReplyKind.ANSWER and reply.answer is not None
    assert reply.answer.slug == slugs[1]
    assert reply.question_id == question_id  # its votes count for the question
    stored = await unsure.desk.repository.questions()
    assert [q.text for q in stored] == [CLIENTS]  # the choice is not queued as a question
    assert stored[0].picked_slug == slugs[1]  # and the moderators see what was chosen
    again = await unsure.ask("et le premier ?", ALICE)  # the choices stay open
    assert again.answer is not None and again.answer.slug == slugs[0]


async def test_a_number_from_someone_else_or_after_another_message_is_a_new_message(unsure: Service) -> None:
    await _offered(unsure)
    bob = Asker(display_name="Bob", user_id=222, guild_id=1, channel_id=2)
    elsewhere = Asker(display_name="Alice", user_id=111, guild_id=1, channel_id=3)
    for other in (bob, elsewhere):
        assert not unsure.is_choice("1", other)
        assert (await unsure.ask("1", other)).kind is not ReplyKind.ANSWER
    await unsure.ask("merci !", ALICE)
    assert not unsure.is_choice("1", ALICE)
    assert (await unsure.ask("1", ALICE)).kind is not ReplyKind.ANSWER


@pytest.mark.parametrize("message", ["number 2", "le deuxième", "2"])
async def test_a_choice_with_no_choice_open_says_so_and_queues_nothing(service: Service, message: str) -> None:
    reply = await service.ask(message, ALICE)
    assert reply.kind is ReplyKind.INVALID and "rien proposé" in reply.text
    assert await service.desk.list() == []


async def test_a_number_beyond_the_choices_offers_them_again(unsure: Service) -> None:
    question_id, slugs = await _offered(unsure)
    reply = await unsure.ask("9", ALICE)
    assert reply.kind is ReplyKind.SUGGESTIONS
    assert [s.slug for s in reply.suggestions] == slugs and reply.question_id == question_id
    assert reply.text.startswith(f"Je n'ai proposé que {len(slugs)} sujets")
    assert (await unsure.ask("le dernier", ALICE)).answer.slug == slugs[-1]  # type: ignore[union-attr]


async def test_the_console_picks_by_number_without_recording(unsure: Service) -> None:
    reply = await unsure.ask(CLIENTS, Asker(), record=False)
    assert reply.kind is ReplyKind.SUGGESTIONS and reply.question_id is None
    chosen = await unsure.ask("1", Asker(), record=False)
    assert chosen.answer is not None and chosen.answer.slug == reply.suggestions[0].slug
    assert await unsure.desk.repository.questions() == []


async def test_a_number_for_choices_whose_files_were_removed_is_read_as_any_message(unsure: Service) -> None:
    """An editor removed the answers between the offer and the « 2 »: no empty list offered."""
    await _offered(unsure)
    for path in unsure.settings.answers_dir.glob("clients-*.md.jinja"):
        path.unlink()
    await unsure.reload()
    reply = await unsure.ask("2", ALICE)
    assert reply.kind is not ReplyKind.ANSWER
    assert not reply.text.startswith("Je n'ai proposé")


@pytest.mark.parametrize(
    "message", ["{{ 7*7 }}", "1234", "```py\nprint('salaire')\n```", "2 + 2 = ?", "aaaaaaaaaaaa", "qsdfghjklm !!"]
)
async def test_a_message_without_a_word_outside_code_asks_for_words_and_queues_nothing(
    service: Service, message: str
) -> None:
    """Numbers, template braces or a pasted snippet alone used to be thanked for « ta question »
    and queued for the editors."""
    reply = await service.ask(message, ALICE)
    assert reply.kind is ReplyKind.INVALID and "quelques mots" in reply.text
    assert await service.desk.list() == []


@pytest.mark.parametrize("message", ["TJM ?", "CRM", "Сколько зарабатывает комьюнити-менеджер?"])
async def test_an_acronym_or_another_script_is_still_a_question(service: Service, message: str) -> None:
    """The keyboard-mash rule counts vowels in long Latin words only: « TJM ? » is a real
    question, and a question in Cyrillic is one too (unanswered, it reaches the editors)."""
    reply = await service.ask(message, ALICE)
    assert reply.kind is not ReplyKind.INVALID
    assert reply.question_id is not None


async def test_a_question_next_to_a_code_block_is_still_a_question(service: Service) -> None:
    reply = await service.ask("```\nprint(42)\n```\ncombien gagne un community manager ?", ALICE)
    assert reply.kind is not ReplyKind.INVALID
    assert reply.question_id is not None


async def test_a_follow_up_is_answered_in_the_context_of_the_asker_s_last_question(service: Service) -> None:
    """« et en freelance ? » after a salary question, even after a « merci », is about
    freelance rates; from another member, or typed first, it is read on its own."""
    await service.ask("combien gagne un community manager junior ?", ALICE)
    await service.ask("merci !", ALICE)
    follow_up = await service.ask("et en freelance ?", ALICE)
    assert follow_up.kind is ReplyKind.ANSWER and follow_up.answer is not None
    assert follow_up.answer.slug == "salaire"
    stored = await service.desk.repository.question(follow_up.question_id)  # type: ignore[arg-type]
    assert stored is not None and stored.text == "et en freelance ?"  # what the member typed
    assert stored.context is not None and "combien gagne un community manager junior" in stored.context
    bob = Asker(display_name="Bob", user_id=222, guild_id=1, channel_id=2)
    alone = await service.ask("et en freelance ?", bob)
    assert alone.answer is None or alone.answer.slug != "salaire"
    if alone.question_id is not None:
        read_alone = await service.desk.repository.question(alone.question_id)
        assert read_alone is not None and read_alone.context is None  # nothing before it to follow


async def test_typed_choices_skip_the_cooldown_only_as_many_times_as_there_are_choices(unsure: Service) -> None:
    """A member typing « 2 » over and over is spamming like any other: the adapters'
    cooldown applies again after three typed choices."""
    await _offered(unsure)
    for _ in range(3):
        assert unsure.is_choice("2", ALICE)
        assert (await unsure.ask("2", ALICE)).kind is ReplyKind.ANSWER
    assert not unsure.is_choice("2", ALICE)
    assert (await unsure.ask("2", ALICE)).kind is ReplyKind.ANSWER  # still answered, after the cooldown


async def test_a_question_about_another_job_says_so_and_offers_the_nearest_answers(service: Service) -> None:
    reply = await service.ask("c'est quoi la journée type d'un pompier ?", ALICE)
    assert reply.kind is ReplyKind.SUGGESTIONS and reply.question_id is not None  # queued for the editors
    assert reply.text.splitlines()[0] == OTHER_JOB_REPLY
    ours = await service.ask("c'est quoi la journée type d'un community manager ?", ALICE)
    assert ours.kind is ReplyKind.ANSWER and ours.answer is not None
    assert ours.answer.slug in [s.slug for s in reply.suggestions]


TWO_QUESTIONS = "Comment devenir community manager sans diplôme ? Et quel salaire pour un community manager junior ?"


async def test_a_message_with_two_questions_answers_one_and_offers_the_other(service: Service) -> None:
    first = await service.ask("Comment devenir community manager sans diplôme ?", ALICE)
    second = await service.ask("Quel salaire pour un community manager junior ?", ALICE)
    assert first.answer is not None and second.answer is not None and first.answer.slug != second.answer.slug
    both = await service.ask(TWO_QUESTIONS, ALICE)
    assert both.kind is ReplyKind.ANSWER and both.answer is not None
    answered = {first.answer.slug, second.answer.slug}
    assert {both.answer.slug, *(s.slug for s in both.also)} == answered
    assert not answered & {s.slug for s in both.related}  # never offered twice under one answer
    assert both.also[0].title in both.text.splitlines()[-1]  # the console says so too
    assert first.also == () and second.also == ()
