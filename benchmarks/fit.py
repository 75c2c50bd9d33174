"""Fit the matcher's confidence on the tune half, and only there: ``python -m benchmarks.fit``.

The confidence is a logistic regression over the features ``Matcher.features`` returns
for the top candidates of each question (label: is this the expected answer?). It
prints the coefficients to paste into ``bot/core/matching.py`` and the thresholds that
give the best accuracy on ``tests/eval/dev_tune.jsonl``. The report half and the second
library are never read here.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from bot.core import matching
from bot.core.answers import load_library
from bot.core.evaluation import read_cases
from bot.core.smalltalk import classify

ROOT = Path(__file__).resolve().parents[1]
TUNE = ROOT / "tests" / "eval" / "dev_tune.jsonl"


def collect(
    matcher: matching.Matcher, cases: list[tuple[str, str | None]]
) -> list[list[tuple[str, tuple[float, ...]]]]:
    return [matcher.features(question) for question, _ in cases]


def fit(rows: list[tuple[tuple[float, ...], int]], l2: float = 0.003, steps: int = 30) -> list[float]:
    """Logistic regression by Newton's method with a small L2 penalty (no numpy needed)."""
    width = len(rows[0][0]) + 1
    weights = [0.0] * width
    for _ in range(steps):
        grad = [0.0] * width
        hess = [[0.0] * width for _ in range(width)]
        for features, label in rows:
            x = (1.0, *features)
            z = sum(w * v for w, v in zip(weights, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
            for i in range(width):
                grad[i] += (p - label) * x[i]
                for j in range(width):
                    hess[i][j] += p * (1.0 - p) * x[i] * x[j]
        for i in range(1, width):
            grad[i] += l2 * len(rows) * weights[i]
            hess[i][i] += l2 * len(rows)
        step = _solve(hess, grad)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
    return weights


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting."""
    n = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                factor = a[r][col] / a[col][col]
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    return [a[i][n] / a[i][i] if abs(a[i][i]) > 1e-12 else 0.0 for i in range(n)]


def score(features_per_case, cases, coefficients, threshold: float) -> dict[str, float]:
    in_scope = correct = out = rejected = 0
    for feats, (question, expected) in zip(features_per_case, cases, strict=True):
        best = None
        best_conf = 0.0
        for slug, f in feats[:1]:
            z = coefficients[0] + sum(c * v for c, v in zip(coefficients[1:], f, strict=True))
            best, best_conf = slug, 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
        predicted = best if best_conf >= threshold and classify(question) is None else None
        if expected is None:
            out += 1
            rejected += predicted is None
        else:
            in_scope += 1
            correct += predicted == expected
    return {"top1": correct / in_scope, "rejected": rejected / out, "accuracy": (correct + rejected) / (in_scope + out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", nargs="*", default=[], help="override matching constants, NAME=VALUE")
    args = parser.parse_args()
    for item in args.set:
        name, value = item.split("=")
        setattr(matching, name, float(value))
    library = load_library(ROOT / "answers")
    matcher = matching.Matcher(library.answers.values())
    cases = read_cases(TUNE)
    feats = collect(matcher, cases)
    rows = [
        (f, int(slug == expected))
        for case_feats, (_, expected) in zip(feats, cases, strict=True)
        for slug, f in case_feats[:1]
    ]
    coefficients = fit(rows)
    ranked = sum(bool(f) and f[0][0] == e for f, (_, e) in zip(feats, cases, strict=True) if e is not None)
    print("ranking top1 (no threshold):", round(ranked / sum(e is not None for _, e in cases), 3))
    print("COEFFICIENTS =", tuple(round(c, 2) for c in coefficients))
    rounded = [round(c, 2) for c in coefficients]
    best = max((score(feats, cases, rounded, t / 100)["accuracy"], t / 100) for t in range(20, 90))
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, best[1]):
        print(f"threshold {t:.2f}", {k: round(v, 3) for k, v in score(feats, cases, rounded, t).items()})


if __name__ == "__main__":
    main()
