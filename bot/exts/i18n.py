"""French names and descriptions for the slash commands, through discord.py's Translator.

English stays the base (what Discord shows when it has nothing better); members whose
Discord is in French see French command names, options, choices and descriptions.
Keys are the English strings exactly as written in the cogs.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

log = logging.getLogger(__name__)

FRENCH: dict[str, str] = {
    # /ask
    "ask": "demander",
    "Ask a question about the community manager job": "Pose une question sur le métier de community manager",
    "question": "question",
    "Your question, as you would ask a colleague": "Ta question, comme tu la poserais à une collègue",
    "private": "privé",
    "Only you see the answer": "Toi seul·e vois la réponse",
    "for": "pour",
    "Answer this member's question: only they are pinged": "Répondre à la question de ce membre : lui seul est notifié",
    # /answer
    "answer": "réponse",
    "Show one answer from the FAQ": "Afficher une réponse de la FAQ",
    "topic": "sujet",
    "Start typing the topic, then pick it": "Commence à taper le sujet, puis choisis-le",
    # /topics
    "topics": "sujets",
    "Browse the FAQ by topic": "Parcourir la FAQ par thème",
    # /unanswered
    "unanswered": "sans-réponse",
    "Questions the bot could not answer (moderators)": "Questions restées sans réponse (modération)",
    "list": "liste",
    "List the questions waiting for an answer": "Lister les questions qui attendent une réponse",
    "status": "statut",
    "Which questions to list (default: open)": "Quelles questions lister (par défaut : en attente)",
    "open": "en attente",
    "resolved": "résolues",
    "dismissed": "écartées",
    "page": "page",
    "Page number (10 per page)": "Numéro de page (10 par page)",
    "show": "voir",
    "Show one question and all the ways it was asked": "Voir une question et toutes ses formulations",
    "id": "numéro",
    "The question number shown by /unanswered list": "Le numéro affiché par /unanswered list",
    "resolve": "résoudre",
    "Attach an answer to a question: the bot learns the phrasing": "Rattacher une réponse à une question : le bot apprend la formulation",
    "The answer to attach": "La réponse à rattacher",
    "dismiss": "écarter",
    "Close a question without an answer": "Fermer une question sans réponse",
    "reason": "raison",
    "Why (kept for the record)": "Pourquoi (gardé dans l'historique)",
    "export": "exporter",
    "Download every question as a CSV file": "Télécharger toutes les questions en CSV",
    # /faq
    "faq": "faq",
    "The FAQ itself (moderators)": "La FAQ elle-même (modération)",
    "stats": "stats",
    "How much the bot answers, and what it misses": "Ce que le bot répond, et ce qui lui manque",
    "digest": "digest",
    "What changed: new questions, suggestions waiting, answers voted down": "Ce qui a changé : nouvelles questions, suggestions en attente, réponses mal notées",
    "days": "période",
    "The period to sum up (default: 7 days)": "La période à résumer (par défaut : 7 jours)",
    "7 days": "7 jours",
    "14 days": "14 jours",
    "30 days": "30 jours",
    "reload": "recharger",
    "Re-read the answer files now and report problems": "Relire les fichiers de réponses maintenant et signaler les problèmes",
}


class FrenchTranslator(app_commands.Translator):
    """Gives French for every command string; other locales fall back to English."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.french:
            return None
        text = FRENCH.get(string.message)
        if text is None:
            log.warning("Pas de traduction française pour %r (%s)", string.message, context.location.name)
        return text
