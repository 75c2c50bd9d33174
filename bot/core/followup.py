"""A typed choice after "did you mean…": « le deuxième », « 2 », « the first one ».

The console has no buttons, and in Discord many members answer a list by typing rather
than clicking. Without this, « le premier » was matched as a new question: a random
"did you mean…", or one more line in the editors' queue. The service remembers the last
choices it offered each asker in each channel, for a few minutes, and a reply made only
of a choice picks from them; anything else the asker says next forgets them.
"""

from __future__ import annotations

import collections
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.text import normalise

CHOICE_SECONDS = 600.0
"""How long the choices offered to an asker can be picked by typing: long enough to read
them, short enough that a number typed an hour later is a new message."""
MAX_REMEMBERED = 10_000
"""Askers whose last choices are remembered at once (the oldest are forgotten first)."""

LAST = -1
"""« le dernier »: the last of the choices, whatever their number."""

_ORDINALS: dict[str, int] = {
    **dict.fromkeys(("premier", "premiere", "first", "un", "une", "one"), 1),
    **dict.fromkeys(("deuxieme", "second", "seconde", "secund", "deux", "two", "2nd", "2nde"), 2),
    **dict.fromkeys(("troisieme", "third", "trois", "three", "3rd"), 3),
    **dict.fromkeys(("dernier", "derniere", "last"), LAST),
}
_WEAK = frozenset({"un", "une", "one"})
"""Ordinals that are also fillers: « the second one » is the second, « la une » the first."""
_SEPARATORS = re.compile(r"[^\w]+|_")
"""Apostrophes and what ``normalise`` keeps of « n° » and « 1️⃣ » (a keycap) part words too."""
_NUMBERED = re.compile(r"(\d{1,2})(?:er|ere|re|e|eme|em|ieme|st|nd|rd|th)?")
_FILLERS = frozenset(
    (
        *("le", "la", "l", "les", "the", "a", "celui", "celle", "ci"),
        *("ok", "oui", "yes", "ouais", "alors", "et", "plutot", "euh", "hmm", "bah", "ben"),
        *("je", "j", "veux", "voudrais", "prends", "prendrais", "choisis", "take", "want", "pick", "i", "d", "ll"),
        *("numero", "num", "no", "n", "nr", "number", "nb"),
        *("option", "choix", "choice", "sujet", "topic", "reponse", "answer", "article", "proposition", "lien"),
        *("stp", "svp", "please", "pls", "plz", "merci", "thanks"),
    )
)
"""Words around a choice that say nothing more: « je prends le 2 stp »."""


def choice_number(text: str) -> int | None:
    """The position a message picks (1 for the first, ``LAST`` for the last), or ``None``
    when it says anything more than a choice: « le premier job de cm » is a question."""
    picked: list[int] = []
    weak: list[int] = []
    for word in _SEPARATORS.sub(" ", normalise(text)).split():
        if word in _WEAK:
            weak.append(_ORDINALS[word])
        elif word in _ORDINALS:
            picked.append(_ORDINALS[word])
        elif numbered := _NUMBERED.fullmatch(word):
            picked.append(int(numbered[1]))
        elif word not in _FILLERS:
            return None
    chosen = set(picked or weak)
    if len(chosen) != 1 or 0 in chosen:
        return None
    return chosen.pop()


@dataclass(frozen=True)
class Offer:
    """The choices last offered to one asker in one channel."""

    question_id: int | None
    """The question they answer (a pick is noted on it); ``None`` when nothing is stored."""
    slugs: tuple[str, ...]
    at: float

    def pick(self, number: int) -> str | None:
        """The slug at this position, or ``None`` when there is no such choice."""
        if number == LAST:
            return self.slugs[-1]
        return self.slugs[number - 1] if 1 <= number <= len(self.slugs) else None


AskerKey = tuple[int | None, int | None]
"""(user id, channel id): the console's single user is (None, None)."""


class Offers:
    """The last choices offered to each asker, forgotten after ``CHOICE_SECONDS``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, ttl: float = CHOICE_SECONDS) -> None:
        self._clock = clock
        self._ttl = ttl
        self._offers: collections.OrderedDict[AskerKey, Offer] = collections.OrderedDict()

    def remember(self, key: AskerKey, question_id: int | None, slugs: Sequence[str]) -> None:
        self._offers.pop(key, None)
        self._offers[key] = Offer(question_id, tuple(slugs), self._clock())
        while len(self._offers) > MAX_REMEMBERED:
            self._offers.popitem(last=False)

    def current(self, key: AskerKey) -> Offer | None:
        """The choices this asker may still pick from by typing."""
        offer = self._offers.get(key)
        if offer is not None and self._clock() - offer.at > self._ttl:
            del self._offers[key]
            return None
        return offer

    def forget(self, key: AskerKey) -> None:
        self._offers.pop(key, None)
