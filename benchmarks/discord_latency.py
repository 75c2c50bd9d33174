"""Latency of the Discord adapter: from an injected ``/ask`` to the bot's first response.

Runs the real bot (real discord.py, real SQLite file, real answers) against the fake
Discord on 127.0.0.1 and prints the median and p99 in milliseconds. Target: median
under 50 ms. Usage: ``python benchmarks/discord_latency.py [--n 200]``.

``--burst 500,2000`` injects each number of ``/ask`` at once from ``--members`` members
and prints p50/p99/max time to the first response (an answer or a "thinking…" defer),
how many were deferred, and how many Discord would have dropped (no response within
3 s); ``--load N`` keeps N other processes burning CPU meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import FaqBot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.wiring import open_service  # noqa: E402
from tests.fake_discord import TOKEN, FakeDiscord, point_discord_py_at, start_client  # noqa: E402

QUESTIONS = [
    "combien gagne un community manager ?",
    "comment gérer les trolls ?",
    "quels outils utiliser ?",
    "comment trouver des clients ?",
    "c'est quoi une journée type ?",
    "zorglub wxqz blorf ?",
]


def bench_settings(fake: FakeDiscord, tmp: Path) -> Settings:
    return Settings(
        discord_token=TOKEN,
        guild_ids=(fake.guild_id,),
        answers_dir=ROOT / "answers",
        database_path=tmp / "bench.sqlite3",
        vector_cache_path=ROOT / "data" / "benchmark-vectors.sqlite3",
        cooldown_seconds=0,
    )


async def measure(n: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        fake = await FakeDiscord().start()
        settings = bench_settings(fake, Path(tmp))
        service = await open_service(settings, wait_for_index=True)
        with point_discord_py_at(fake):
            bot = FaqBot(settings, service, guild_ready_timeout=0.05)
            task = await start_client(bot)
            timings = []
            try:
                for i in range(n):
                    channel = ("general", "entraide")[i % 2]
                    user = fake.add_user(f"bench{i}", f"Bench {i}")
                    injected = await fake.slash(
                        "ask", {"question": QUESTIONS[i % len(QUESTIONS)]}, user=user, channel=channel
                    )
                    first = await injected.first(timeout=10)
                    timings.append((first.at - injected.injected_at) * 1000)
                    await injected.settle(quiet=0.01)
            finally:
                await bot.close()
                await task
                await service.close()
                await fake.close()
    return timings


BURST_TIMEOUT = 120.0
"""Seconds a burst may take to be fully answered before the benchmark gives up."""


async def burst(n: int, members: int) -> tuple[list[float], int, int, int]:
    """(times to first response in ms, deferred, dropped, answered in the end) for ``n``
    asks injected at once by ``members`` members."""
    with tempfile.TemporaryDirectory() as tmp:
        fake = await FakeDiscord().start()
        settings = dataclasses.replace(bench_settings(fake, Path(tmp)), semantic="off")
        service = await open_service(settings)
        with point_discord_py_at(fake):
            bot = FaqBot(settings, service, guild_ready_timeout=0.05)
            task = await start_client(bot)
            try:
                users = [fake.add_user(f"burst{i}", f"Burst {i}") for i in range(members)]
                start = len(fake.sent)
                injected = []
                for i in range(n):
                    question = {"question": QUESTIONS[i % len(QUESTIONS)]}
                    channel = ("general", "entraide")[i % 2]
                    injected.append(await fake.slash("ask", question, user=users[i % members], channel=channel))
                tokens = {handle.token: handle for handle in injected}
                first: dict[str, float] = {}
                finished: set[str] = set()
                deadline = time.monotonic() + BURST_TIMEOUT
                index = start
                while time.monotonic() < deadline and len(finished) < n:
                    await asyncio.sleep(0.05)
                    for sent in fake.sent[index:]:
                        if sent.token in tokens:
                            first.setdefault(sent.token, sent.at)
                            if sent.status < 300 and (
                                (sent.route.endswith("/callback") and sent.body.get("type") == 4)
                                or (sent.method in ("PATCH", "POST") and "/webhooks/" in sent.route)
                            ):
                                finished.add(sent.token)
                    index = len(fake.sent)
                timings = [(first[t] - h.injected_at) * 1000 for t, h in tokens.items() if t in first]
                deferred = sum(
                    1
                    for s in fake.sent[start:]
                    if s.token in tokens and s.route.endswith("/callback") and s.body.get("type") == 5
                )
                dropped = sum(1 for p in fake.problems if "answered after" in p)
            finally:
                await bot.close()
                await task
                await service.close()
                await fake.close()
    return sorted(timings), deferred, dropped, len(finished)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of /ask to inject")
    parser.add_argument("--burst", help="comma-separated burst sizes, e.g. 500,2000")
    parser.add_argument("--members", type=int, default=200, help="members asking in a burst")
    parser.add_argument("--load", type=int, default=0, help="CPU-burning processes during the bursts")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.burst:
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
        try:
            for size in (int(part) for part in args.burst.split(",")):
                timings, deferred, dropped, answered = asyncio.run(burst(size, args.members))
                print(
                    f"burst of {size} /ask from {args.members} members (load: {args.load} CPU burners): "
                    f"first response p50 {statistics.median(timings):.0f} ms · p99 {percentile(timings, 0.99):.0f} ms · "
                    f"max {timings[-1]:.0f} ms · {deferred} deferred · {dropped} dropped · {answered}/{size} answered"
                )
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
        return 0
    timings = sorted(asyncio.run(measure(args.n)))
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    median = statistics.median(timings)
    print(f"/ask → first response on the fake Discord, n={len(timings)}")
    print(f"median {median:.1f} ms · p99 {p99:.1f} ms · max {timings[-1]:.1f} ms (target: median < 50 ms)")
    return 0 if median < 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
