"""Who a career question is about, when it names a job: « salaire d'un infirmier ».

Why this exists: the words and the meaning of « combien gagne un boulanger » are close
to the salary article, closer than most ways members ask for it, so both sides of the
matcher answered it with confidence, and the member got the community manager's pay
as if it were the baker's. What makes the question another one is a single word in a
known place: the job after « devenir », « salaire de », « combien gagne », « journée
type de », « métier de », « en tant que ». When that word looks like the name of a job
and no answer of the library is about it (it is in no title, alternate question,
keyword or learned phrasing; a body that mentions « une boulangerie » in passing does
not count), the bot does not answer directly: it offers its nearest answers instead,
so the member sees what it knows and chooses.

The rule knows French grammar and the shape of job names, not the words of a library:
on a library about photography « combien gagne un photographe » is about the library,
« combien gagne un plombier » is not.
"""

from __future__ import annotations

import re

from bot.core.text import STOPWORDS, normalise

_DETERMINERS = r"(?:(?:d'un|d'une|de|du|des|un|une|le|la|les|en|comme|a|an)\s+)*(?:d'|l')?"
_SUBJECT = re.compile(
    r"\b(?:devenir|deviens|devient|gagne|gagnent|salaire|salaires|remuneration|journee type|metier|metiers"
    r"|travailler comme|bosser comme|en tant que|reconversion en|become|becoming)\s+" + _DETERMINERS + r"([a-z][a-z-]*)"
)
"""A career verb or noun, the determiners that may follow it, then the word it is about
(on ``text.normalise``'d text: folded, no accents, apostrophes kept)."""

_JOB_ENDINGS = (
    "ier",
    "iere",
    "eur",
    "euse",
    "rice",
    "iste",
    "ien",
    "ienne",
    "er",
    "ere",
    "logue",
    "graphe",
    "naute",
    "aire",
)
"""How French job names end: infirmier, pompière, chauffeur, vendeuse, actrice,
fleuriste, électricien, boulanger, bouchère, psychologue, photographe, astronaute,
notaire. An ending, not a list of jobs: a list would only know the jobs someone wrote
down, and « débutant », « junior » or « freelance » are not jobs."""

_MIN_LENGTH = 5
"""Shorter words ending so (« fier », « cher », « leur ») are rarely job names."""

_QUALIFIERS = """
    premier premiere dernier derniere entier entiere regulier reguliere particulier journalier
    meilleur superieur inferieur exterieur interieur majeur mineur horaire ordinaire extraordinaire
    necessaire contraire primaire secondaire temporaire supplementaire minimum
    better bigger faster smarter greater stronger other together rather never ever
"""
_NOT_JOBS = frozenset(_QUALIFIERS.split())
"""Words with a job's ending that qualify what follows them instead (« salaire horaire »,
« devenir meilleur », « become a better CM »)."""


def subjects(question: str) -> list[str]:
    """The words a career question names as its subject, in order (« devenir cm en tant
    que vendeur » names two: the job asked about and the asker's own)."""
    words = (match.group(1).strip("-") for match in _SUBJECT.finditer(normalise(question)))
    return [word for word in words if len(word) >= 2 and word not in STOPWORDS]


def looks_like_a_job(word: str) -> bool:
    return len(word) >= _MIN_LENGTH and word not in _NOT_JOBS and word.endswith(_JOB_ENDINGS)
