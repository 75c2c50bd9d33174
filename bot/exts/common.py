"""What every cog and button shares: who is a moderator, how to answer an interaction
whatever state it is in, and the one way errors reach the user and the log."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.errors import BotError
from bot.core.models import Asker
from bot.core.text_safety import clean
from bot.exts.formatting import quote_user_text

if TYPE_CHECKING:
    from bot.app import FaqBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
APOLOGY = "Oups, quelque chose s'est mal passé de mon côté 😕 Désolé ! L'équipe technique a été prévenue."
NOT_A_MODERATOR = "Cette commande est réservée à la modération."
GUILD_ONLY = "Cette commande ne marche que sur un serveur."
ALREADY_ACKNOWLEDGED = 40060
"""Discord's error code for a second response to one interaction."""
UNKNOWN_INTERACTION = 10062
"""Discord's error code for an interaction it no longer knows (not answered within 3 s)."""
RESPONDED = "responded"
"""``interaction.extras`` key: the interaction has its response, whatever discord.py believes."""
DEFERRED = "deferred"
"""``interaction.extras`` key: the interaction has a "thinking…" placeholder (see ``defer``)."""
FILLED = "filled"
"""``interaction.extras`` key: the "thinking…" placeholder of a deferral has its content."""
ERROR_TEXT_LIMIT = 300
"""An error message quoting what a member typed is cut here (Discord refuses over 2,000)."""


class NotModerator(app_commands.CheckFailure):
    """Raised by the moderator check; the tree answers with ``NOT_A_MODERATOR``."""


def faq_bot(interaction: discord.Interaction[Any]) -> FaqBot:
    return interaction.client  # type: ignore[return-value]


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Manage Messages in this channel, or one of the ``MODERATOR_ROLE_IDS`` roles.

    ``default_permissions`` only hides commands, and server admins can change that in
    their settings: this runtime check is what actually protects the review queue.
    """
    user = interaction.user
    if interaction.guild is None or not isinstance(user, discord.Member):
        return False
    if interaction.permissions.manage_messages:
        return True
    allowed = set(faq_bot(interaction).settings.moderator_role_ids)
    return any(role.id in allowed for role in user.roles)


async def require_moderator(interaction: discord.Interaction[Any]) -> bool:
    """The runtime half of the moderator rule, used as the moderator cogs' check."""
    if not is_moderator(interaction):
        raise NotModerator(NOT_A_MODERATOR)
    return True


async def send(interaction: discord.Interaction[Any], **kwargs: Any) -> discord.Message | None:
    """Answer an interaction: its response, else its "thinking…" placeholder, else a follow-up.

    Returns the message sent when Discord tells us which one it is. A response that
    discord.py retried after Discord had already taken it (a 5xx on the way back) comes
    back "already acknowledged": the response is there, so it counts as sent, once. A
    deferral's placeholder is filled by an edit, which a retry repeats harmlessly, where
    a follow-up (it takes no nonce) would post twice; it keeps the deferral's visibility.
    """
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if not responded(interaction):
        try:
            response = await interaction.response.send_message(**kwargs)
        except discord.HTTPException as exc:
            _taken_already(interaction, exc)
            try:
                return await interaction.original_response()
            except discord.HTTPException:
                return None
        interaction.extras[RESPONDED] = True
        if isinstance(response.resource, discord.InteractionMessage):
            return response.resource
        return None
    deferred = interaction.response.type is discord.InteractionResponseType.deferred_channel_message
    if (deferred or interaction.extras.get(DEFERRED)) and not interaction.extras.get(FILLED):
        kwargs.pop("ephemeral", None)
        if "file" in kwargs:
            kwargs["attachments"] = [kwargs.pop("file")]
        message = await interaction.edit_original_response(**kwargs)
        interaction.extras[FILLED] = True
        return message
    return await interaction.followup.send(wait=True, **kwargs)


async def defer(interaction: discord.Interaction[Any], *, ephemeral: bool) -> None:
    """Answer "thinking…" now and the real reply later (``send`` fills the placeholder).

    A deferral discord.py retried after Discord had taken it comes back "already
    acknowledged": the placeholder is there, and the reply must still fill it.
    """
    try:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    except discord.HTTPException as exc:
        _taken_already(interaction, exc)
    interaction.extras[DEFERRED] = True


async def update(interaction: discord.Interaction[Any], **kwargs: Any) -> None:
    """Edit the message whose button or menu was used, as the interaction's response.

    An edit is idempotent, and a retry of one Discord had already taken comes back
    "already acknowledged": the message is as asked, once, so that counts as done.
    """
    try:
        await interaction.response.edit_message(**kwargs)
    except discord.HTTPException as exc:
        _taken_already(interaction, exc)
        return
    interaction.extras[RESPONDED] = True


def _taken_already(interaction: discord.Interaction[Any], exc: discord.HTTPException) -> None:
    """Re-raise ``exc`` unless it says Discord already has this interaction's response."""
    if exc.code != ALREADY_ACKNOWLEDGED:
        raise exc
    interaction.extras[RESPONDED] = True
    log.warning("Réponse à l'interaction %d déjà reçue par Discord (requête répétée) : pas de doublon", interaction.id)


def responded(interaction: discord.Interaction[Any]) -> bool:
    """Whether the interaction has its response (sent, deferred, or taken by Discord on a retry)."""
    return interaction.response.is_done() or bool(interaction.extras.get(RESPONDED))


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Turn an error into a short ephemeral reply: domain errors say what is wrong,
    anything else is logged with its traceback (and the question id) and apologised for."""
    original = error
    while isinstance(original, (app_commands.CommandInvokeError, app_commands.TransformerError)):
        if original.__cause__ is None or original.__cause__ is original:
            break
        original = original.__cause__
    if isinstance(original, app_commands.CommandInvokeError):
        original = original.original
    if isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION:
        # Too late: Discord forgot the interaction, so no apology can reach the member either.
        log.warning("Interaction %d expirée avant la réponse (%s)", interaction.id, command_name(interaction))
        return
    if isinstance(original, BotError):
        # Domain messages quote what was typed (a slug, an id): echoed escaped and bounded.
        text = _capitalise(quote_user_text(clean(str(original)), ERROR_TEXT_LIMIT))
    elif isinstance(original, NotModerator):
        text = NOT_A_MODERATOR
    elif isinstance(original, app_commands.NoPrivateMessage):
        text = GUILD_ONLY
    elif isinstance(original, app_commands.CheckFailure):
        text = str(original) or NOT_A_MODERATOR
    elif isinstance(original, app_commands.TransformerError):
        text = "Je n'ai pas compris cette valeur : choisis-la dans la liste proposée."
    else:
        log.error(
            "Erreur pendant %s (question %s, utilisateur %s)",
            command_name(interaction),
            interaction.extras.get("question_id"),
            interaction.user.id if interaction.user else None,
            exc_info=original,
        )
        text = APOLOGY
    try:
        await send(interaction, content=text, ephemeral=True)
    except discord.HTTPException:
        log.warning("Impossible de prévenir l'utilisateur de l'erreur", exc_info=True)


def command_name(interaction: discord.Interaction[Any]) -> str:
    return interaction.command.qualified_name if interaction.command else _custom_id(interaction)


def _custom_id(interaction: discord.Interaction[Any]) -> str:
    data = interaction.data or {}
    return f"le bouton {data.get('custom_id', '?')}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def asker_of(
    user: discord.abc.User, guild: discord.Guild | None, channel_id: int | None, addressee: str | None = None
) -> Asker:
    """Who asked and where, as the core understands it; ``addressee`` is the member the
    answer is for (``/ask for:``), whose name is used in the answer but never stored."""
    return Asker(
        display_name=user.display_name,
        user_id=user.id,
        guild_id=guild.id if guild else None,
        channel_id=channel_id,
        server_name=guild.name if guild else None,
        addressee=addressee,
    )


def moderator_name(interaction: discord.Interaction[Any]) -> str:
    """Who acted, as stored in the review history: name and id, so it stays traceable."""
    return f"{interaction.user.name} ({interaction.user.id})"
