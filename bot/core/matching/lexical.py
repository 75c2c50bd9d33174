"""The lexical side of matching: an inverted index of stemmed words, with typo tolerance.

How it works, and why:

* Every answer is indexed by stemmed words (``bot.core.text``) in an inverted index:
  a query only touches the postings of its own words, so the cost grows with the
  number of answers that share a word with the question, not with the library size.
* Fields are weighted: a word from the title, an alternate question, a keyword or a
  phrasing learned from moderators counts fully; a word only found in the body counts
  less (bodies are long and talk about many things).
* Words are weighted by how rare they are in the library (IDF), and a word the library
  has never seen counts as informative: "salaire d'un boulanger" shares "salaire" with
  an answer, but "boulanger" is unexplained, so the match is weak.
* Typos are tolerated through a deletion neighbourhood of the vocabulary (one edit,
  two for long words), English words get a second chance through an English stemmer.
* The confidence is a logistic function of a few features that do not depend on the
  library's size or wording (the share of the question's information the answer
  explains, the best single phrasing's similarity, the margin to the runner-up, the
  amount of evidence). Its coefficients were fitted on ``tests/eval/dev_tune.jsonl``
  only. With the encoder on, this confidence is one input of the combined decision
  (``bot.core.matching.scoring``); without it, it decides alone.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.core.matching.spelling import deletions, osa_distance, trigram_dice
from bot.core.matching.subject import looks_like_a_job, subjects
from bot.core.matching.tuning import (
    ENGLISH_PENALTY,
    FAMILY_MIN_SHARED,
    FAMILY_PENALTY,
    LEXICAL_COEFFICIENTS,
    MAX_QUERY_WORDS,
    MIN_FUZZY,
    MIN_PREFIX,
    RANK_PHRASING,
    TOP_K,
    TYPO_PENALTY,
    UNKNOWN_WEIGHT,
    W_BODY_BASE,
    W_BODY_MAX,
    W_BODY_PER_USE,
    W_KEYWORD,
    W_PHRASING,
)
from bot.core.models import Answer
from bot.core.text import analyse, english_stem, normalise, stem, tokens

log = logging.getLogger(__name__)

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@dataclass
class _Entry:
    """One answer in the index: its phrasings as term sets, for the precise rescoring."""

    slug: str
    answer: Answer
    units: list[frozenset[str]] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)  # phrasings taught by moderators


@dataclass
class _Query:
    """A question after analysis: matched terms with their weight and match quality."""

    terms: dict[str, float]  # indexed term -> quality (1.0 exact, lower for typo/English)
    unknown: float  # total weight of words the library does not know
    weights: dict[str, float]  # indexed term -> query weight (IDF)

    @property
    def mass(self) -> float:
        return sum(self.weights.values()) + self.unknown


class LexicalIndex:
    """Matches questions against an answer library by words; cheap to query, cheap to extend."""

    def __init__(self, answers: Iterable[Answer], learned: Iterable[tuple[str, str]] = ()) -> None:
        self._entries: list[_Entry] = []
        self._by_slug: dict[str, int] = {}
        self._postings: dict[str, dict[int, float]] = {}
        self._df: dict[str, float] = {}  # soft document frequency: sum of field weights
        self._surface: dict[str, str] = {}  # folded word -> its stem
        self._english: dict[str, str] = {}  # English stem of a known word -> its French stem
        self._deletes: dict[str, set[str]] = {}  # word with one letter deleted -> known words
        self._prefixes: dict[str, set[str]] = {}  # first letters of a known stem -> stems
        self._fuzzy_cache: dict[str, tuple[str, float] | None] = {}
        for answer in answers:
            self._add_answer(answer)
        for slug, text in learned:
            self.add_phrasing(slug, text)

    # --- building --------------------------------------------------------------------

    @property
    def slugs(self) -> frozenset[str]:
        return frozenset(self._by_slug)

    def _add_answer(self, answer: Answer) -> None:
        if answer.slug in self._by_slug:
            log.warning("réponse en double ignorée par le matcher : %s", answer.slug)
            return
        index = len(self._entries)
        entry = _Entry(answer.slug, answer)
        self._entries.append(entry)
        self._by_slug[answer.slug] = index
        self._post(index, self._index_entry(entry))

    def _index_entry(self, entry: _Entry) -> dict[str, float]:
        """(Re)build an entry's phrasing units; return the weight of each of its terms."""
        answer = entry.answer
        entry.units = []
        weights: dict[str, float] = {}
        for phrasing in (answer.title, *answer.questions):
            unit = self._learn_words(phrasing)
            if unit:
                entry.units.append(unit)
                for term in unit:
                    weights[term] = W_PHRASING
        for keyword in answer.keywords:
            unit = self._learn_words(keyword)
            if unit:
                entry.units.append(unit)
                for term in unit:
                    weights[term] = max(weights.get(term, 0.0), W_KEYWORD)
        counts: dict[str, int] = {}
        for word, term in analyse(_JINJA.sub(" ", answer.body)):
            self._remember(word, term)
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            body = min(W_BODY_MAX, W_BODY_BASE + W_BODY_PER_USE * count)
            weights[term] = max(weights.get(term, 0.0), body)
        for text in entry.learned:
            unit = self._learn_words(text)
            if unit:
                entry.units.append(unit)
                for term in unit:
                    weights[term] = W_PHRASING
        return weights

    def _post(self, index: int, weights: dict[str, float], sign: float = 1.0) -> None:
        """Add (or, with ``sign=-1``, take back) an entry's postings and document frequencies."""
        for term, weight in weights.items():
            postings = self._postings.setdefault(term, {})
            if sign > 0:
                postings[index] = weight
            else:
                postings.pop(index, None)
                if not postings:
                    del self._postings[term]
            df = self._df.get(term, 0.0) + sign * weight
            if df > 1e-9:
                self._df[term] = df
            else:
                self._df.pop(term, None)

    def _learn_words(self, text: str) -> frozenset[str]:
        pairs = analyse(text)
        for word, term in pairs:
            self._remember(word, term)
        return frozenset(term for _, term in pairs)

    def _remember(self, word: str, term: str) -> None:
        if word in self._surface:
            return
        self._surface[word] = term
        self._english.setdefault(english_stem(word), term)
        if len(word) >= MIN_FUZZY and not any(ch.isdigit() for ch in word):
            for key in deletions(word):
                self._deletes.setdefault(key, set()).add(word)
        for size in range(MIN_PREFIX, len(term) + 1):
            self._prefixes.setdefault(term[:size], set()).add(term)
        self._fuzzy_cache.clear()

    def add_phrasing(self, slug: str, text: str) -> None:
        """Teach a new phrasing for an answer; it counts like a front-matter question at once."""
        index = self._by_slug.get(slug)
        if index is None:
            log.warning("phrasing pour une réponse inconnue ignorée : %s", slug)
            return
        entry = self._entries[index]
        if text in entry.learned:
            return
        entry.learned.append(text)
        unit = self._learn_words(text)
        if not unit:
            return
        entry.units.append(unit)
        for term in unit:
            postings = self._postings.setdefault(term, {})
            before = postings.get(index, 0.0)
            postings[index] = max(before, W_PHRASING)
            self._df[term] = self._df.get(term, 0.0) + postings[index] - before

    def set_learned(self, learned: Iterable[tuple[str, str]]) -> None:
        """Make the learned phrasings exactly these (slug, text) pairs.

        Moderators can take a lesson back (resolve a group again with another answer,
        dismiss it): only the answers whose learned phrasings changed are re-indexed, so
        the running bot forgets at once and the rest of the index is left alone.
        """
        wanted: dict[int, dict[str, None]] = {}  # insertion-ordered, without repeats
        for slug, text in learned:
            index = self._by_slug.get(slug)
            if index is not None:
                wanted.setdefault(index, {})[text] = None
        for index, entry in enumerate(self._entries):
            texts = list(wanted.get(index, ()))
            if texts == entry.learned:
                continue
            if texts[: len(entry.learned)] == entry.learned:
                # Only new lessons (start-up, a first resolve): no need to re-read the body.
                for text in texts[len(entry.learned) :]:
                    self.add_phrasing(entry.slug, text)
            else:
                self._post(index, self._index_entry(entry), sign=-1.0)
                entry.learned = texts
                self._post(index, self._index_entry(entry))
                self._fuzzy_cache.clear()

    # --- querying --------------------------------------------------------------------

    def _idf(self, term: str) -> float:
        """IDF scaled to [0, 1]: 1 for a word no answer has, near 0 for a word all have."""
        n = len(self._entries)
        df = self._df.get(term, 0.0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5)) / math.log(1.0 + (n + 0.5) / 0.5)

    def _resolve(self, word: str, term: str) -> tuple[str, float] | None:
        """The indexed term a query word stands for, with a quality factor, or None."""
        if term in self._postings:
            return term, 1.0
        if word.endswith("ent") and len(word) > 5:
            verb = stem(word[:-2])  # "pensent" -> "pense": Snowball keeps some plural verbs whole
            if verb in self._postings:
                return verb, 0.95
        english = self._english.get(english_stem(word))
        if english is not None and english in self._postings:
            return english, ENGLISH_PENALTY
        if len(word) < MIN_FUZZY or any(ch.isdigit() for ch in word):
            return None
        if word in self._fuzzy_cache:
            return self._fuzzy_cache[word]
        found = self._closest(word)
        result = (self._surface[found], TYPO_PENALTY) if found is not None else self._family(term)
        self._fuzzy_cache[word] = result
        return result

    def _family(self, term: str) -> tuple[str, float] | None:
        """A known stem of the same word family ("creatif" / "creativ"), if one is close.

        Snowball leaves some derived forms apart; a long shared beginning that differs
        only in the last letters is the same word in another form. A whole query word
        that starts a known word is a clipped form ("edito", "notifs", "appli").
        """
        for size in range(len(term), max(FAMILY_MIN_SHARED, len(term) - 2) - 1, -1):
            longest = 99 if size == len(term) else size + 3
            stems = [s for s in self._prefixes.get(term[:size], ()) if len(s) <= longest and s in self._postings]
            if stems:
                best = max(stems, key=lambda s: (self._df.get(s, 0.0), s))
                return best, FAMILY_PENALTY
        return None

    def _closest(self, word: str) -> str | None:
        limit = 2 if len(word) >= 9 else 1
        candidates: set[str] = set()
        for key in (word, *deletions(word)):
            candidates |= self._deletes.get(key, set())
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            if candidate[0] != word[0] or self._surface[candidate] not in self._postings:
                continue  # typos rarely hit the first letter; this avoids "viens" -> "liens"
            distance = osa_distance(word, candidate, limit)
            if distance > limit:
                continue
            df = len(self._postings.get(self._surface[candidate], ()))
            key = (distance, -df, candidate)
            if best is None or key < best:
                best = key
        return best[2] if best else None

    def _analyse(self, question: str) -> _Query:
        terms: dict[str, float] = {}
        unknown: set[str] = set()
        for word, term in analyse(question)[:MAX_QUERY_WORDS]:
            resolved = self._resolve(word, term)
            if resolved is None:
                if not any(ch.isdigit() for ch in word):
                    unknown.add(term)
                continue
            target, quality = resolved
            terms[target] = max(terms.get(target, 0.0), quality)
        unknown -= terms.keys()
        weights = {t: self._idf(t) for t in terms}
        return _Query(terms, UNKNOWN_WEIGHT * len(unknown), weights)

    def _scores(self, query: _Query) -> dict[int, float]:
        """Weighted coverage accumulators: only the postings of the query's terms."""
        acc: dict[int, float] = {}
        for term, quality in query.terms.items():
            weight = query.weights[term] * quality
            if weight <= 0.0:
                continue
            for index, field_weight in self._postings[term].items():
                acc[index] = acc.get(index, 0.0) + weight * field_weight
        return acc

    def _phrasing(self, query: _Query, index: int) -> float:
        """Best cosine between the question and one phrasing of an answer (IDF weighted)."""
        q_norm = math.sqrt(sum(w * w for w in query.weights.values()) + UNKNOWN_WEIGHT * query.unknown)
        if q_norm == 0.0:
            return 0.0
        best = 0.0
        for unit in self._entries[index].units:
            dot = 0.0
            u_norm = 0.0
            for term in unit:
                idf = self._idf(term)
                u_norm += idf * idf
                quality = query.terms.get(term)
                if quality is not None:
                    dot += query.weights[term] * idf * quality
            if dot > 0.0 and u_norm > 0.0:
                best = max(best, dot / (q_norm * math.sqrt(u_norm)))
        return min(1.0, best)

    def knows_all(self, question: str) -> bool:
        """Whether every informative word of the question is known to the library, as
        written, misspelt or as a word of the same family."""
        return self._analyse(question).unknown == 0

    def unknown_subject(self, question: str) -> str | None:
        """The job a career question is about when no answer is (``matching.subject``):
        a word only a body mentions does not make an answer about it. A question that
        also names a subject the library is about (« devenir CM en tant que vendeur »)
        is about the library: the other job is the asker's own."""
        named = subjects(question)
        if any(self._is_about(word) for word in named):
            return None
        return next((word for word in named if looks_like_a_job(word)), None)

    def _is_about(self, word: str) -> bool:
        """Whether some answer is about this word: in a title, an alternate question, a
        keyword or a learned phrasing (as written, misspelt or of the same family)."""
        pairs = analyse(word)
        resolved = self._resolve(*pairs[0]) if pairs else None
        postings = self._postings.get(resolved[0], {}) if resolved else {}
        return any(weight >= W_KEYWORD for weight in postings.values())

    def features(self, question: str, limit: int = TOP_K) -> list[tuple[str, tuple[float, ...]]]:
        """(slug, features) of the best answers by coverage; for fitting and debugging."""
        query = self._analyse(question)
        mass = query.mass
        if mass <= 0.0:
            return []
        acc = self._scores(query)
        top = heapq.nlargest(max(limit, 2), acc.items(), key=lambda item: item[1])
        if not top:
            return []
        rescored = []
        for index, score in top:
            coverage = score / mass
            phrasing = self._phrasing(query, index)
            rescored.append((coverage + RANK_PHRASING * phrasing, index, coverage, phrasing, score))
        rescored.sort(key=lambda item: (-item[0], item[1]))
        first = rescored[0][0]
        second = rescored[1][0] if len(rescored) > 1 else 0.0
        out = []
        for rank, (rank_score, index, coverage, phrasing, score) in enumerate(rescored[:limit]):
            margin = rank_score - (second if rank == 0 else first)
            evidence = 1.0 - math.exp(-score)
            out.append((self._entries[index].slug, (coverage, phrasing, margin, evidence)))
        return out

    def similarity(self, a: str, b: str) -> float:
        """How alike two questions are, in [0, 1]: for grouping unanswered questions."""
        try:
            ta, tb = set(tokens(a)), set(tokens(b))
            if ta and tb:
                weight = {t: (self._idf(t) if t in self._postings else 1.0) for t in ta | tb}
                dot = sum(weight[t] ** 2 for t in ta & tb)
                norm = math.sqrt(sum(weight[t] ** 2 for t in ta) * sum(weight[t] ** 2 for t in tb))
                words = dot / norm if norm else 0.0
                return max(0.0, min(1.0, 0.75 * words + 0.25 * trigram_dice(normalise(a), normalise(b))))
            return max(0.0, min(1.0, trigram_dice(normalise(a), normalise(b))))
        except Exception:
            log.exception("similarité impossible")
            return 0.0


def lexical_confidence(features: tuple[float, ...]) -> float:
    """The lexical logistic confidence of one candidate's features."""
    z = LEXICAL_COEFFICIENTS[0] + sum(c * f for c, f in zip(LEXICAL_COEFFICIENTS[1:], features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


__all__ = ["LexicalIndex", "lexical_confidence"]
