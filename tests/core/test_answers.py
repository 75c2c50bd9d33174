"""The answer library: loading, validation with path:line messages, and rendering."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bot.core.answers import Renderer, load_library
from tests.conftest import write_answer


def problems_of(directory: Path) -> list[str]:
    return [str(p) for p in load_library(directory).problems]


def test_a_valid_answer_loads_with_every_field(answers_dir: Path) -> None:
    write_answer(
        answers_dir,
        "salaire",
        title="Combien gagne un CM ?",
        questions=("Combien gagne un community manager ?", "Quel salaire pour un CM ?"),
        extra="keywords: [salaire, paie]\nsource: https://example.org/a\nauthor: La rédaction\nupdated: 2026-11-23",
    )
    library = load_library(answers_dir)
    assert library.problems == []
    answer = library.answers["salaire"]
    assert answer.title == "Combien gagne un CM ?"
    assert answer.questions == ("Combien gagne un community manager ?", "Quel salaire pour un CM ?")
    assert answer.keywords == ("salaire", "paie")
    assert answer.updated == dt.date(2026, 11, 23)
    assert answer.source == "https://example.org/a"


def test_a_file_saved_by_a_windows_editor_loads_and_renders(answers_dir: Path) -> None:
    """Notepad's byte-order mark and CRLF line ends must not read as a missing header."""
    (answers_dir / "_partials").mkdir(parents=True)
    (answers_dir / "_partials" / "signature.md.jinja").write_bytes("\ufeffÀ bientôt, {{ asker }} !\r\n".encode())
    text = "---\ntitle: Comment réussir un entretien ?\nquestions:\n  - Comment s'y préparer ?\n---\nSalut {{ asker }} !\n\n"
    text += '{% include "_partials/signature.md.jinja" %}\n'
    (answers_dir / "entretien.md.jinja").write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode())
    library = load_library(answers_dir)
    assert library.problems == []
    rendered = Renderer(answers_dir).render(library.answers["entretien"], asker="Max", server=None)
    assert rendered.title == "Comment réussir un entretien\u202f?"
    assert rendered.body.startswith("Salut Max\u202f!")
    assert "À bientôt, Max\u202f!" in rendered.body and "\ufeff" not in rendered.body


def test_unknown_field_is_reported_on_its_line(answers_dir: Path) -> None:
    path = write_answer(answers_dir, "a", extra="categorie: salaires")
    assert problems_of(answers_dir) == [
        f"{path}:5: champ inconnu « categorie » (champs permis : title, questions, keywords, lang, source, author, updated, category, see_also)"
    ]


def test_category_and_see_also_load(answers_dir: Path) -> None:
    write_answer(answers_dir, "outils", questions=("Quels outils ?",))
    write_answer(answers_dir, "salaire", questions=("Combien ?",))
    write_answer(
        answers_dir,
        "freelance",
        questions=("Freelance ou salarié ?",),
        extra="category: Freelance, clients et argent\nsee_also:\n  - salaire\n  - outils",
    )
    library = load_library(answers_dir)
    assert library.problems == []
    answer = library.answers["freelance"]
    assert answer.category == "Freelance, clients et argent"
    assert answer.see_also == ("salaire", "outils")
    assert library.answers["outils"].category is None and library.answers["outils"].see_also == ()


def test_a_category_must_be_a_short_text(answers_dir: Path) -> None:
    path = write_answer(answers_dir, "a", extra="category: " + "x" * 101)
    assert problems_of(answers_dir) == [f"{path}:5: « category » dépasse 100 caractères"]
    path = write_answer(answers_dir, "a", extra="category: [Le métier]")
    assert problems_of(answers_dir) == [
        f"{path}:5: « category » doit être un texte (le titre de rubrique de la réponse)"
    ]


def test_a_see_also_slug_that_does_not_exist_is_reported_on_its_line(answers_dir: Path) -> None:
    write_answer(answers_dir, "salaire", questions=("Combien ?",))
    inline = write_answer(answers_dir, "a", questions=("A ?",), extra="see_also: [salaire, salaires]")
    block = write_answer(
        answers_dir, "b", questions=("B ?",), extra="see_also:\n  - salaire\n  - portfolio-cm\nauthor: Léa"
    )
    library = load_library(answers_dir)
    assert [str(p) for p in library.problems] == [
        f"{inline}:5: « see_also » : aucune réponse ne porte l'identifiant « salaires »",
        f"{block}:7: « see_also » : aucune réponse ne porte l'identifiant « portfolio-cm »",
    ]
    assert set(library.answers) == {"salaire", "a", "b"}  # still served; only the link is wrong


def test_see_also_is_a_short_list_of_other_answers(answers_dir: Path) -> None:
    path = write_answer(answers_dir, "a", extra="see_also: salaire")
    assert problems_of(answers_dir) == [
        f"{path}:5: « see_also » doit être une liste d'identifiants de réponses (ex. [salaire, outils])"
    ]
    path = write_answer(answers_dir, "a", extra="see_also: [b, c, d, e, f, g]")
    assert problems_of(answers_dir) == [f"{path}:5: « see_also » compte 6 réponses (max 5)"]
    path = write_answer(answers_dir, "a", extra="see_also: [a]")
    assert problems_of(answers_dir) == [f"{path}:5: « see_also » : « a » est cette réponse elle-même"]


def test_see_also_may_name_an_answer_that_is_broken_right_now(answers_dir: Path) -> None:
    """The broken file gets its own problem; the link to it is not a second one."""
    write_answer(answers_dir, "a", questions=("A ?",), extra="see_also: [casse]")
    casse = write_answer(answers_dir, "casse", questions=("C ?",), body="{{ inconnu }}")
    assert [p.path for p in load_library(answers_dir).problems] == [casse]


def test_check_renders_with_and_without_a_server_name(answers_dir: Path) -> None:
    """A branch only a DM reaches is still checked; ``server`` is then an empty string."""
    path = write_answer(answers_dir, "a", body="Salut !\n\n{% if not server %}{{ oups }}{% endif %}")
    (problem,) = load_library(answers_dir).problems
    assert (problem.path, problem.line) == (path, 8) and "oups" in problem.message
    write_answer(answers_dir, "a", body="Ici : [{{ server }}] {{ server | length }}")
    answer = load_library(answers_dir).answers["a"]
    assert Renderer(answers_dir).render(answer, asker="Max", server=None).body == "Ici\u00a0: [] 0"
    assert Renderer(answers_dir).render(answer, asker="Max", server="CM").body == "Ici\u00a0: [CM] 2"


def test_missing_title_is_reported(answers_dir: Path) -> None:
    path = answers_dir / "a.md.jinja"
    answers_dir.mkdir()
    path.write_text("---\nquestions:\n  - Une question ?\n---\nCorps.\n", encoding="utf-8")
    assert problems_of(answers_dir) == [f"{path}:1: champ obligatoire manquant : « title »"]


def test_bad_yaml_is_reported_on_its_line(answers_dir: Path) -> None:
    answers_dir.mkdir()
    path = answers_dir / "a.md.jinja"
    path.write_text("---\ntitle: Un titre\nquestions:\n  - [pas fermé\n---\nCorps.\n", encoding="utf-8")
    (problem,) = load_library(answers_dir).problems
    assert problem.path == path
    assert problem.line in (4, 5)
    assert "YAML invalide" in problem.message


def test_jinja_syntax_error_points_at_the_file_line(answers_dir: Path) -> None:
    path = write_answer(answers_dir, "a", body="Première ligne.\n\n{% if server %}oups")
    (problem,) = load_library(answers_dir).problems
    assert (problem.path, problem.line) == (path, 8)
    assert "syntaxe Jinja" in problem.message


def test_undefined_variable_points_at_the_file_line(answers_dir: Path) -> None:
    path = write_answer(answers_dir, "a", body="Salut !\n\nBonjour {{ pseudo }} !")
    (problem,) = load_library(answers_dir).problems
    assert (problem.path, problem.line) == (path, 8)
    assert "variable inconnue" in problem.message and "pseudo" in problem.message


def test_duplicate_question_across_answers(answers_dir: Path) -> None:
    path_a = write_answer(answers_dir, "a", questions=("Combien gagne un CM ?",))
    path_b = write_answer(answers_dir, "b", questions=("Autre chose ?", "combien gagne un cm"))
    os.utime(path_a, ns=(1_000_000_000, 1_000_000_000))  # a fresh clone: the same time for both
    os.utime(path_b, ns=(1_000_000_000, 1_000_000_000))
    assert problems_of(answers_dir) == [
        f"{path_b}:5: question déjà présente dans « a » ({path_a}:4) : « combien gagne un cm » ; "
        "garde-la dans une seule des deux réponses"
    ]


def test_a_duplicate_question_is_blamed_on_the_file_that_brought_it_in(answers_dir: Path) -> None:
    """The untouched old file is not the one to fix: the one changed last is, whatever its name."""
    old = write_answer(answers_dir, "zz-ancienne", questions=("Autre chose ?", "Combien gagne un CM ?"))
    new = write_answer(answers_dir, "aa-nouvelle", questions=("combien gagne un cm",))
    os.utime(old, ns=(1_000_000_000, 1_000_000_000))
    os.utime(new, ns=(2_000_000_000, 2_000_000_000))
    (problem,) = load_library(answers_dir).problems
    assert (problem.path, problem.line) == (new, 4)
    assert f"« zz-ancienne » ({old}:5)" in problem.message


def test_an_empty_answers_folder_is_a_problem(answers_dir: Path) -> None:
    (answers_dir / "_partials").mkdir(parents=True)
    (answers_dir / "_partials" / "signature.md.jinja").write_text("La rédaction", encoding="utf-8")
    assert problems_of(answers_dir) == [
        f"{answers_dir}:1: aucune réponse dans ce dossier : une réponse est un fichier <slug>.md.jinja"
    ]


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        # A French « : » in a value, the classic: PyYAML says "mapping values are not allowed here".
        ("title: Le métier : les bases\nquestions:\n  - Une question ?\n", 2, ["« : » au milieu", 'title: "']),
        # The same inside a question: no YAML error at all, the item becomes a mapping.
        ("title: Un titre\nquestions:\n  - Une question ?\n  - Pourquoi : le salaire ?\n", 5, ["« : »", "guillemets"]),
        ("title: Un titre\nquestions:\n\t- Une question ?\n", 4, ["tabulation", "espaces"]),
        ("title: Un titre\nquestions:\n  - Une question ?\n - Une autre ?\n", 5, ["indentation", "alignés"]),
        ("title: Un titre\n questions:\n  - Une question ?\n", 3, ["champ décalé", "début de ligne"]),
        # Found only at the end of the header: shown where the quote / the bracket / the key began.
        ('title: "Un titre\nquestions:\n  - Une question ?\n', 2, ["guillemet", "jamais fermé"]),
        ("title: Un titre\nquestions:\n  - [pas fermé\n", 4, ["crochet", "jamais fermé"]),
        ("title: Un titre\nquestions\n  - Une question ?\n", 3, ["ligne sans « : »", "nom: valeur"]),
    ],
)
def test_yaml_mistakes_are_explained_in_french_on_their_line(
    answers_dir: Path, front: str, line: int, words: list[str]
) -> None:
    answers_dir.mkdir()
    path = answers_dir / "a.md.jinja"
    path.write_text(f"---\n{front}---\nCorps.\n", encoding="utf-8")
    (problem,) = load_library(answers_dir).problems
    assert (problem.path, problem.line) == (path, line), problem.message
    for word in words:
        assert word in problem.message
    for english in ("mapping values", "could not find", "expected", "while scanning", "found character"):
        assert english not in problem.message


def test_a_question_indented_too_far_is_caught_not_merged(answers_dir: Path) -> None:
    """YAML reads « - a » then a deeper « - b » as the single question « a - b », silently."""
    answers_dir.mkdir()
    path = answers_dir / "a.md.jinja"
    front = "title: Un titre\nquestions:\n  - Combien gagne un CM ?\n    - Et un freelance ?\n  - Et en agence ?\n"
    path.write_text(f"---\n{front}---\nCorps.\n", encoding="utf-8")
    library = load_library(answers_dir)
    (problem,) = library.problems
    assert (problem.path, problem.line) == (path, 5)
    assert "plus indentée" in problem.message and "Combien gagne un CM ?" in problem.message
    assert library.answers == {}


def test_a_question_continued_on_the_next_line_is_no_swallowed_line(answers_dir: Path) -> None:
    write_answer(answers_dir, "a", questions=("Une question qui continue\n    sur la ligne suivante ?",))
    library = load_library(answers_dir)
    assert library.problems == []
    assert library.answers["a"].questions == ("Une question qui continue sur la ligne suivante ?",)


def test_answer_too_long_for_discord(answers_dir: Path) -> None:
    path = write_answer(answers_dir, "a", body="Intro.\n\n" + "mot " * 1100)
    (problem,) = load_library(answers_dir).problems
    assert (problem.path, problem.line) == (path, 8)
    assert "trop long pour Discord" in problem.message


def test_stray_files_are_reported_but_partials_are_not(answers_dir: Path) -> None:
    write_answer(answers_dir, "a")
    (answers_dir / "notes.txt").write_text("brouillon", encoding="utf-8")
    (answers_dir / "Mauvais Nom.md.jinja").write_text("---\ntitle: t\nquestions: [q]\n---\nx\n", encoding="utf-8")
    (answers_dir / "_partials").mkdir()
    (answers_dir / "_partials" / "signature.md.jinja").write_text("La rédaction", encoding="utf-8")
    problems = problems_of(answers_dir)
    assert any("notes.txt:1: fichier inattendu" in p for p in problems)
    assert any("Mauvais Nom.md.jinja:1: nom de fichier invalide" in p for p in problems)
    assert not any("_partials" in p for p in problems)


def test_a_broken_file_does_not_stop_the_others(answers_dir: Path) -> None:
    write_answer(answers_dir, "bon", questions=("Une bonne question ?",))
    write_answer(answers_dir, "casse", questions=("Une autre ?",), body="{{ inconnu }}")
    (answers_dir / "vide.md.jinja").write_text("", encoding="utf-8")
    library = load_library(answers_dir)
    assert list(library.answers) == ["bon"]
    assert {p.path.name for p in library.problems} == {"casse.md.jinja", "vide.md.jinja"}


def test_render_uses_partials_and_variables(answers_dir: Path) -> None:
    (answers_dir / "_partials").mkdir(parents=True)
    (answers_dir / "_partials" / "signature.md.jinja").write_text("— La rédaction", encoding="utf-8")
    write_answer(
        answers_dir,
        "a",
        body='Salut {{ asker }} !{% if server %} Bienvenue sur {{ server }}.{% endif %}\n\n{% include "_partials/signature.md.jinja" %}',
    )
    library = load_library(answers_dir)
    answer = library.answers["a"]
    rendered = Renderer(answers_dir).render(answer, asker="Max", server="CM France")
    assert rendered.body == "Salut Max\u202f! Bienvenue sur CM France.\n\n— La rédaction"
    assert Renderer(answers_dir).render(answer, asker="Max", server=None).body == "Salut Max\u202f!\n\n— La rédaction"


def test_user_text_is_data_never_a_template(answers_dir: Path) -> None:
    write_answer(answers_dir, "a", body="Salut {{ asker }} !")
    answer = load_library(answers_dir).answers["a"]
    rendered = Renderer(answers_dir).render(answer, asker="{{ 7*7 }} *gras* @everyone", server=None)
    assert rendered.body == "Salut {{ 7\\*7 }} \\*gras\\* @everyone\u202f!"


def test_sandbox_blocks_unsafe_templates(answers_dir: Path) -> None:
    write_answer(answers_dir, "a", body="{{ ''.__class__.__mro__ }}")
    (problem,) = load_library(answers_dir).problems
    assert "erreur au rendu" in problem.message
