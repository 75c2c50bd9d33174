"""Fit the matcher's confidences on the tune half, and only there: ``python -m benchmarks.fit``.

Two fits, printed to paste into ``bot/core/matching/tuning.py``:

* ``--lexical``: the lexical confidence, a logistic regression over the features
  ``LexicalIndex.features`` returns for the best candidate of each question.
* the default, the combined confidence: a logistic regression over
  ``scoring.combined_features`` for every candidate of each question, fitted on the
  tune half against the frozen library *and* against four thinner copies of it (3 or
  5 alternate questions per answer; and "busy editor" copies with 3-4 questions, few
  or no keywords and a short body), so that the confidence holds on a thin library.
  It then prints accuracy, ``wrong`` and ``helpful`` on the tune half for a grid of
  answer/suggest thresholds and tie margins.

The mean accuracy printed is over the training libraries; a fifth column shows a thin
library on another topic (``tests/fixtures/tune_library``), never fitted on, as a check
that a change transfers. The report half, the second library and the thin library are
never read here.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.answers import load_library
from bot.core.evaluation import read_cases
from bot.core.matching import choices, decide
from bot.core.matching.encoders import Encoder, load_encoder
from bot.core.matching.lexical import LexicalIndex
from bot.core.matching.scoring import acceptance_features, combined_candidates, combined_confidence, combined_features
from bot.core.matching.semantic import SemanticScores, VectorStore, build_index
from bot.core.models import Answer, MatchResult, ReplyKind
from bot.core.smalltalk import classify
from bot.core.text import looks_english, plain
from bot.storage.vector_cache import VectorCache

ROOT = Path(__file__).resolve().parents[1]
TUNE = ROOT / "tests" / "fixtures" / "library_eval" / "dev_tune.jsonl"
LIBRARY = ROOT / "tests" / "fixtures" / "library"
VALIDATION = (ROOT / "tests" / "fixtures" / "tune_library", ROOT / "tests" / "eval" / "tune_library.jsonl")
"""A thin library on another topic (food trucks), written for tuning: never fitted on,
printed beside the training libraries to see whether a change transfers to a library
and a vocabulary the fit never saw, before anything is measured on the report sets."""
CACHE = ROOT / "data" / "benchmark-vectors.sqlite3"


def thinned(
    answers: Sequence[Answer], per_answer: int, seed: int, keywords: int | None = None, body: int | None = None
) -> list[Answer]:
    """The library as a busy editor would have written it: ``per_answer`` alternate
    questions drawn at random, and optionally fewer keywords and a shorter body."""
    rng = random.Random(seed)
    out = []
    for a in answers:
        text = a.body if body is None or len(a.body) <= body else a.body[:body].rsplit(" ", 1)[0]
        out.append(
            replace(
                a,
                questions=tuple(rng.sample(a.questions, min(per_answer, len(a.questions)))),
                keywords=a.keywords if keywords is None else a.keywords[:keywords],
                body=text,
            )
        )
    return out


def training_libraries(answers: Sequence[Answer]) -> dict[str, list[Answer]]:
    """The frozen library and four thinner versions of it, all fitted on together."""
    return {
        "full": list(answers),
        "3 questions": thinned(answers, 3, seed=3),
        "5 questions": thinned(answers, 5, seed=5),
        "busy (3 q, 2 kw, 900 ch)": thinned(answers, 3, seed=13, keywords=2, body=900),
        "busy (4 q, 0 kw, 700 ch)": thinned(answers, 4, seed=14, keywords=0, body=700),
    }


@dataclass
class Case:
    """One question against one library: what both sides of the matcher make of it."""

    question: str
    expected: str | None
    lexical: list[tuple[str, tuple[float, ...]]]
    semantic: SemanticScores | None
    floor: float
    body_floor: float

    def result(self, ranking: Sequence[float], acceptance: Sequence[float]) -> MatchResult:
        """What ``Matcher.match`` returns for this question, with these coefficients."""
        if self.semantic is None:
            return MatchResult()
        found, sure, veto = combined_candidates(
            self.lexical,
            self.semantic,
            self.floor,
            self.body_floor,
            ranking,
            acceptance,
            english=looks_english(self.question),
        )
        return MatchResult(tuple(found[:3]), classify(self.question), confidence=sure, veto=veto)

    def ranked(self, ranking: Sequence[float]) -> list[tuple[str, float, tuple[float, ...]]]:
        assert self.semantic is not None
        rows = combined_features(self.lexical, self.semantic, self.floor, self.body_floor)
        return sorted(((s, combined_confidence(f, ranking), f) for s, f in rows), key=lambda r: (-r[1], r[0]))


def collect(
    answers: Sequence[Answer],
    cases: Sequence[tuple[str, str | None]],
    encoder: Encoder | None,
    store: VectorStore | None,
) -> list[Case]:
    lexical = LexicalIndex(answers)
    cases = [(plain(q), e) for q, e in cases]  # as ``Matcher.match`` reads them
    index = build_index(encoder, list(answers), store=store) if encoder is not None else None
    vectors = encoder.embed_queries([q for q, _ in cases]) if encoder is not None else None
    out = []
    for i, (question, expected) in enumerate(cases):
        scores = index.scores(vectors[i]) if index is not None and vectors is not None else None
        floors = (index.floor, index.body_floor) if index else (0.0, 0.0)
        out.append(Case(question, expected, lexical.features(question), scores, *floors))
    return out


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


def measure(
    cases: Sequence[Case], ranking, acceptance, answer_at: float, suggest_at: float, tie: float
) -> dict[str, float]:
    """accuracy, wrong, helpful and suggested, with the service's own ``decide``."""
    right = wrong = helpful = suggested = 0
    in_scope = sum(c.expected is not None for c in cases)
    for case in cases:
        result = case.result(ranking, acceptance)
        kind = decide(result, answer_at, suggest_at, tie)
        answered = result.best.slug if kind is ReplyKind.ANSWER and result.best else None
        offered = [c.slug for c in choices(result, answer_at, suggest_at, tie)]
        right += answered == case.expected
        wrong += answered is not None and answered != case.expected
        helpful += case.expected is not None and (answered == case.expected or case.expected in offered)
        suggested += bool(offered)
    n = len(cases)
    return {
        "accuracy": right / n,
        "wrong": wrong / n,
        "helpful": helpful / in_scope if in_scope else 0.0,
        "suggested": suggested / n,
    }


def fit_combined(sets: dict[str, list[Case]]) -> list[float]:
    """The ranking model: every candidate of every question (is this the answer?)."""
    rows = [
        (features, int(slug == case.expected))
        for cases in sets.values()
        for case in cases
        if case.semantic is not None
        for slug, features in combined_features(case.lexical, case.semantic, case.floor, case.body_floor)
    ]
    return fit(rows)


def fit_acceptance(sets: dict[str, list[Case]], ranking: Sequence[float]) -> list[float]:
    """The acceptance model: the best candidate of each question (is the best one right?)."""
    rows = []
    for cases in sets.values():
        for case in cases:
            if case.semantic is None:
                continue
            ranked = case.ranked(ranking)
            if ranked:
                english = looks_english(case.question)
                rows.append((acceptance_features(ranked, english), int(ranked[0][0] == case.expected)))
    return fit(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lexical", action="store_true", help="fit the lexical confidence instead")
    args = parser.parse_args()
    answers = list(load_library(LIBRARY).answers.values())
    cases = read_cases(TUNE)
    if args.lexical:
        fit_lexical(answers, cases)
        return
    choice = load_encoder("on")
    store = VectorCache(CACHE)
    sets = {name: collect(lib, cases, choice.encoder, store) for name, lib in training_libraries(answers).items()}
    ranking = [round(c, 2) for c in fit_combined(sets)]
    acceptance = [round(c, 2) for c in fit_acceptance(sets, ranking)]
    folder, questions = VALIDATION
    validation = list(load_library(folder).answers.values())
    sets["validation: food trucks"] = collect(validation, read_cases(questions), choice.encoder, store)
    print("COMBINED_COEFFICIENTS =", tuple(ranking))
    print("ACCEPTANCE_COEFFICIENTS =", tuple(acceptance))
    print(
        "| answer at | suggest at | tie | " + " | ".join(f"{n}: acc / wrong / helpful / suggested" for n in sets) + " |"
    )
    grid = [(a / 100, s / 100, t / 100) for a in range(30, 75, 5) for s in (10, 20) for t in (0, 10)]
    scored = []
    for answer_at, suggest_at, tie in grid:
        results = {n: measure(c, ranking, acceptance, answer_at, suggest_at, tie) for n, c in sets.items()}
        trained = [r for n, r in results.items() if not n.startswith("validation")]
        mean_accuracy = sum(r["accuracy"] for r in trained) / len(trained)
        scored.append((mean_accuracy, answer_at, suggest_at, tie, results))
    for mean_accuracy, answer_at, suggest_at, tie, results in scored:
        cells = " | ".join(
            f"{r['accuracy']:.3f} / {r['wrong']:.3f} / {r['helpful']:.3f} / {r['suggested']:.3f}"
            for r in results.values()
        )
        print(f"| {answer_at:.2f} | {suggest_at:.2f} | {tie:.2f} | {cells} |  mean acc {mean_accuracy:.3f}")


def fit_lexical(answers: Sequence[Answer], cases: Sequence[tuple[str, str | None]]) -> None:
    from bot.core.matching.lexical import lexical_confidence

    index = LexicalIndex(answers)
    feats = [index.features(q) for q, _ in cases]
    rows = [(f, int(slug == e)) for fs, (_, e) in zip(feats, cases, strict=True) for slug, f in fs[:1]]
    print("LEXICAL_COEFFICIENTS =", tuple(round(c, 2) for c in fit(rows)))
    ranked = sum(bool(f) and f[0][0] == e for f, (_, e) in zip(feats, cases, strict=True) if e is not None)
    print("ranking top1 (no threshold):", round(ranked / sum(e is not None for _, e in cases), 3))
    for t in (0.3, 0.4, 0.47, 0.5, 0.6):
        right = sum(
            (fs[0][0] if fs and lexical_confidence(fs[0][1]) >= t and classify(q) is None else None) == e
            for fs, (q, e) in zip(feats, cases, strict=True)
        )
        print(f"threshold {t:.2f}: accuracy {right / len(cases):.3f}")


if __name__ == "__main__":
    main()
