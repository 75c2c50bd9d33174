"""Hostile text through the service, the CLI and the export: never a traceback, never a
lost question, nothing a terminal or a spreadsheet would run."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.core.models import Asker, ReplyKind
from bot.core.review import CSV_HEADER
from bot.core.service import Service
from bot.wiring import open_service
from tests.conftest import ANSWERS

FRAGMENTS = [
    "\ud800",
    "\udcff",
    "\ud83d",
    "\x00",
    "\r",
    "\r\n",
    "\x1b]0;pwned\x07",
    "\x1b]8;;https://evil.example\x1b\\clic\x1b]8;;\x1b\\",
    "\x1b[2J",
    "\x9b31m",
    "\u202e",
    '=HYPERLINK("http://evil.example")',
    "+1",
    "@SUM(A1)",
    "[clic](https://evil.example)",
    "@everyone",
    "{{ 7 * 7 }}",
    "{% for i in range(9) %}",
    "salaire",
    "é",
    "😀",
]
TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=st.characters(exclude_categories=()), max_size=8)),
    min_size=1,
    max_size=8,
).map("".join)


@pytest.fixture(scope="module")
def runner_and_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.Runner, Service]]:
    tmp = tmp_path_factory.mktemp("hostile")
    answers = tmp / "answers"
    shutil.copytree(ANSWERS, answers)
    runner = asyncio.Runner()
    service = runner.run(open_service(Settings(answers_dir=answers, database_path=tmp / "bot.sqlite3", semantic="off")))
    yield runner, service
    runner.run(service.close())
    runner.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=hostile, name=hostile)
def test_hostile_text_is_answered_stored_and_exported_safely(
    runner_and_service: tuple[asyncio.Runner, Service], question: str, name: str
) -> None:
    runner, service = runner_and_service
    reply = runner.run(service.ask(question, Asker(display_name=name, user_id=7)))
    assert reply.kind in set(ReplyKind) - {ReplyKind.DELAYED}
    if reply.question_id is not None:
        stored = runner.run(service.desk.repository.question(reply.question_id))
        assert stored is not None
        stored.text.encode("utf-8")  # valid UTF-8: no lone surrogate reached the database
        assert "\r" not in stored.text and "\x00" not in stored.text
    export = runner.run(service.desk.export_csv())
    rows = list(csv.reader(io.StringIO(export)))
    assert tuple(rows[0]) == CSV_HEADER
    groups = runner.run(service.desk.repository.groups(None))
    assert len(rows) == len(groups) + 1  # no member text starts a row of its own
    for row in rows[1:]:
        for cell in (row[2], row[7]):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
            assert not TERMINAL_UNSAFE.search(cell.replace("\n", "").replace("\t", ""))


def test_a_question_that_is_not_utf8_on_the_command_line_is_answered(
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    result = run_cli("ask", "salaire \udcff")  # the byte 0xff on the command line
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip()


def test_escape_sequences_never_reach_the_moderators_terminal(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    question = "\x1b]0;pwned\x07Xyzzy \x1b]8;;https://evil.example\x1b\\plugh\x1b]8;;\x1b\\ fjords\r=cmd|' /C calc'!A0"
    assert run_cli("ask", "--record", question).returncode == 0
    database = tmp_path / "data" / "bot.sqlite3"
    with sqlite3.connect(database) as db:
        (group_id,) = db.execute("SELECT group_id FROM questions").fetchone()
    for args in (("unanswered", "list"), ("unanswered", "show", str(group_id)), ("unanswered", "export")):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\r" not in result.stdout
        assert "Xyzzy" in result.stdout
    rows = list(csv.reader(io.StringIO(run_cli("unanswered", "export").stdout)))
    assert len(rows) == 2  # the header and one group: the bare \r started no row


@pytest.mark.parametrize("raw", ["99999999999999999999999", "9223372036854775808", "٣"])
def test_an_id_out_of_range_is_a_clear_message(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], raw: str
) -> None:
    result = run_cli("unanswered", "show", raw)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "OverflowError" not in result.stderr
    assert "numéro" in result.stderr
