"""Spelling: how far apart two words are, and the keys that find a typo's word fast.

A symmetric deletion neighbourhood (the idea of SymSpell) finds every known word one
or two edits away without scanning the vocabulary; the distance itself is the optimal
string alignment (Damerau-Levenshtein with adjacent swaps), capped so that a hopeless
pair costs little.
"""

from __future__ import annotations


def deletions(word: str) -> set[str]:
    """Every form of the word with one letter deleted: the keys of the typo index."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau with adjacent swaps), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def trigram_dice(a: str, b: str) -> float:
    """Dice overlap of character trigrams: how alike two short texts look, letter-wise."""
    if a == b:
        return 1.0
    ga = {a[i : i + 3] for i in range(max(1, len(a) - 2))}
    gb = {b[i : i + 3] for i in range(max(1, len(b) - 2))}
    if not ga or not gb:
        return 0.0
    return 2.0 * len(ga & gb) / (len(ga) + len(gb))
