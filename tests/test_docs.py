"""The editors' documentation ships with the code: a clone is enough to write an answer."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from tests.conftest import ROOT, env_example_names

CONTRACT = ROOT / "docs" / "answer-format.md"
SHARED = ROOT.parent / "shared" / "ANSWER_FORMAT.md"


def test_the_readme_links_the_format_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    editors = readme.split("## Écrire une réponse", 1)[1].split("\n## ", 1)[0]
    assert "(docs/answer-format.md)" in editors
    assert CONTRACT.is_file()


def test_the_project_copy_documents_every_field_the_loader_accepts() -> None:
    from bot.core.answers import OPTIONAL_FIELDS, REQUIRED_FIELDS

    text = CONTRACT.read_text(encoding="utf-8")
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        assert f"`{name}`" in text, name


def test_the_project_copy_keeps_the_shared_contract_word_for_word() -> None:
    if not SHARED.is_file():
        pytest.skip("shared/ is not beside this checkout")
    assert SHARED.read_text(encoding="utf-8") in CONTRACT.read_text(encoding="utf-8")


README = ROOT / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def section(title: str) -> str:
    text = readme()
    assert f"\n## {title}\n" in text, title
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def bash_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_the_readme_has_the_first_day_sections_and_the_documents_exist() -> None:
    for title in (
        "Démarrage rapide",
        "Mettre le bot sur Discord",
        "Les commandes slash",
        "Faire tourner le bot en service (systemd)",
        "Sauvegardes",
        "Mises à jour",
        "Réglages",
        "Licence",
    ):
        section(title)
    assert readme().startswith("# ") and "**In English, in short.**" in readme().split("\n## ", 1)[0]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in changelog and "## [Non publié]" in changelog
    for unit in ("cm-faq-bot.service", "cm-faq-bot-backup.service", "cm-faq-bot-backup.timer"):
        assert (ROOT / "deploy" / unit).is_file() and f"deploy/{unit}" in readme(), unit


def test_the_quickstart_runs_the_bot_without_the_dev_tools_and_ci_runs_its_test_command() -> None:
    install, test = bash_blocks(section("Démarrage rapide"))  # exactly two commands
    assert "pip install -e . " in install and "[dev]" not in install
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = " ".join(project["dependencies"]).lower()
    for tool in ("pytest", "ruff", "hypothesis", "rapidfuzz", "rank-bm25"):
        assert tool not in runtime, tool
    assert test == '.venv/bin/pip install -q -e ".[dev]" && .venv/bin/python -m pytest'
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        test.replace(".venv/", '"$venv/').replace("/bin/pip", '/bin/pip"').replace("/bin/python", '/bin/python"') in ci
    )


def test_every_command_the_readme_names_exists() -> None:
    from bot.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    named = set(re.findall(r"python -m bot ([a-z][a-z-]+)", readme()))
    assert named, "the README names no command"
    assert named - set(commands) == set()
    assert set(commands) - named == set()  # and every command is documented


def test_every_setting_is_documented_and_nothing_else() -> None:
    table = section("Réglages")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.M))
    assert documented == env_example_names()


def test_the_slash_command_table_lists_every_registered_command_in_both_languages() -> None:
    recorded = json.loads((ROOT / "tests" / "e2e" / "commands_schema.json").read_text(encoding="utf-8"))
    table = section("Les commandes slash")
    for command in recorded:
        subcommands = [o for o in command.get("options", []) if o["type"] == 1]
        for sub in subcommands or [None]:
            english = f"/{command['name']}" + (f" {sub['name']}" if sub else "")
            french = f"/{command['name_localizations']['fr']}" + (f" {sub['name_localizations']['fr']}" if sub else "")
            assert f"`{english}" in table, english
            assert f"`{french}" in table, french


def test_the_permission_table_is_the_one_the_invite_asks_for() -> None:
    from bot.exts.invite import PERMISSIONS

    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", section("Mettre le bot sur Discord"), flags=re.M)
    assert rows[2:] == list(PERMISSIONS.values())  # after the header and its rule


def test_the_systemd_units_run_real_commands() -> None:
    unit = (ROOT / "deploy" / "cm-faq-bot.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/cm-faq-bot/.venv/bin/python -m bot run" in unit
    assert "RestartPreventExitStatus=2" in unit  # a bad setting: see bot.cli, exit 2
    assert "WorkingDirectory=/opt/cm-faq-bot" in unit and "ReadWritePaths=/opt/cm-faq-bot/data" in unit
    backup = (ROOT / "deploy" / "cm-faq-bot-backup.service").read_text(encoding="utf-8")
    assert "python -m bot backup " in backup
    assert "OnCalendar=" in (ROOT / "deploy" / "cm-faq-bot-backup.timer").read_text(encoding="utf-8")
