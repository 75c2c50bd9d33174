"""The editors' documentation ships with the code: a clone is enough to write an answer."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

CONTRACT = ROOT / "docs" / "answer-format.md"
SHARED = ROOT.parent / "shared" / "ANSWER_FORMAT.md"


def test_the_readme_links_the_format_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    editors = readme.split("## Writing an answer", 1)[1].split("\n## ", 1)[0]
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
