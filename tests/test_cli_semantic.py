"""The command line with the encoder on: ``ask --json`` kinds, ``index``, ``eval`` per kind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ANSWERS, write_answer


def semantic_env(tmp_path: Path, warm_vectors: Path) -> dict[str, str]:
    cache = tmp_path / "data" / "vectors.sqlite3"
    cache.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(warm_vectors, cache)
    return {"SEMANTIC": "on", "VECTOR_CACHE_PATH": str(cache)}


def test_ask_json_says_what_kind_of_reply_and_which_suggestions(run_cli, tmp_path: Path, warm_vectors: Path) -> None:
    env = semantic_env(tmp_path, warm_vectors)
    answered = json.loads(run_cli("ask", "combien gagne un community manager ?", "--json", env=env).stdout)
    assert answered["kind"] == "answer" and answered["answer"] == "salaire" and answered["suggestions"] == []
    chat = json.loads(run_cli("ask", "merci !", "--json", env=env).stdout)
    assert chat["kind"] == "smalltalk" and chat["answer"] is None
    empty = json.loads(run_cli("ask", "   ", "--json", env=env).stdout)
    assert empty["kind"] == "invalid"
    off_topic = json.loads(run_cli("ask", "combien de calories dans une banane", "--json", env=env).stdout)
    assert off_topic["kind"] in ("unanswered", "suggestions") and off_topic["answer"] is None
    assert (off_topic["kind"] == "suggestions") == bool(off_topic["suggestions"])


def test_index_builds_the_cache_once_and_a_second_run_embeds_nothing(run_cli, tmp_path: Path) -> None:
    answers = tmp_path / "mini"
    write_answer(answers, "velo", title="Comment réparer un vélo ?", questions=("Ma chaîne saute", "Pneu crevé"))
    write_answer(answers, "pain", title="Comment faire du pain ?", questions=("Levain maison ?",))
    cache = tmp_path / "cache" / "vectors.sqlite3"
    env = {"VECTOR_CACHE_PATH": str(cache), "ANSWERS_DIR": str(answers)}
    first = run_cli("index", env=env)
    assert first.returncode == 0, first.stderr
    assert cache.exists() and "Index prêt" in first.stdout and "dont 0 encodés" not in first.stdout
    second = run_cli("index", env=env)
    assert second.returncode == 0 and "dont 0 encodés maintenant" in second.stdout


def test_index_says_so_when_the_encoder_cannot_run_here(run_cli, tmp_path: Path) -> None:
    result = run_cli("index", env={"SEMANTIC": "off"})  # index turns it on: it either runs or explains
    assert "Traceback" not in result.stderr
    assert result.returncode == 0 or ("SEMANTIC" in result.stderr and result.returncode == 2)


def test_eval_counts_what_members_feel_and_breaks_it_down_by_kind(run_cli, tmp_path: Path, warm_vectors: Path) -> None:
    data = tmp_path / "mini.jsonl"
    rows = [
        {"question": "combien gagne un community manager ?", "expected": "salaire", "kind": "paraphrase"},
        {"question": "how much does a community manager earn?", "expected": "salaire", "kind": "english"},
        {"question": "recette de la tarte tatin", "expected": None, "kind": "out_of_scope"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = run_cli("eval", str(data), "--answers", str(ANSWERS), env=semantic_env(tmp_path, warm_vectors))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"helpful", "wrong", "suggested"} <= set(summary)
    assert set(summary["by_kind"]) == {"paraphrase", "english", "out_of_scope"}
    assert summary["by_kind"]["paraphrase"]["top1"] == 1.0
    assert summary["wrong"] == 0.0
    assert not (tmp_path / "data" / "bot.sqlite3").exists()  # eval never touches the questions database
