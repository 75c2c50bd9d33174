"""The logic of ``python -m bot eval``: run a JSONL file of questions through the matcher.

Each line is ``{"question": str, "expected": slug or null}``. Only a confident answer
counts as giving a slug: a suggestion, no answer or small talk all count as null, which
is what a member would actually see (no direct answer). Nothing touches the database.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bot.core.matching import Matcher, decide


def read_cases(path: Path) -> list[tuple[str, str | None]]:
    """The (question, expected) pairs of a JSONL file; a bad line raises ValueError with its number."""
    cases: list[tuple[str, str | None]] = []
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
            cases.append((row["question"], expected))
    return cases


def predict(
    matcher: Matcher, question: str, threshold: float, suggest_threshold: float
) -> tuple[str | None, float, float]:
    """(slug answered or None, best score, milliseconds) for one question."""
    start = time.perf_counter()
    result = matcher.match(question)
    elapsed = (time.perf_counter() - start) * 1000.0
    decision = decide(result, threshold, suggest_threshold)
    slug = result.best.slug if decision == "answer" and result.best is not None else None
    return slug, result.score, elapsed


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise(outcomes: list[tuple[str | None, str | None]], latencies: list[float]) -> dict[str, Any]:
    """The summary line of ``eval`` from (expected, predicted) pairs and latencies."""
    in_scope = [(e, p) for e, p in outcomes if e is not None]
    out_scope = [(e, p) for e, p in outcomes if e is None]
    return {
        "questions": len(outcomes),
        "in_scope": len(in_scope),
        "top1": round(sum(e == p for e, p in in_scope) / len(in_scope), 4) if in_scope else 0.0,
        "out_of_scope": len(out_scope),
        "rejected": round(sum(p is None for _, p in out_scope) / len(out_scope), 4) if out_scope else 0.0,
        "accuracy": round(sum(e == p for e, p in outcomes) / len(outcomes), 4) if outcomes else 0.0,
        "p50_ms": round(percentile(latencies, 0.50), 3),
        "p99_ms": round(percentile(latencies, 0.99), 3),
    }


def evaluate(path: Path, matcher: Matcher, threshold: float, suggest_threshold: float) -> tuple[list[str], dict]:
    """Run every question of ``path``: (one line per miss, summary dict)."""
    cases = read_cases(path)
    misses: list[str] = []
    outcomes: list[tuple[str | None, str | None]] = []
    latencies: list[float] = []
    for question, expected in cases:
        predicted, score, elapsed = predict(matcher, question, threshold, suggest_threshold)
        latencies.append(elapsed)
        outcomes.append((expected, predicted))
        if predicted != expected:
            shown = question if len(question) <= 120 else question[:117] + "…"
            misses.append(f"MISS attendu={expected or 'null'} obtenu={predicted or 'null'} score={score:.2f} : {shown}")
    return misses, summarise(outcomes, latencies)
