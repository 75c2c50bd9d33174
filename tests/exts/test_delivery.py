"""The delivery plan: one for every reply kind, whichever way the question came in.

The tests that build buttons are async: discord.py 2.5 creates a ``View`` only
inside a running event loop, which is where the bot always builds them."""

from __future__ import annotations

from bot.core.models import RenderedAnswer, Reply, ReplyKind, Suggestion
from bot.exts.delivery import POINTER_UP, Part, Visibility, in_public, plan

LONG = RenderedAnswer(slug="long", title="Un long guide", body="\n\n".join(["Paragraphe. " * 300] * 6))


async def test_a_long_answer_has_its_intro_on_top_and_its_buttons_under_the_last_part() -> None:
    reply = Reply(ReplyKind.ANSWER, "", question_id=7, answer=LONG)
    delivery = plan(reply, asker_id=1, visibility=Visibility.PUBLIC, intro="Pour toi :")
    assert len(delivery.parts) >= 2
    assert [p.content for p in delivery.parts] == ["Pour toi :"] + [None] * (len(delivery.parts) - 1)
    assert [p.buttons is not None for p in delivery.parts] == [False] * (len(delivery.parts) - 1) + [True]
    view = delivery.parts[-1].buttons([11, 12])  # type: ignore[misc]
    assert view is not None
    assert [item.custom_id for item in view.children] == ["faq:vote:7:1", "faq:vote:7:0", "faq:del:1:11.12"]


async def test_a_private_answer_cannot_be_deleted_only_dismissed() -> None:
    reply = Reply(ReplyKind.ANSWER, "", answer=LONG)
    delivery = plan(reply, asker_id=1, visibility=Visibility.PRIVATE)
    assert delivery.visibility is Visibility.PRIVATE
    assert delivery.parts[-1].buttons([]) is None  # type: ignore[misc]


async def test_suggestions_are_one_message_with_a_button_each() -> None:
    suggestions = (Suggestion("salaire", "Combien gagne un CM ?", 0.4), Suggestion("outils", "Les outils", 0.3))
    reply = Reply(ReplyKind.SUGGESTIONS, "Tu voulais parler de…", question_id=3, suggestions=suggestions)
    (part,) = plan(reply, asker_id=9, visibility=Visibility.PUBLIC).parts
    view = part.buttons([])  # type: ignore[misc]
    assert [item.item.label for item in view.children] == ["Combien gagne un CM ?", "Les outils"]  # type: ignore[union-attr]


def test_short_replies_are_one_line_as_visible_as_asked() -> None:
    for kind in (ReplyKind.UNANSWERED, ReplyKind.SMALLTALK, ReplyKind.INVALID):
        reply = Reply(kind, "Merci !", question_id=None)
        assert plan(reply, asker_id=1, visibility=Visibility.PUBLIC).visibility is Visibility.PRIVATE
        delivery = plan(reply, asker_id=1, visibility=Visibility.PUBLIC, short=Visibility.PUBLIC)
        assert delivery.visibility is Visibility.PUBLIC
        assert [(p.content, p.embeds, p.buttons) for p in delivery.parts] == [("Merci !", (), None)]


async def test_related_answers_are_a_second_row_of_buttons_under_an_answer() -> None:
    """Async: discord.py 2.5 (our lower bound) builds a View only inside a running loop."""
    related = (
        Suggestion("outils", "Les outils", 0.0),
        Suggestion("x" * 95, "Une réponse au nom trop long pour Discord", 0.0),
        Suggestion("salaire", "Combien gagne un CM ?", 0.0),
    )
    reply = Reply(ReplyKind.ANSWER, "", question_id=7, answer=LONG, related=related)
    view = plan(reply, asker_id=1, visibility=Visibility.PRIVATE).parts[-1].buttons([])  # type: ignore[misc]
    assert view is not None
    rows = [(item.custom_id, item.row) for item in view.children]
    # the one whose custom id Discord would refuse is left out, not the whole message
    assert rows == [("faq:vote:7:1", None), ("faq:vote:7:0", None), ("faq:rel:outils", 1), ("faq:rel:salaire", 1)]


def _buttons(part: Part) -> list[tuple[str, str | None, bool]]:
    view = part.buttons([]) if part.buttons is not None else None
    assert view is not None
    return [(b.custom_id, b.item.label, b.item.disabled) for b in view.children]  # type: ignore[attr-defined]


async def test_a_private_long_answer_also_comes_one_part_at_a_time_with_buttons_to_turn_them() -> None:
    """An interaction shows it as one ephemeral message (only follow-ups could add more)."""
    reply = Reply(ReplyKind.ANSWER, "", question_id=7, answer=LONG)
    delivery = plan(reply, asker_id=1, visibility=Visibility.PRIVATE, intro="Note :")
    assert delivery.pages is not None
    count = len(delivery.parts)
    first, last = delivery.pages(0), delivery.pages(count + 5)  # clamped to the answer's parts
    assert (first.content, first.embeds) == ("Note :", delivery.parts[0].embeds)
    assert (last.content, last.embeds) == ("Note :", delivery.parts[-1].embeds)
    buttons = [_buttons(first), _buttons(last)]
    assert buttons[0] == [
        ("faq:turn:0:7:long:p", "Précédent", True),
        ("faq:turn:1:7:long:n", f"Suite (2/{count})", False),
        ("faq:vote:7:1", "Utile", False),
        ("faq:vote:7:0", "Pas vraiment", False),
    ]
    assert buttons[1][:2] == [
        (f"faq:turn:{count - 2}:7:long:p", f"Précédent ({count - 1}/{count})", False),
        (f"faq:turn:{count - 1}:7:long:n", "Suite", True),
    ]


async def test_only_a_private_answer_in_several_parts_comes_in_pages() -> None:
    public = plan(Reply(ReplyKind.ANSWER, "", answer=LONG), asker_id=1, visibility=Visibility.PUBLIC)
    assert public.pages is None
    short = RenderedAnswer(slug="court", title="Court", body="Une ligne.")
    assert plan(Reply(ReplyKind.ANSWER, "", answer=short), asker_id=1, visibility=Visibility.PRIVATE).pages is None
    # Buttons whose custom id Discord would refuse: the parts go one after the other instead.
    huge = RenderedAnswer(slug="x" * 90, title="Un long guide", body=LONG.body)
    assert plan(Reply(ReplyKind.ANSWER, "", answer=huge), asker_id=1, visibility=Visibility.PRIVATE).pages is None


def test_a_private_delivery_shown_in_public_is_the_line_itself_or_a_pointer_to_the_answer() -> None:
    line = plan(Reply(ReplyKind.UNANSWERED, "Pas de réponse."), asker_id=1, visibility=Visibility.PUBLIC)
    assert line.visibility is Visibility.PRIVATE
    shown = in_public(line)
    assert (shown.visibility, shown.parts) == (Visibility.PUBLIC, line.parts)
    answer = plan(Reply(ReplyKind.ANSWER, "", answer=LONG), asker_id=1, visibility=Visibility.PRIVATE)
    pointer = in_public(answer)
    assert pointer.visibility is Visibility.PUBLIC
    assert [(p.content, p.embeds, p.buttons) for p in pointer.parts] == [(POINTER_UP, (), None)]
