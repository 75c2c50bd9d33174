"""Latency of the Discord adapter: from an injected ``/ask`` to the bot's first response.

Runs the real bot (real discord.py, real SQLite file, real answers) in this process
against the fake Discord on 127.0.0.1, which runs in a process of its own
(``tests.fake_discord.process``), as Discord runs on other machines: the fake's work
does not take the bot's event loop, and the fake times every response on its own clock.
Prints the median and p99 in milliseconds of ``--n`` asks one after the other. Target:
median under 50 ms. Usage: ``python -m benchmarks.discord_latency [--n 200]``.

``--burst 500,2000`` injects each number of ``/ask`` at once from ``--members`` members
and prints p50/p99/max time to the first response (an answer or a "thinking…" defer),
how many were deferred, how many Discord would have dropped (no response within 3 s),
how many got their answer, and the CPU the burst cost the fake; ``--load N`` keeps N
other processes burning CPU meanwhile. ``--semantic`` sets ``SEMANTIC`` for the bot
(bursts: ``off`` unless told; one at a time: ``auto``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import FaqBot  # noqa: E402
from bot.config import SEMANTIC_MODES, Settings  # noqa: E402
from bot.wiring import open_service  # noqa: E402
from tests.fake_discord import TOKEN, point_discord_py_at, start_client  # noqa: E402
from tests.fake_discord.process import FakeDiscordProcess  # noqa: E402

QUESTIONS = [
    "combien gagne un community manager ?",
    "comment gérer les trolls ?",
    "quels outils utiliser ?",
    "comment trouver des clients ?",
    "c'est quoi une journée type ?",
    "zorglub wxqz blorf ?",
]


def bench_settings(guild_id: int, tmp: Path, semantic: str = "auto") -> Settings:
    return Settings(
        discord_token=TOKEN,
        guild_ids=(guild_id,),
        answers_dir=ROOT / "answers",
        database_path=tmp / "bench.sqlite3",
        vector_cache_path=ROOT / "data" / "benchmark-vectors.sqlite3",
        cooldown_seconds=0,
        semantic=semantic,
    )


async def run_against_fake(semantic: str, command: str, **arguments: Any) -> dict[str, Any]:
    """Start the fake Discord in its own process and the bot here, run one command of the
    fake (``tests.fake_discord.process``), stop both, and return what the fake measured."""
    with tempfile.TemporaryDirectory() as tmp:
        fake = await FakeDiscordProcess.start(ROOT)
        try:
            settings = bench_settings(fake.guild_id, Path(tmp), semantic)
            service = await open_service(settings, wait_for_index=True)
            try:
                with point_discord_py_at(fake):
                    bot = FaqBot(settings, service, guild_ready_timeout=0.05)
                    task = await start_client(bot)
                    try:
                        await fake.command("wait_ready")
                        return await fake.command(command, questions=QUESTIONS, **arguments)
                    finally:
                        await bot.close()
                        await task
            finally:
                await service.close()
        finally:
            await fake.close()


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of /ask to inject")
    parser.add_argument("--burst", help="comma-separated burst sizes, e.g. 500,2000")
    parser.add_argument("--members", type=int, default=200, help="members asking in a burst")
    parser.add_argument("--load", type=int, default=0, help="CPU-burning processes during the bursts")
    parser.add_argument("--semantic", choices=SEMANTIC_MODES, default=None, help="SEMANTIC for the bot")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.burst:
        semantic = args.semantic or "off"
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
        try:
            for size in (int(part) for part in args.burst.split(",")):
                result = asyncio.run(run_against_fake(semantic, "burst", n=size, members=args.members))
                timings = result["first_ms"]
                print(
                    f"burst of {size} /ask from {args.members} members (SEMANTIC={semantic}, "
                    f"load: {args.load} CPU burners; injected in {result['injected_in_ms']:.0f} ms, "
                    f"fake Discord CPU {result['fake_cpu_s']:.1f} s): "
                    f"first response p50 {statistics.median(timings):.0f} ms · p99 {percentile(timings, 0.99):.0f} ms · "
                    f"max {timings[-1]:.0f} ms · {result['deferred']} deferred · {result['dropped']} dropped · "
                    f"{result['answered']}/{size} answered"
                    + (f" · other problems: {result['other_problems']}" if result["other_problems"] else "")
                )
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
        return 0
    result = asyncio.run(run_against_fake(args.semantic or "auto", "latency", n=args.n))
    timings = sorted(result["first_ms"])
    median = statistics.median(timings)
    print(f"/ask → first response on the fake Discord, n={len(timings)}")
    print(
        f"median {median:.1f} ms · p99 {percentile(timings, 0.99):.1f} ms · max {timings[-1]:.1f} ms "
        "(target: median < 50 ms)"
    )
    return 0 if median < 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
