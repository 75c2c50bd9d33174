"""The editors' commands: ``migrate``, ``unanswered …``, ``stats`` and ``forget-user``.

They let the editorial team work through the unanswered questions without Discord. Each
handler is ``async def handler(desk, args) -> int``; the main CLI opens the database,
builds the desk and prints domain errors (unknown id, unknown slug) as one line.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.core.models import QuestionGroup, QuestionRecord, ReviewStatus
from bot.core.review import ReviewDesk
from bot.storage.database import migrate

STATUS_LABELS = {
    ReviewStatus.OPEN: "ouvert",
    ReviewStatus.RESOLVED: "résolu",
    ReviewStatus.DISMISSED: "écarté",
}
PREVIEW_CHARS = 90


def add_commands(subparsers: Any, run: Callable[..., int] | None = None) -> None:
    """Register the editors' commands on the main parser's subcommands."""
    command = subparsers.add_parser("migrate", help="mettre à jour la base de données (DATABASE_PATH)")
    command.set_defaults(migrate_only=True, review_handler=cmd_migrate)

    unanswered = subparsers.add_parser("unanswered", help="traiter les questions restées sans réponse")
    actions = unanswered.add_subparsers(dest="unanswered_command", metavar="ACTION", required=True)

    command = actions.add_parser("list", help="lister les groupes de questions (les plus posées d'abord)")
    command.add_argument(
        "--status",
        choices=[status.value for status in ReviewStatus],
        default=ReviewStatus.OPEN.value,
        help="statut des groupes à lister (défaut : open)",
    )
    command.add_argument("--limit", type=_count, default=20, help="nombre maximum de groupes (défaut : 20)")
    command.set_defaults(review_handler=cmd_list)

    command = actions.add_parser("show", help="afficher un groupe et toutes ses questions")
    command.add_argument("id", type=_number, help="numéro du groupe (voir « unanswered list »)")
    command.set_defaults(review_handler=cmd_show)

    command = actions.add_parser("resolve", help="rattacher un groupe à une réponse : le bot l'apprend")
    command.add_argument("id", type=_number, help="numéro du groupe")
    command.add_argument("slug", help="identifiant de la réponse (nom du fichier sans .md.jinja)")
    command.set_defaults(review_handler=cmd_resolve)

    command = actions.add_parser("dismiss", help="écarter un groupe (hors sujet, spam…) ; il reste archivé")
    command.add_argument("id", type=_number, help="numéro du groupe")
    command.add_argument("--reason", help="pourquoi le groupe est écarté")
    command.set_defaults(review_handler=cmd_dismiss)

    command = actions.add_parser("export", help="exporter tous les groupes en CSV (UTF-8)")
    command.add_argument("--output", type=Path, metavar="FICHIER", help="fichier à écrire (défaut : sortie standard)")
    command.set_defaults(review_handler=cmd_export)

    command = subparsers.add_parser("stats", help="statistiques : questions, réponses, avis, manques")
    command.set_defaults(review_handler=cmd_stats)

    command = subparsers.add_parser("forget-user", help="effacer les questions et votes d'un membre")
    command.add_argument("user_id", type=_number, metavar="USER_ID", help="identifiant Discord du membre")
    command.set_defaults(review_handler=cmd_forget_user)


def _number(raw: str) -> int:
    if not raw.strip().isdigit():
        raise argparse.ArgumentTypeError(f"« {raw} » n'est pas un numéro (des chiffres sont attendus)")
    return int(raw)


def _count(raw: str) -> int:
    value = _number(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("un nombre supérieur ou égal à 1 est attendu")
    return value


def reviewer() -> str:
    """Who acts, as stored in ``reviewed_by``: the system user of the console."""
    try:
        return f"console:{getpass.getuser()}"
    except (OSError, KeyError):
        return "console"


def when(moment: Any) -> str:
    return f"{moment:%d/%m/%Y %H:%M} UTC"


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    flat = " ".join(text.replace("\x00", " ").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def times(count: int) -> str:
    return "1 fois" if count == 1 else f"{count} fois"


def group_line(group: QuestionGroup) -> str:
    line = (
        f"#{group.id}  posée {times(group.count)}, dernière le {when(group.last_asked)}"
        f" — « {preview(group.representative)} »"
    )
    if group.status is ReviewStatus.RESOLVED:
        line += f" → {group.resolved_slug}"
    elif group.status is ReviewStatus.DISMISSED and group.reason:
        line += f" (écarté : {preview(group.reason, 60)})"
    return line


def question_lines(question: QuestionRecord) -> list[str]:
    who = question.display_name or "inconnu"
    if question.user_id is not None:
        who += f" (id {question.user_id})"
    where = "console ou message privé"
    if question.guild_id is not None:
        where = f"serveur {question.guild_id}, salon {question.channel_id}"
    header = f"  [question {question.id}] {when(question.asked_at)} · {who} · {where} · score {question.score:.2f}"
    if question.picked_slug:
        header += f" · a choisi « {question.picked_slug} »"
    return [header, *(f"      {line}" for line in question.text.splitlines() or [""])]


async def cmd_migrate(desk: ReviewDesk | None, args: argparse.Namespace) -> int:
    before, after = await migrate(args.database)
    if before == after:
        print(f"Base de données {args.database} déjà à jour (version {after}).")
    else:
        print(f"Base de données {args.database} mise à jour : version {before} → {after}.")
    return 0


async def cmd_list(desk: ReviewDesk, args: argparse.Namespace) -> int:
    status = ReviewStatus(args.status)
    groups = await desk.list(status, limit=args.limit)
    label = STATUS_LABELS[status]
    if not groups:
        print(f"Aucun groupe {label} pour l'instant.")
        return 0
    print(f"{len(groups)} groupe(s) {label}(s), les plus posés d'abord :")
    for group in groups:
        print(group_line(group))
    if status is ReviewStatus.OPEN:
        print("\nPour traiter un groupe : « unanswered show ID », puis « resolve ID SLUG » ou « dismiss ID ».")
    return 0


async def cmd_show(desk: ReviewDesk, args: argparse.Namespace) -> int:
    group, questions = await desk.show(args.id)
    print(f"Groupe #{group.id} — {STATUS_LABELS[group.status]} — question posée {times(group.count)}")
    print(f"Première fois le {when(group.first_asked)}, dernière le {when(group.last_asked)}")
    if group.resolved_slug:
        print(f"Réponse : {group.resolved_slug}")
    if group.reason:
        print(f"Raison : {group.reason}")
    chosen = await desk.picks(group.id)
    if chosen:
        print("Choix des membres parmi les suggestions : " + ", ".join(f"{slug} ({n})" for slug, n in chosen))
    print("Questions :")
    for question in questions:
        for line in question_lines(question):
            print(line)
    return 0


async def cmd_resolve(desk: ReviewDesk, args: argparse.Namespace) -> int:
    group = await desk.resolve(args.id, args.slug, reviewer())
    print(
        f"Groupe #{group.id} résolu avec « {args.slug} » : {group.count} question(s) apprise(s). "
        "Le bot donnera désormais cette réponse à ces questions."
    )
    return 0


async def cmd_dismiss(desk: ReviewDesk, args: argparse.Namespace) -> int:
    group = await desk.dismiss(args.id, args.reason, reviewer())
    suffix = f" (raison : {group.reason})" if group.reason else ""
    print(f"Groupe #{group.id} écarté{suffix} ; {group.count} question(s) gardée(s) en archive.")
    return 0


async def cmd_export(desk: ReviewDesk, args: argparse.Namespace) -> int:
    content = await desk.export_csv()
    if args.output is None:
        sys.stdout.write(content)
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(content, encoding="utf-8", newline="")
    rows = sum(1 for _ in csv.reader(io.StringIO(content))) - 1
    print(f"{rows} groupe(s) exporté(s) dans {args.output}.")
    return 0


async def cmd_stats(desk: ReviewDesk, args: argparse.Namespace) -> int:
    stats = await desk.stats()
    print(f"Questions posées : {stats.questions}")
    if stats.share_answered is not None:
        print(f"Réponses données : {stats.answered} ({percent(stats.share_answered)})")
    if stats.share_helpful is not None:
        print(f"Jugées utiles : {stats.helpful} sur {stats.votes} avis ({percent(stats.share_helpful)})")
    else:
        print("Jugées utiles : aucun avis pour l'instant")
    counts = dict(stats.groups_by_status)
    print(
        f"Groupes sans réponse : {counts.get(ReviewStatus.OPEN, 0)} ouvert(s), "
        f"{counts.get(ReviewStatus.RESOLVED, 0)} résolu(s), {counts.get(ReviewStatus.DISMISSED, 0)} écarté(s)"
    )
    if stats.top_answers:
        print("\nRéponses les plus données :")
        for slug, count in stats.top_answers:
            print(f"  {slug} — {times(count)}")
    if stats.top_unanswered:
        print("\nQuestions sans réponse les plus posées :")
        for group in stats.top_unanswered:
            print(f"  {group_line(group)}")
    return 0


async def cmd_forget_user(desk: ReviewDesk, args: argparse.Namespace) -> int:
    result = await desk.forget_user(args.user_id)
    print(
        f"Membre {args.user_id} oublié : {result.questions} question(s), {result.votes} vote(s) et "
        f"{result.phrasings} formulation(s) apprise(s) supprimés."
    )
    return 0
