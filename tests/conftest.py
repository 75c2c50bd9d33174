"""Fixtures shared by every test: real folders, real files, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT / "answers"
"""The shipped library: editors change it at any time, so only tests of its content use it."""
FROZEN_LIBRARY = ROOT / "tests" / "fixtures" / "library"
"""A frozen copy of the library for tests of code (see its README): never edited to follow answers/."""


def write_answer(
    directory: Path,
    slug: str,
    *,
    title: str = "Un titre",
    questions: tuple[str, ...] = ("Une question ?",),
    body: str = "Une réponse.",
    extra: str = "",
) -> Path:
    """Write a minimal valid answer file (plus ``extra`` front matter lines)."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["---", f"title: {title}", "questions:", *(f"  - {q}" for q in questions)]
    if extra:
        lines.append(extra.rstrip("\n"))
    lines += ["---", body, ""]
    path = directory / f"{slug}.md.jinja"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def answers_dir(tmp_path: Path) -> Path:
    return tmp_path / "answers"


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m bot`` for real, in a clean environment with its own database.

    It serves a copy of the frozen library (without its README) unless ``ANSWERS_DIR`` or
    ``--answers`` says otherwise.
    """
    frozen = tmp_path / "frozen-library"

    def run(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if k not in _SETTINGS}
        full_env.update(
            {
                "ANSWERS_DIR": str(frozen),
                "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
                "PYTHONPATH": str(ROOT),
            }
        )
        full_env.update(env or {})
        if not frozen.exists():
            shutil.copytree(FROZEN_LIBRARY, frozen, ignore=shutil.ignore_patterns("README.md"))
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=full_env,
            input=input,
            cwd=cwd or tmp_path,
            timeout=120,
        )

    return run


def env_example_names() -> set[str]:
    """The settings ``.env.example`` lists: the ones a test must not inherit from the shell."""
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    return {line.split("=", 1)[0] for line in example.splitlines() if line and not line.startswith("#")}


_SETTINGS = env_example_names()
