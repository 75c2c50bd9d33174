"""Reading a typed choice after "did you mean…", and remembering the choices offered."""

from __future__ import annotations

import pytest

from bot.core.followup import LAST, MAX_REMEMBERED, Conversations, choice_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1", 1),
        ("2", 2),
        ("le premier", 1),
        ("la deuxième stp", 2),
        ("le deuxieme", 2),
        ("la 2ème", 2),
        ("3e", 3),
        ("1er", 1),
        ("#2", 2),
        ("n°3", 3),
        ("2️⃣", 2),
        ("je prends le 2", 2),
        ("l'option 3", 3),
        ("Option 2 !", 2),
        ("the first one", 1),
        ("the second one please", 2),
        ("la une", 1),
        ("le dernier", LAST),
        ("7", 7),  # out of range is the service's business: it offers the choices again
    ],
)
def test_a_choice_is_read_however_it_is_typed(text: str, number: int) -> None:
    assert choice_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "le premier job de cm",  # a question that starts like a choice
        "combien gagne un cm",
        "le 1 ou le 2",  # undecided: no silent pick
        "deux fois plus de likes",
        "non",
        "ok",
        "0",
        "",
        "😅",
    ],
)
def test_anything_more_than_a_choice_is_no_choice(text: str) -> None:
    assert choice_number(text) is None


def test_a_turn_is_forgotten_after_a_while_and_the_oldest_askers_first() -> None:
    now = [0.0]
    turns = Conversations(clock=lambda: now[0], ttl=60.0)
    turns.remember((1, 10), "combien gagne un cm ?", 5, ["a", "b"])
    now[0] = 59.0
    turn = turns.current((1, 10))
    assert turn is not None and turn.pick(2) == "b" and turn.pick(LAST) == "b" and turn.pick(3) is None
    assert turns.current((1, 11)) is None and turns.current((2, 10)) is None  # another channel, another member
    now[0] = 61.0
    assert turns.current((1, 10)) is None
    for user in range(MAX_REMEMBERED + 1):
        turns.remember((user, 10), "q", None, ["a"])
    assert turns.current((0, 10)) is None and turns.current((MAX_REMEMBERED, 10)) is not None


def test_closing_the_choices_keeps_the_question_for_a_follow_up() -> None:
    turns = Conversations()
    turns.remember((1, 10), "combien gagne un cm ?", 5, ["a", "b"])
    turns.close_choices((1, 10))
    turn = turns.current((1, 10))
    assert turn is not None and turn.question == "combien gagne un cm ?" and turn.pick(1) is None
