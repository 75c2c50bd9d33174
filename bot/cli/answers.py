"""The answer commands: ``check``, ``show``, ``index`` and ``eval`` read the answer files
(and the vector cache) only; ``ask`` and ``console`` answer as the bot does, but store
nothing unless given ``--record``: an editor's test questions are not the members'."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import answers_option
from bot.config import Settings
from bot.core.answers import snapshot
from bot.core.matching.encoders import Encoder
from bot.core.matching.semantic import SemanticIndex
from bot.core.models import Answer, Asker, Reply, ReplyKind
from bot.wiring import open_service

CONSOLE_GREETING = """Bienvenue ! Pose ta question sur le métier de community manager (Entrée pour envoyer).
Tape « quitter », Ctrl+C ou Ctrl+D pour sortir."""
NOT_RECORDED = (
    "Tes questions ne sont pas enregistrées (relance avec --record pour qu'elles le soient, comme sur Discord)."
)
RECORDED = "Tes questions sont enregistrées comme sur Discord (file des modérateurs, statistiques)."
RECORD_HELP = (
    "enregistrer les questions comme le fait le bot (file des modérateurs, statistiques) ; "
    "sans cette option, rien n'est écrit dans la base de données"
)
NO_TOKEN_HINT = """Aucun DISCORD_TOKEN n'est défini : je démarre la console.
Pour connecter le bot à Discord, mets le jeton de ton application dans DISCORD_TOKEN
(fichier .env, voir .env.example) puis relance « python -m bot »."""
QUIT_WORDS = {"quit", "quitter", "exit", "sortir", "q"}


def add_commands(commands: Any) -> None:
    check = commands.add_parser("check", help="vérifier tous les fichiers de réponses")
    answers_option(check)
    check.set_defaults(handler=cmd_check)

    show = commands.add_parser("show", help="afficher une réponse rendue")
    show.add_argument("slug", help="identifiant de la réponse (nom du fichier sans .md.jinja)")
    answers_option(show)
    show.set_defaults(handler=cmd_show)

    ask = commands.add_parser(
        "ask",
        help="poser une question comme sur Discord",
        description="Répond à une question exactement comme le bot. Rien n'est enregistré, sauf avec --record.",
    )
    ask.add_argument("question", help="la question, entre guillemets")
    answers_option(ask)
    ask.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    ask.add_argument("--record", action="store_true", help=RECORD_HELP)
    ask.add_argument(
        "--after",
        metavar="QUESTION",
        help="la question d'avant, pour essayer une suite (« et en freelance ? ») ; elle n'est jamais enregistrée",
    )
    ask.set_defaults(handler=cmd_ask)

    console = commands.add_parser(
        "console",
        help="console interactive pour essayer le bot",
        description="Répond comme le bot, question après question ; relit les fichiers de réponses modifiés "
        "avant chaque question, comme le bot les relit en marche. Rien n'est enregistré, sauf avec --record. "
        "Pour sortir : « quitter », Ctrl+C ou Ctrl+D.",
    )
    answers_option(console)
    console.add_argument("--record", action="store_true", help=RECORD_HELP)
    console.set_defaults(handler=cmd_console)

    index = commands.add_parser("index", help="préparer l'index sémantique (cache de vecteurs) à l'avance")
    answers_option(index)
    index.set_defaults(handler=cmd_index)

    evaluate = commands.add_parser("eval", help="mesurer la qualité du matching sur un fichier JSONL")
    evaluate.add_argument("file", type=Path, help='fichier JSONL : {"question": ..., "expected": slug ou null}')
    answers_option(evaluate)
    evaluate.set_defaults(handler=cmd_eval)


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.answers import RECOMMENDED_QUESTIONS, few_questions, load_library

    library = load_library(settings.answers_dir)
    for problem in library.problems:
        print(problem)
    thin = few_questions(library)
    if thin:
        print(
            f"Conseil : {len(thin)} réponse(s) ont moins de {RECOMMENDED_QUESTIONS} questions alternatives "
            f"({', '.join(thin)}). Ajoutez les façons dont les membres posent vraiment la question : "
            "plus il y en a, plus le bot trouve la réponse.",
            file=sys.stderr,
        )
    if library.problems:
        print(f"{len(library.problems)} problème(s) ; {len(library.answers)} réponse(s) valide(s).", file=sys.stderr)
        return 1
    print(f"OK : {len(library.answers)} réponse(s) valide(s) dans {settings.answers_dir}.", file=sys.stderr)
    return 0


def cmd_show(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.answers import Renderer, load_library
    from bot.core.errors import UnknownAnswer
    from bot.core.matching import Matcher
    from bot.core.service import format_answer, related_answers

    library = load_library(settings.answers_dir)
    answer = library.answers.get(args.slug)
    if answer is None:
        for problem in library.problems:
            if problem.path.name == f"{args.slug}.md.jinja":
                print(problem, file=sys.stderr)
        raise UnknownAnswer(args.slug)
    print(format_answer(Renderer(settings.answers_dir).render(answer, asker="toi", server=None)))
    # Without the encoder here (show reads the files only), the closest answers are by words.
    related = related_answers(library.answers, Matcher(library.answers.values()), answer.slug)
    if related:
        how = "choisies par la rédaction" if answer.see_also else "les plus proches par les mots"
        print(f"\nVoir aussi ({how})\u00a0:")
        for other in related:
            print(f"  • {other.title} — {other.slug}")
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    reply = asyncio.run(_ask_once(settings, args.question, record=args.record, after=args.after))
    if args.json:
        print(json.dumps(reply_json(reply), ensure_ascii=False))
    else:
        print(reply.text)
    return 0


def reply_json(reply: Reply) -> dict[str, object]:
    return {
        "answer": reply.answer.slug if reply.kind is ReplyKind.ANSWER and reply.answer else None,
        "score": round(reply.confidence, 4),
        "candidates": [{"answer": c.slug, "score": round(c.score, 4)} for c in reply.candidates[:3]],
        "kind": str(reply.kind),
        "suggestions": [s.slug for s in reply.suggestions],
        "also": [s.slug for s in reply.also],
    }


async def _ask_once(settings: Settings, question: str, *, record: bool, after: str | None = None) -> Reply:
    service = await open_service(settings, wait_for_index=True)
    try:
        if after:  # asked first, as a member would have: the service remembers it as the context
            await service.ask(after, Asker(), record=False)
        return await service.ask(question, Asker(), record=record)
    finally:
        await service.close()


def cmd_default_console(settings: Settings, args: argparse.Namespace) -> int:
    print(NO_TOKEN_HINT)
    return cmd_console(settings, args)


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    return console(settings, record=getattr(args, "record", False))


def console(settings: Settings, *, record: bool) -> int:
    """The prompt. ``input`` runs on the main thread with no event loop running, so Ctrl+C
    interrupts it at once (a thread blocked in ``input`` would hold the exit until Enter);
    each question then runs on one long-lived event loop (``asyncio.Runner``). Ctrl+C,
    Ctrl+D or « quitter » end it with exit status 0."""
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (arrow keys and history at the prompt)
    with asyncio.Runner() as runner:
        try:
            service = runner.run(open_service(settings, wait_for_index=True))
        except KeyboardInterrupt:
            print()
            return 0
        print(CONSOLE_GREETING)
        print(RECORDED if record else NOT_RECORDED)
        seen = snapshot(settings.answers_dir)
        try:
            while True:
                try:
                    line = input("\nToi > ")
                except (EOFError, KeyboardInterrupt):
                    print()
                    break
                if line.strip().lower() in QUIT_WORDS:
                    break
                if not line.strip():
                    continue
                current = snapshot(settings.answers_dir)
                if current != seen:
                    seen = current
                    problems = runner.run(service.reload())  # which logs each problem
                    note = f", {len(problems)} fichier(s) en erreur" if problems else ""
                    print(f"(Fichiers modifiés : {len(service.library.answers)} réponse(s) servie(s){note}.)")
                try:
                    reply = runner.run(service.ask(line, Asker(), record=record))
                except KeyboardInterrupt:
                    print()
                    break
                print(f"\nBot > {reply.text}")
        finally:
            runner.run(service.close())
    print("À bientôt !")
    return 0


def cmd_index(settings: Settings, args: argparse.Namespace) -> int:
    """Embed every piece of the answers into the vector cache now, so that the bot's next
    start is warm (otherwise it embeds in the background at its first start)."""
    from bot.core.answers import load_library
    from bot.wiring import load_encoders

    encoders = load_encoders(dataclasses.replace(settings, semantic="on"))
    assert encoders is not None  # "on" raises instead of returning None
    library = load_library(settings.answers_dir)
    for problem in library.problems:
        print(f"attention : {problem}", file=sys.stderr)
    index, embedded = build_with_progress(settings, encoders[1], list(library.answers.values()))
    print(
        f"Index prêt : {index.size} morceaux de {len(library.answers)} réponses, "
        f"dont {embedded} encodés maintenant (le reste était en cache, {settings.vector_cache_path})"
    )
    return 0


def build_with_progress(settings: Settings, encoder: Encoder, answers: list[Answer]) -> tuple[SemanticIndex, int]:
    """The semantic index from the vector cache, embedding what is missing with a
    progress bar; (index, pieces embedded now)."""
    from bot.core.matching.semantic import build_index
    from bot.storage.vector_cache import VectorCache

    cache = VectorCache(settings.vector_cache_path)
    bar = ProgressBar("Encodage")
    try:
        return build_index(encoder, answers, store=cache, progress=bar.update), bar.total
    finally:
        bar.close()
        cache.close()


class ProgressBar:
    """A one-line progress bar on stderr (a terminal), or nothing (a pipe, a log)."""

    WIDTH = 30

    def __init__(self, label: str) -> None:
        self.label = label
        self.live = sys.stderr.isatty()
        self.total = 0

    def update(self, done: int, total: int) -> None:
        self.total = total
        if not self.live or total == 0:
            return
        filled = self.WIDTH * done // total
        print(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}", end="", file=sys.stderr)

    def close(self) -> None:
        if self.live and self.total:
            print(file=sys.stderr)


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.answers import load_library
    from bot.core.evaluation import evaluate
    from bot.core.matching import Matcher
    from bot.wiring import load_encoders

    library = load_library(settings.answers_dir)
    for problem in library.problems:
        print(f"attention : {problem}", file=sys.stderr)
    encoders = load_encoders(settings)
    answers = list(library.answers.values())
    matcher = Matcher(answers, encoder=encoders[0] if encoders else None)
    if encoders is not None:
        matcher.attach(build_with_progress(settings, encoders[1], answers)[0])
    try:
        misses, summary = evaluate(args.file, matcher, settings.match_threshold, settings.suggest_threshold)
    except OSError as exc:
        print(f"Erreur : impossible de lire {args.file} ({exc.strerror})", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    for miss in misses:
        print(miss)
    print(json.dumps(summary, ensure_ascii=False))
    return 0
