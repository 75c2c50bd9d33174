"""The editors' weekly digest: what changed in the queue and in members' votes.

Built by ``Service.digest`` (it needs the matcher, for the suggested resolutions) and
written as text here, once, for the console (``python -m bot digest``) and Discord
(``/faq digest``), which only passes its own way of quoting members' words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.models import QuestionGroup, ReviewItem

SHOWN = 5
"""Rows per section; the count says how many there are in all."""
SINCE_PATTERN = re.compile(r"^\s*(\d{1,4})\s*([hdw]|j|sem)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Digest:
    since: dt.datetime
    new_groups: tuple[QuestionGroup, ...]
    """Open groups started in the period, most asked first."""
    waiting: tuple[ReviewItem, ...]
    """Open groups with a suggested resolution, waiting for a moderator's click."""
    downvoted: tuple[tuple[str, int], ...]
    """(slug, 👎 in the period), most first."""
    thanks: tuple[tuple[str, int], ...]
    """(slug, questions of the period answered with a phrasing moderators taught), most first."""


def parse_since(text: str) -> dt.timedelta:
    """``7d`` (or ``7j``), ``2w`` (or ``2sem``), ``36h``; a bare number is days."""
    found = SINCE_PATTERN.match(text)
    if found is None or int(found[1]) == 0:
        raise ValueError(f"« {text} » n'est pas une durée (exemples : 7d, 2w, 36h)")
    amount, unit = int(found[1]), (found[2] or "d").lower()
    if unit == "h":
        return dt.timedelta(hours=amount)
    if unit in ("w", "sem"):
        return dt.timedelta(weeks=amount)
    return dt.timedelta(days=amount)


def digest_text(
    digest: Digest,
    titles: dict[str, str],
    quote: Callable[[str], str] = lambda text: text,
    now: dt.datetime | None = None,
) -> str:
    """The digest in French; ``quote`` renders members' words (escaping, shortening)."""
    now = now or dt.datetime.now(dt.UTC)
    days = max(1, round((now - digest.since).total_seconds() / 86400))
    lines = [f"Depuis le {digest.since:%d/%m/%Y} ({days} jour{'s' if days > 1 else ''}) :", ""]

    def title(slug: str) -> str:
        return f"{titles.get(slug, slug)} ({slug})"

    def section(heading: str, rows: list[str], empty: str, count: int | None = None) -> None:
        lines.append(f"{heading} : {len(rows) if count is None else count}" if rows else f"{heading} : {empty}")
        lines.extend(f"  • {row}" for row in rows[:SHOWN])
        if len(rows) > SHOWN:
            lines.append(f"  … et {len(rows) - SHOWN} autre(s)")
        lines.append("")

    section(
        "Nouveaux groupes sans réponse",
        [f"#{g.id} · {g.count} fois · « {quote(g.representative)} »" for g in digest.new_groups],
        "aucun",
    )
    section(
        "Suggestions de résolution en attente",
        [
            f"#{item.group.id} · « {quote(item.group.representative)} » → {title(item.suggestion.slug)}"
            f" ({item.suggestion.score:.0%})".replace("%", " %")
            for item in digest.waiting
            if item.suggestion is not None
        ],
        "aucune",
    )
    section("Réponses jugées « pas vraiment » utiles", [f"{n} 👎 · {title(s)}" for s, n in digest.downvoted], "aucune")
    section(
        "Questions répondues grâce aux résolutions",
        [f"{n} × {title(s)}" for s, n in digest.thanks],
        "aucune pour l'instant",
        count=sum(n for _, n in digest.thanks),
    )
    return "\n".join(lines).rstrip()
