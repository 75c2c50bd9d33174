"""What the bot remembers of a conversation: the last question, and the choices offered.

Members talk to the bot as to a person. After "did you mean…", many answer by typing
(« le deuxième », « 2 », « the first one ») rather than clicking, and the console has no
buttons at all: a reply made only of a choice picks from the choices just offered;
anything else the asker says closes them. After an answer, many go on with a fragment
(« et en freelance ? »): the matcher reads it with the last question as its context
(``Matcher.match``). Both are remembered per asker and channel, for a few minutes.
"""

from __future__ import annotations

import collections
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.core.text import normalise

TURN_SECONDS = 600.0
"""How long a turn is remembered: long enough to read an answer or the choices, short
enough that a number or a fragment typed an hour later is a new message."""
MAX_REMEMBERED = 10_000
"""Askers whose last turn is remembered at once (the oldest are forgotten first)."""

FREE_PICKS = 3
"""Typed choices per "did you mean…" that skip the cooldown (as many as the choices)."""

LAST = -1
"""« le dernier »: the last of the choices, whatever their number."""

_ORDINALS: dict[str, int] = {
    **dict.fromkeys(("premier", "premiere", "first", "un", "une", "one"), 1),
    **dict.fromkeys(("deuxieme", "second", "seconde", "deux", "two", "2nd", "2nde"), 2),
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
class Turn:
    """Where one asker's conversation with the bot stands, in one channel."""

    question: str
    """Their last question, as it was read (with its own context, for a follow-up): the
    context of their next message."""
    question_id: int | None
    """That question's id (a pick is noted on it); ``None`` when nothing was stored."""
    slugs: tuple[str, ...]
    """The choices offered by "did you mean…", if any: what a typed « 2 » picks from."""
    at: float
    picks: int = 0
    """Choices typed so far: the first ``FREE_PICKS`` skip the adapters' cooldown."""

    @property
    def free_pick(self) -> bool:
        """Whether a typed choice may skip the cooldown: it ends a question, but a member
        typing « 2 » fifty times is spamming like any other."""
        return bool(self.slugs) and self.picks < FREE_PICKS

    def pick(self, number: int) -> str | None:
        """The slug at this position, or ``None`` when there is no such choice."""
        if not self.slugs:
            return None
        if number == LAST:
            return self.slugs[-1]
        return self.slugs[number - 1] if 1 <= number <= len(self.slugs) else None


AskerKey = tuple[int | None, int | None]
"""(user id, channel id): the console's single user is (None, None)."""


class Conversations:
    """Each asker's last turn, forgotten after ``TURN_SECONDS``: a member coming back an
    hour later starts afresh, and memory stays bounded (``MAX_REMEMBERED``)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, ttl: float = TURN_SECONDS) -> None:
        self._clock = clock
        self._ttl = ttl
        self._turns: collections.OrderedDict[AskerKey, Turn] = collections.OrderedDict()

    def remember(self, key: AskerKey, question: str, question_id: int | None, slugs: Sequence[str] = ()) -> None:
        self._turns.pop(key, None)
        self._turns[key] = Turn(question, question_id, tuple(slugs), self._clock())
        while len(self._turns) > MAX_REMEMBERED:
            self._turns.popitem(last=False)

    def current(self, key: AskerKey) -> Turn | None:
        turn = self._turns.get(key)
        if turn is not None and self._clock() - turn.at > self._ttl:
            del self._turns[key]
            return None
        return turn

    def picked(self, key: AskerKey) -> None:
        turn = self._turns.get(key)
        if turn is not None:
            self._turns[key] = replace(turn, picks=turn.picks + 1)

    def close_choices(self, key: AskerKey) -> None:
        """The choices are no longer open (the asker said something else), the question
        still is: « merci » then « et en freelance ? » keeps its context."""
        turn = self._turns.get(key)
        if turn is not None and turn.slugs:
            self._turns[key] = replace(turn, slugs=())
