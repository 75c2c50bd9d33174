"""The command line, run for real as ``python -m bot`` in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.answers import load_library
from tests.conftest import ANSWERS, FROZEN_LIBRARY, write_answer


def test_check_passes_on_a_valid_library(run_cli) -> None:
    result = run_cli("check")  # ANSWERS_DIR: the frozen copy
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert f"OK : {len(load_library(ANSWERS).answers)} réponse(s) valide(s)" in result.stderr
    assert "Conseil" not in result.stderr  # every answer of the copy has enough alternate questions


def test_check_suggests_more_questions_without_failing(run_cli, answers_dir: Path) -> None:
    write_answer(answers_dir, "maigre", questions=("Une seule façon de demander ?",))
    write_answer(answers_dir, "riche", questions=tuple(f"Question numéro {n} ?" for n in range(10)))
    result = run_cli("check", "--answers", str(answers_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    (advice,) = [line for line in result.stderr.splitlines() if line.startswith("Conseil")]
    assert "1 réponse(s) ont moins de 8 questions alternatives (maigre)" in advice


def test_check_fails_with_path_line_messages(run_cli, answers_dir: Path) -> None:
    write_answer(answers_dir, "bon")
    write_answer(answers_dir, "casse", questions=("Autre ?",), extra="couleur: bleu")
    result = run_cli("check", "--answers", str(answers_dir))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{answers_dir / 'casse.md.jinja'}:5: champ inconnu « couleur » (champs permis : title, questions, keywords, lang, source, author, updated, category, see_also)"
    ]
    assert "Traceback" not in result.stderr


def test_check_reports_a_missing_see_also_with_its_line(run_cli, answers_dir: Path) -> None:
    write_answer(answers_dir, "salaire", questions=("Combien ?",))
    path = write_answer(answers_dir, "freelance", questions=("Freelance ?",), extra="see_also:\n  - salaire\n  - tva")
    result = run_cli("check", "--answers", str(answers_dir))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{path}:7: « see_also » : aucune réponse ne porte l'identifiant « tva »"]


def test_show_prints_the_rendered_answer(run_cli) -> None:
    result = run_cli("show", "salaire")
    assert result.returncode == 0, result.stderr
    assert "{{" not in result.stdout
    assert "indicatif" in result.stdout


def test_show_prints_french_typography(run_cli) -> None:
    """The file has ordinary spaces and straight apostrophes; show prints what members read."""
    source = (FROZEN_LIBRARY / "salaire.md.jinja").read_text(encoding="utf-8")
    assert "\u202f" not in source and "\u00a0" not in source and "'" in source
    result = run_cli("show", "salaire")
    assert result.returncode == 0, result.stderr
    assert "Combien gagne un community manager\u202f?**" in result.stdout
    assert "\u00a0€" in result.stdout and "\u00a0k€" in result.stdout
    assert " ?" not in result.stdout and " !" not in result.stdout and " :" not in result.stdout


def test_show_unknown_slug_is_a_clear_error(run_cli) -> None:
    result = run_cli("show", "recette-des-crepes")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("aucune réponse ne porte l'identifiant « recette-des-crepes »")
    assert "Traceback" not in result.stderr


def test_ask_json_finds_the_reply_to_max(run_cli) -> None:
    result = run_cli("ask", "Comment mon métier est-il perçu par mes proches ?", "--json")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["answer"] == "perception-du-metier"
    assert 0 < reply["score"] <= 1
    assert reply["candidates"][0] == {"answer": "perception-du-metier", "score": reply["score"]}
    assert len(reply["candidates"]) <= 3


def test_ask_after_a_question_reads_a_follow_up_as_the_bot_does(run_cli) -> None:
    """An editor checks how « et en freelance ? » is read after a salary question."""
    after = run_cli("ask", "et en freelance ?", "--after", "combien gagne un community manager junior ?", "--json")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["answer"] == "salaire"
    alone = json.loads(run_cli("ask", "et en freelance ?", "--json").stdout)
    assert alone["answer"] != "salaire"


def test_ask_prints_the_answer_text(run_cli) -> None:
    result = run_cli("ask", "Comment mon métier est-il perçu par mes proches ?")
    assert "Cher Max" in result.stdout


def test_ask_out_of_scope_is_passed_on_to_the_editors(run_cli) -> None:
    result = run_cli("ask", "Quelle est la meilleure recette de pain au levain ?", "--json")
    assert json.loads(result.stdout)["answer"] is None
    text = run_cli("ask", "Quelle est la meilleure recette de pain au levain ?").stdout
    assert "équipe de rédaction" in text


def test_hostile_input_is_just_data(run_cli) -> None:
    for question in ("{{ 7*7 }}", "@everyone", "'; DROP TABLE questions; --", "🙂" * 50, "x" * 100_000, "   "):
        result = run_cli("ask", question)
        assert result.returncode == 0, (question[:20], result.stderr)
        assert "49" not in result.stdout and "Traceback" not in result.stderr


def test_a_message_without_words_asks_for_one_and_queues_nothing(run_cli) -> None:
    for message in ("?", "🙂🙂", "…!!", "@everyone", "<@123456789012345678> <:pepe:42>", "****"):
        assert "quelques mots" in run_cli("ask", message, "--record").stdout
    assert "Avec plaisir" in run_cli("ask", "🙏🙏").stdout
    assert "Top 👍" in run_cli("ask", "👍").stdout
    assert "Aucun groupe ouvert" in run_cli("unanswered", "list").stdout
    run_cli("ask", "Quelle est la meilleure recette de pain au levain ?", "--record")
    assert "pain au levain" in run_cli("unanswered", "list").stdout


def test_console_answers_like_ask(run_cli) -> None:
    result = run_cli("console", input="Comment mon métier est-il perçu par mes proches ?\nquitter\n")
    assert result.returncode == 0, result.stderr
    assert "Cher Max" in result.stdout
    assert "À bientôt" in result.stdout


def test_no_command_and_no_token_starts_the_console(run_cli) -> None:
    result = run_cli(input="")
    assert result.returncode == 0, result.stderr
    assert "DISCORD_TOKEN" in result.stdout
    assert "Bienvenue" in result.stdout


def test_bad_setting_stops_with_one_line_and_exit_2(run_cli) -> None:
    result = run_cli("ask", "salut", env={"MATCH_THRESHOLD": "abc"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Réglage invalide — MATCH_THRESHOLD: un nombre entre 0 et 1 est attendu (valeur reçue : 'abc')"
    ]


def test_missing_answers_folder_stops_with_exit_2(run_cli, tmp_path: Path) -> None:
    result = run_cli("check", env={"ANSWERS_DIR": str(tmp_path / "absent")})
    assert result.returncode == 2
    assert "ANSWERS_DIR" in result.stderr and "Traceback" not in result.stderr


def test_wrong_arguments_give_usage_and_exit_2(run_cli) -> None:
    result = run_cli("ask")
    assert result.returncode == 2
    assert result.stderr.startswith("utilisation : ")
    result = run_cli("danse")
    assert result.returncode == 2


def test_help_everywhere(run_cli) -> None:
    for args in ((), ("check",), ("show",), ("ask",), ("console",), ("eval",), ("run",)):
        result = run_cli(*args, "--help")
        assert result.returncode == 0 and result.stdout.startswith("utilisation : "), args


def test_eval_prints_a_summary_line(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "mini.jsonl"
    data.write_text(
        json.dumps(
            {"question": "Comment mon métier est-il perçu par mes proches ?", "expected": "perception-du-metier"}
        )
        + "\n"
        + json.dumps({"question": "recette de la tarte tatin", "expected": None})
        + "\n",
        encoding="utf-8",
    )
    result = run_cli("eval", str(data), "--answers", str(FROZEN_LIBRARY))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["questions"] == 2 and summary["in_scope"] == 1 and summary["out_of_scope"] == 1
    assert summary["top1"] == 1.0 and summary["rejected"] == 1.0 and summary["accuracy"] == 1.0
    assert not (tmp_path / "data" / "bot.sqlite3").exists()  # eval neither reads nor writes the database


def test_show_prints_related_answers(run_cli, answers_dir: Path) -> None:
    by_words = run_cli("show", "gerer-les-critiques")
    assert by_words.returncode == 0, by_words.stderr
    tail = by_words.stdout.split("Voir aussi (les plus proches par les mots)\u00a0:\n", 1)[1].splitlines()
    assert len(tail) == 3 and all(line.startswith("  • ") for line in tail)
    assert "gerer-les-critiques" not in "\n".join(tail)
    write_answer(answers_dir, "a", title="Première", body="A.", extra="see_also: [b]")
    write_answer(answers_dir, "b", title="Deuxième", questions=("Une autre ?",), body="B.")
    chosen = run_cli("show", "a", "--answers", str(answers_dir))
    assert chosen.stdout.endswith("Voir aussi (choisies par la rédaction)\u00a0:\n  • Deuxième — b\n"), chosen.stdout
