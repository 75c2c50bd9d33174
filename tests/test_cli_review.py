"""The editors' commands, run for real as ``python -m bot …`` subprocesses."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.config import Settings
from bot.core.answers import load_library
from bot.core.models import Asker
from bot.storage.database import load_migrations, open_database
from bot.storage.repository import Repository
from tests.conftest import ANSWERS, child_env

NEWEST = load_migrations()[-1].version
BREAD = [
    "Quelle est la meilleure recette de pain au levain ?",
    "quelle est la meilleure recette de pain au levain",
    "Quelle est la meilleure recette du pain au levain ??",
]
SLUG = "trouver-des-idees"
TITLE = "Comment trouver des idées de contenus et construire ta ligne éditoriale ?"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def fails(result, code: int = 1) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def last_line(stderr: str) -> str:
    """The error line; INFO log lines may come before it."""
    return stderr.strip().splitlines()[-1]


def only_group_id(listing: str) -> int:
    ids = re.findall(r"^#(\d+) ", listing, flags=re.MULTILINE)
    assert len(ids) == 1, listing
    return int(ids[0])


def seed(path: Path, *questions: tuple[Asker, str, str | None]) -> None:
    """Store questions with real Discord-like askers (the console has no user ids)."""

    async def main() -> None:
        connection = await open_database(path)
        repository = Repository(connection)
        now = dt.datetime.now(dt.UTC)
        for asker, text, slug in questions:
            key = " ".join(text.lower().split()) if slug is None else None
            group = await repository.open_group_with_key(key) if key else None
            await repository.add_question(
                asker, text, slug, 0.9 if slug else 0.1, now, grouping_key=key, group_id=group
            )
        await connection.close()

    asyncio.run(main())


def test_console_flow_end_to_end(run_cli, db_path: Path) -> None:
    """Ask 3 variations → one open group of 3 → resolve it → answered, in a new process too."""
    console = ok(run_cli("console", "--record", input="\n".join([*BREAD, "quitter"]) + "\n"))
    assert console.count("équipe de rédaction") == 3

    listing = ok(run_cli("unanswered", "list"))
    group_id = only_group_id(listing)
    assert "posée 3 fois" in listing
    assert BREAD[0] in listing

    shown = ok(run_cli("unanswered", "show", str(group_id)))
    assert all(text in shown for text in BREAD)
    assert "ouvert" in shown and "question posée 3 fois" in shown

    resolved = ok(run_cli("unanswered", "resolve", str(group_id), SLUG))
    assert f"Groupe #{group_id} résolu avec « {SLUG} »" in resolved

    # Every later run is a new process: the learning came back from the database.
    reply = json.loads(ok(run_cli("ask", BREAD[0], "--json")))
    assert reply["answer"] == SLUG
    console = ok(run_cli("console", input=BREAD[2] + "\nquitter\n"))
    assert TITLE.replace(" ?", "\u202f?") in console  # titles are shown with French typography
    assert "Aucun groupe ouvert" in ok(run_cli("unanswered", "list"))
    assert f"#{group_id} " in ok(run_cli("unanswered", "list", "--status", "resolved"))


def test_migrate_creates_then_leaves_the_database_alone(run_cli, db_path: Path) -> None:
    assert not db_path.exists()
    assert f"version 0 → {NEWEST}" in ok(run_cli("migrate"))
    assert db_path.is_file()
    assert f"déjà à jour (version {NEWEST})" in ok(run_cli("migrate"))


def test_a_newer_database_is_refused_with_one_clear_line(run_cli, db_path: Path) -> None:
    ok(run_cli("migrate"))
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {NEWEST + 5}")
    for command in (["migrate"], ["unanswered", "list"], ["ask", "combien gagne un CM ?"]):
        error = fails(run_cli(*command, env={"LOG_LEVEL": "WARNING"}))
        assert f"version {NEWEST + 5}, plus récente que ce code" in last_line(error), command
        assert len(error.strip().splitlines()) == 1, error


def test_unknown_group_and_unknown_slug_are_clear_errors(run_cli) -> None:
    ok(run_cli("ask", BREAD[0], "--record"))
    group_id = only_group_id(ok(run_cli("unanswered", "list")))
    for command in (["show", "999"], ["resolve", "999", "salaire"], ["dismiss", "999"]):
        error = fails(run_cli("unanswered", *command))
        assert last_line(error) == "Erreur : aucune question en attente n'a le numéro 999"
    error = fails(run_cli("unanswered", "resolve", str(group_id), "recette-des-crepes"))
    assert last_line(error) == "Erreur : aucune réponse ne porte l'identifiant « recette-des-crepes »"
    assert "n'est pas un numéro" in fails(run_cli("unanswered", "show", "abc"), code=2)
    assert f"#{group_id} " in ok(run_cli("unanswered", "list"))  # nothing changed


def test_dismiss_keeps_the_group_for_the_record(run_cli) -> None:
    ok(run_cli("ask", "Comment réparer la chaîne de mon vélo ?", "--record"))
    group_id = only_group_id(ok(run_cli("unanswered", "list")))
    out = ok(run_cli("unanswered", "dismiss", str(group_id), "--reason", "hors sujet"))
    assert f"Groupe #{group_id} écarté (raison : hors sujet)" in out
    assert "Aucun groupe ouvert" in ok(run_cli("unanswered", "list"))
    dismissed = ok(run_cli("unanswered", "list", "--status", "dismissed"))
    assert "vélo" in dismissed and "hors sujet" in dismissed
    assert "Raison : hors sujet" in ok(run_cli("unanswered", "show", str(group_id)))


def test_show_tells_which_suggestion_members_chose(run_cli, db_path: Path) -> None:
    seed(db_path, (Asker(user_id=7, display_name="Ines"), BREAD[0], None), (Asker(user_id=8), BREAD[0], None))
    with sqlite3.connect(db_path) as db:  # what a click on a "did you mean" button stores
        db.execute("UPDATE questions SET picked_slug = ? WHERE user_id = 7", (SLUG,))
    group_id = only_group_id(ok(run_cli("unanswered", "list")))
    shown = ok(run_cli("unanswered", "show", str(group_id)))
    assert f"Choix des membres parmi les suggestions : {SLUG} (1)" in shown
    assert [line for line in shown.splitlines() if f"a choisi « {SLUG} »" in line] == [
        next(line for line in shown.splitlines() if "Ines" in line)
    ]


def test_list_limit(run_cli, db_path: Path) -> None:
    seed(db_path, *((Asker(user_id=i), f"question hors sujet numéro {i} sur la pêche", None) for i in range(5)))
    listing = ok(run_cli("unanswered", "list", "--limit", "2"))
    assert len(re.findall(r"^#\d+ ", listing, flags=re.MULTILINE)) == 2


def test_export_writes_utf8_csv_one_row_per_group(run_cli, db_path: Path, tmp_path: Path) -> None:
    tricky = 'Le "pain", c\'est 😀 \u200fRTL ; DROP TABLE questions; --'
    alice, bob = Asker("Alice", 1, 5, 6), Asker("Bob", 2, 5, 6)
    seed(db_path, (alice, tricky, None), (bob, tricky, None), (bob, "vélo ?", None), (bob, "salaire ?", "salaire"))
    output = tmp_path / "export" / "groupes.csv"
    assert "2 groupe(s) exporté(s)" in ok(run_cli("unanswered", "export", "--output", str(output)))
    rows = list(csv.DictReader(io.StringIO(output.read_bytes().decode("utf-8"))))
    assert [(row["question"], row["nombre"], row["statut"]) for row in rows] == [
        (tricky, "2", "open"),
        ("vélo ?", "1", "open"),
    ]
    assert rows[0]["premiere_fois"] and rows[0]["derniere_fois"]
    assert list(csv.DictReader(io.StringIO(ok(run_cli("unanswered", "export"))))) == rows


def test_stats(run_cli, db_path: Path) -> None:
    alice = Asker("Alice", 1, 5, 6)
    seed(
        db_path,
        (alice, "combien ?", "salaire"),
        (alice, "salaire ?", "salaire"),
        (alice, "outils ?", "outils"),
        (alice, "vélo ?", None),
    )
    out = ok(run_cli("stats"))
    assert "Questions posées : 4" in out
    assert "Réponses données : 3 (75 %)" in out
    assert "salaire — 2 fois" in out
    assert "vélo ?" in out


def test_forget_user(run_cli, db_path: Path) -> None:
    alice, bob = Asker("Alice", 111, 5, 6), Asker("Bob", 222, 5, 6)
    seed(db_path, (alice, "pêche ?", None), (bob, "pêche ?", None), (alice, "salaire ?", "salaire"))
    out = ok(run_cli("forget-user", "111"))
    assert "Membre 111 oublié : 2 question(s), 0 vote(s) et 0 formulation(s) apprise(s) supprimés." in out
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT user_id, display_name FROM questions").fetchall() == [(222, "Bob")]
    assert "posée 1 fois" in ok(run_cli("unanswered", "list"))


def test_reading_commands_never_purge_and_open_only_the_database(run_cli, db_path: Path, tmp_path: Path) -> None:
    """``export`` and ``stats`` read the database alone; ``list`` and ``show`` also read
    the answers (to suggest a resolution), and a broken file there is only a warning."""
    seed(db_path, (Asker("Alice", 1, 5, 6), "salaire ?", "salaire"), (Asker("Bob", 2, 5, 6), "vélo ?", None))
    with sqlite3.connect(db_path) as db:  # answered long ago: RETENTION_DAYS would delete it
        db.execute("UPDATE questions SET asked_at = '2020-01-01T00:00:00.000000+00:00' WHERE answer_slug IS NOT NULL")
    broken = tmp_path / "broken-answers"
    broken.mkdir()
    (broken / "casse.md.jinja").write_text("---\ntitle: [pas fermé\n---\n", encoding="utf-8")
    env = {"RETENTION_DAYS": "30", "ANSWERS_DIR": str(broken)}
    for command in (["unanswered", "list"], ["unanswered", "show", "1"], ["unanswered", "export"], ["stats"]):
        result = run_cli(*command, env=env)
        ok(result)
        if command[-1] in ("export", "stats"):
            assert result.stderr == "", (command, result.stderr)  # the answers were not even read
        else:
            assert "casse.md.jinja" in result.stderr and "Traceback" not in result.stderr
    assert "Questions posées : 2" in ok(run_cli("stats", env=env))
    ok(run_cli("ask", "combien gagne un CM ?", "--record", env={"RETENTION_DAYS": "30"}))  # a bot start does purge
    with sqlite3.connect(db_path) as db:
        assert [row[0] for row in db.execute("SELECT text FROM questions ORDER BY id")] == [
            "vélo ?",
            "combien gagne un CM ?",
        ]


def test_a_closed_pipe_ends_quietly(tmp_path: Path, db_path: Path) -> None:
    """``python -m bot unanswered show 1 | head -0``: the reader is gone before we write."""
    seed(db_path, *((Asker("Alice", 1, 5, 6), "pain au levain ?", None) for _ in range(50)))
    env = child_env({"DATABASE_PATH": str(db_path), "ANSWERS_DIR": str(ANSWERS)})
    for command in (["unanswered", "show", "1"], ["show", "salaire"], ["unanswered", "export"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
        )
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=60) == 141, stderr
        assert stderr == "", command


def test_commands_read_their_arguments_and_never_write_into_them(db_path: Path) -> None:
    settings = Settings(answers_dir=ANSWERS, database_path=db_path, semantic="off")
    for argv in (["migrate"], ["unanswered", "list"], ["stats"], ["ask", "combien gagne un CM ?"]):
        args = build_parser().parse_args(argv)
        before = dict(vars(args))
        assert args.handler(settings, args) == 0
        assert vars(args) == before, argv


def test_list_and_show_suggest_a_resolution_in_json(run_cli, db_path: Path) -> None:
    """Encoder off: the lexical matcher's closest answer is the suggestion, with its score."""
    asker = Asker("Alice", 1, 5, 6)
    seed(db_path, (asker, "salaire community manager junior en agence ?", None), (asker, BREAD[0], None))
    listed = json.loads(ok(run_cli("unanswered", "list", "--json")))
    assert {tuple(sorted(item)) for item in listed} == {
        (
            "contexts",
            "count",
            "downvotes",
            "id",
            "member_choices",
            "questions",
            "status",
            "suggested_answer",
            "suggested_score",
        )
    }
    salary = next(item for item in listed if "salaire" in item["questions"][0])
    assert salary["suggested_answer"] == "salaire" and 0.3 <= salary["suggested_score"] <= 1
    assert salary["status"] == "open" and salary["count"] == 1
    bread = next(item for item in listed if item["questions"] == [BREAD[0]])
    assert bread["suggested_answer"] is None and bread["suggested_score"] is None
    shown = json.loads(ok(run_cli("unanswered", "show", str(salary["id"]), "--json")))
    assert shown == salary
    text = ok(run_cli("unanswered", "show", str(salary["id"])))
    title = load_library(ANSWERS).answers["salaire"].shown_title  # as Discord shows it: "manager\u202f?"
    assert title.endswith("\u202f?") and f"Suggestion de résolution : salaire « {title} »" in text
    assert "par les mots" in text and f"unanswered resolve {salary['id']} salaire" in text


def test_stats_chart_and_digest(run_cli, db_path: Path, tmp_path: Path) -> None:
    asker = Asker("Alice", 1, 5, 6)
    seed(db_path, (asker, "salaire ?", "salaire"), (asker, "question de boulangerie sur le levain ?", None))
    chart = tmp_path / "out" / "stats.png"
    out = ok(run_cli("stats", "--chart", str(chart)))
    assert f"Graphique des 8 dernières semaines écrit dans {chart}." in out
    assert chart.read_bytes().startswith(b"\x89PNG") and chart.stat().st_size > 10_000
    digest = ok(run_cli("digest", "--since", "7d"))
    assert digest.startswith("Depuis le ") and "(7 jours)" in digest
    assert "Nouveaux groupes sans réponse : 1" in digest and "levain" in digest
    bad = run_cli("digest", "--since", "bientôt")
    assert bad.returncode == 2 and "n'est pas une durée" in bad.stderr
