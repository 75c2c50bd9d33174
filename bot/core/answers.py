"""The answer library: load answer files, validate them, render them.

This module is the one place that renders answers. A broken file becomes a ``Problem``
with its path and line and is left out; it never stops the other answers from being
served. Templates run in Jinja2's sandbox with ``StrictUndefined`` so a typo in a
variable name is caught by ``check`` instead of showing an empty hole to a member.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import itertools
import logging
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from bot.core.models import Answer, Problem, RenderedAnswer
from bot.core.typography import typeset

log = logging.getLogger(__name__)

SUFFIX = ".md.jinja"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ENCODING = "utf-8-sig"
"""UTF-8, with or without the byte-order mark some Windows editors put first."""
REQUIRED_FIELDS = ("title", "questions")
OPTIONAL_FIELDS = ("keywords", "lang", "source", "author", "updated", "category", "see_also")
TITLE_LIMIT = 256
"""Discord's limit for an embed title."""
CATEGORY_LIMIT = 100
"""A category is a short heading members browse answers under."""
SEE_ALSO_LIMIT = 5
"""Related answers offered under an answer: past five, nobody reads them."""
CHECK_SERVERS = ("Le serveur des CM", "")
"""``check`` renders every answer on a server and in a DM or the console (empty name)."""
PARAGRAPH_LIMIT = 4096
"""A paragraph is never split, so it must fit in one embed description."""
ANSWER_LIMIT = 24_000
"""Four full Discord messages of embeds: past that, an answer should be split in two."""
LANG_RE = re.compile(r"^[a-z]{2}$")
RENDER_SECONDS = 1.0
"""Time budget of one render: an answer renders in about a millisecond, a runaway loop
is stopped here (and ``check`` reports the file) instead of hanging the bot."""
RENDER_CHARS = 100_000
"""Size budget of one render: the text produced, and any string or list built on the
way (``'x' * 10**9`` is refused before it is built, not after 1 GB)."""
ARGUMENT_LIMIT = 10_000
"""No filter or method of a template needs a number above this (a width, a count): a
bigger one can only be an attempt to build something huge."""
POWER_BITS = 64
"""``a ** b`` in a template may not produce a number wider than this many bits."""
_FORMAT_WIDTH = re.compile(r"\d{5,}")
"""A format width or precision of five digits or more (``'%99999999d'``, ``'{:>99999999}'``)."""
RECOMMENDED_QUESTIONS = 8
"""Below this many alternate questions an answer is found much less often (README:
"Alternate questions per answer"), so ``check`` suggests writing more."""


@dataclass
class Library:
    """The answers that loaded, by slug, and the problems of those that did not."""

    directory: Path
    answers: dict[str, Answer] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def answer_paths(directory: Path) -> tuple[list[Path], list[Problem]]:
    """The answer files of a folder, and a problem for each file that has no place there."""
    paths: list[Path] = []
    problems: list[Problem] = []
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith("_") or part.startswith(".") for part in relative.parts):
            continue  # partials, macros and hidden files (editor swap files, .gitkeep)
        if path.is_dir():
            problems.append(
                Problem(path, 1, "dossier inattendu : les réponses sont des fichiers directement dans le dossier")
            )
        elif path.parent != directory or not path.name.endswith(SUFFIX):
            problems.append(Problem(path, 1, f"fichier inattendu : une réponse s'appelle <slug>{SUFFIX}"))
        else:
            paths.append(path)
    return paths, problems


class RenderBudgetExceeded(SecurityError):
    """A template went past its time or size budget (``RENDER_SECONDS``, ``RENDER_CHARS``)."""


class RenderTooSlow(RenderBudgetExceeded):
    """Raised inside the rendering thread by the watchdog when the time budget is spent."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or f"le rendu dépasse {RENDER_SECONDS:g} s (boucle trop longue ?)")


def _too_big(what: str) -> RenderBudgetExceeded:
    return RenderBudgetExceeded(f"{what} : le rendu dépasserait {RENDER_CHARS} caractères")


def _check_size(value: Any, what: str = "résultat trop grand") -> Any:
    if isinstance(value, str | list | tuple | dict | set) and len(value) > RENDER_CHARS:
        raise _too_big(what)
    return value


def _check_arguments(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > ARGUMENT_LIMIT:
            raise RenderBudgetExceeded(f"nombre trop grand dans un appel : {value} (max {ARGUMENT_LIMIT})")
    _check_format(args)


def _check_format(values: Iterable[Any]) -> None:
    for value in values:
        if isinstance(value, str) and ("%" in value or "{" in value) and _FORMAT_WIDTH.search(value):
            raise RenderBudgetExceeded("largeur de format trop grande")


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else len(text) // len(old)
        if len(text) + count * len(new) > RENDER_CHARS:
            raise _too_big("remplacement")


def _sized(value: Any) -> bool:
    return isinstance(value, str | list | tuple)


def _bounded_join(parts: Iterable[Any]) -> str:
    """``~`` in a template: each piece joined, the result within the size budget."""
    total, pieces = 0, []
    for part in parts:
        piece = str(part)
        total += len(piece)
        if total > RENDER_CHARS:
            raise _too_big("concaténation")
        pieces.append(piece)
    return "".join(pieces)


def _guarded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses huge numbers and widths, and checks the size of its result."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        if name == "replace":
            plain = [a for a in args if not isinstance(a, jinja2.nodes.EvalContext)]
            if len(plain) >= 3:
                _check_replace(*plain[:3])
        return _check_size(function(*args, **kwargs), f"filtre « {name} »")

    return guarded


class _BudgetedTemplate(jinja2.Template):
    """A template whose ``~`` operator is bounded (it compiles to ``str_join``, which the
    sandbox cannot intercept otherwise)."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any, globals: Any, uptodate: Any = None) -> Any:
        template = super().from_code(environment, code, globals, uptodate)
        namespace = template.root_render_func.__globals__
        namespace["str_join"] = _bounded_join
        namespace["markup_join"] = _bounded_join
        return template


class BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, immutable (no ``list.append`` growing in a loop), with a size
    budget on ``*``, ``+``, ``**``, ``%``, ``~``, calls and filters. The time budget is
    the watchdog of ``Renderer.render``."""

    intercepted_binops = frozenset({"*", "+", "**", "%"})
    template_class = _BudgetedTemplate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {name: _guarded_filter(name, f) for name, f in self.filters.items()}

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) and len(seq) * times > RENDER_CHARS:
                    raise _too_big("répétition")
        elif operator == "+" and _sized(left) and _sized(right):
            if len(left) + len(right) > RENDER_CHARS:
                raise _too_big("concaténation")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if max(abs(left), 2).bit_length() * right > POWER_BITS:
                raise RenderBudgetExceeded(f"puissance trop grande : {left} ** {right}")
        elif operator == "%" and isinstance(left, str):
            _check_format([left])
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if __obj is not __self.globals.get("range"):
            _check_arguments(args, kwargs)
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)  # str.format comes wrapped
        if isinstance(owner, str):
            _check_format([owner])
            if getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
        return _check_size(super().call(__context, __obj, *args, **kwargs))


class _Watchdog:
    """Stops a render that runs past its time: it raises ``RenderTooSlow`` inside the
    rendering thread (the interpreter checks between bytecodes, so a pure-Python loop of
    a template stops at once; the size budget keeps C-level work small).

    One thread watches every render, started on first use: a timer thread per render
    cost about 85 µs each, a sixth of a second for ``check`` on a thousand answers."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._deadlines: dict[int, tuple[float, int]] = {}  # render -> (deadline, its thread)
        self._renders = itertools.count()
        self._thread: threading.Thread | None = None

    @contextmanager
    def limit(self, seconds: float) -> Iterator[None]:
        render = next(self._renders)
        with self._changed:
            self._deadlines[render] = (time.monotonic() + seconds, threading.get_ident())
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="render-watchdog", daemon=True)
                self._thread.start()
            self._changed.notify()
        try:
            yield
        finally:
            with self._changed:
                self._deadlines.pop(render, None)

    def _watch(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                for render, (deadline, thread_id) in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[render]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(thread_id), ctypes.py_object(RenderTooSlow)
                        )
                soonest = min((deadline for deadline, _ in self._deadlines.values()), default=None)
                self._changed.wait(None if soonest is None else max(0.0, soonest - now))


_WATCHDOG = _Watchdog()


class Renderer:
    """Renders answer bodies and partials from one folder in a Jinja2 sandbox, each
    render within a time and a size budget."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.env = BudgetedEnvironment(
            loader=_AnswerLoader(directory),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            auto_reload=True,
        )
        self._compiled: dict[tuple[Path, int, str], jinja2.Template] = {}

    def render(self, answer: Answer, *, asker: str, server: str | None, today: dt.date | None = None) -> RenderedAnswer:
        """Render one answer; ``asker`` is escaped here, so callers pass the raw name.

        ``server`` is the server's name, or empty (``None`` or ``""``) in a DM or the console:
        templates always see a string, as the format contract promises. A French answer
        gets French typography here (``bot.core.typography``), so files stay as written;
        the member's and the server's names are left exactly as they are.
        """
        template = self.template(answer)
        names = (escape_markdown(asker), server or "")
        body = tidy(self._generate(template, asker=names[0], server=names[1], today=today or dt.date.today()))
        french = answer.lang == "fr"
        return RenderedAnswer(
            slug=answer.slug,
            title=answer.shown_title,
            body=typeset(body, keep=names) if french else body,
            source=answer.source,
            author=answer.author,
            updated=answer.updated,
        )

    @staticmethod
    def _generate(template: jinja2.Template, **variables: Any) -> str:
        """The rendered text, stopped at ``RENDER_CHARS`` characters or ``RENDER_SECONDS``."""
        pieces, total = [], 0
        with _WATCHDOG.limit(RENDER_SECONDS):
            for piece in template.generate(**variables):
                total += len(piece)
                if total > RENDER_CHARS:
                    raise _too_big("réponse")
                pieces.append(piece)
        return "".join(pieces)

    def template(self, answer: Answer) -> jinja2.Template:
        """The compiled template of an answer, from the body loaded in memory.

        Rendering what was validated (not what is on disk now) is what lets a broken edit
        leave the previous good version serving until the file is fixed.
        """
        key = (answer.path, answer.body_line, answer.body)
        template = self._compiled.get(key)
        if template is None:
            source = "\n" * (answer.body_line - 1) + answer.body
            code = self.env.compile(source, name=answer.path.name, filename=str(answer.path))
            template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)
            self._compiled[key] = template
        return template


class _AnswerLoader(jinja2.BaseLoader):
    """Serves answer files with their front matter blanked out, partials as they are.

    The front matter is replaced by as many empty lines, so the line numbers Jinja reports
    are the line numbers of the file the editor has open.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        path = (self.directory / template).resolve()
        if not path.is_relative_to(self.directory.resolve()) or not path.is_file():
            raise jinja2.TemplateNotFound(template)
        text = path.read_text(encoding=ENCODING)
        mtime = path.stat().st_mtime
        if path.name.endswith(SUFFIX) and not any(
            p.startswith("_") for p in path.relative_to(self.directory.resolve()).parts
        ):
            _, body, body_line = split_front_matter(text)
            text = "\n" * (body_line - 1) + body
        return text, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """(modification time, size) of every file under ``folder``, partials included: what
    the bot and the console compare to know that the answers changed."""
    result: dict[Path, tuple[int, int]] = {}
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                result[path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue
    return result


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split a file into (front matter, body, line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None, text, 1


def load_library(directory: Path, *, today: dt.date | None = None) -> Library:
    """Load every answer of a folder; broken files become problems and are left out."""
    library = Library(directory=directory)
    if not directory.is_dir():
        library.problems.append(Problem(directory, 1, "le dossier des réponses n'existe pas"))
        return library
    paths, library.problems = answer_paths(directory)
    if not paths:
        library.problems.append(
            Problem(directory, 1, f"aucune réponse dans ce dossier : une réponse est un fichier <slug>{SUFFIX}")
        )
    renderer = Renderer(directory)
    for path in paths:
        answer, problems = load_answer(path, renderer, today=today)
        library.problems.extend(problems)
        if answer is not None and not problems:
            library.answers[answer.slug] = answer
    library.problems.extend(_duplicate_questions(library.answers.values()))
    library.problems.extend(_missing_see_also(library.answers.values(), {p.name[: -len(SUFFIX)] for p in paths}))
    library.problems.sort(key=lambda p: (str(p.path), p.line))
    return library


def load_answer(path: Path, renderer: Renderer, *, today: dt.date | None = None) -> tuple[Answer | None, list[Problem]]:
    """Parse, validate and test-render one answer file."""
    try:
        text = path.read_text(encoding=ENCODING)
    except UnicodeDecodeError as exc:
        return None, [Problem(path, 1, f"le fichier n'est pas en UTF-8 ({exc.reason})")]
    except OSError as exc:
        return None, [Problem(path, 1, f"lecture impossible : {exc.strerror}")]
    slug = path.name[: -len(SUFFIX)]
    problems: list[Problem] = []
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                path,
                1,
                f"nom de fichier invalide : « {slug} » doit n'avoir que des minuscules sans accent, des chiffres et des tirets",
            )
        )
    front, body, body_line = split_front_matter(text)
    if front is None:
        return None, [
            *problems,
            Problem(
                path,
                1,
                "en-tête manquant : le fichier doit commencer par une ligne --- puis l'en-tête YAML et une autre ligne ---",
            ),
        ]
    try:
        meta = parse_front_matter(front)
    except yaml.YAMLError as exc:
        return None, [*problems, yaml_problem(path, front, exc)]
    if not isinstance(meta, dict):
        return None, [
            *problems,
            Problem(path, 2, "en-tête invalide : une liste de champs « nom: valeur » est attendue"),
        ]

    fields, field_problems = _validate_fields(path, front, meta)
    problems.extend(field_problems)
    problems.extend(_swallowed_lines(path, front))
    if problems:
        return None, problems

    answer = Answer(slug=slug, body=body, path=path, body_line=body_line, **fields)
    problems.extend(_check_render(answer, renderer, today))
    return (None, problems) if problems else (answer, [])


def _validate_fields(path: Path, front: str, meta: dict[Any, Any]) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, _key_line(front, key), message))

    for key in meta:
        if key not in REQUIRED_FIELDS and key not in OPTIONAL_FIELDS:
            problem(
                str(key), f"champ inconnu « {key} » (champs permis : {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)})"
            )
    for key in REQUIRED_FIELDS:
        if key not in meta or meta[key] in (None, "", []):
            problems.append(Problem(path, 1, f"champ obligatoire manquant : « {key} »"))

    fields: dict[str, Any] = {}
    title = meta.get("title")
    if title not in (None, ""):
        if not isinstance(title, str):
            problem("title", "« title » doit être un texte")
        elif len(title.strip()) > TITLE_LIMIT:
            problem("title", f"« title » dépasse {TITLE_LIMIT} caractères (limite d'un titre Discord)")
        else:
            fields["title"] = title.strip()
    questions = meta.get("questions")
    if questions not in (None, "", []):
        if isinstance(questions, list) and any(isinstance(q, dict) for q in questions):
            for item in questions:
                if isinstance(item, dict):
                    problems.append(_colon_in_item(path, front, item))
        elif not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
            problem("questions", "« questions » doit être une liste de phrases non vides")
        else:
            fields["questions"] = tuple(q.strip() for q in questions)
    keywords = meta.get("keywords", [])
    if keywords is None:
        keywords = []
    if isinstance(keywords, list) and any(isinstance(k, dict) for k in keywords):
        problems.extend(_colon_in_item(path, front, k) for k in keywords if isinstance(k, dict))
    elif not isinstance(keywords, list) or not all(
        isinstance(k, str | int | float) and str(k).strip() for k in keywords
    ):
        problem("keywords", "« keywords » doit être une liste de mots")
    else:
        fields["keywords"] = tuple(str(k).strip() for k in keywords)
    lang = meta.get("lang", "fr")
    if not isinstance(lang, str) or not LANG_RE.match(lang):
        problem("lang", "« lang » doit être un code de langue à deux lettres (fr, en…)")
    else:
        fields["lang"] = lang
    for key in ("source", "author"):
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            problem(key, f"« {key} » doit être un texte")
        elif value is not None:
            fields[key] = value.strip() or None
    source = fields.get("source")
    if source and not re.match(r"^https?://\S+$", source):
        problem("source", "« source » doit être un lien http(s)://…")
    category = meta.get("category")
    if category is not None:
        if not isinstance(category, str) or not category.strip():
            problem("category", "« category » doit être un texte (le titre de rubrique de la réponse)")
        elif len(category.strip()) > CATEGORY_LIMIT:
            problem("category", f"« category » dépasse {CATEGORY_LIMIT} caractères")
        else:
            fields["category"] = category.strip()
    see_also = meta.get("see_also")
    if see_also is not None:
        if not isinstance(see_also, list) or not all(isinstance(s, str) and SLUG_RE.match(s.strip()) for s in see_also):
            problem("see_also", "« see_also » doit être une liste d'identifiants de réponses (ex. [salaire, outils])")
        elif len(see_also) > SEE_ALSO_LIMIT:
            problem("see_also", f"« see_also » compte {len(see_also)} réponses (max {SEE_ALSO_LIMIT})")
        else:
            fields["see_also"] = tuple(dict.fromkeys(s.strip() for s in see_also))
    updated = meta.get("updated")
    if updated is not None:
        if isinstance(updated, dt.datetime):
            fields["updated"] = updated.date()
        elif isinstance(updated, dt.date):
            fields["updated"] = updated
        else:
            try:
                fields["updated"] = dt.date.fromisoformat(str(updated))
            except ValueError:
                problem("updated", "« updated » doit être une date AAAA-MM-JJ")
    return fields, problems


QUOTE_HINT = (
    "une valeur qui contient « : » (deux-points suivi d'une espace, comme en français) "
    'se met entre guillemets, par exemple : title: "Le métier : les bases"'
)
TAB_HINT = "YAML n'accepte pas les tabulations : indente avec des espaces (deux par niveau)"
INDENT_HINT = (
    "vérifie l'indentation : les champs (title:, questions:…) commencent en début de ligne, "
    "et les « - » d'une même liste sont alignés dans la même colonne"
)
_AT_CONTEXT = ("while scanning a quoted scalar", "while parsing a flow", "while scanning a simple key")
"""PyYAML errors found only further down (at the end of the header): the line to show is
where the construct began (an unclosed quote or bracket, a key without its « : »)."""


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def parse_front_matter(front: str) -> Any:
    """The front matter as data: with libyaml's C parser when PyYAML was built with it
    (pure-Python parsing was 7 ms an answer, most of a warm start at 1,000 answers), and
    with the pure-Python one to describe a mistake (its messages and marks are the ones
    ``yaml_problem`` explains)."""
    if _FAST_LOADER is not None:
        try:
            return yaml.load(front, Loader=_FAST_LOADER)  # CSafeLoader: safe, like safe_load
        except yaml.YAMLError:
            pass
    return yaml.safe_load(front)


def yaml_problem(path: Path, front: str, exc: yaml.YAMLError) -> Problem:
    """A YAML error as an editor can act on it: French, the file's line, and a hint for
    the usual causes (an unquoted « : », a tab, a line indented wrong)."""
    problem = getattr(exc, "problem", None) or ""
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "problem_mark", None)
    if context.startswith(_AT_CONTEXT) and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # type: ignore[attr-defined]
    line = 2 + mark.line if mark is not None else 1
    lines = front.splitlines()
    text = lines[line - 2] if 0 <= line - 2 < len(lines) else ""
    if "\t" in text or "'\\t'" in problem:
        message = f"tabulation dans l'en-tête ; {TAB_HINT}"
    elif context.startswith("while scanning a quoted scalar"):
        message = "guillemet ouvert mais jamais fermé ; ferme-le à la fin de la valeur, sur la même ligne"
    elif context.startswith("while parsing a flow"):
        message = "crochet [ ou accolade { ouvert mais jamais fermé ; ferme la liste sur la même ligne : [a, b]"
    elif context.startswith("while scanning a simple key"):
        message = f"ligne sans « : » ni « - » : un champ s'écrit « nom: valeur », un élément de liste « - valeur » ; {INDENT_HINT}"
    elif "mapping values are not allowed" in problem:
        if re.match(r"^\s+[a-z_]+\s*:", text) and not text.lstrip().startswith("-"):
            message = f"champ décalé vers la droite ; {INDENT_HINT}"
        else:
            message = f"« : » au milieu d'une valeur ; {QUOTE_HINT}"
    elif "expected <block end>" in problem or "expected '-' indicator" in problem or "expected key" in problem:
        message = f"indentation incohérente ; {INDENT_HINT}"
    else:
        message = f"erreur de syntaxe ({problem or type(exc).__name__}) ; {INDENT_HINT}"
    return Problem(path, line, f"en-tête YAML invalide : {message}")


def _colon_in_item(path: Path, front: str, item: dict[Any, Any]) -> Problem:
    """A list item that YAML read as « key: value »: an unquoted « : » inside a question."""
    key = str(next(iter(item), ""))
    pattern = re.compile(rf"(?<![\w-]){re.escape(key)}\s*:")
    line = next((n for n, text in enumerate(front.splitlines(), start=2) if pattern.search(text)), 1)
    return Problem(path, line, f"« : » dans un élément de liste : YAML l'a lu comme « nom: valeur » ; {QUOTE_HINT}")


_ITEM = re.compile(r"^(?P<indent>[ ]*)-(?:[ ]+(?P<text>.*))?$")


def _swallowed_lines(path: Path, front: str) -> list[Problem]:
    """Items indented further than the item above them, which has text: YAML glues them
    to it (« - a » then « ···- b » is the one item « a - b »), silently."""
    problems = []
    above: re.Match[str] | None = None
    for number, text in enumerate(front.splitlines(), start=2):
        item = _ITEM.match(text)
        if item is None:
            if not text.startswith(" ") or not text.strip():
                above = None  # a new field, or a blank line: a new list
            continue
        if (
            above is not None
            and above["text"]
            and len(item["indent"]) > len(above["indent"])
            and not above["text"].rstrip().endswith((":", "|", ">"))
        ):
            problems.append(
                Problem(
                    path,
                    number,
                    f"cette ligne est plus indentée que l'élément du dessus : YAML l'a collée à « {above['text'].strip()} » "
                    "au lieu d'en faire un élément à part ; aligne son « - » sur celui de la ligne précédente",
                )
            )
            continue
        above = item
    return problems


def _key_line(front: str, key: str) -> int:
    """The file line of a top-level front matter key (the first ``---`` is line 1)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(front.splitlines(), start=2):
        if pattern.match(line):
            return number
    return 1


def _check_render(answer: Answer, renderer: Renderer, today: dt.date | None) -> list[Problem]:
    """Render with the values a real answer can meet; report errors and size problems."""
    try:
        renderer.template(answer)
    except jinja2.TemplateSyntaxError as exc:
        return [Problem(answer.path, exc.lineno or answer.body_line, f"erreur de syntaxe Jinja : {exc.message}")]
    problems: list[Problem] = []
    for server in CHECK_SERVERS:
        try:
            rendered = renderer.render(answer, asker="Max", server=server, today=today)
        except jinja2.TemplateError as exc:
            return [Problem(answer.path, _error_line(exc, answer), f"erreur au rendu : {_describe(exc)}")]
        except Exception as exc:
            return [Problem(answer.path, _error_line(exc, answer), f"erreur au rendu : {type(exc).__name__}: {exc}")]
        problems = size_problems(answer, rendered.body)
        if problems:
            return problems
        if not rendered.body.strip():
            return [Problem(answer.path, answer.body_line, "la réponse est vide après rendu")]
    return problems


def size_problems(answer: Answer, body: str) -> list[Problem]:
    problems = []
    line = answer.body_line
    for paragraph in re.split(r"(\n\s*\n)", body):
        if len(paragraph) > PARAGRAPH_LIMIT:
            problems.append(
                Problem(
                    answer.path,
                    line,
                    f"paragraphe trop long pour Discord : {len(paragraph)} caractères après rendu (max {PARAGRAPH_LIMIT}) ; ajoute une ligne vide pour le couper",
                )
            )
        line += paragraph.count("\n")
    if len(body) > ANSWER_LIMIT:
        problems.append(
            Problem(
                answer.path,
                answer.body_line,
                f"réponse trop longue pour Discord : {len(body)} caractères après rendu (max {ANSWER_LIMIT}) ; coupe-la en deux réponses",
            )
        )
    return problems


def _error_line(exc: BaseException, answer: Answer) -> int:
    """The template line where a render error happened, from Jinja's rewritten traceback."""
    line = answer.body_line
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and Path(frame.filename).name == answer.path.name and frame.lineno:
            line = frame.lineno
    return line


def _describe(exc: jinja2.TemplateError) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"variable inconnue ({exc.message}) ; variables permises : asker, server, today"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"fichier inclus introuvable : {exc.name}"
    return exc.message or type(exc).__name__


def few_questions(library: Library, minimum: int = RECOMMENDED_QUESTIONS) -> list[str]:
    """Slugs of the answers with fewer alternate questions than ``minimum``.

    Not a problem (the format asks for one), but the matcher leans on these phrasings:
    an editor who writes three gets an answer members rarely reach.
    """
    return sorted(slug for slug, answer in library.answers.items() if len(answer.questions) < minimum)


def _duplicate_questions(answers: Iterable[Answer]) -> list[Problem]:
    """A question written in two answers: the problem goes on the file that brought it in.

    That is the one changed last (modification time; the slug breaks a tie, as in a fresh
    clone where every file has the same time), and the message names the other file and
    its line, so the editor sees both without searching."""
    from bot.core.text import normalise

    def age(answer: Answer) -> tuple[int, str]:
        try:
            return answer.path.stat().st_mtime_ns, answer.slug
        except OSError:
            return 0, answer.slug

    fronts: dict[str, str] = {}

    def line_of(answer: Answer, question: str) -> int:
        if answer.slug not in fronts:
            front, _, _ = split_front_matter(answer.path.read_text(encoding=ENCODING))
            fronts[answer.slug] = front or ""
        return _question_line(fronts[answer.slug], question)

    seen: dict[str, tuple[Answer, str]] = {}
    problems = []
    for answer in sorted(answers, key=age):
        for question in answer.questions:
            key = normalise(question)
            first = seen.get(key)
            if first is not None and first[0].slug != answer.slug:
                other, asked = first
                problems.append(
                    Problem(
                        answer.path,
                        line_of(answer, question),
                        f"question déjà présente dans « {other.slug} » ({other.path}:{line_of(other, asked)}) : "
                        f"« {question} » ; garde-la dans une seule des deux réponses",
                    )
                )
            seen.setdefault(key, (answer, question))
    return problems


def _missing_see_also(answers: Iterable[Answer], slugs: set[str]) -> list[Problem]:
    """Each ``see_also`` slug must name another answer file of the library.

    ``slugs`` are all the answer files, broken ones included: a related answer that does not
    load has its own problem, reported on its own file.
    """
    problems = []
    for answer in sorted(answers, key=lambda a: a.slug):
        wrong = [slug for slug in answer.see_also if slug not in slugs or slug == answer.slug]
        if not wrong:
            continue
        front, _, _ = split_front_matter(answer.path.read_text(encoding=ENCODING))
        for slug in wrong:
            if slug == answer.slug:
                message = f"« see_also » : « {slug} » est cette réponse elle-même"
            else:
                message = f"« see_also » : aucune réponse ne porte l'identifiant « {slug} »"
            problems.append(Problem(answer.path, _see_also_line(front or "", slug), message))
    return problems


def _see_also_line(front: str, slug: str) -> int:
    """The line of a slug in ``see_also``, written inline (``[a, b]``) or as a list."""
    lines = front.splitlines()
    start = _key_line(front, "see_also")
    word = re.compile(rf"(?<![a-z0-9-]){re.escape(slug)}(?![a-z0-9-])")
    for number in range(start, len(lines) + 2):
        line = lines[number - 2]
        if number > start and re.match(r"^\S", line):
            break  # the next top-level key
        if word.search(line):
            return number
    return start


def _question_line(front: str, question: str) -> int:
    for number, line in enumerate(front.splitlines(), start=2):
        if question in line:
            return number
    return 1


_MARKDOWN_SPECIAL = re.compile(r"([\\*_~`|\[\]])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([>#-])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Escape Discord Markdown so a display name shows as typed and formats nothing."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(r"\1\\\2", escaped)


def byline(answer: RenderedAnswer) -> list[str]:
    """Author and date, credited the same way under an answer in the console and on Discord."""
    parts = []
    if answer.author:
        parts.append(answer.author)
    if answer.updated:
        parts.append(f"mis à jour le {answer.updated:%d/%m/%Y}")
    return parts


def tidy(text: str) -> str:
    """Trim trailing spaces and collapse runs of blank lines left by template tags."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
