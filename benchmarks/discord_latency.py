"""Latency of the Discord adapter: from an injected ``/ask`` to the bot's first response.

Runs the real bot (real discord.py, real SQLite file, real answers) against the fake
Discord on 127.0.0.1 and prints the median and p99 in milliseconds. Target: median
under 50 ms. Usage: ``python benchmarks/discord_latency.py [--n 200]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
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


async def measure(n: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        fake = await FakeDiscord().start()
        settings = Settings(
            discord_token=TOKEN,
            guild_ids=(fake.guild_id,),
            answers_dir=ROOT / "answers",
            database_path=Path(tmp) / "bench.sqlite3",
            vector_cache_path=ROOT / "data" / "benchmark-vectors.sqlite3",
            cooldown_seconds=0,
        )
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of /ask to inject")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    timings = sorted(asyncio.run(measure(args.n)))
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    median = statistics.median(timings)
    print(f"/ask → first response on the fake Discord, n={len(timings)}")
    print(f"median {median:.1f} ms · p99 {p99:.1f} ms · max {timings[-1]:.1f} ms (target: median < 50 ms)")
    return 0 if median < 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
