"""Templates with a budget: an editor's runaway template becomes a problem of its file,
reported in bounded time and memory, and every other answer keeps rendering."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.answers import load_library
from tests.conftest import write_answer

RUNAWAY = {
    "boucles-imbriquees": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "le rendu dépasse",
    ),
    "boucle-sur-un-texte": (
        "{% set s = 'x' * 90000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        "le rendu dépasse",
    ),
    "repetition": ("{{ 'x' * 10**9 }}", "répétition"),
    "puissance": ("{{ 9 ** 9 ** 9 }}", "puissance trop grande"),
    "largeur-filtre": ("{{ 'x'|center(1000000000) }}", "nombre trop grand"),
    "largeur-format": ("{{ '%999999999d' % 1 }}", "largeur de format"),
    "largeur-format-methode": ("{{ '{:>999999999}'.format(1) }}", "largeur de format"),
    "doublements": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        "concaténation",
    ),
    "remplacement": ("{{ ('x' * 90000)|replace('x', 'y' * 9000) }}", "remplacement"),
    "liste-qui-grossit": (
        "{% set l = [] %}{% for i in range(100000) %}{{ l.append(i) }}{% endfor %}",
        "erreur au rendu",
    ),
}


@pytest.mark.parametrize("slug", sorted(RUNAWAY))
def test_a_runaway_template_is_reported_on_its_file_and_the_others_load(answers_dir: Path, slug: str) -> None:
    body, reason = RUNAWAY[slug]
    good = write_answer(
        answers_dir, "sage", title="Sage", questions=("Une question sage ?",), body="Bonjour {{ asker }}"
    )
    bad = write_answer(answers_dir, slug, title="Piège", questions=("Une question piège ?",), body=body)
    library = load_library(answers_dir)
    assert list(library.answers) == ["sage"]
    assert [(p.path, p.line) for p in library.problems] == [(bad, 6)]
    assert reason in library.problems[0].message
    assert good.exists()


def test_ordinary_templates_are_within_budget(answers_dir: Path) -> None:
    body = (
        "{% for i in range(3) %}{{ i }}{% endfor %} {{ 2 ** 10 }} {{ 'ab' * 3 }} {{ '%5d' % 3 }} "
        "{{ 'x'|center(9) }}|{{ ('a' ~ 'b')|replace('a', 'c') }} {{ '{:>4}'.format(7) }}"
    )
    write_answer(answers_dir, "ordinaire", title="Ordinaire", questions=("Une question ?",), body=body)
    library = load_library(answers_dir)
    assert library.problems == []
    from bot.core.answers import Renderer

    rendered = Renderer(answers_dir).render(library.answers["ordinaire"], asker="Max", server=None)
    assert rendered.body == "012 1024 ababab     3     x    |cb    7"


def test_check_reports_runaway_templates_and_exits(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], answers_dir: Path
) -> None:
    """Without the budget, ``check`` on these files never ends (or takes gigabytes)."""
    write_answer(answers_dir, "sage", title="Sage", questions=("Une question sage ?",), body="Bonjour")
    for slug in ("boucles-imbriquees", "repetition"):
        write_answer(answers_dir, slug, title=slug, questions=(f"Question {slug} ?",), body=RUNAWAY[slug][0])
    result = run_cli("check", "--answers", str(answers_dir))
    assert result.returncode == 1
    assert f"{answers_dir / 'boucles-imbriquees.md.jinja'}:6: erreur au rendu : le rendu dépasse" in result.stdout
    assert f"{answers_dir / 'repetition.md.jinja'}:6: erreur au rendu : répétition" in result.stdout
    assert "Traceback" not in result.stderr
