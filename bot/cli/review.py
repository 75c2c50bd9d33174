"""The editors' queue without Discord: ``unanswered list/show/resolve/dismiss/export``,
``stats`` and ``digest``.

``export`` and ``stats`` open the database alone (``bot.wiring.open_records``): no answers
loaded, no matcher. ``list``, ``show`` and ``digest`` also load the answers and the
matcher, to suggest a resolution for each group, but never write (no retention purge).
``resolve`` and ``dismiss`` go through the full service.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import getpass
import io
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.cli.common import count, number, times, when
from bot.config import Settings
from bot.core.digest import digest_text, parse_since
from bot.core.models import QuestionGroup, QuestionRecord, ReviewItem, ReviewStatus, SuggestedResolution
from bot.core.review import ReviewDesk
from bot.core.service import Service
from bot.core.text_safety import for_terminal
from bot.wiring import open_records, open_service

STATUS_LABELS = {
    ReviewStatus.OPEN: "ouvert",
    ReviewStatus.RESOLVED: "résolu",
    ReviewStatus.DISMISSED: "écarté",
}
PREVIEW_CHARS = 90
FOLLOWED_CHARS = 60
"""How much of the question a follow-up followed is shown beside it."""

DeskCommand = Callable[[ReviewDesk, argparse.Namespace], Awaitable[int]]
ServiceCommand = Callable[[Service, argparse.Namespace], Awaitable[int]]


def reading(command: DeskCommand) -> Callable[[Settings, argparse.Namespace], int]:
    """A command that only reads: the database alone, nothing else opened or changed."""

    def handler(settings: Settings, args: argparse.Namespace) -> int:
        async def run() -> int:
            async with open_records(settings) as desk:
                return await command(desk, args)

        return asyncio.run(run())

    return handler


def writing(command: DeskCommand) -> Callable[[Settings, argparse.Namespace], int]:
    """A command that changes the queue: the full service, as the bot would use it."""

    def handler(settings: Settings, args: argparse.Namespace) -> int:
        async def run() -> int:
            service = await open_service(settings)
            try:
                return await command(service.desk, args)
            finally:
                await service.close()

        return asyncio.run(run())

    return handler


def suggesting(command: ServiceCommand) -> Callable[[Settings, argparse.Namespace], int]:
    """A command that reads and suggests: the answers and the matcher, no purge, no write."""

    def handler(settings: Settings, args: argparse.Namespace) -> int:
        async def run() -> int:
            service = await open_service(settings, wait_for_index=True, purge=False)
            try:
                return await command(service, args)
            finally:
                await service.close()

        return asyncio.run(run())

    return handler


def add_commands(commands: Any) -> None:
    unanswered = commands.add_parser("unanswered", help="traiter les questions restées sans réponse")
    actions = unanswered.add_subparsers(dest="unanswered_command", metavar="ACTION", required=True)

    command = actions.add_parser("list", help="lister les groupes de questions (les plus posées d'abord)")
    command.add_argument(
        "--status",
        choices=[status.value for status in ReviewStatus],
        default=ReviewStatus.OPEN.value,
        help="statut des groupes à lister (défaut : open)",
    )
    command.add_argument("--limit", type=count, default=20, help="nombre maximum de groupes (défaut : 20)")
    command.add_argument("--json", action="store_true", help="afficher les groupes en JSON")
    command.set_defaults(handler=suggesting(cmd_list))

    command = actions.add_parser("show", help="afficher un groupe et toutes ses questions")
    command.add_argument("id", type=number, help="numéro du groupe (voir « unanswered list »)")
    command.add_argument("--json", action="store_true", help="afficher le groupe en JSON")
    command.set_defaults(handler=suggesting(cmd_show))

    command = actions.add_parser("resolve", help="rattacher un groupe à une réponse : le bot l'apprend")
    command.add_argument("id", type=number, help="numéro du groupe")
    command.add_argument("slug", help="identifiant de la réponse (nom du fichier sans .md.jinja)")
    command.set_defaults(handler=writing(cmd_resolve))

    command = actions.add_parser("dismiss", help="écarter un groupe (hors sujet, spam…) ; il reste archivé")
    command.add_argument("id", type=number, help="numéro du groupe")
    command.add_argument("--reason", help="pourquoi le groupe est écarté")
    command.set_defaults(handler=writing(cmd_dismiss))

    command = actions.add_parser("export", help="exporter tous les groupes en CSV (UTF-8)")
    command.add_argument("--output", type=Path, metavar="FICHIER", help="fichier à écrire (défaut : sortie standard)")
    command.set_defaults(handler=reading(cmd_export), needs_answers=False)

    command = commands.add_parser("stats", help="statistiques : questions, réponses, avis, manques")
    command.add_argument(
        "--chart", type=Path, metavar="FICHIER.png", help="écrire aussi le graphique des 8 dernières semaines (PNG)"
    )
    command.set_defaults(handler=reading(cmd_stats), needs_answers=False)

    command = commands.add_parser("digest", help="le digest de la rédaction : ce qui a changé récemment")
    command.add_argument(
        "--since", type=since, default=parse_since("7d"), metavar="DURÉE", help="période : 7d, 2w, 36h (défaut : 7d)"
    )
    command.set_defaults(handler=suggesting(cmd_digest))


def since(raw: str) -> Any:
    try:
        return parse_since(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def reviewer() -> str:
    """Who acts, as stored in ``reviewed_by``: the system user of the console."""
    try:
        return f"console:{getpass.getuser()}"
    except (OSError, KeyError):
        return "console"


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    flat = " ".join(for_terminal(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def suggestion_line(suggestion: SuggestedResolution, titles: dict[str, str]) -> str:
    how = "par le sens" if suggestion.semantic else "par les mots"
    title = titles.get(suggestion.slug, suggestion.slug)
    return f"suggestion : {suggestion.slug} « {title} » ({percent(suggestion.score)} {how})"


def item_json(item: ReviewItem) -> dict[str, Any]:
    """The fields ``--json`` promises: id, count, questions, status, suggested_answer, suggested_score."""
    suggestion = item.suggestion
    return {
        "id": item.group.id,
        "count": item.group.count,
        "questions": [q.text for q in item.questions] if item.questions else [item.group.representative],
        "contexts": [q.context for q in item.questions] if item.questions else [item.group.context],
        "status": item.group.status.value,
        "suggested_answer": suggestion.slug if suggestion else None,
        "suggested_score": round(suggestion.score, 4) if suggestion else None,
        "member_choices": [{"answer": slug, "members": n} for slug, n in item.picks],
        "downvotes": [{"answer": slug, "votes": n} for slug, n in item.downvotes],
    }


def group_line(group: QuestionGroup) -> str:
    line = (
        f"#{group.id}  posée {times(group.count)}, dernière le {when(group.last_asked)}"
        f" — « {preview(group.representative)} »{followed(group.context)}"
    )
    if group.status is ReviewStatus.RESOLVED:
        line += f" → {group.resolved_slug}"
    elif group.status is ReviewStatus.DISMISSED and group.reason:
        line += f" (écarté : {preview(group.reason, 60)})"
    return line


def question_lines(question: QuestionRecord) -> list[str]:
    who = for_terminal(question.display_name or "") or "inconnu"
    if question.user_id is not None:
        who += f" (id {question.user_id})"
    where = "console ou message privé"
    if question.guild_id is not None:
        where = f"serveur {question.guild_id}, salon {question.channel_id}"
    header = f"  [question {question.id}] {when(question.asked_at)} · {who} · {where} · score {question.score:.2f}"
    if question.picked_slug:
        header += f" · a choisi « {question.picked_slug} »"
    lines = [header, *(f"      {line}" for line in for_terminal(question.text).splitlines() or [""])]
    if question.context:
        lines.append(f"      {followed(question.context).strip()}")
    return lines


def followed(context: str | None) -> str:
    """A follow-up's sense for the moderator: « (à la suite de « … ») », or nothing."""
    return f" (à la suite de « {preview(context, FOLLOWED_CHARS)} »)" if context else ""


async def cmd_list(service: Service, args: argparse.Namespace) -> int:
    status = ReviewStatus(args.status)
    groups = await service.desk.list(status, limit=args.limit)
    items = [await service.review_item(group.id) for group in groups]
    if args.json:
        print(json.dumps([item_json(item) for item in items], ensure_ascii=False, indent=2))
        return 0
    label = STATUS_LABELS[status]
    if not groups:
        print(f"Aucun groupe {label} pour l'instant.")
        return 0
    titles = service.titles()
    print(f"{len(groups)} groupe(s) {label}(s), les plus posés d'abord :")
    for item in items:
        print(group_line(item.group))
        if item.suggestion is not None:
            print(f"      {suggestion_line(item.suggestion, titles)}")
    if status is ReviewStatus.OPEN:
        print("\nPour traiter un groupe : « unanswered show ID », puis « resolve ID SLUG » ou « dismiss ID ».")
    return 0


async def cmd_show(service: Service, args: argparse.Namespace) -> int:
    item = await service.review_item(args.id)
    if args.json:
        print(json.dumps(item_json(item), ensure_ascii=False, indent=2))
        return 0
    group, questions, titles = item.group, item.questions, service.titles()
    print(f"Groupe #{group.id} — {STATUS_LABELS[group.status]} — question posée {times(group.count)}")
    print(f"Première fois le {when(group.first_asked)}, dernière le {when(group.last_asked)}")
    if group.resolved_slug:
        print(f"Réponse : {group.resolved_slug}")
    if group.reason:
        print(f"Raison : {for_terminal(group.reason)}")
    if item.suggestion is not None:
        print(f"Suggestion de résolution : {suggestion_line(item.suggestion, titles).removeprefix('suggestion : ')}")
        print(f"  → unanswered resolve {group.id} {item.suggestion.slug}")
    if item.picks:
        print("Choix des membres parmi les suggestions : " + ", ".join(f"{slug} ({n})" for slug, n in item.picks))
    if item.downvotes:
        print("Votes « pas vraiment » : " + ", ".join(f"{n} 👎 sur {slug}" for slug, n in item.downvotes))
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
    suffix = f" (raison : {for_terminal(group.reason)})" if group.reason else ""
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


async def cmd_digest(service: Service, args: argparse.Namespace) -> int:
    digest = await service.digest(args.since)
    print(digest_text(digest, service.titles(), now=service.desk.now()))
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
        for slug, n in stats.top_answers:
            print(f"  {slug} — {times(n)}")
    if stats.top_unanswered:
        print("\nQuestions sans réponse les plus posées :")
        for group in stats.top_unanswered:
            print(f"  {group_line(group)}")
    downvoted = await desk.downvoted_answers()
    if downvoted:
        print("\nRéponses les plus souvent jugées « pas vraiment » utiles :")
        for slug, n in downvoted:
            print(f"  {slug} — {n} 👎")
    if args.chart is not None:
        from bot.core.chart import weekly_chart

        args.chart.parent.mkdir(parents=True, exist_ok=True)
        args.chart.write_bytes(weekly_chart(await desk.weekly()))
        print(f"\nGraphique des 8 dernières semaines écrit dans {args.chart}.")
    return 0
