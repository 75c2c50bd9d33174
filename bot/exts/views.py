"""Buttons that keep working after a restart (sent through ``bot.exts.delivery``).

Every button is a ``DynamicItem``: its state lives in its custom id (``faq:vote:12:1``),
so discord.py rebuilds it from any click, even on a message sent before the restart.
Custom ids stay under Discord's 100 characters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.core.models import Answer, Reply, ReviewItem, ReviewStatus
from bot.exts.common import (
    NOT_A_MODERATOR,
    asker_of,
    faq_bot,
    is_moderator,
    moderator_name,
    report_error,
    send,
    update,
)
from bot.exts.formatting import (
    BUTTON_LABEL_LIMIT,
    groups_embed,
    info_embed,
    is_link,
    resolved_text,
    shorten,
    topic_embed,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 10
SELECT_OPTIONS = 25
"""Discord's limit of options in one select menu."""
SELECT_LABEL_LIMIT = 100
CUSTOM_ID_LIMIT = 100
"""Discord refuses the whole message when one custom id is longer: such a button is left out."""
MAX_LINKED_PARTS = 3
"""How many earlier parts of a split answer the delete button can also remove."""


class GuardedButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"faq:never-matches"):
    """A persistent button whose errors reach the user and the log like command errors."""

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.handle(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError


class VoteButton(GuardedButton, template=r"faq:vote:(?P<question>\d+):(?P<helpful>[01])"):
    """ "Was this helpful?": one vote per member and question (voting again changes it)."""

    def __init__(self, question_id: int, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Utile" if helpful else "Pas vraiment",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"faq:vote:{question_id}:{int(helpful)}",
            )
        )
        self.question_id = question_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["question"]), match["helpful"] == "1")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        interaction.extras["question_id"] = self.question_id
        await faq_bot(interaction).service.vote(self.question_id, interaction.user.id, self.helpful)
        text = (
            "Merci pour ton retour, ça fait plaisir ! 😊"
            if self.helpful
            else "Merci de l'avoir signalé 🙏 L'équipe de rédaction va s'en servir pour améliorer cette réponse."
        )
        await send(interaction, content=text, ephemeral=True)


class PickButton(GuardedButton, template=r"faq:pick:(?P<question>\d+):(?P<asker>\d+):(?P<slug>[a-z0-9-]+)"):
    """One "did you mean…" choice: shows that answer."""

    def __init__(self, question_id: int, asker_id: int, slug: str, title: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=shorten(title or slug, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.primary,
                custom_id=f"faq:pick:{question_id}:{asker_id}:{slug}",
            )
        )
        self.question_id = question_id
        self.asker_id = asker_id
        self.slug = slug

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PickButton:
        return cls(int(match["question"]), int(match["asker"]), match["slug"], item.label or "")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        # The delivery path builds these buttons: imported here, not at the top, to keep
        # the two modules from importing each other while they load.
        from bot.exts.delivery import Visibility, plan, to_interaction

        interaction.extras["question_id"] = self.question_id
        bot = faq_bot(interaction)
        asker = asker_of(interaction.user, interaction.guild, interaction.channel_id)
        reply = bot.service.show(self.slug, asker)
        message = interaction.message
        own = interaction.user.id == self.asker_id
        if message is not None and (own or message.flags.ephemeral):
            # The asker's own suggestions become the answer they picked.
            await bot.service.pick(self.question_id, interaction.user.id, self.slug)
            reply = dataclasses.replace(reply, question_id=self.question_id)
            visibility = Visibility.PRIVATE if message.flags.ephemeral else Visibility.PUBLIC
            await to_interaction(interaction, plan(reply, asker_id=self.asker_id, visibility=visibility), edit=True)
        else:
            private = plan(reply, asker_id=interaction.user.id, visibility=Visibility.PRIVATE)
            await to_interaction(interaction, private)


class DeleteButton(GuardedButton, template=r"faq:del:(?P<asker>\d+)(?::(?P<parts>\d+(?:\.\d+)*))?"):
    """Deletes a wrong answer (and its earlier parts); for the asker and moderators only."""

    def __init__(self, asker_id: int, parts: Sequence[int] = ()) -> None:
        parts = tuple(parts)[-MAX_LINKED_PARTS:]
        suffix = ":" + ".".join(map(str, parts)) if parts else ""
        super().__init__(
            discord.ui.Button(
                label="Supprimer",
                emoji="🗑️",
                style=discord.ButtonStyle.danger,
                custom_id=f"faq:del:{asker_id}{suffix}",
            )
        )
        self.asker_id = asker_id
        self.parts = parts

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> DeleteButton:
        parts = [int(p) for p in match["parts"].split(".")] if match["parts"] else []
        return cls(int(match["asker"]), parts)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.asker_id and not is_moderator(interaction):
            await send(
                interaction,
                content="Seule la personne qui a posé la question (ou la modération) peut supprimer cette réponse.",
                ephemeral=True,
            )
            return
        await interaction.response.defer()
        channel = interaction.channel
        if interaction.message is not None:
            await interaction.message.delete()
        if isinstance(channel, discord.abc.Messageable):
            for part in self.parts:
                with contextlib.suppress(discord.NotFound):
                    await channel.get_partial_message(part).delete()  # type: ignore[attr-defined]
        log.info("Réponse supprimée par %s (%d) dans %s", interaction.user, interaction.user.id, interaction.channel_id)


class TurnButton(
    GuardedButton,
    template=r"faq:turn:(?P<page>\d+):(?P<question>\d+):(?P<slug>[a-z0-9-]+):(?P<tag>[pn])(?::(?P<addressee>\d+))?",
):
    """Previous / next part of a private answer in several parts, shown in one message.

    An ephemeral message can only be added by a follow-up, which a retried request posts
    twice; turning the parts edits the one message in place instead, which a retry repeats
    harmlessly. The answer is rendered again for the member who clicks (only the asker can
    see the message), so the buttons carry no more than its slug, the question's id and,
    for ``/ask for:``, the id of the member it speaks to (``addressee``), whose name is
    never stored but must stay the one the answer uses on every part.
    """

    def __init__(
        self,
        page: int,
        question_id: int,
        slug: str,
        *,
        forward: bool,
        label: str = "",
        disabled: bool = False,
        addressee: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or ("Suite" if forward else "Précédent"),
                emoji="▶️" if forward else "◀️",
                style=discord.ButtonStyle.primary if forward else discord.ButtonStyle.secondary,
                custom_id=turn_id(page, question_id, slug, forward=forward, addressee=addressee),
                disabled=disabled,
            )
        )
        self.page = page
        self.question_id = question_id
        self.slug = slug
        self.addressee = addressee

    @classmethod
    def between(
        cls, current: int, pages: int, question_id: int, slug: str, addressee: int | None = None
    ) -> list[TurnButton]:
        """The two buttons under part ``current`` of ``pages``: previous, then next (each
        disabled, and pointing at ``current``, where there is no part to turn to)."""
        buttons = []
        for forward, name in ((False, "Précédent"), (True, "Suite")):
            target = current + 1 if forward else current - 1
            inside = 0 <= target < pages
            label = f"{name} ({target + 1}/{pages})" if inside else name
            page = target if inside else current
            buttons.append(
                cls(page, question_id, slug, forward=forward, label=label, disabled=not inside, addressee=addressee)
            )
        return buttons

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> TurnButton:
        addressee = int(match["addressee"]) if match["addressee"] else None
        return cls(
            int(match["page"]), int(match["question"]), match["slug"], forward=match["tag"] == "n", addressee=addressee
        )

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        from bot.exts.delivery import Visibility, plan, to_interaction  # see PickButton.handle

        interaction.extras["question_id"] = self.question_id or None
        name = await self._addressee_name(interaction)
        asker = asker_of(interaction.user, interaction.guild, interaction.channel_id, addressee=name)
        reply = dataclasses.replace(
            faq_bot(interaction).service.show(self.slug, asker), question_id=self.question_id or None
        )
        # The intro (a note above the answer) stays as it was on every part.
        intro = interaction.message.content if interaction.message is not None else None
        delivery = plan(
            reply,
            asker_id=interaction.user.id,
            visibility=Visibility.PRIVATE,
            intro=intro or None,
            addressee=self.addressee,
        )
        await to_interaction(interaction, delivery, edit=True, page=self.page)

    async def _addressee_name(self, interaction: discord.Interaction[Any]) -> str | None:
        """The display name of the member the answer speaks to, as ``/ask for:`` gave it;
        ``None`` (the clicker's own name) when they have left the server."""
        guild = interaction.guild
        if self.addressee is None or guild is None:
            return None
        member = guild.get_member(self.addressee)
        if member is None:
            try:
                member = await guild.fetch_member(self.addressee)
            except discord.HTTPException:
                log.info("Membre %d introuvable : la suite s'adresse à qui clique", self.addressee)
                return None
        return member.display_name


def turn_id(page: int, question_id: int, slug: str, *, forward: bool, addressee: int | None = None) -> str:
    suffix = f":{addressee}" if addressee is not None else ""
    return f"faq:turn:{page}:{question_id}:{slug}:{'n' if forward else 'p'}{suffix}"


class PageButton(
    GuardedButton, template=r"faq:page:(?P<status>open|resolved|dismissed):(?P<page>\d+)(?::(?P<tag>\w))?"
):
    """Previous / next page of ``/unanswered list``."""

    def __init__(self, status: ReviewStatus, page: int, *, forward: bool, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Suivant" if forward else "Précédent",
                emoji="▶️" if forward else "◀️",
                style=discord.ButtonStyle.secondary,
                # The tag keeps the two buttons' ids distinct when both point at the same page.
                custom_id=f"faq:page:{status.value}:{page}:{'n' if forward else 'p'}",
                disabled=disabled,
            )
        )
        self.status = status
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(ReviewStatus(match["status"]), int(match["page"]), forward=match["tag"] == "n")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if not is_moderator(interaction):
            await send(interaction, content=NOT_A_MODERATOR, ephemeral=True)
            return
        embed, view = await groups_page(interaction, self.status, self.page)
        await update(interaction, embed=embed, view=view)


class ResolveButton(GuardedButton, template=r"faq:resolve:(?P<group>\d+):(?P<slug>[a-z0-9-]+)"):
    """Resolve a group with one answer in one click (the suggested one, or the one its
    askers chose): the bot learns the group's phrasings. Moderators only."""

    def __init__(self, group_id: int, slug: str, label: str, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=shorten(label, BUTTON_LABEL_LIMIT),
                emoji="✅",
                style=discord.ButtonStyle.success,
                custom_id=f"faq:resolve:{group_id}:{slug}",
                row=row,
            )
        )
        self.group_id = group_id
        self.slug = slug

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ResolveButton:
        return cls(int(match["group"]), match["slug"], item.label or match["slug"])

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if not is_moderator(interaction):
            await send(interaction, content=NOT_A_MODERATOR, ephemeral=True)
            return
        service = faq_bot(interaction).service
        group = await service.desk.resolve(self.group_id, self.slug, by=moderator_name(interaction))
        text = resolved_text(group, service.answer(self.slug).shown_title)
        await send(interaction, embed=info_embed(text), ephemeral=True)


ALSO_EMOJI = "❔"
MAX_ALSO = 3
ROW_BUTTONS = 5
"""Discord's limit of buttons in one row: the answers to a message's other questions
first, then the related answers."""


class RelatedButton(GuardedButton, template=r"faq:rel:(?P<slug>[a-z0-9-]+)"):
    """A related answer under an answer, or the answer to another question the message
    asked (``emoji`` ❔): shows it to whoever clicks, privately."""

    def __init__(self, slug: str, title: str = "", emoji: str = "📎") -> None:
        super().__init__(
            discord.ui.Button(
                label=shorten(title or slug, BUTTON_LABEL_LIMIT),
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=f"faq:rel:{slug}",
                row=1,
            )
        )
        self.slug = slug

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RelatedButton:
        return cls(match["slug"], item.label or "")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        await show_privately(interaction, self.slug)


async def show_privately(interaction: discord.Interaction[Any], slug: str) -> None:
    """One answer, for the member who clicked only, through the one delivery path."""
    from bot.exts.delivery import Visibility, plan, to_interaction  # see PickButton.handle

    asker = asker_of(interaction.user, interaction.guild, interaction.channel_id)
    reply = faq_bot(interaction).service.show(slug, asker)
    await to_interaction(interaction, plan(reply, asker_id=interaction.user.id, visibility=Visibility.PRIVATE))


class GuardedSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"faq:never-matches-select"):
    """A persistent select menu; errors go the way of ``GuardedButton``'s. Its state is
    in the message (the options), so the item is rebuilt empty from any click."""

    def __init__(self, custom_id: str, placeholder: str, options: Sequence[tuple[str, str]], row: int) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=custom_id,
                placeholder=placeholder,
                options=[
                    discord.SelectOption(label=shorten(label, SELECT_LABEL_LIMIT), value=value[:SELECT_LABEL_LIMIT])
                    for label, value in options[:SELECT_OPTIONS]
                ]
                or [discord.SelectOption(label="—", value="-")],
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Select[Any], match: re.Match[str]
    ) -> GuardedSelect:
        return cls()  # type: ignore[call-arg]

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            values = (interaction.data or {}).get("values") or []
            await self.handle(interaction, str(values[0]) if values else "")
        except Exception as error:
            await report_error(interaction, error)

    async def handle(self, interaction: discord.Interaction[Any], value: str) -> None:
        raise NotImplementedError


class CategorySelect(GuardedSelect, template=r"faq:topics"):
    """``/sujets``: pick a heading, the message then lists its answers."""

    def __init__(self, categories: Sequence[str] = ()) -> None:
        super().__init__("faq:topics", "Choisis un thème…", [(name, name) for name in categories], row=1)

    async def handle(self, interaction: discord.Interaction[Any], value: str) -> None:
        embed, view = topics_page(faq_bot(interaction).service.topics(), value)
        await update(interaction, embed=embed, view=view)


class AnswerSelect(GuardedSelect, template=r"faq:topic"):
    """``/sujets``: pick an answer of the chosen heading, it is shown (privately)."""

    def __init__(self, answers: Sequence[Answer] = ()) -> None:
        super().__init__("faq:topic", "Choisis une réponse…", [(a.shown_title, a.slug) for a in answers], row=0)

    async def handle(self, interaction: discord.Interaction[Any], value: str) -> None:
        await show_privately(interaction, value)


def topics_page(
    topics: Sequence[tuple[str, Sequence[Answer]]], chosen: str | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    """The browse menu: the headings, and once one is chosen, its answers to pick from."""
    view = discord.ui.View(timeout=None)
    answers = next((list(found) for name, found in topics if name == chosen), None)
    if answers:
        view.add_item(AnswerSelect(answers))
    view.add_item(CategorySelect([name for name, _ in topics]))
    return topic_embed([(name, len(found)) for name, found in topics], chosen, answers or ()), view


PERSISTENT_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    VoteButton,
    PickButton,
    DeleteButton,
    TurnButton,
    PageButton,
    ResolveButton,
    RelatedButton,
    CategorySelect,
    AnswerSelect,
)


async def groups_page(
    interaction: discord.Interaction[Any], status: ReviewStatus, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    """One page of question groups, with its previous/next buttons."""
    page = max(page, 1)
    service = faq_bot(interaction).service
    groups = await service.desk.list(status, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    has_next = len(groups) > PAGE_SIZE
    items = await service.review_items(groups[:PAGE_SIZE])
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(status, max(page - 1, 1), forward=False, disabled=page == 1))
    view.add_item(PageButton(status, page + 1, forward=True, disabled=not has_next))
    titles = faq_bot(interaction).service.titles()
    for n, item in enumerate(i for i in items if i.suggestion is not None and fits(i.group.id, i.suggestion.slug)):
        suggestion = item.suggestion
        assert suggestion is not None
        label = f"#{item.group.id} → {titles.get(suggestion.slug, suggestion.slug)}"
        view.add_item(ResolveButton(item.group.id, suggestion.slug, label, row=1 + n // 5))
    return groups_embed(items, status, page, has_next, titles), view


def review_view(item: ReviewItem, titles: dict[str, str]) -> discord.ui.View | None:
    """Under ``/unanswered show``: resolve with the suggestion, or with what members chose
    (one click each; another answer: ``/unanswered resolve`` and its autocomplete)."""
    if item.group.status is not ReviewStatus.OPEN:
        return None
    view = discord.ui.View(timeout=None)
    picks = dict(item.picks)
    offered: list[str] = []

    def members(slug: str) -> str:
        count = picks.get(slug, 0)
        return "" if not count else " (choisie par 1 membre)" if count == 1 else f" (choisie par {count} membres)"

    if item.suggestion is not None and fits(item.group.id, item.suggestion.slug):
        slug = item.suggestion.slug
        label = f"Résoudre avec « {titles.get(slug, slug)} »{members(slug)}"
        view.add_item(ResolveButton(item.group.id, slug, label))
        offered.append(slug)
    for slug in picks:
        if slug not in offered and len(offered) < 5 and fits(item.group.id, slug):
            label = f"Confirmer « {titles.get(slug, slug)} »{members(slug)}"
            view.add_item(ResolveButton(item.group.id, slug, label))
            offered.append(slug)
    return view if offered else None


def fits(group_id: int, slug: str) -> bool:
    """Whether a ``ResolveButton`` for this group and answer has a custom id Discord accepts."""
    return len(f"faq:resolve:{group_id}:{slug}") <= CUSTOM_ID_LIMIT


def answer_view(
    reply: Reply,
    *,
    asker_id: int,
    previous: Sequence[int],
    public: bool,
    page: tuple[int, int] | None = None,
    addressee: int | None = None,
) -> discord.ui.View | None:
    """Buttons under an answer: votes (when the question was stored), delete (public
    answers only: an ephemeral one can simply be dismissed), and a link to the source.
    ``page`` (which part, of how many) adds the buttons that turn the parts of a private
    answer shown in one message (for the member ``addressee`` when it speaks to one)."""
    view = discord.ui.View(timeout=None)
    if page is not None and reply.answer is not None:
        for button in TurnButton.between(*page, reply.question_id or 0, reply.answer.slug, addressee):
            view.add_item(button)
    if reply.question_id is not None:
        view.add_item(VoteButton(reply.question_id, True))
        view.add_item(VoteButton(reply.question_id, False))
    if public:
        view.add_item(DeleteButton(asker_id, previous))
    source = reply.answer.source if reply.answer else None
    if source and is_link(source):
        view.add_item(discord.ui.Button(label="Source", emoji="🔗", url=source))
    offered = [(s, ALSO_EMOJI) for s in reply.also[:MAX_ALSO]] + [(s, "📎") for s in reply.related[:3]]
    for related, emoji in offered[:ROW_BUTTONS]:
        if len(f"faq:rel:{related.slug}") <= CUSTOM_ID_LIMIT:
            view.add_item(RelatedButton(related.slug, related.title, emoji))
    return view if view.children else None


def turns_fit(reply: Reply, pages: int, addressee: int | None = None) -> bool:
    """Whether the buttons turning ``pages`` parts of this answer have custom ids Discord accepts."""
    slug = reply.answer.slug if reply.answer is not None else ""
    custom_id = turn_id(pages, reply.question_id or 0, slug, forward=True, addressee=addressee)
    return len(custom_id) <= CUSTOM_ID_LIMIT


def suggestions_view(reply: Reply, asker_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    assert reply.question_id is not None
    for suggestion in reply.suggestions[:3]:
        view.add_item(PickButton(reply.question_id, asker_id, suggestion.slug, suggestion.title))
    return view
