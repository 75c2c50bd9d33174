"""``python -m bot backup FILE`` while the bot writes: a consistent copy with every
committed row (a plain ``cp`` of the file and its ``-wal`` loses some)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ANSWERS, child_env

# The bot's writes: bursts of 20 concurrent questions, each printed once committed.
from tests.test_durability import CHILD as WRITER


def read_rows(stream, replied: dict[int, str], count: int, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    target = len(replied) + count
    while len(replied) < target and time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        question_id, text = line.rstrip("\n").split("\t", 1)
        replied[int(question_id)] = text


def test_a_backup_taken_while_the_bot_writes_is_sound_and_holds_every_committed_row(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    copy = tmp_path / "sauvegardes" / "bot-copie.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(ANSWERS), str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        env=child_env(),
        cwd=tmp_path,
    )
    replied: dict[int, str] = {}
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "READY"
        read_rows(writer.stdout, replied, 150)
        committed_before = dict(replied)
        result = subprocess.run(
            [sys.executable, "-m", "bot", "backup", str(copy)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=child_env({"DATABASE_PATH": str(database), "ANSWERS_DIR": str(ANSWERS)}),
            cwd=tmp_path,
            timeout=60,
        )
        read_rows(writer.stdout, replied, 50)  # the writer never stopped
        assert writer.poll() is None
    finally:
        writer.kill()
        writer.communicate(timeout=30)
    assert result.returncode == 0, result.stderr
    assert len(committed_before) >= 150 and len(replied) >= 200

    assert not copy.with_name(copy.name + "-wal").exists()  # one self-contained file
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        stored = dict(db.execute("SELECT id, text FROM questions").fetchall())
        ungrouped = db.execute(
            "SELECT COUNT(*) FROM questions WHERE answer_slug IS NULL AND group_id IS NULL"
        ).fetchone()
    missing = {qid: text for qid, text in committed_before.items() if stored.get(qid) != text}
    assert missing == {}
    # One instant of the database: the rows it holds are the first ones written, no gap.
    assert sorted(stored) == list(range(1, len(stored) + 1))
    assert ungrouped == (0,)  # each queued question came with its group, never without
    assert f"Sauvegarde de {database} écrite dans {copy} : {len(stored)} question(s)" in result.stdout


def test_a_backup_replaces_an_older_one_and_refuses_the_database_itself(run_cli, tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    copy = tmp_path / "copie.sqlite3"
    copy.write_text("une vieille sauvegarde", encoding="utf-8")
    assert run_cli("ask", "Recette de pain au levain ?", "--record").returncode == 0
    result = run_cli("backup", str(copy))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT text FROM questions").fetchall() == [("Recette de pain au levain ?",)]
    assert list(tmp_path.glob(".copie.sqlite3.partial*")) == []

    itself = run_cli("backup", str(database))
    assert itself.returncode == 1
    assert itself.stderr.strip().splitlines() == [
        f"Erreur : la sauvegarde ne peut pas remplacer la base elle-même ({database})"
    ]


def test_a_backup_without_a_database_names_the_setting(run_cli, tmp_path: Path) -> None:
    result = run_cli(
        "backup", str(tmp_path / "copie.sqlite3"), env={"DATABASE_PATH": str(tmp_path / "absente.sqlite3")}
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Réglage invalide — DATABASE_PATH: aucune base de données à sauvegarder : {tmp_path / 'absente.sqlite3'} n'existe pas"
    ]


def test_a_backup_of_a_file_that_is_no_database_names_the_setting(run_cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("pas une base SQLite, juste du texte " * 50, encoding="utf-8")
    copy = tmp_path / "copie.sqlite3"
    result = run_cli("backup", str(copy), env={"DATABASE_PATH": str(notes)})
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Réglage invalide — DATABASE_PATH: {notes} n'est pas une base de données utilisable"), line
    assert not copy.exists() and list(tmp_path.glob(".copie.sqlite3.partial*")) == []
