"""French-aware text normalisation: the one place that decides what a "word" is.

Members type on Discord the way people talk: no accents, SMS spellings, elisions, a
bit of English. Everything that compares texts (the matcher, the grouping of
unanswered questions, the duplicate check of ``check``) goes through this module so
that "Métier", "metier" and "MÉTIER" are one word everywhere.

Only *language* knowledge lives here (stopwords, elisions, common SMS spellings and
slang): nothing about our own answers' vocabulary, so the same rules work for any
answer library.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD_CACHE = 65536
"""Distinct words whose stems and spellings are kept: a library's vocabulary fits many
times over, and a flood of made-up words cannot grow the cache without bound."""

_FRENCH = snowballstemmer.stemmer("french")
_ENGLISH = snowballstemmer.stemmer("english")

_APOSTROPHES = re.compile("[’‘`´ʼ′]")
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"}
_LIGATURE = re.compile("[" + "".join(_LIGATURES) + "]")
# Regexes rather than ``str.translate``: with a dict table it costs a dict lookup per
# character, a dozen times slower on an answer's body.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_DISCORD = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'")


def _fold(text: str) -> str:
    """NFKC, casefold, accents stripped, ligatures spelled out, invisible marks removed."""
    text = _APOSTROPHES.sub("'", unicodedata.normalize("NFKC", text))
    text = _LIGATURE.sub(lambda m: _LIGATURES[m[0]], _INVISIBLE.sub("", text).casefold())
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFD", text))


_MASKED_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?(?:https?://|www\.)[^)\s]*>?\s*\)")
_PINGS = re.compile(r"@(?:everyone|here)\b")
_LINE_MARKS = re.compile(r"(?m)^[ \t]*(?:>>>|>|-#|#{1,3})[ \t]+")
_EMPHASIS = re.compile(r"\*+|~~|\|\||`+|(?<![^\W_])_+|_+(?![^\W_])")
_SPACES = re.compile(r"\s+")


def plain(text: str) -> str:
    """What a member wrote, without Discord's markup: mentions, custom emoji, ``@everyone``,
    links (a masked link keeps its words), quote and heading marks, and the stars, bars and
    backticks of Markdown.

    The encoder reads the question as it comes, and to it "**combien** on gagne ?" or a
    ping in front of the words is another sentence: the bold question offered a choice
    where the plain one was answered. The words side ignores most of this already; both
    sides read this text, so markup never changes what the bot understands.
    """
    if not isinstance(text, str):
        return ""
    text = _MASKED_LINK.sub(r" \1 ", text)
    text = _URL.sub(" ", _DISCORD.sub(" ", text))
    text = _EMPHASIS.sub("", _LINE_MARKS.sub("", _PINGS.sub(" ", text)))
    return _SPACES.sub(" ", text).strip()


_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.S)


_HELD_KEY = re.compile(r"(\w)\1{3}")
"""A letter four times in a row: « aaaaaaa », « zzzz », « hmmmm »."""
_VOWELS = frozenset("aeiouy")
MASH_MIN_LENGTH = 6
"""A word of Latin letters this long without a vowel is a hand on the keyboard
(« qsdfghjklm »); shorter ones are often acronyms members ask about (« TJM », « CRM »)."""


def _is_word(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    if not letters or _HELD_KEY.search(token):
        return False
    if not all(ch.isascii() for ch in letters):
        return True  # another script: its vowels are not ours to count
    return len(letters) < MASH_MIN_LENGTH or any(ch in _VOWELS for ch in letters)


def has_words(text: str) -> bool:
    """Whether a message says anything in words: a word outside code blocks and markup.

    « {{ 7*7 }} », « 1234 », « 🙂🙂 », a pasted snippet or a hand on the keyboard
    (« aaaaaaa », « qsdfghjklm ») alone is no question, and queueing it for the editors
    would only bury their real work."""
    return any(_is_word(token) for token in normalise(plain(_CODE_BLOCK.sub(" ", text))).split())


def normalise(text: str) -> str:
    """Folded, unaccented, lowercase text with punctuation dropped and spaces collapsed.

    Used as the key that says two questions are "the same question": punctuation and
    case never make two questions different, apostrophes inside words are kept.
    """
    if not isinstance(text, str):
        return ""
    folded = _fold(text)
    # In ASCII every character that is neither a letter, a digit nor an apostrophe is
    # punctuation, a space, a control or one of "+<=>|~^$", so all become a space: one
    # regex instead of the per-character loop, which is what ``check`` spent its time on.
    spaced = _ASCII_SEPARATORS.sub(" ", folded) if folded.isascii() else _separated(folded)
    words = spaced.split()
    return " ".join(w for w in (w.strip("'") for w in words) if w)


_ASCII_SEPARATORS = re.compile(r"[^a-z0-9']+")


def _separated(folded: str) -> str:
    """``folded`` with each punctuation, space and control character made a space."""
    out = []
    for ch in folded:
        if ch == "'" or ch.isalnum():
            out.append(ch)
        elif unicodedata.category(ch)[0] in "PZC" or ch in "+<=>|~^$":
            out.append(" ")
        else:
            out.append(ch)  # emoji and other symbols are content, not punctuation
    return "".join(out)


# --- Language knowledge ------------------------------------------------------------------


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


FRENCH_STOPWORDS = _wordlist(
    """
    a ai aie aient aies ait alors as au aucun aucune aupres aussi autre autres aux avaient avais avait avant avec
    avez aviez avions avoir avons ayant ayez ayons bah ben bien bon bonne c ca car ce ceci cela celle celles celui
    cependant ces cet cette ceux chaque chez ci comme comment d dans de des deja depuis dois doit donc dont du
    elle elles en encore es est et etaient etais etait etant etc ete etes etiez etions etre eu eue eues eus eux
    fais faire fait faites faut fois font fut hein ici il ils j je jamais jusqu l la le les leur leurs lui m ma
    mais me meme memes mes mien mienne moi moins mon n ne ni non nos notre nous o on ont ou oui par parce pas
    peu peut peuvent peux plus plutot pour pourquoi pourrait pouvoir puis puisque qu quand que quel quelle quelles
    quels qui quoi s sa sans se sera serait ses si sien sienne soi soit sommes son sont suis sur t ta te tes toi
    ton tous tout toute toutes tres trop tu un une unes uns vais va vas veut veux voila vont vos votre vous vu y
    ya deux trois quatre cinq dix cent mille
    ai-je est-ce qu'est-ce quelqu quelque quelques autant beaucoup vraiment juste toujours souvent parfois
    genre truc trucs chose choses machin faudrait falloir fallait devrais devrait devoir doivent dit dire dis
    sais sait savoir savez veulent voulez vouloir voudrais voudrait aller allez allons peut-etre peutetre
    possible normal normale ok okay ouais oue ouai voir vois voit mettre met mets prendre prends prend
    donner donne avoir eu ete etre cest c'est sinon ainsi alors aussi tant tellement vers entre contre pendant
    sous apres lors selon via tel telle tels telles cas ceux-ci celle-ci ca-y ya-t-il y-a-t-il t-il t-elle
    svp stp merci bonjour salut coucou hello hey yo bonsoir re slt bjr cc pls please plz thx thanks
    lol mdr ptdr xd haha hahaha hihi ah oh eh euh hum bref voila quoi ouf rien
    mr mme monsieur madame gens quelqu'un quelqu'une personne aujourd hui aujourdhui
    """
)

ENGLISH_STOPWORDS = _wordlist(
    """
    a about above after again against all am an and any are aren as at be because been before being below
    between both but by can cannot could couldn d did didn do does doesn doing don down during each few for
    from further get gets getting got had hadn has hasn have haven having he her here hers herself him himself
    his how i if in into is isn it its itself just ll m me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own re s same shan she should shouldn so some such t than that
    the their theirs them themselves then there these they this those through to too under until up ve very
    was wasn we were weren what when where which while who whom why will with won would wouldn y you your
    yours yourself yourselves also really anyone someone something anything thing things way ok okay yes yeah
    want wanna gonna need like know think make makes lot lots much many one ones even still always well
    """
)

STOPWORDS = FRENCH_STOPWORDS | ENGLISH_STOPWORDS
_ONLY_ENGLISH = ENGLISH_STOPWORDS - FRENCH_STOPWORDS
_ONLY_FRENCH = FRENCH_STOPWORDS - ENGLISH_STOPWORDS

SMS = {
    # SMS spellings and casual contractions of general French (not our answers' words).
    "cb": "combien",
    "cmb": "combien",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "koi": "quoi",
    "kwa": "quoi",
    "jsuis": "je suis",
    "chui": "je suis",
    "chuis": "je suis",
    "jsp": "je sais pas",
    "chepa": "je sais pas",
    "jpense": "je pense",
    "jveux": "je veux",
    "jvais": "je vais",
    "bcp": "beaucoup",
    "bcq": "beaucoup",
    "tjrs": "toujours",
    "tjs": "toujours",
    "qd": "quand",
    "qnd": "quand",
    "ds": "dans",
    "pr": "pour",
    "ac": "avec",
    "avc": "avec",
    "mm": "meme",
    "dc": "donc",
    "tt": "tout",
    "ts": "tous",
    "tte": "toute",
    "tts": "toutes",
    "pcq": "parce que",
    "pcq'": "parce que",
    "psk": "parce que",
    "ptet": "peut etre",
    "ptetre": "peut etre",
    "mtn": "maintenant",
    "auj": "aujourd hui",
    "ajd": "aujourd hui",
    "rdv": "rendez vous",
    "qqn": "quelqu un",
    "qqch": "quelque chose",
    "qq": "quelques",
    "vrmt": "vraiment",
    "vmt": "vraiment",
    "slt": "salut",
    "bjr": "bonjour",
    "dsl": "desole",
    "t'es": "tu es",
    "jai": "j ai",
    "jsais": "je sais",
    "kan": "quand",
    "ki": "qui",
    "ke": "que",
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "im": "i am",
    "cant": "can not",
    "idk": "i do not know",
    # Familiar French for everyday words (language register, not domain vocabulary).
    "taf": "travail",
    "boulot": "travail",
    "job": "travail",
    "bosser": "travailler",
    "bosse": "travaille",
    "bossent": "travaillent",
    "bossais": "travaillais",
    "pote": "ami",
    "potes": "amis",
    "thune": "argent",
    "thunes": "argent",
    "fric": "argent",
    "kiffe": "aime",
    "kiff": "aime",
    "kiffer": "aimer",
    "boss": "patron",
    "relou": "penible",
    "galere": "difficulte",
    "galerer": "peiner",
}


@lru_cache(maxsize=WORD_CACHE)
def stem(word: str) -> str:
    """French stem of a folded word (cached: snowball in pure Python is the slow part)."""
    return _FRENCH.stemWord(word)


@lru_cache(maxsize=WORD_CACHE)
def english_stem(word: str) -> str:
    """English stem, used by the matcher as a second chance for words French misses."""
    return _ENGLISH.stemWord(word)


def words(text: str) -> list[str]:
    """Folded words with elisions removed and SMS spellings expanded; stopwords kept."""
    return [word for raw in _raw_words(text) for word in _spelled(raw)]


def analyse(text: str) -> list[tuple[str, str]]:
    """(word, stem) pairs for the informative words of a text, in order.

    Stopwords, one-letter words and pure numbers are dropped: they say nothing about
    what the question is about.
    """
    return [pair for raw in _raw_words(text) for pair in _informative(raw)]


def _raw_words(text: str) -> list[str]:
    if not isinstance(text, str) or not text:
        return []
    folded = _fold(text)
    folded = _DISCORD.sub(" ", folded)
    folded = _URL.sub(" ", folded)
    return _WORD.findall(folded)


# Per written word, cached: the words of a library's bodies are read at every start (a
# quarter of a million at 1,000 answers), and most are the same few thousand words.
@lru_cache(maxsize=WORD_CACHE)
def _spelled(raw: str) -> tuple[str, ...]:
    """One written (folded) word as the words it stands for: "pk" is "pourquoi", "l'ete" is "ete"."""
    expanded = SMS.get(raw)
    if expanded is None and "'" not in raw:
        return (raw,)
    out: list[str] = []
    for part in expanded.split() if expanded else [raw]:
        out.extend(piece for piece in _ELISION.sub("", part).split("'") if piece)
    return tuple(out)


@lru_cache(maxsize=WORD_CACHE)
def _informative(raw: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (word, stem(word)) for word in _spelled(raw) if not (len(word) < 2 or word in STOPWORDS or word.isdigit())
    )


_QUESTION_MARK = re.compile(r"\?+")
_SENTENCE_END = re.compile(r"[.!…\n]+")


def questions_in(text: str) -> list[str]:
    """The questions of a message that asks several (« combien gagne un cm ? et comment
    trouver des clients ? »), each as the sentence that ends at its question mark, plus
    what follows the last one; [] for a message that asks one. A part needs two
    informative words: « ça marche ? » or « merci d'avance » asks nothing of its own."""
    segments = _QUESTION_MARK.split(plain(text))
    parts = [_SENTENCE_END.split(segment)[-1].strip() or segment.strip() for segment in segments[:-1]]
    parts.append(segments[-1].strip())
    asked = [part for part in parts if len(analyse(part)) >= 2]
    return asked if len(asked) >= 2 else []


def looks_english(text: str) -> bool:
    """Whether a question is in English: more of its function words are English only
    ("how", "the", "my") than French only ("comment", "le", "mon"). Words shared by
    both ("ok", "hello") and content words say nothing; a tie is French."""
    found = words(text)
    english = sum(w in _ONLY_ENGLISH for w in found)
    return english > 0 and english > sum(w in _ONLY_FRENCH for w in found)


def tokens(text: str) -> list[str]:
    """Normalised, stopword-free, stemmed words: what the matcher compares."""
    return [s for _, s in analyse(text)]
