"""Embeds for Discord: answers split within Discord's limits, and the moderators' views.

Answers arrive as rendered Markdown text from the core; only here do they become embeds.
Splitting is pure (strings in, strings out) so it is tested without Discord.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import discord

from bot.core.answers import byline
from bot.core.models import (
    Answer,
    QuestionGroup,
    RenderedAnswer,
    ReviewItem,
    ReviewStatus,
    Stats,
    SuggestedResolution,
)

DESCRIPTION_LIMIT = 4096
"""Characters in one embed description."""
MESSAGE_EMBED_LIMIT = 6000
"""Characters across all embeds of one message (titles, descriptions, fields, footers)."""
EMBEDS_PER_MESSAGE = 10
TITLE_LIMIT = 256
FOOTER_LIMIT = 2048
CONTENT_LIMIT = 2000
BUTTON_LABEL_LIMIT = 80
CHOICE_NAME_LIMIT = 100

ANSWER_COLOUR = discord.Colour(0x5865F2)
SUGGEST_COLOUR = discord.Colour(0xFEE75C)
INFO_COLOUR = discord.Colour(0x57F287)
MODERATION_COLOUR = discord.Colour(0xEB459E)

STATUS_LABELS = {
    ReviewStatus.OPEN: "en attente",
    ReviewStatus.RESOLVED: "résolues",
    ReviewStatus.DISMISSED: "écartées",
}


_BREAKABLE_SPACES = re.compile("[^\\S\u00a0\u202f]+")
"""Runs of whitespace other than the no-break spaces French typography puts in a title."""


def shorten(text: str, limit: int, placeholder: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` characters, on a word boundary when possible;
    runs of spaces and line breaks become one space, no-break spaces stay."""
    text = _BREAKABLE_SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - len(placeholder)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + placeholder


def quote_user_text(text: str, limit: int = 200) -> str:
    """User text shown back: shortened, then Markdown- and mention-escaped so it formats
    nothing and pings nobody even if ``allowed_mentions`` were forgotten."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(shorten(text, limit)))


def split_text(text: str, limit: int = DESCRIPTION_LIMIT) -> list[str]:
    """Split text into chunks of at most ``limit`` characters, at paragraph boundaries.

    A paragraph longer than ``limit`` is split at line breaks, then at sentence ends, then
    at spaces; only a single "word" longer than the limit is cut mid-word.
    """
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return _pack([piece for paragraph in paragraphs for piece in _split_long(paragraph, limit)], "\n\n", limit)


_SEPARATORS = ((r"\n", "\n"), (r"(?<=[.!?…])\s+", " "), (r"\s+", " "))


def _split_long(paragraph: str, limit: int) -> list[str]:
    if len(paragraph) <= limit:
        return [paragraph]
    # Prefer line breaks, then sentence ends, then spaces; cut mid-word only as a last resort.
    splits = ((re.split(sep, paragraph), joiner) for sep, joiner in _SEPARATORS)
    found = next(((parts, joiner) for parts, joiner in splits if len([p for p in parts if p]) > 1), None)
    if found is None:
        return [paragraph[i : i + limit] for i in range(0, len(paragraph), limit)]
    parts, joiner = [p for p in found[0] if p], found[1]
    return _pack([sub for part in parts for sub in _split_long(part, limit)], joiner, limit)


def _pack(pieces: list[str], joiner: str, limit: int) -> list[str]:
    """Join consecutive pieces (each within ``limit``) into as few chunks as fit."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def answer_footer(answer: RenderedAnswer) -> str | None:
    parts = byline(answer)
    if answer.source and not is_link(answer.source):
        parts.append(f"source : {answer.source}")
    return shorten(" · ".join(parts), FOOTER_LIMIT) if parts else None


def is_link(text: str | None) -> bool:
    return bool(text) and re.match(r"^https?://\S+$", text or "") is not None


def answer_messages(answer: RenderedAnswer, colour: discord.Colour = ANSWER_COLOUR) -> list[list[discord.Embed]]:
    """The embeds of an answer, grouped into messages that each respect Discord's limits.

    The first embed carries the title (a link to the source when there is one), the last
    one the footer; everything past the first message goes into follow-up messages.
    """
    title = shorten(answer.title, TITLE_LIMIT)
    footer = answer_footer(answer)
    chunks = split_text(answer.body) or ["…"]
    embeds: list[discord.Embed] = []
    for i, chunk in enumerate(chunks):
        embed = discord.Embed(description=chunk, colour=colour)
        if i == 0:
            embed.title = title
            if is_link(answer.source):
                embed.url = answer.source
        embeds.append(embed)
    if footer:
        embeds[-1].set_footer(text=footer)
    return pack_embeds(embeds)


def pack_embeds(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages of at most 10 embeds and 6,000 characters."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        length = len(embed)
        if current and (size + length > MESSAGE_EMBED_LIMIT or len(current) == EMBEDS_PER_MESSAGE):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += length
    if current:
        messages.append(current)
    return messages


def suggestions_embed(text: str, titles: Iterable[str]) -> discord.Embed:
    lines = [f"{i}. {discord.utils.escape_markdown(t)}" for i, t in enumerate(titles, 1)]
    intro = text.split("\n", 1)[0]
    embed = discord.Embed(description="\n".join([intro, "", *lines]), colour=SUGGEST_COLOUR)
    embed.set_footer(text="Sinon, pas de souci : ta question part chez l'équipe de rédaction.")
    return embed


def info_embed(text: str, colour: discord.Colour = INFO_COLOUR) -> discord.Embed:
    return discord.Embed(description=shorten_block(text, DESCRIPTION_LIMIT), colour=colour)


def shorten_block(text: str, limit: int) -> str:
    """Like ``shorten`` but keeps line breaks (for lists)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def _date(value: dt.datetime) -> str:
    return f"{value:%d/%m/%Y %H:%M}"


def _times(count: int) -> str:
    return "1 fois" if count == 1 else f"{count} fois"


def _followed(context: str | None, limit: int = 80) -> str:
    """A follow-up's sense for the moderator: *(à la suite de « … »)*, or nothing."""
    return f" *(à la suite de « {quote_user_text(' '.join(context.split()), limit)} »)*" if context else ""


def group_line(group: QuestionGroup, suggestion: str | None = None) -> str:
    line = f"**#{group.id}** · {_times(group.count)} · dernière le {_date(group.last_asked)}\n« {quote_user_text(group.representative, 150)} »{_followed(group.context)}"
    if group.resolved_slug:
        line += f"\n→ `{group.resolved_slug}`"
    if group.reason:
        line += f"\n→ {quote_user_text(group.reason, 100)}"
    if suggestion:
        line += f"\n💡 {suggestion}"
    return line


def suggestion_text(suggestion: SuggestedResolution, titles: dict[str, str]) -> str:
    """« Titre » (`slug`) · 62 % (par le sens | par les mots)."""
    title = discord.utils.escape_markdown(titles.get(suggestion.slug, suggestion.slug))
    how = "par le sens" if suggestion.semantic else "par les mots"
    return f"« {title} » (`{suggestion.slug}`) · {_percent(suggestion.score)} {how}"


def groups_embed(
    items: Sequence[ReviewItem], status: ReviewStatus, page: int, has_next: bool, titles: dict[str, str] | None = None
) -> discord.Embed:
    title = f"Questions {STATUS_LABELS[status]} — page {page}"
    titles = titles or {}
    if items:
        description = "\n\n".join(
            group_line(item.group, suggestion_text(item.suggestion, titles) if item.suggestion else None)
            for item in items
        )
    elif page == 1:
        description = "Rien ici pour le moment 🎉"
    else:
        description = "Plus rien sur cette page."
    embed = discord.Embed(
        title=title, description=shorten_block(description, DESCRIPTION_LIMIT), colour=MODERATION_COLOUR
    )
    hint = "💡 un bouton résout avec la suggestion · /unanswered show id pour le détail · /unanswered resolve id pour une autre réponse"
    embed.set_footer(text=hint + (" · page suivante ➜" if has_next else ""))
    return embed


def group_embed(item: ReviewItem, titles: dict[str, str] | None = None) -> discord.Embed:
    """One group for a moderator, with every hint at its answer: the suggested one, the
    "did you mean" answers its askers chose, the 👎 the answers it got."""
    group, questions, titles = item.group, item.questions, titles or {}
    embed = discord.Embed(
        title=f"Question #{group.id} ({STATUS_LABELS[group.status].rstrip('s')})",
        description=f"« {quote_user_text(group.representative, 1000)} »{_followed(group.context, 500)}",
        colour=MODERATION_COLOUR,
    )
    embed.add_field(name="Posée", value=_times(group.count))
    embed.add_field(name="Première fois", value=_date(group.first_asked))
    embed.add_field(name="Dernière fois", value=_date(group.last_asked))
    if group.resolved_slug:
        embed.add_field(name="Réponse", value=f"`{group.resolved_slug}`", inline=False)
    if group.reason:
        embed.add_field(name="Raison", value=quote_user_text(group.reason, 1000), inline=False)
    if item.suggestion:
        embed.add_field(name="💡 Suggestion", value=suggestion_text(item.suggestion, titles), inline=False)
    if item.picks:
        value = "\n".join(f"{_members(count)} choisi *{_title(slug, titles)}* (`{slug}`)" for slug, count in item.picks)
        embed.add_field(name="Choix des membres", value=shorten_block(value, 1024), inline=False)
    if item.downvotes:
        value = "\n".join(
            f"{count} 👎 sur *{_title(slug, titles)}* (`{slug}`) pour cette question" for slug, count in item.downvotes
        )
        embed.add_field(name="Votes « pas vraiment »", value=shorten_block(value, 1024), inline=False)
    lines = []
    for record in questions[:10]:
        who = f" — {quote_user_text(record.display_name, 40)}" if record.display_name else ""
        chose = f" → `{record.picked_slug}`" if record.picked_slug else ""
        lines.append(
            f"• {_date(record.asked_at)}{who} : « {quote_user_text(record.text, 150)} »{_followed(record.context)}{chose}"
        )
    if len(questions) > 10:
        lines.append(f"… et {len(questions) - 10} autre(s)")
    if lines:
        embed.add_field(name="Formulations", value=shorten_block("\n".join(lines), 1024), inline=False)
    return embed


def _members(count: int) -> str:
    return "1 membre a" if count == 1 else f"{count} membres ont"


def _title(slug: str, titles: dict[str, str]) -> str:
    return discord.utils.escape_markdown(titles.get(slug, slug))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}".replace("%", " %")


def stats_embed(
    stats: Stats,
    answer_titles: dict[str, str],
    downvoted: Sequence[tuple[str, int]] = (),
    chart: str | None = None,
) -> discord.Embed:
    """The stats; ``chart`` names the attached PNG shown as the embed's image."""
    embed = discord.Embed(title="Statistiques de la FAQ", colour=MODERATION_COLOUR)
    embed.add_field(name="Questions", value=str(stats.questions))
    embed.add_field(name="Avec une réponse", value=f"{stats.answered} ({_percent(stats.share_answered)})")
    embed.add_field(name="Votes « utile »", value=f"{stats.helpful}/{stats.votes} ({_percent(stats.share_helpful)})")
    if stats.top_answers:
        lines = [
            f"{n} × {discord.utils.escape_markdown(answer_titles.get(slug, slug))}" for slug, n in stats.top_answers[:5]
        ]
        embed.add_field(name="Réponses les plus données", value=shorten_block("\n".join(lines), 1024), inline=False)
    if stats.top_unanswered:
        lines = [f"#{g.id} · {g.count} × « {quote_user_text(g.representative, 80)} »" for g in stats.top_unanswered[:5]]
        embed.add_field(
            name="Sans réponse, les plus demandées", value=shorten_block("\n".join(lines), 1024), inline=False
        )
    if downvoted:
        lines = [f"{n} 👎 · {_title(slug, answer_titles)}" for slug, n in downvoted[:5]]
        embed.add_field(
            name="Réponses les plus « pas vraiment »", value=shorten_block("\n".join(lines), 1024), inline=False
        )
    if stats.groups_by_status:
        value = " · ".join(f"{STATUS_LABELS[s]} : {n}" for s, n in stats.groups_by_status)
        embed.add_field(name="File de relecture", value=value, inline=False)
    if chart:
        embed.set_image(url=f"attachment://{chart}")
    return embed


def resolved_text(group: QuestionGroup, title: str) -> str:
    return (
        f"✅ Question #{group.id} rattachée à « {discord.utils.escape_markdown(title)} ». "
        f"Je reconnaîtrai désormais ses {group.count} formulation(s)."
    )


def topic_embed(
    headings: Sequence[tuple[str, int]], chosen: str | None, answers: Sequence[Answer] = ()
) -> discord.Embed:
    """``/sujets``: every heading with its number of answers; once one is chosen, its answers."""
    if chosen is not None and answers:
        lines = [f"• {discord.utils.escape_markdown(answer.shown_title)}" for answer in answers]
        embed = discord.Embed(
            title=f"📚 {shorten(chosen, TITLE_LIMIT - 2)}",
            description=shorten_block("\n".join(lines), DESCRIPTION_LIMIT),
            colour=ANSWER_COLOUR,
        )
        embed.set_footer(text="Choisis une réponse dans le menu pour l'afficher, ou un autre thème.")
        return embed
    lines = [f"• **{discord.utils.escape_markdown(name)}** · {n} réponse{'s' if n > 1 else ''}" for name, n in headings]
    embed = discord.Embed(
        title="📚 Les sujets de la FAQ",
        description=shorten_block("\n".join(lines) or "Aucune réponse pour l'instant.", DESCRIPTION_LIMIT),
        colour=ANSWER_COLOUR,
    )
    embed.set_footer(text="Choisis un thème dans le menu pour voir ses réponses.")
    return embed
