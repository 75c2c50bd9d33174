"""The invite link: the scopes and exactly the permissions the bot uses, and why.

Computed with discord.py's own ``Permissions`` and ``utils.oauth_url``, so the number in
the link is Discord's, not ours. What the bot does that needs no permission is left out:
everything it sends through an interaction (``/ask``, ``/answer``, the buttons, the
moderators' ephemeral replies and the CSV of ``/unanswered export``) goes through the
interaction's own webhook, DMs need no server permission, and deleting its own messages
(the 🗑️ button) needs no Manage Messages. One exception: the second and next messages of
a long public answer are channel messages (``bot.exts.delivery``: a nonce makes them
exactly once), and go as interaction follow-ups where these permissions are missing.
"""

from __future__ import annotations

import discord

SCOPES: dict[str, str] = {
    "bot": "le bot rejoint le serveur (un membre « bot » avec les permissions ci-dessous)",
    "applications.commands": "ses commandes slash (/ask, /answer, /unanswered, /faq) apparaissent sur le serveur",
}
PERMISSIONS: dict[str, tuple[str, str]] = {
    "view_channel": ("Voir les salons", "recevoir les messages qui le mentionnent"),
    "send_messages": (
        "Envoyer des messages",
        "répondre dans le salon à qui le mentionne, et y poster la suite d'une longue réponse",
    ),
    "send_messages_in_threads": ("Envoyer des messages dans les fils", "répondre de même dans un fil"),
    "embed_links": (
        "Intégrer des liens",
        "mettre en forme (embeds) ses réponses aux mentions et la suite des longues réponses",
    ),
    "read_message_history": (
        "Voir les anciens messages",
        "répondre en citant le message de la question (Discord l'exige pour une réponse)",
    ),
}
"""Each permission, by its discord.py name: its name in Discord's French settings, and what the bot does with it."""


def permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(PERMISSIONS, True))


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=permissions(), scopes=tuple(SCOPES))


__all__ = ["PERMISSIONS", "SCOPES", "invite_url", "permissions"]
