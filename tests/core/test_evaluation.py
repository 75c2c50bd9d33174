"""The eval logic on real answers and real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.answers import load_library
from bot.core.evaluation import evaluate
from bot.core.matching import Matcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_library(ROOT / "tests" / "fixtures" / "library").answers.values())


def test_summary_counts_scope_and_misses(matcher: Matcher, tmp_path: Path) -> None:
    data = tmp_path / "eval.jsonl"
    rows = [
        {"question": "combien gagne un community manager ?", "expected": "salaire"},
        {"question": "quelle température pour cuire un poulet", "expected": None},
        {"question": "merci", "expected": None},
        {"question": "combien gagne un community manager ?", "expected": "outils"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    misses, summary = evaluate(data, matcher)
    assert set(summary) == {
        "questions",
        "in_scope",
        "top1",
        "out_of_scope",
        "rejected",
        "accuracy",
        "helpful",
        "wrong",
        "suggested",
        "p50_ms",
        "p99_ms",
    }
    assert summary["questions"] == 4
    assert summary["in_scope"] == 2
    assert summary["out_of_scope"] == 2
    assert summary["top1"] == 0.5
    assert summary["rejected"] == 1.0
    assert summary["accuracy"] == 0.75
    assert summary["wrong"] == 0.25  # the salary answer given where "outils" was expected
    assert summary["helpful"] == 0.5
    assert summary["p99_ms"] >= summary["p50_ms"] >= 0.0
    assert len(misses) == 1
    assert "outils" in misses[0] and "salaire" in misses[0]


def test_bad_json_line_names_its_line(matcher: Matcher, tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"question": "ok", "expected": null}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        evaluate(data, matcher)


def test_a_line_without_a_question_is_an_error(matcher: Matcher, tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"expected": null}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        evaluate(data, matcher)


def test_a_file_with_a_byte_order_mark_is_read(matcher: Matcher, tmp_path: Path) -> None:
    data = tmp_path / "windows.jsonl"
    data.write_text(
        '{"question": "combien gagne un community manager ?", "expected": "salaire"}\r\n', encoding="utf-8-sig"
    )
    _, summary = evaluate(data, matcher)
    assert summary["top1"] == 1.0
