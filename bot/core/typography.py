"""French typography, applied when an answer is rendered, so source files stay as written.

Editors type ordinary spaces and straight apostrophes; members read, on a phone, a « ? »
that never wraps alone onto the next line and a « 1 500 € » that stays in one piece:

- a narrow no-break space (U+202F) before ``?``, ``!`` and ``;``, and inside « »;
- a no-break space (U+00A0) before ``:``, between a number and its unit (``%``, ``€``,
  ``k€``, ``h``), and as the thousands separator (``1500 €`` → ``1 500 €``; a year such
  as 2026 or a decimal part such as ``25,6`` is left as it is);
- the typographic apostrophe ’ inside words (``l'été`` → ``l’été``).

Never touched: code spans and blocks, URLs, Markdown link targets, Discord mentions,
channels, roles, custom emoji and timestamps (``<@123>``, ``<#1>``, ``<:nom:1>``), emoji
shortcodes (``:tada:``), emoticons (``:)``) and the names the renderer passes in ``keep``
(the member's display name and the server's name, shown as typed). Only ordinary spaces
are replaced, so no double space is ever produced and the words of a text split on
whitespace stay the same.
"""

from __future__ import annotations

import re
from functools import lru_cache

NBSP = "\u00a0"
NNBSP = "\u202f"
TYPESET_CACHE = 1024
"""Texts typeset lately, kept: ``check`` renders each answer twice (on a server and in a
DM), often to the same text, and members keep asking for the same answers."""

_PROTECTED_SPANS: tuple[tuple[str, str], ...] = (
    # (a string the text must hold for the span to be possible, the span's pattern)
    ("```", r"```.*?(?:```|\Z)"),  # code block (an unclosed one runs to the end)
    ("`", r"(?P<ticks>`+)[^\n]+?(?P=ticks)"),  # code span, `x` or ``x``
    ("](", r'(?<=\])\([^)\s]*(?:\s+"[^"]*")?\)'),  # Markdown link target [text](url "title")
    ("<", r"<(?:@[!&]?|\#|/[\w -]+:)\d+>"),  # mentions: user, role, channel, slash command
    ("<", r"<a?:\w+:\d+>"),  # custom emoji
    ("<t:", r"<t:-?\d+(?::[tTdDfFR])?>"),  # timestamp
    ("://", r"<?(?:https?|ftp)://[^\s<>]+>?"),  # URL
    ("www.", r"\bwww\.[^\s<>]+"),  # URL without a scheme
    ("@", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail address
    (":", r"(?<![\w:]):[a-z0-9_+-]+:(?![\w:])"),  # emoji shortcode :tada:
    (":", r"(?<!\S):-?[()DPpOo3/\\|]+(?=\s|\Z)"),  # emoticon :) :-( :D
    (";", r"(?<!\S);-?[()DPpOo3/\\|]+(?=\s|\Z)"),  # emoticon ;-)
)
"""What the rules never touch, tried in this order. A span whose marker is not in the
text cannot match: leaving it out of the pattern keeps a plain paragraph from being
scanned for e-mail addresses and code spans at every letter (most of the cost)."""


@lru_cache(maxsize=64)
def _protected(present: tuple[bool, ...]) -> re.Pattern[str]:
    spans = [span for (_, span), here in zip(_PROTECTED_SPANS, present, strict=True) if here]
    return re.compile("|".join(spans) or r"(?!)", re.DOTALL)


_SLOT_BASE = 0xF0000
"""Protected spans are swapped for one private-use character each while rules run."""
_SLOT = re.compile("[\U000f0000-\U000ffffd]")
_TOUCHABLE = re.compile(r"[^\w\s]|\d")

_FOLLOWS_PUNCTUATION = r"(?=[\s)\]»*_~|\"'’.,…!?;:]|\Z)"
"""A ``?`` or ``:`` is punctuation only when a space, the end or a closing mark follows:
``?q=1``, ``16:9`` and ``!help`` are not touched."""
_BEFORE_PUNCTUATION = r"(?<=[^\s(\[«?!;:])"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # apostrophe inside a word: l'été, aujourd'hui, qu'il
    (re.compile(r"(?<=[^\W\d_])'(?=[^\W_])"), "’"),
    # guillemets
    (re.compile(r"«[ \t]*(?=\S)"), "«" + NNBSP),
    (re.compile(r"(?<=\S)[ \t]*»"), NNBSP + "»"),
    # ? ! ; take a narrow no-break space, : a no-break space
    (re.compile(_BEFORE_PUNCTUATION + r"[ \t]*([?!;]+)" + _FOLLOWS_PUNCTUATION), NNBSP + r"\1"),
    (re.compile(_BEFORE_PUNCTUATION + r"[ \t]*:" + _FOLLOWS_PUNCTUATION), NBSP + ":"),
    # thousands: 1 500 written with a space, or 1500 / 83600 before a unit (never 2026 alone)
    (re.compile(r"(?<![\d,.])(\d{1,3})((?: \d{3})+)(?!\d)"), lambda m: m[1] + m[2].replace(" ", NBSP)),
    (
        re.compile(r"(?<![\d,.\w])(\d{4,})(?=(?:,\d+)?[ \t]?(?:%|k?€|\$|euros?\b))"),
        lambda m: _group(m[1]),
    ),
    # a number and its unit
    (re.compile(r"(?<=\d)[ \t]?(%|k€|K€|M€|€|\$)"), NBSP + r"\1"),
    (re.compile(r"(?<![\w,.])(\d{1,2})[ \t]?h[ \t]?(\d{2})(?!\w)"), rf"\1{NBSP}h{NBSP}\2"),
    (re.compile(r"(?<![\w,.])(\d+)[ \t]?h(?![\w'’])"), rf"\1{NBSP}h"),
)


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NBSP.join(groups)


def typeset(text: str, keep: tuple[str, ...] = ()) -> str:
    """French typography on rendered Discord Markdown; protected spans come back unchanged.

    Every occurrence of a string in ``keep`` is protected too, if it holds anything the
    rules could change (a name made only of letters and spaces cannot be changed).
    """
    names = tuple(sorted({name for name in keep if _TOUCHABLE.search(name)}, key=len, reverse=True))
    return _typeset(text, names)


@lru_cache(maxsize=TYPESET_CACHE)
def _typeset(text: str, names: tuple[str, ...]) -> str:
    if _SLOT.search(text):
        return text  # private-use characters of its own: nothing is safe to move
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match[0])
        return chr(_SLOT_BASE + len(kept) - 1)

    work = re.sub("|".join(map(re.escape, names)), hold, text) if names else text
    work = _protected(tuple(marker in work for marker, _ in _PROTECTED_SPANS)).sub(hold, work)
    for pattern, replacement in _RULES:
        work = pattern.sub(replacement, work)
    while _SLOT.search(work):  # a protected span may hold a name protected before it
        work = _SLOT.sub(lambda m: kept[ord(m[0]) - _SLOT_BASE], work)
    return work
