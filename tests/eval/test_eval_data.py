"""The evaluation data stays honest: valid lines, known slugs, no copied phrasings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.answers import load_library
from bot.core.text import normalise

EVAL = Path(__file__).resolve().parent
ROOT = EVAL.parents[1]
SETS = {
    "dev_tune.jsonl": ROOT / "answers",
    "dev_report.jsonl": ROOT / "answers",
    "followups_tune.jsonl": ROOT / "answers",
    "followups_report.jsonl": ROOT / "answers",
    "other_library.jsonl": ROOT / "tests" / "fixtures" / "other_library",
    "thin_library.jsonl": ROOT / "tests" / "fixtures" / "thin_library",
    "tune_library.jsonl": ROOT / "tests" / "fixtures" / "tune_library",
    "two_questions.jsonl": ROOT / "answers",
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_eval_lines_are_valid_and_never_copy_a_front_matter_question(name: str) -> None:
    library = load_library(SETS[name])
    assert library.problems == []
    phrasings = {normalise(q) for answer in library.answers.values() for q in (answer.title, *answer.questions)}
    rows = [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows
    for row in rows:
        assert set(row) <= {"question", "expected", "kind", "context", "second"} and {"question", "expected"} <= set(
            row
        )
        assert row["expected"] is None or row["expected"] in library.answers, row
        assert row.get("second") is None or row["second"] in library.answers, row
        assert normalise(row["question"]) not in phrasings, row["question"]


def test_report_half_is_not_the_tune_half() -> None:
    def questions(name: str) -> set[str]:
        return {
            json.loads(line)["question"]
            for line in (EVAL / name).read_text(encoding="utf-8").splitlines()
            if line.strip()
        }

    assert not questions("dev_tune.jsonl") & questions("dev_report.jsonl")
    assert not questions("followups_tune.jsonl") & questions("followups_report.jsonl")
