"""The fake Discord in a process of its own, driven over its stdin and stdout.

Real Discord runs on other machines: a benchmark that shares one event loop (and one
GIL) between the bot and the fake measures the fake's work as the bot's. Here the fake
serves on 127.0.0.1 in this process; whoever started it (``python -m
tests.fake_discord.process``) reads one JSON line, the endpoints, then sends commands,
one JSON line each, and reads one JSON line back for each:

- ``{"cmd": "wait_ready"}``: a client has connected and synced its guild commands.
- ``{"cmd": "latency", "n": 200, "questions": [...]}``: ``n`` asks one after the other,
  each once the previous one has settled; ``first_ms`` are the times to first response.
- ``{"cmd": "burst", "n": 2000, "members": 200, "questions": [...]}``: ``n`` asks at once
  from ``members`` members; ``first_ms`` (sorted), ``deferred``, ``dropped`` (no response
  within 3 s: Discord would have forgotten them), ``answered`` (their answer arrived),
  ``fake_cpu_s`` (what the burst cost this process).
- ``{"cmd": "quit"}``.

Every time is taken on this process's clock, as Discord would: from the moment the
interaction is sent down the gateway to the moment the bot's request reaches the fake.
``FakeDiscordProcess`` is the other end: it starts this process and sends the commands.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fake_discord.server import FakeDiscord, Sent

BURST_TIMEOUT = 120.0
"""Seconds a burst may take to be fully answered before the fake stops waiting."""
QUIET = 0.01
"""Seconds without a request about one ask before the next ask of a latency run."""


def _answers(sent: Sent) -> bool:
    """The request that gives the member the answer: a response with it, or the edit or
    follow-up that fills a "thinking…"."""
    if sent.status >= 300:
        return False
    if sent.route.endswith("/callback"):
        return sent.body.get("type") == 4
    return sent.method in ("PATCH", "POST") and "/webhooks/" in sent.route


async def latency(fake: FakeDiscord, n: int, questions: list[str]) -> dict[str, Any]:
    timings = []
    for i in range(n):
        user = fake.add_user(f"bench{i}", f"Bench {i}")
        channel = ("general", "entraide")[i % 2]
        injected = await fake.slash("ask", {"question": questions[i % len(questions)]}, user=user, channel=channel)
        first = await injected.first(timeout=10)
        timings.append((first.at - injected.injected_at) * 1000)
        await injected.settle(quiet=QUIET)
    return {"first_ms": timings}


async def burst(fake: FakeDiscord, n: int, members: int, questions: list[str]) -> dict[str, Any]:
    users = [fake.add_user(f"burst{i}", f"Burst {i}") for i in range(members)]
    start = len(fake.sent)
    problems = len(fake.problems)
    began = time.perf_counter()
    cpu = time.process_time()
    handles = []
    for i in range(n):
        question = {"question": questions[i % len(questions)]}
        channel = ("general", "entraide")[i % 2]
        handles.append(await fake.slash("ask", question, user=users[i % members], channel=channel))
    injected_in = time.perf_counter() - began
    injected_at = {handle.token: handle.injected_at for handle in handles}
    first: dict[str, float] = {}
    finished: set[str] = set()
    deferred = 0
    index = start
    deadline = time.monotonic() + BURST_TIMEOUT
    while len(finished) < n and time.monotonic() < deadline:
        for sent in fake.sent[index:]:
            if sent.token not in injected_at:
                continue
            first.setdefault(sent.token, sent.at)
            if sent.route.endswith("/callback") and sent.status < 300 and sent.body.get("type") == 5:
                deferred += 1
            if _answers(sent):
                finished.add(sent.token)
        index = len(fake.sent)
        await asyncio.sleep(0.05)
    late = [p for p in fake.problems[problems:] if "answered after" in p]
    return {
        "n": n,
        "members": members,
        "injected_in_ms": injected_in * 1000,
        "first_ms": sorted((at - injected_at[token]) * 1000 for token, at in first.items()),
        "deferred": deferred,
        "dropped": len(late),
        "answered": len(finished),
        "fake_cpu_s": time.process_time() - cpu,
        "other_problems": [p for p in fake.problems[problems:] if "answered after" not in p][:5],
    }


async def wait_ready(fake: FakeDiscord) -> dict[str, Any]:
    await fake.wait_connected(timeout=30)
    await fake.wait_sent(lambda s: s.method == "PUT" and s.route.endswith("/guilds/{guild_id}/commands"), timeout=30)
    return {"ready": True}


async def serve() -> None:
    fake = await FakeDiscord().start()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()

    say({"base_url": fake.base_url, "gateway_url": fake.gateway_url, "guild_id": fake.guild_id})
    try:
        while line := await reader.readline():
            command = json.loads(line)
            cmd = command.pop("cmd")
            if cmd == "quit":
                break
            if cmd == "wait_ready":
                say(await wait_ready(fake))
            elif cmd == "latency":
                say(await latency(fake, **command))
            elif cmd == "burst":
                say(await burst(fake, **command))
            else:
                say({"error": f"unknown command {cmd!r}"})
    finally:
        await fake.close()


@dataclass
class FakeDiscordProcess:
    """The fake Discord running in a child process; ``base_url`` and ``gateway_url`` are
    what ``point_discord_py_at`` needs."""

    process: asyncio.subprocess.Process
    base_url: str
    gateway_url: str
    guild_id: int

    @classmethod
    async def start(cls, cwd: Path) -> FakeDiscordProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fake_discord.process",
            cwd=cwd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=16 * 1024 * 1024,
        )
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            raise RuntimeError(f"the fake Discord process exited ({await process.wait()})")
        endpoints = json.loads(line)
        return cls(process, endpoints["base_url"], endpoints["gateway_url"], int(endpoints["guild_id"]))

    async def command(self, cmd: str, **arguments: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write((json.dumps({"cmd": cmd, **arguments}) + "\n").encode())
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the fake Discord process exited ({await self.process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    async def close(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.write(b'{"cmd": "quit"}\n')
            self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


def main() -> int:
    logging.basicConfig(level=logging.CRITICAL)  # the late answers of a burst are counted, not logged
    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
