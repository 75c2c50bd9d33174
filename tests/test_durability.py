"""Nothing is ever lost: concurrent asks, and a process killed in the middle of a burst."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.config import Settings
from bot.core.models import Asker
from bot.wiring import open_service
from tests.conftest import ANSWERS, child_env

IN_SCOPE = ["Combien gagne un community manager débutant ?", "Quels outils utilise un community manager ?"]


def question(i: int) -> str:
    """Half answered, half for the editors; every text unique so each row is checkable."""
    if i % 2:
        return f"{IN_SCOPE[i % 4 // 2]} (message {i})"
    return f"Message {i} : quelle est la meilleure recette de pain au levain ?"


async def test_a_question_is_committed_before_the_reply_is_returned(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    service = await open_service(Settings(answers_dir=ANSWERS, database_path=path, semantic="off"))
    try:
        for text in (IN_SCOPE[0], "Comment réparer mon vélo ?"):
            reply = await service.ask(text, Asker("Alice", 1, 2, 3))
            # Another connection (as another process would) already sees it.
            with sqlite3.connect(path) as other:
                row = other.execute("SELECT text FROM questions WHERE id = ?", (reply.question_id,)).fetchone()
            assert row == (text,)
    finally:
        await service.close()


async def test_a_thousand_concurrent_asks_lose_no_row(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    service = await open_service(Settings(answers_dir=ANSWERS, database_path=path, semantic="off"))
    try:
        texts = [question(i) for i in range(1000)]
        askers = [Asker(f"membre {i}", 10_000 + i, 1, 2) for i in range(1000)]
        replies = await asyncio.gather(*(service.ask(t, a) for t, a in zip(texts, askers, strict=True)))
    finally:
        await service.close()
    ids = [reply.question_id for reply in replies]
    assert None not in ids
    assert len(set(ids)) == 1000
    with sqlite3.connect(path) as db:
        stored = dict(db.execute("SELECT id, text FROM questions").fetchall())
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(stored) == 1000
    assert {stored[i] for i in ids} == set(texts)
    assert [stored[reply.question_id] for reply in replies] == texts
    answered = sum(1 for reply in replies if reply.answer is not None)
    assert 0 < answered < 1000, "the burst must exercise both answered and queued questions"


CHILD = r"""
import asyncio, sys
from pathlib import Path
from bot.config import Settings
from bot.core.models import Asker
from bot.wiring import open_service

async def main():
    service = await open_service(Settings(answers_dir=Path(sys.argv[1]), database_path=Path(sys.argv[2]), semantic="off"))
    print("READY", flush=True)
    i = 0
    while True:
        texts = [f"Rafale {i + k} : recette de pain au levain n°{i + k} ?" if k % 2 else
                 f"Combien gagne un community manager ? (rafale {i + k})" for k in range(20)]
        async def one(text, k):
            reply = await service.ask(text, Asker(f"m{k}", 1000 + k, 1, 2))
            sys.stdout.write(f"{reply.question_id}\t{text}\n")
            sys.stdout.flush()
        await asyncio.gather(*(one(t, i + k) for k, t in enumerate(texts)))
        i += 20

asyncio.run(main())
"""


def test_sigkill_during_a_burst_leaves_a_sound_database_with_every_replied_question(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    env = child_env()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ANSWERS), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
    )
    replied: dict[int, str] = {}
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
        deadline = time.monotonic() + 60
        while len(replied) < 300 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            question_id, text = line.rstrip("\n").split("\t", 1)
            replied[int(question_id)] = text
        child.send_signal(signal.SIGKILL)  # in the middle of a burst: writes are in flight
        rest, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    for line in rest.splitlines():  # replies printed before the kill landed
        if "\t" in line:
            question_id, text = line.split("\t", 1)
            replied[int(question_id)] = text
    assert child.returncode == -signal.SIGKILL
    assert len(replied) >= 300

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(db.execute("SELECT id, text FROM questions").fetchall())
    missing = {qid: text for qid, text in replied.items() if stored.get(qid) != text}
    assert missing == {}
    assert len(stored) >= len(replied)
