"""Pure formatting helpers: splitting long answers within Discord's limits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.models import RenderedAnswer
from bot.exts.ask import Cooldowns, RecentAnswers, strip_mention
from bot.exts.formatting import (
    DESCRIPTION_LIMIT,
    EMBEDS_PER_MESSAGE,
    MESSAGE_EMBED_LIMIT,
    answer_messages,
    quote_user_text,
    shorten,
    split_text,
)

paragraphs = st.lists(
    st.text(alphabet=st.sampled_from("abcdé .!?\n"), min_size=1, max_size=300).map(str.strip).filter(bool),
    min_size=1,
    max_size=30,
)


@given(paragraphs, st.integers(min_value=20, max_value=500))
def test_split_text_respects_the_limit_and_loses_no_word(parts: list[str], limit: int) -> None:
    text = "\n\n".join(parts)
    chunks = split_text(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_split_prefers_paragraph_boundaries() -> None:
    text = "\n\n".join((f"Paragraphe {n}. " + "mot " * 50).strip() for n in range(6))
    chunks = split_text(text, 600)
    assert all(c.startswith("Paragraphe") for c in chunks)
    assert "\n\n".join(chunks) == "\n\n".join(p.strip() for p in text.split("\n\n"))


def test_long_answer_fits_discord_limits() -> None:
    body = "\n\n".join("Un paragraphe assez long. " * 60 for _ in range(12))
    answer = RenderedAnswer("long", "Titre", body, source="https://example.org", author="La rédaction")
    messages = answer_messages(answer)
    assert len(messages) > 1
    for embeds in messages:
        assert len(embeds) <= EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in embeds) <= MESSAGE_EMBED_LIMIT
        assert all(len(e.description or "") <= DESCRIPTION_LIMIT for e in embeds)
    assert messages[0][0].title == "Titre" and messages[0][0].url == "https://example.org"
    assert messages[-1][-1].footer.text == "La rédaction"


def test_user_text_is_escaped_and_shortened() -> None:
    assert quote_user_text("**gras** @everyone") == "\\*\\*gras\\*\\* @\u200beveryone"
    assert len(shorten("mot " * 100, 50)) <= 50


def test_strip_mention() -> None:
    assert strip_mention("<@42> combien ? <@!42>", 42) == "combien ?"


def test_cooldowns_and_recent_answers() -> None:
    cooldowns = Cooldowns(10)
    assert cooldowns.remaining(1, now=0) == 0
    cooldowns.start(1, now=0)
    assert cooldowns.remaining(1, now=4) == 6
    assert cooldowns.remaining(1, now=11) == 0
    recent = RecentAnswers(60)
    recent.note(5, "salaire", now=0)
    assert recent.seen(5, "salaire", now=59) and not recent.seen(5, "salaire", now=61)
    assert not recent.seen(6, "salaire", now=1) and not recent.seen(None, "salaire", now=1)


def test_shortening_keeps_the_no_break_spaces_of_french_typography() -> None:
    """A title typeset « Combien gagne un CM ? » keeps its « ? » on the same line when
    shortened for a button or an embed title; ordinary runs of spaces still collapse."""
    title = "Combien gagne un CM\u202f?\n  En\u00a0:  1\u00a0500\u00a0€"
    assert shorten(title, 100) == "Combien gagne un CM\u202f? En\u00a0: 1\u00a0500\u00a0€"
    assert shorten("Salut\u202f! " * 20, 20) == "Salut\u202f! Salut\u202f!…"
