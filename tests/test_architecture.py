"""The core and the storage layer never import discord: the adapter stays a thin layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
PURE = sorted([*(BOT / "core").rglob("*.py"), *(BOT / "storage").rglob("*.py")])


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(BOT)))
def test_core_and_storage_never_import_discord(path: Path) -> None:
    imports = imported_modules(path)
    assert not {
        m for m in imports if m == "discord" or m.startswith("discord.") or m.startswith("bot.exts") or m == "bot.app"
    }


def test_sql_lives_only_in_the_repository_and_migrations() -> None:
    offenders = []
    for path in BOT.rglob("*.py"):
        if path.parent.name == "storage":
            continue
        text = path.read_text(encoding="utf-8")
        if any(keyword in text for keyword in ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "execute(")):
            offenders.append(str(path.relative_to(BOT)))
    assert offenders == []
