"""An editor who adds a valid answer never turns CI red, and a broken one always does:
the content tests run for real on a copy of the shipped answers plus one more file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SHIPPED_ANSWERS, child_env, write_answer

CONTENT_TESTS = ROOT / "tests" / "content" / "test_shipped_answers.py"


def run_content_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(CONTENT_TESTS), "--answers-dir", str(folder), "-q", "-rA"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=child_env(),
        cwd=ROOT,
        timeout=300,
    )


def copy_with_one_more(tmp_path: Path, **answer: object) -> Path:
    folder = tmp_path / "answers"
    shutil.copytree(SHIPPED_ANSWERS, folder)
    write_answer(folder, "zz-essai-zqxvw", **answer)  # type: ignore[arg-type]
    return folder


def test_one_more_valid_answer_passes_the_content_tests(tmp_path: Path) -> None:
    folder = copy_with_one_more(  # words no editor would write, so it never repeats a real question
        tmp_path,
        title="Réponse d'essai zqxvw, une nouvelle réponse passe-t-elle ?",
        questions=("Question d'essai zqxvw numéro un ?", "Question d'essai zqxvw numéro deux ?"),
        body="Salut {{ asker }} ! Une réponse d'essai, valide.",
    )
    result = run_content_tests(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "PASSED tests/content/test_shipped_answers.py::test_every_answer_renders_and_fits_discord[zz-essai-zqxvw]"
        in result.stdout
    )


def test_one_broken_answer_fails_them(tmp_path: Path) -> None:
    folder = copy_with_one_more(tmp_path, body="Salut {{ pseudo }} !")
    result = run_content_tests(folder)
    assert result.returncode == 1
    assert "FAILED tests/content/test_shipped_answers.py::test_no_file_has_a_problem" in result.stdout
