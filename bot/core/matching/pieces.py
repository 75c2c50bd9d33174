"""The pieces of an answer that the encoder reads, each embedded once.

Phrasings (title, alternate questions, learned phrasings) are short texts that look
like questions: they are embedded as queries, so a member's question is compared with
them symmetrically. Keywords are no piece of their own: embedded alone ("TJM",
"reporting") they made the tune-half ranking worse on thin libraries (0.873 → 0.847),
so they only give context to the body pieces. Body paragraphs are what the answer *says*: they
are embedded as passages (e5's asymmetric retrieval), after Jinja and Markdown are
stripped, and long ones are cut at a sentence so each piece stays about one idea.

Each paragraph is embedded with the answer's title and keywords in front of it: a
paragraph alone ("Commence par trois exemples…") rarely says what it is about, and on
the tune half this context lifted the body's own ranking from 0.43 to 0.86 top-1. It
is what keeps a thin library (three alternate questions) findable by meaning.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.matching.tuning import MAX_BODY_PIECES, MAX_HEADER_KEYWORDS, MAX_PIECE_CHARS, MIN_PIECE_CHARS
from bot.core.models import Answer
from bot.core.text import plain

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"<?https?://\S+>?")
_MARKUP = re.compile(r"[*_~`|>#]+")
_BULLET = re.compile(r"^\s*(?:[-•·]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


class Role(StrEnum):
    QUERY = "query"
    PASSAGE = "passage"


@dataclass(frozen=True)
class Piece:
    """One text to embed, with the answer it belongs to and how it is embedded."""

    slug: str
    text: str
    role: Role

    @property
    def key(self) -> str:
        """The cache key's text part: the same text in another role is another vector."""
        return text_key(self.role, self.text)


def phrasing_piece(slug: str, text: str) -> Piece:
    """A phrasing (learned or written) as the encoder reads it: see ``phrasing_text``."""
    return Piece(slug, phrasing_text(text), Role.QUERY)


def phrasing_text(text: str) -> str:
    """A phrasing without its Discord markup, as a member's question is read (``text.plain``):
    a lesson learned from "<@1> **combien** on gagne" is then, to the encoder, the very
    sentence a member asks again without the mention and the stars."""
    return plain(text) or " ".join(text.split())


def text_key(role: Role, text: str) -> str:
    return hashlib.sha256(f"{role}\n{text}".encode("utf-8", "replace")).hexdigest()


def answer_pieces(answer: Answer, learned: Iterable[str] = (), body_pieces: int = MAX_BODY_PIECES) -> list[Piece]:
    """Every piece of one answer, phrasings first, then its first ``body_pieces`` body
    pieces, without repeats."""
    seen: set[tuple[Role, str]] = set()
    out: list[Piece] = []

    def add(text: str, role: Role) -> None:
        text = " ".join(text.split())
        if text and (role, text) not in seen:
            seen.add((role, text))
            out.append(Piece(answer.slug, text, role))

    for phrasing in (answer.title, *answer.questions, *learned):
        add(phrasing_text(phrasing), Role.QUERY)
    keywords = answer.keywords[:MAX_HEADER_KEYWORDS]
    header = answer.title + (f" ({', '.join(keywords)})" if keywords else "")
    for paragraph in body_paragraphs(answer.body)[:body_pieces]:
        add(f"{header} {paragraph}", Role.PASSAGE)
    return out


def body_paragraphs(body: str) -> list[str]:
    """The body as plain-text paragraphs of at most ``MAX_PIECE_CHARS``."""
    text = _JINJA.sub(" ", body)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _BULLET.sub("", text)
    text = _MARKUP.sub("", text)
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        if len(block) < MIN_PIECE_CHARS:
            continue
        out.extend(_split_long(block))
    return out


def _split_long(block: str) -> list[str]:
    if len(block) <= MAX_PIECE_CHARS:
        return [block]
    parts: list[str] = []
    current = ""
    for sentence in _SENTENCE.split(block):
        if current and len(current) + 1 + len(sentence) > MAX_PIECE_CHARS:
            parts.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        parts.append(current)
    return [p[:MAX_PIECE_CHARS] for p in parts if len(p) >= MIN_PIECE_CHARS]
