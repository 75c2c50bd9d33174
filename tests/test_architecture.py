"""The layout is the architecture: the core imports neither discord, nor the database
driver, nor the storage, nor the settings; the storage never reaches the Discord layer.

Checked on real imports, transitively: each module is imported in a fresh interpreter and
whatever it pulls into ``sys.modules``, however indirectly, counts.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, child_env

BOT = ROOT / "bot"
OUTER = ("bot.app", "bot.cli", "bot.config", "bot.exts", "bot.wiring", "discord", "dotenv")
"""What neither the core nor the storage may import: the outer layers and their libraries."""
FORBIDDEN = {
    "bot.core": (*OUTER, "aiosqlite", "sqlite3", "bot.storage"),
    "bot.storage": OUTER,
}
PROBE = r"""
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
loaded = {}
for info in pkgutil.walk_packages(package.__path__, sys.argv[1] + "."):
    before = set(sys.modules)
    importlib.import_module(info.name)
    loaded[info.name] = sorted(set(sys.modules) - before)
print(json.dumps(loaded))
"""


def offending_imports(package: str, root: Path = ROOT) -> dict[str, list[str]]:
    """For each module of ``package`` (as found under ``root``), the forbidden modules that
    importing it loaded for the first time."""
    env = child_env({"PYTHONPATH": str(root)})
    result = subprocess.run(
        [sys.executable, "-c", PROBE, package], capture_output=True, text=True, env=env, cwd=root, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, list[str]] = json.loads(result.stdout)
    banned = FORBIDDEN[package]
    found = {
        module: [name for name in names if any(name == b or name.startswith(b + ".") for b in banned)]
        for module, names in loaded.items()
    }
    return {module: names for module, names in found.items() if names}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_inner_layers_never_import_outer_ones(package: str) -> None:
    assert offending_imports(package) == {}


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("import aiosqlite\n", "aiosqlite"),
        ("from bot.storage import database\n", "aiosqlite"),  # through the storage: still caught
        ("def later():\n    import aiosqlite\n\n\nimport bot.config\n", "bot.config"),
    ],
)
def test_the_check_catches_a_core_module_that_imports_what_it_must_not(
    tmp_path: Path, source: str, caught: str
) -> None:
    shutil.copytree(BOT, tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "bot" / "core" / "leaky.py").write_text(source, encoding="utf-8")
    found = offending_imports("bot.core", root=tmp_path)
    assert list(found) == ["bot.core.leaky"]
    assert caught in found["bot.core.leaky"]


def test_sql_lives_only_in_the_repository_and_migrations() -> None:
    offenders = []
    for path in BOT.rglob("*.py"):
        if path.parent.name == "storage":
            continue
        text = path.read_text(encoding="utf-8")
        if any(keyword in text for keyword in ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "execute(")):
            offenders.append(str(path.relative_to(BOT)))
    assert offenders == []


def test_rows_are_read_by_column_name() -> None:
    """``aiosqlite.Row`` everywhere: a column added to a query can never shift another."""
    offenders = []
    for path in (BOT / "storage").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m.group()}" for m in re.finditer(r"\b(row|totals|votes)\[\d+\]", text)]
    assert offenders == []
    assert "row_factory = aiosqlite.Row" in (BOT / "storage" / "database.py").read_text(encoding="utf-8")
