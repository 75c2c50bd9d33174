"""Fixtures shared by every test: real folders, real files, the real CLI, and the
network guard (nothing leaves 127.0.0.1)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import network_guard

network_guard.install()

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_ANSWERS = ROOT / "answers"
"""What editors ship: read only by the content tests, whatever it holds."""
ANSWERS = ROOT / "tests" / "fixtures" / "library"
"""The frozen copy every test of code runs on, so an editor's new answer never breaks one."""
FROZEN_LIBRARY = ANSWERS
"""The same frozen copy, by the name the content of its tests speaks of."""
GUARD_PATH = ROOT / "tests" / "netguard"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--answers-dir",
        type=Path,
        default=None,
        help="answers folder the content tests (tests/content) check; default: the shipped answers/",
    )


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a program a test starts: the project importable, the guard on."""
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS}
    env["PYTHONPATH"] = os.pathsep.join([str(GUARD_PATH), str(ROOT)])
    env.update(extra or {})
    return env


@pytest.fixture(autouse=True)
def only_loopback() -> Iterator[None]:
    """Fail the test during which anything tried to reach beyond the loopback."""
    start = len(network_guard.attempts)
    yield
    tried = network_guard.attempts[start:]
    assert tried == [], f"network access outside 127.0.0.1 during this test: {tried}"


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

    It serves the frozen library unless ``ANSWERS_DIR`` or ``--answers`` says otherwise.
    """

    def run(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = child_env(
            {
                "ANSWERS_DIR": str(ANSWERS),
                "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
                "VECTOR_CACHE_PATH": str(tmp_path / "data" / "vectors.sqlite3"),
                "SEMANTIC": "off",  # the tests of the encoder say so: SEMANTIC=auto, with a warm cache
                **(env or {}),
            }
        )
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


FROZEN = ANSWERS


@pytest.fixture(scope="session")
def warm_vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vector cache holding every piece of the frozen library, embedded once a session
    with the real encoder; tests copy it to start warm."""
    from bot.core.answers import load_library
    from bot.core.matching.encoders import load_encoder
    from bot.core.matching.semantic import build_index
    from bot.storage.vector_cache import VectorCache

    choice = load_encoder("auto")
    if choice.encoder is None:
        pytest.skip(choice.reason)
    path = tmp_path_factory.mktemp("vectors") / "vectors.sqlite3"
    cache = VectorCache(path)
    build_index(choice.encoder, list(load_library(FROZEN).answers.values()), store=cache)
    cache.close()
    return path
