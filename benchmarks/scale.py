"""Matching at scale, with the encoder on: ``python -m benchmarks.scale`` (about 20 minutes).

* per question p50/p99 of ``Matcher.match`` on one thread with 15 (the frozen library),
  1,000 and 10,000 answers. At 1,000 the vectors are real (from the cold build below);
  at 10,000 they are random unit vectors of the real shape, since embedding 10,000
  generated answers would take hours and the cost of a query does not depend on the
  vectors' values;
* cold build (empty vector cache), in its two passes (the openings of the bodies, after
  which the encoder serves; then the rest of the bodies, in the background), and warm
  restart (``open_service`` until the semantic index serves) at 1,000 answers x 20
  phrasings, generated from the shipped library's words;
* ``Service.ask`` p50/p99 at 1,000 answers, and the longest the event loop was kept from
  running while 200 questions were answered (a 5 ms ticker measures its lateness);
* resident memory of the process at 1,000 answers (``VmRSS``).

Use ``--answers N`` for a quicker run on fewer generated answers, and ``--random-vectors``
to skip the cold build (a couple of minutes instead of twenty): the cache is then filled
with random unit vectors, which costs a restart, a question and the memory exactly what
real ones cost (the cold-build line is left out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.core.answers import load_library
from bot.core.evaluation import percentile, read_cases, read_eval_file
from bot.core.matching import Matcher
from bot.core.matching.encoders import Encoder, load_encoder
from bot.core.matching.pieces import Role
from bot.core.matching.semantic import SemanticIndex, build_index, library_pieces
from bot.core.matching.tuning import FIRST_BODY_PIECES, MAX_BODY_PIECES
from bot.core.models import Answer, Asker
from bot.storage.vector_cache import VectorCache
from bot.wiring import open_service

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "fixtures" / "library_eval" / "dev_report.jsonl"
FOLLOW_UPS = ROOT / "tests" / "eval" / "followups_report.jsonl"
PHRASINGS = 20


def generate(answers: list[Answer], count: int, seed: int = 7) -> list[Answer]:
    """``count`` answers of ``PHRASINGS`` phrasings each, made of the real library's words."""
    rng = random.Random(seed)
    words = [w for a in answers for w in f"{a.title} {' '.join(a.questions)} {a.body}".split() if w.isalpha()]
    phrasings = [q for a in answers for q in (a.title, *a.questions)]
    keywords = [k for a in answers for k in a.keywords]

    def sentence(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    out = []
    for i in range(count):
        questions = tuple(
            f"{rng.choice(phrasings)} {sentence(3)}" if rng.random() < 0.5 else sentence(rng.randint(5, 12))
            for _ in range(PHRASINGS - 1)
        )
        out.append(
            replace(
                answers[i % len(answers)],
                slug=f"gen-{i}",
                title=sentence(rng.randint(5, 10)),
                questions=questions,
                keywords=tuple(rng.sample(keywords, 8)),
                body="\n\n".join(sentence(rng.randint(60, 110)) for _ in range(4)),
                see_also=(),
            )
        )
    return out


def write_library(answers: list[Answer], folder: Path) -> None:
    """The generated answers as answer files, for ``open_service`` to load."""
    folder.mkdir(parents=True, exist_ok=True)
    # JSON strings are YAML; kept in UTF-8: YAML reads the JSON escape of an emoji (two
    # surrogates) as two lone surrogates, and the phrasing would not be the same text.
    dump = partial(json.dumps, ensure_ascii=False)
    for answer in answers:
        lines = ["---", f"title: {dump(answer.title)}", "questions:"]
        lines += [f"  - {dump(q)}" for q in answer.questions]
        lines += [f"keywords: {dump(list(answer.keywords))}", "---", answer.body, ""]
        (folder / f"{answer.slug}.md.jinja").write_text("\n".join(lines), encoding="utf-8")


def timed_queries(matcher: Matcher, questions: list[str], rounds: int = 2) -> tuple[float, float]:
    latencies = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            matcher.match(question)
            latencies.append((time.perf_counter() - start) * 1000.0)
    return percentile(latencies, 0.5), percentile(latencies, 0.99)


def random_vectors(encoder: Encoder, count: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((count, encoder.dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def random_index(encoder: Encoder, answers: list[Answer], store: VectorCache | None = None) -> SemanticIndex:
    """An index of random unit vectors (kept in ``store`` too, if given, for a warm start)."""
    pieces = library_pieces(answers)
    vectors = random_vectors(encoder, len(pieces))
    if store is not None:
        store.put_many(encoder.model_id, [(p.key, v) for p, v in zip(pieces, vectors, strict=True)])
    return SemanticIndex(encoder.model_id, [a.slug for a in answers], pieces, vectors)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def service_figures(settings: Settings, questions: list[str]) -> tuple[float, float, float, float, float, float]:
    """(warm restart s, ask p50 ms, ask p99 ms, longest event-loop stall ms, follow-up
    p50 ms, follow-up p99 ms): a follow-up is read twice, alone and after its context."""
    start = time.perf_counter()
    service = await open_service(settings)
    restart = time.perf_counter() - start
    assert service.matcher.semantic_ready, "the cache should make the restart warm"
    stalls: list[float] = []
    running = True

    async def ticker() -> None:
        while running:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            stalls.append((time.perf_counter() - before) * 1000.0 - 5.0)

    probe = asyncio.create_task(ticker())
    latencies = []
    try:
        for i, question in enumerate((questions * 2)[:200]):
            begin = time.perf_counter()
            await service.ask(question, Asker(display_name=f"bench{i}", user_id=i))
            latencies.append((time.perf_counter() - begin) * 1000.0)
        follow_ups = []
        for i, case in enumerate(read_eval_file(FOLLOW_UPS)):
            asker = Asker(display_name=f"suite{i}", user_id=10_000 + i)
            await service.ask(case.context or "", asker)
            begin = time.perf_counter()
            await service.ask(case.question, asker)
            follow_ups.append((time.perf_counter() - begin) * 1000.0)
    finally:
        running = False
        await probe
        await service.close()
    return (
        restart,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        max(stalls),
        percentile(follow_ups, 0.5),
        percentile(follow_ups, 0.99),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000, help="generated answers for the build figures")
    parser.add_argument("--random-vectors", action="store_true", help="skip the cold build: random vectors")
    args = parser.parse_args()
    choice = load_encoder("on")
    encoder = choice.encoder
    assert encoder is not None
    questions = [q for q, _ in read_cases(QUESTIONS)]
    frozen = list(load_library(ROOT / "tests" / "fixtures" / "library").answers.values())
    shipped = list(load_library(ROOT / "answers").answers.values())
    print(f"Encoder: {encoder.model_id}, one thread. {len(questions)} report-half questions x 2 per size.")
    print()
    rows = []

    small = Matcher(frozen, encoder=encoder)
    small.attach(build_index(encoder, frozen, store=VectorCache(ROOT / "data" / "benchmark-vectors.sqlite3")))
    rows.append((len(frozen), "real", *timed_queries(small, questions)))

    generated = generate(shipped, args.answers)
    pieces = library_pieces(generated)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cache_path = folder / "vectors.sqlite3"
        cache = VectorCache(cache_path)
        passes: list[tuple[float, float]] = []  # (wall s, CPU s) of each pass of a cold build
        if args.random_vectors:
            index = random_index(encoder, generated, store=cache)
        else:
            for body in (FIRST_BODY_PIECES, MAX_BODY_PIECES):  # as ``Service.start_semantic`` does
                start, cpu = time.perf_counter(), time.process_time()
                index = build_index(encoder, generated, store=cache, body_pieces=body)
                passes.append((time.perf_counter() - start, time.process_time() - cpu))
        cache.close()
        big = Matcher(generated, encoder=encoder)
        big.attach(index)
        rows.append((len(generated), "random" if args.random_vectors else "real", *timed_queries(big, questions)))
        memory = rss_mb()

        huge = generate(shipped, 10_000, seed=8)
        many = Matcher(huge, encoder=encoder)
        many.attach(random_index(encoder, huge))
        rows.append((len(huge), "random", *timed_queries(many, questions, rounds=1)))
        del many, huge

        write_library(generated, folder / "answers")
        settings = Settings(
            answers_dir=folder / "answers",
            database_path=folder / "bot.sqlite3",
            vector_cache_path=folder / "warm.sqlite3",
            semantic="on",
        )
        shutil.copy(cache_path, settings.vector_cache_path)
        restart, ask50, ask99, stall, follow50, follow99 = asyncio.run(service_figures(settings, questions))

    print("| answers | vectors | match p50 ms | match p99 ms |")
    print("| --- | --- | --- | --- |")
    for count, kind, p50, p99 in rows:
        print(f"| {count:,} | {kind} | {p50:.1f} | {p99:.1f} |")
    print()
    phrasings = sum(p.role is Role.QUERY for p in pieces)
    body = sum(p.role is Role.PASSAGE for p in pieces)
    print(f"At {len(generated):,} answers x {PHRASINGS} phrasings ({phrasings:,} phrasings + {body:,} body pieces):")
    names = ("first pass (then the encoder serves)", "second pass (the rest of the bodies)")
    for name, (wall, cpu_s) in zip(names[: len(passes)], passes, strict=True):
        print(
            f"- cold build (empty cache), {name}: {wall:.0f} s wall ({wall / 60:.1f} min), {cpu_s:.0f} s of CPU "
            f"({cpu_s / 60:.1f} min: the wall time on a quiet core, the encoder running on one thread)"
        )
    print(f"- warm restart (open_service until the semantic index serves): {restart:.2f} s")
    print(f"- Service.ask over 200 questions: p50 {ask50:.1f} ms, p99 {ask99:.1f} ms")
    print(
        f"- Service.ask, a follow-up after its first question (50 pairs): p50 {follow50:.1f} ms, p99 {follow99:.1f} ms"
    )
    print(f"- longest event-loop stall while answering them and the follow-ups: {stall:.1f} ms")
    print(f"- resident memory: {memory:.0f} MB")


if __name__ == "__main__":
    main()
