"""The matcher on a frozen copy of the answer library and on the test-only second library."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.answers import load_library
from bot.core.evaluation import evaluate
from bot.core.matching import Matcher, choices, decide
from bot.core.models import Candidate, MatchResult, ReplyKind

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "tests" / "eval"
FROZEN = ROOT / "tests" / "fixtures" / "library"
FROZEN_EVAL = ROOT / "tests" / "fixtures" / "library_eval"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    library = load_library(FROZEN)
    assert library.answers, "the real answers must load"
    return Matcher(library.answers.values())


def answer_of(matcher: Matcher, question: str) -> str | None:
    result = matcher.match(question)
    if decide(result) is ReplyKind.ANSWER:
        return result.best.slug if result.best else None
    return None


def test_the_seed_question_reaches_the_seed_answer(matcher: Matcher) -> None:
    assert answer_of(matcher, "Comment mon métier est-il perçu par mes proches ?") == "perception-du-metier"


@pytest.mark.parametrize(
    "question",
    ["Comment mon metier est il percu par mes proches", "COMMENT MON MÉTIER EST-IL PERÇU PAR MES PROCHES ?"],
)
def test_case_and_accents_do_not_matter(matcher: Matcher, question: str) -> None:
    assert answer_of(matcher, question) == "perception-du-metier"


def test_typos_are_tolerated(matcher: Matcher) -> None:
    assert matcher.match("comment devenir comunity manageur").best.slug == "devenir-community-manager"


def test_off_topic_questions_get_no_answer(matcher: Matcher) -> None:
    assert answer_of(matcher, "quelle température pour cuire un poulet") is None
    assert answer_of(matcher, "{{ 7*7 }}") is None


def test_small_talk_is_flagged(matcher: Matcher) -> None:
    result = matcher.match("merci beaucoup !")
    assert result.smalltalk == "thanks"
    assert decide(result) is ReplyKind.SMALLTALK


def test_candidates_are_sorted_distinct_and_limited(matcher: Matcher) -> None:
    result = matcher.match("salaire d'un community manager freelance", limit=3)
    assert 1 <= len(result.candidates) <= 3
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len({c.slug for c in result.candidates}) == len(result.candidates)
    assert {c.slug for c in result.candidates} <= matcher.slugs


def test_add_phrasing_takes_effect_at_once(matcher: Matcher) -> None:
    library = load_library(FROZEN)
    fresh = Matcher(library.answers.values())
    question = "ornithorynque galactique zygomatique"
    assert answer_of(fresh, question) is None
    fresh.add_phrasing("salaire", question)
    assert answer_of(fresh, question) == "salaire"
    fresh.add_phrasing("pas-une-reponse", "rien")  # unknown slugs are ignored, not fatal


def test_set_learned_forgets_exactly_what_was_taken_back() -> None:
    answers = load_library(FROZEN).answers.values()
    questions = [
        "ornithorynque galactique zygomatique",
        "recette du pain au levain",
        "combien gagne un cm",
        "roi insta",
    ]
    fresh = Matcher(answers)
    taught = Matcher(answers)
    taught.add_phrasing("salaire", questions[0])
    taught.add_phrasing("outils", questions[1])
    assert answer_of(taught, questions[1]) == "outils"

    taught.set_learned([("salaire", questions[0]), ("pas-une-reponse", "rien")])

    assert answer_of(taught, questions[0]) == "salaire"
    assert answer_of(taught, questions[1]) is None
    taught.set_learned([])
    # Nothing left over in the index: the scores are those of a matcher never taught anything.
    assert [taught.match(q) for q in questions] == [fresh.match(q) for q in questions]
    # Adding lessons (in place) and rewriting them (re-index) end in the same index.
    lessons = [("outils", questions[1]), ("salaire", questions[0])]
    taught.set_learned(lessons[1:])
    taught.set_learned(lessons)
    built = Matcher(answers, learned=lessons)
    assert [taught.match(q) for q in questions] == [built.match(q) for q in questions]


def test_learned_phrasings_given_at_build_time_count(matcher: Matcher) -> None:
    library = load_library(FROZEN)
    taught = Matcher(library.answers.values(), learned=[("outils", "ornithorynque galactique zygomatique")])
    assert answer_of(taught, "ornithorynque galactique zygomatique") == "outils"


def test_similarity_groups_near_duplicates(matcher: Matcher) -> None:
    same = matcher.similarity("comment cuire des pâtes ?", "Comment cuire des pates")
    close = matcher.similarity("comment cuire des pâtes al dente", "cuisson des pates al dente")
    far = matcher.similarity("comment cuire des pâtes ?", "salaire d'un boulanger")
    assert same == pytest.approx(1.0)
    assert same >= close > far
    assert 0.0 <= far <= 1.0
    assert matcher.similarity("", "") == 1.0


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_match_never_raises_and_scores_stay_in_unit_interval(text: str) -> None:
    matcher = _shared()
    result = matcher.match(text)
    assert isinstance(result, MatchResult)
    assert all(0.0 <= c.score <= 1.0 for c in result.candidates)
    assert decide(result) in set(ReplyKind)
    assert 0.0 <= matcher.similarity(text, "comment devenir community manager") <= 1.0


_MATCHER: list[Matcher] = []


def _shared() -> Matcher:
    if not _MATCHER:
        _MATCHER.append(Matcher(load_library(FROZEN).answers.values()))
    return _MATCHER[0]


def test_decide_bands() -> None:
    result = MatchResult(candidates=(Candidate("a", 0.5),))
    assert decide(result, 0.6, 0.4) is ReplyKind.SUGGESTIONS
    assert decide(result, 0.5, 0.4) is ReplyKind.ANSWER
    assert decide(result, 0.8, 0.6) is ReplyKind.UNANSWERED
    assert decide(MatchResult(), 0.5, 0.3) is ReplyKind.UNANSWERED
    assert decide(MatchResult(smalltalk="thanks"), 0.5, 0.3) is ReplyKind.SMALLTALK


def test_a_near_tie_of_the_combined_confidence_is_never_settled_silently() -> None:
    tie = MatchResult(candidates=(Candidate("a", 0.8), Candidate("b", 0.75)), confidence=0.8)
    assert decide(tie) is ReplyKind.SUGGESTIONS
    assert [c.slug for c in choices(tie)] == ["a", "b"]
    clear = MatchResult(candidates=(Candidate("a", 0.8), Candidate("b", 0.1)), confidence=0.8)
    assert decide(clear) is ReplyKind.ANSWER
    assert choices(clear) == ()


def _report(matcher: Matcher) -> dict:
    """The report half written for the frozen library, frozen with it (the live dev set
    follows ``answers/``)."""
    return evaluate(FROZEN_EVAL / "dev_report.jsonl", matcher)[1]


def _other() -> dict:
    other = Matcher(load_library(ROOT / "tests" / "fixtures" / "other_library").answers.values())
    return evaluate(EVAL / "other_library.jsonl", other)[1]


def test_report_half_does_not_regress(matcher: Matcher) -> None:
    """Floors at today's measured level (top1 0.914, rejected 0.682, accuracy 0.846): a
    regression fails CI. The richer answer phrasings of 2026-11-25 moved top1 up from 0.848
    and rejected down from 0.75, for a higher accuracy overall (0.819 before)."""
    summary = _report(matcher)
    assert summary["top1"] >= 0.90, summary
    assert summary["rejected"] >= 0.66, summary
    assert summary["accuracy"] >= 0.83, summary


def test_second_library_does_not_regress() -> None:
    """Same default thresholds on a library never tuned on; floor at today's 0.829."""
    assert _other()["top1"] >= 0.82
