"""Reading a typed choice after "did you mean…", and remembering the choices offered."""

from __future__ import annotations

import pytest

from bot.core.followup import LAST, MAX_REMEMBERED, Offers, choice_number


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


def test_the_choices_are_forgotten_after_a_while_and_the_oldest_askers_first() -> None:
    now = [0.0]
    offers = Offers(clock=lambda: now[0], ttl=60.0)
    offers.remember((1, 10), 5, ["a", "b"])
    now[0] = 59.0
    offer = offers.current((1, 10))
    assert offer is not None and offer.pick(2) == "b" and offer.pick(LAST) == "b" and offer.pick(3) is None
    assert offers.current((1, 11)) is None and offers.current((2, 10)) is None  # another channel, another member
    now[0] = 61.0
    assert offers.current((1, 10)) is None
    for user in range(MAX_REMEMBERED + 1):
        offers.remember((user, 10), None, ["a"])
    assert offers.current((0, 10)) is None and offers.current((MAX_REMEMBERED, 10)) is not None
