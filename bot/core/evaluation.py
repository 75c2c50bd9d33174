"""The logic of ``python -m bot eval``: run a JSONL file of questions through the matcher.

Each line is ``{"question": str, "expected": slug or null}``, optionally with a
``"kind"`` (paraphrase, english, out_of_scope…) to break the figures down. Only a
confident answer counts as giving a slug: a suggestion, no answer or small talk all
count as null for ``accuracy``, which is what a member sees first. ``helpful`` and
``wrong`` count what members feel: the right answer given *or offered* among the
suggestions, and a wrong answer given (out-of-scope questions included: the costly
mistake). Nothing touches the database; the decision is the service's own.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.matching import Matcher, choices, decide
from bot.core.models import ReplyKind


@dataclass(frozen=True)
class Case:
    question: str
    expected: str | None
    kind: str | None = None
    context: str | None = None
    """The asker's previous message, for a follow-up (« et en freelance ? »)."""


@dataclass(frozen=True)
class Outcome:
    """What the bot did with one question."""

    expected: str | None
    answered: str | None
    offered: tuple[str, ...] = ()
    kind: str | None = None


def read_cases(path: Path) -> list[tuple[str, str | None]]:
    """The (question, expected) pairs of a JSONL file; a bad line raises ValueError with its number."""
    return [(case.question, case.expected) for case in read_eval_file(path)]


def read_eval_file(path: Path) -> list[Case]:
    """Every line of a JSONL eval file; a bad line raises ValueError with its number."""
    cases: list[Case] = []
    with path.open(encoding="utf-8-sig") as handle:  # a BOM from a Windows editor is no JSON error
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row: Any = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: JSON invalide ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("question"), str):
                raise ValueError(f'{path}:{number}: il faut un objet {{"question": texte, "expected": slug ou null}}')
            expected = row.get("expected")
            if expected is not None and not isinstance(expected, str):
                raise ValueError(f"{path}:{number}: « expected » doit être un slug ou null")
            kind = row.get("kind")
            if kind is not None and not isinstance(kind, str):
                raise ValueError(f"{path}:{number}: « kind » doit être un texte")
            context = row.get("context")
            if context is not None and not isinstance(context, str):
                raise ValueError(f"{path}:{number}: « context » doit être un texte")
            cases.append(Case(row["question"], expected, kind, context))
    return cases


def predict(
    matcher: Matcher,
    question: str,
    threshold: float | None,
    suggest_threshold: float | None,
    context: str | None = None,
) -> tuple[str | None, tuple[str, ...], float, float]:
    """(slug answered or None, slugs offered, best score, milliseconds) for one question,
    read after ``context`` when it is a follow-up, as the bot reads it."""
    start = time.perf_counter()
    result = matcher.match(question, context=context)
    elapsed = (time.perf_counter() - start) * 1000.0
    kind = decide(result, threshold, suggest_threshold)
    slug = result.best.slug if kind is ReplyKind.ANSWER and result.best is not None else None
    offered = tuple(c.slug for c in choices(result, threshold, suggest_threshold))
    return slug, offered, result.score, elapsed


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def scores(outcomes: list[Outcome]) -> dict[str, Any]:
    """The quality figures of a list of outcomes (no latency)."""
    in_scope = [o for o in outcomes if o.expected is not None]
    out_scope = [o for o in outcomes if o.expected is None]
    n = len(outcomes)
    return {
        "questions": n,
        "in_scope": len(in_scope),
        "top1": _share(sum(o.answered == o.expected for o in in_scope), len(in_scope)),
        "out_of_scope": len(out_scope),
        "rejected": _share(sum(o.answered is None for o in out_scope), len(out_scope)),
        "accuracy": _share(sum(o.answered == o.expected for o in outcomes), n),
        "helpful": _share(sum(o.answered == o.expected or o.expected in o.offered for o in in_scope), len(in_scope)),
        "wrong": _share(sum(o.answered is not None and o.answered != o.expected for o in outcomes), n),
        "suggested": _share(sum(bool(o.offered) for o in outcomes), n),
    }


def summarise(outcomes: list[Outcome], latencies: list[float]) -> dict[str, Any]:
    """The summary line of ``eval``: quality, latency, and the figures per kind of question."""
    summary = scores(outcomes)
    summary["p50_ms"] = round(percentile(latencies, 0.50), 3)
    summary["p99_ms"] = round(percentile(latencies, 0.99), 3)
    kinds = sorted({o.kind for o in outcomes if o.kind is not None})
    if kinds:
        summary["by_kind"] = {kind: scores([o for o in outcomes if o.kind == kind]) for kind in kinds}
    return summary


def evaluate(
    path: Path, matcher: Matcher, threshold: float | None = None, suggest_threshold: float | None = None
) -> tuple[list[str], dict[str, Any]]:
    """Run every question of ``path``: (one line per miss, summary dict)."""
    cases = read_eval_file(path)
    misses: list[str] = []
    outcomes: list[Outcome] = []
    latencies: list[float] = []
    for case in cases:
        answered, offered, score, elapsed = predict(matcher, case.question, threshold, suggest_threshold, case.context)
        latencies.append(elapsed)
        outcomes.append(Outcome(case.expected, answered, offered, case.kind))
        if answered != case.expected:
            shown = case.question if len(case.question) <= 120 else case.question[:117] + "…"
            offer = f" proposé={','.join(offered)}" if offered else ""
            misses.append(
                f"MISS attendu={case.expected or 'null'} obtenu={answered or 'null'}{offer} score={score:.2f} : {shown}"
            )
    return misses, summarise(outcomes, latencies)
