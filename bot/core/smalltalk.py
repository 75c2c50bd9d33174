"""Recognise chit-chat ("merci", "salut", "t'es un robot ?") so it is not treated as a question.

Small talk gets a short friendly reply and is never queued for the editors: a "merci"
after every answer would otherwise drown the real unanswered questions. A message is
small talk only when *all* of it is chit-chat: "salut, comment devenir CM ?" is a question.
"""

from __future__ import annotations

import re

from bot.core.models import SmallTalk
from bot.core.text import normalise

# Each kind lists whole phrases (normalised: no accents, lowercase). A phrase listed under
# two kinds belongs to the first one.
_PHRASES: dict[SmallTalk, tuple[str, ...]] = {
    SmallTalk.THANKS: (
        "merci",
        "merci beaucoup",
        "merci bien",
        "mille mercis",
        "merci mille fois",
        "merci infiniment",
        "mercii",
        "merciii",
        "thanks",
        "thank you",
        "thank u",
        "thx",
        "ty",
        "cimer",
        "bien vu",
        "top",
        "super",
        "genial",
        "parfait",
        "nickel",
        "au top",
        "trop bien",
        "c'est gentil",
        "ca m'aide",
        "tu geres",
        "tu gere",
        "great",
        "awesome",
        "perfect",
        "cool",
        "non merci",
        "merci a toi",
        "merci a vous",
        "merci pour",
        "merci pour l'info",
        "merci pour les infos",
        "merci pour l'aide",
        "merci pour ton aide",
        "merci pour votre aide",
        "thanks a lot",
        "many thanks",
        "top merci",
        "ok merci",
        "d'accord merci",
        "ca marche",
        "ca roule",
        "nice",
    ),
    SmallTalk.GREETING: (
        "salut",
        "bonjour",
        "bonsoir",
        "coucou",
        "hello",
        "hey",
        "hi",
        "yo",
        "slt",
        "bjr",
        "cc",
        "wesh",
        "hola",
        "salut a tous",
        "bonjour a tous",
        "bonjour a toutes",
        "bonjour tout le monde",
        "salut tout le monde",
        "hello everyone",
        "hi everyone",
        "hey there",
        "good morning",
        "good evening",
        "re",
        "rebonjour",
        "bonjour bonjour",
        "ca va",
        "comment ca va",
        "comment vas tu",
        "tu vas bien",
        "vous allez bien",
        "how are you",
        "quoi de neuf",
        "sa va",
        "ca va et toi",
        "la forme",
    ),
    SmallTalk.BYE: (
        "au revoir",
        "bye",
        "bye bye",
        "a plus",
        "a+",
        "a plus tard",
        "a bientot",
        "a demain",
        "bonne nuit",
        "bonne soiree",
        "bonne journee",
        "bon week end",
        "ciao",
        "tchao",
        "see you",
        "see ya",
        "good night",
        "goodbye",
        "salut a plus",
        "bonne fin de journee",
        "a la prochaine",
    ),
    SmallTalk.BOT: (
        "t'es un robot",
        "tu es un robot",
        "es tu un robot",
        "t'es un bot",
        "tu es un bot",
        "es tu un bot",
        "t'es qui",
        "tu es qui",
        "qui es tu",
        "c'est quoi ton nom",
        "comment tu t'appelles",
        "tu sers a quoi",
        "tu fais quoi",
        "que sais tu faire",
        "tu sais faire quoi",
        "are you a bot",
        "are you a robot",
        "are you human",
        "who are you",
        "what are you",
        "what can you do",
        "t'es humain",
        "tu es humain",
        "es tu humain",
        "t'es une ia",
        "tu es une ia",
        "es tu une ia",
        "t'es chatgpt",
        "tu es chatgpt",
        "t'es vivant",
        "t'es qui toi",
        "c'est qui",
        "qui t'a cree",
        "qui t'a fait",
        "qui t'a code",
        "qui a cree ce bot",
        "qui a fait ce bot",
        "qui a code ce bot",
        "qui a cree le bot",
        "qui a fait le bot",
        "c'est qui ton createur",
        "who made you",
        "who created you",
        "test",
        "tu es la",
        "t'es la",
        "y a quelqu'un",
        "il y a quelqu'un",
        "are you there",
        "t'es un bot ou un humain",
        "tu es un bot ou un humain",
        "t'es un robot ou un humain",
        "tu es un robot ou un humain",
        "bot ou humain",
        "humain ou bot",
        "humain ou robot",
        "robot ou humain",
    ),
    SmallTalk.HELP: (
        "aide",
        "aide moi",
        "aidez moi",
        "a l'aide",
        "au secours",
        "help",
        "help me",
        "help moi",
        "tu peux m'aider",
        "tu pourrais m'aider",
        "peux tu m'aider",
        "pourrais tu m'aider",
        "vous pouvez m'aider",
        "pouvez vous m'aider",
        "quelqu'un peut m'aider",
        "qui peut m'aider",
        "j'ai besoin d'aide",
        "besoin d'aide",
        "j'ai besoin de toi",
        "j'ai besoin de vous",
        "j'ai besoin d'un conseil",
        "besoin d'un conseil",
        "un conseil",
        "question",
        "une question",
        "petite question",
        "une petite question",
        "autre question",
        "une autre question",
        "j'ai une question",
        "j'ai une petite question",
        "j'ai une autre question",
        "j'ai des questions",
        "j'ai quelques questions",
        "je peux te poser une question",
        "je peux vous poser une question",
        "je peux poser une question",
        "je peux te demander un truc",
        "je peux te demander quelque chose",
        "j'ai un truc a te demander",
        "question rapide",
        "can you help me",
        "can you help",
        "i need help",
        "i have a question",
        "quick question",
        "one question",
        "tu peux detailler",
        "peux tu detailler",
        "tu pourrais detailler",
        "detaille",
        "tu peux developper",
        "developpe",
        "tu peux expliquer",
        "explique",
        "explique moi",
        "tu peux m'expliquer",
        "plus de details",
        "can you elaborate",
        "more details",
    ),
    SmallTalk.MISSED: (
        "non",
        "nan",
        "no",
        "pas compris",
        "j'ai pas compris",
        "j'ai rien compris",
        "je n'ai pas compris",
        "je comprends pas",
        "je comprend pas",
        "je ne comprends pas",
        "comprends pas",
        "pardon",
        "c'est pas ca",
        "ce n'est pas ca",
        "pas ca",
        "c'est faux",
        "faux",
        "n'importe quoi",
        "c'est n'importe quoi",
        "nul",
        "c'est nul",
        "ta reponse est nulle",
        "reponse nulle",
        "mauvaise reponse",
        "t'as tort",
        "tu as tort",
        "rien a voir",
        "ca n'a rien a voir",
        "ca a rien a voir",
        "hors sujet",
        "aucun des deux",
        "aucun de ceux la",
        "aucun",
        "aucune",
        "wrong",
        "that's wrong",
        "not helpful",
        "i don't understand",
        "t'es nul",
        "tu es nul",
        "t'es nulle",
        "t'es naze",
        "ca m'aide pas",
        "ca ne m'aide pas",
        "ca aide pas",
        "pas utile",
        "pas clair",
        "c'est pas clair",
        "je comprends rien",
        "j'y comprends rien",
        "useless",
    ),
    SmallTalk.LAUGH: ("mdr", "lol", "ptdr", "xd", "haha", "hahaha", "hihi", "jpp", "lmao", "rofl", "mdrr", "mdrrr"),
    SmallTalk.AGREE: (
        "ok",
        "okay",
        "oki",
        "d'accord",
        "dac",
        "ouais",
        "oui",
        "yes",
        "yep",
        "ah ok",
        "ah d'accord",
        "je vois",
        "entendu",
        "compris",
        "c'est ca",
        "c'est exactement ca",
        "exactement",
        "tout a fait",
        "voila",
        "bonne reponse",
    ),
}

_ADDRESS = frozenset({"bot", "robot"})
"""How members address the bot. Alone ("bot ?") they ask about it; next to other small
talk ("merci le bot !") they only say who is spoken to."""
_FILLERS = {
    "a",
    "toi",
    "vous",
    "le",
    "bot",
    "robot",
    "!",
    "et",
    "encore",
    "beaucoup",
    "bien",
    "ah",
    "oh",
    "bah",
    "ben",
    "alors",
    "hein",
    "bro",
    "frere",
    "tout",
    "monde",
    "les",
    "gens",
    "la",
    "team",
    "du",
    "ta",
    "ton",
    "reponse",
    "truc",
    "l'ami",
    "stp",
    "svp",
    "please",
    "pls",
    "plz",
}
_REPEATS = re.compile(r"(.)\1{2,}")
_EMOJI = {
    **dict.fromkeys("🙏❤💜💙💚🧡💛🫶🥰😍", SmallTalk.THANKS),
    **dict.fromkeys("👍👌✅🆗", SmallTalk.AGREE),
    **dict.fromkeys("👋", SmallTalk.GREETING),
    **dict.fromkeys("😂🤣😆😄😁", SmallTalk.LAUGH),
}
"""A message of these alone is a reaction, not a question: a lone 👍 gets a short reply."""
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]")  # skin tones, variation selector, joiner


_PRIORITY = (
    SmallTalk.BOT,
    SmallTalk.HELP,
    SmallTalk.MISSED,
    SmallTalk.THANKS,
    SmallTalk.BYE,
    SmallTalk.GREETING,
    SmallTalk.AGREE,
    SmallTalk.LAUGH,
)
"""When a message mixes kinds, the most meaningful one wins."""


def _index() -> dict[str, SmallTalk]:
    lookup: dict[str, SmallTalk] = {}
    for kind, phrases in _PHRASES.items():
        for phrase in phrases:
            lookup.setdefault(phrase, kind)
            lookup.setdefault(phrase.replace("'", " "), kind)  # "j ai une question", typed without it
    return lookup


_LOOKUP = _index()
_LONGEST = max(len(p.split()) for p in _LOOKUP)


def classify(text: str) -> SmallTalk | None:
    """The kind of small talk, or None for a real message (or junk).

    The message is cut into known chit-chat phrases (longest first); if any word is left
    that is neither a phrase nor a filler, it is a real message and this returns None.
    When a message mixes kinds ("salut, merci !"), the most meaningful one wins: a
    question about the bot, then thanks, goodbye, greeting, agreement, laughter. A bare
    "bot" or "robot" with nothing else asks about the bot.
    """
    if not isinstance(text, str):
        return None
    words = normalise(text).split()
    if not words or len(words) > 12:
        return None
    words = [_REPEATS.sub(r"\1\1", w) for w in words]  # "merciiii" -> "mercii", "slt" unchanged
    kinds: list[SmallTalk] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            kind = _LOOKUP.get(phrase)
            if kind is not None:
                kinds.append(kind)
                i += size
                break
        else:
            if words[i] in _FILLERS or not any(ch.isalnum() for ch in words[i]):
                kinds.extend(_EMOJI[ch] for ch in _EMOJI_MODIFIERS.sub("", words[i]) if ch in _EMOJI)
                i += 1
                continue
            return None
    for kind in _PRIORITY:
        if kind in kinds:
            return kind
    if _ADDRESS.intersection(words):
        return SmallTalk.BOT
    return None
