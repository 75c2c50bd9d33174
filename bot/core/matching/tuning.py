"""Every tunable number of the matcher, in one place.

Each value was chosen on the tune half of the frozen library's dev set
(``tests/fixtures/library_eval/dev_tune.jsonl``) and, for the combined confidence, on
that same half against four thinner copies of the library (3 or 5 alternate questions
per answer; "busy editor" copies with few keywords and a short body), so that one
threshold holds on a thin library too. ``python -m benchmarks.fit`` prints the two
combined models and the threshold grid, ``python -m benchmarks.fit --lexical`` the
lexical coefficients. The report half, the second library and the thin library are
never read to choose them.
"""

from __future__ import annotations

# --- Decision ------------------------------------------------------------------------

DEFAULT_MATCH_THRESHOLD = 0.6
"""Answer when the acceptance confidence of the best answer reaches this (and it leads
the runner-up's ranking confidence by ``TIE_MARGIN``).

Chosen on the tune half for the trade-off between answering right and answering wrong
(``python -m benchmarks.fit`` prints the grid; full library / a "busy editor" copy
with 3 questions, 2 keywords and a 900-character body): at 0.35, accuracy 0.880 /
0.727 with 8.0 % / 11.3 % of all questions answered wrong; at 0.60, accuracy 0.920 /
0.713 with 4.0 % / 7.3 % wrong, and the right answer given or offered for 96.2 % /
85.7 % of in-scope questions. A wrong answer costs a member more than a "did you
mean…", so 0.60."""
DEFAULT_SUGGEST_THRESHOLD = 0.1
"""Offer "did you mean…" from this confidence up to ``DEFAULT_MATCH_THRESHOLD``."""
LEXICAL_MATCH_THRESHOLD = 0.47
"""Without the encoder, the lexical confidence alone decides, with its own threshold."""
LEXICAL_SUGGEST_THRESHOLD = 0.3
LEXICAL_TIE_MARGIN = 0.0
"""Words alone settle ties as they always did: ``SEMANTIC=off`` changes nothing."""
TIE_MARGIN = 0.1
"""The best answer must lead the next one by this much to be given directly; closer,
it is a tie, and the member chooses (a tie is never settled silently)."""
SEMANTIC_VETO = -0.4
"""Never answer directly when the best answer's phrasing *and* body cosines both sit this
far below the library's floors (scaled as the features are): the words matched, the
meaning did not ("on m'a piqué mon compte insta" -> the future-of-the-job article).
It offers a choice instead. A safety rule more than a fitted one: on the tune half it
prevented no wrong answer and cost one or two right ones on two of the thinned copies
(-0.7 and -1.3 points of accuracy), none on the full library; at -0.3 it would have
cost 0.7 to 3.4 points."""
MAX_SUGGESTIONS = 3
SUGGEST_RELATIVE = 0.3
"""Besides the best, "did you mean…" offers the answers whose confidence is at least
this share of the best one's: plausible alternatives, not the whole library."""

FOLLOWUP_MAX_WORDS = 3
"""A message of at most this many informative words, all known to the library, may be a
follow-up of the asker's previous question (``Matcher.match``'s ``context``). Chosen on
``tests/eval/followups_tune.jsonl`` (2026-12-02, shipped library): read alone, accuracy
0.68, ``wrong`` 0.14, right answer given or offered 0.77; with context up to 3 words
0.82 / 0.12 / 0.91 (2 words: 0.78 / 0.14 / 0.86; 4: 0.82 / 0.14 / 0.91; without the
known-words rule, 3 words: 0.82 / 0.14 / 0.93, but « et un boulanger ? » after a salary
question got the salary article)."""

MAX_QUESTIONS = 3
"""A message that asks several questions has at most this many matched one by one (each
costs one more encoder run, 15 to 25 ms): enough for what members write in one go."""

CONTEXT_MAX_WORDS = 40
"""Words of the previous question read with a follow-up: its end, where a long message
asks its question. The words side reads ``MAX_QUERY_WORDS`` and the encoder
``MAX_ENCODED_CHARS``: past them, a long context would hide the follow-up itself."""

# --- Lexical index -------------------------------------------------------------------

MAX_QUERY_WORDS = 80
"""Only the first words of a very long message are matched: enough to know its topic."""

# Field weights: how much a word counts when found in that field of an answer.
W_PHRASING = 1.0  # title, alternate questions, learned phrasings
W_KEYWORD = 0.9
W_BODY_BASE = 0.25
W_BODY_PER_USE = 0.1
W_BODY_MAX = 0.55

UNKNOWN_WEIGHT = 0.6
"""Weight of a word the library has never seen (relative to a word found in one answer)."""
ENGLISH_PENALTY = 0.85
TYPO_PENALTY = 0.8
FAMILY_PENALTY = 0.75
MIN_FUZZY = 6
"""Shorter words are not corrected: too many real words are one letter apart."""
MIN_PREFIX = 4
FAMILY_MIN_SHARED = 5
"""Two stems are one family only when they share at least this many first letters:
four let "recette" pass for "réception"."""
RANK_PHRASING = 0.5
"""How much the best single phrasing counts next to whole-answer coverage for ranking."""
TOP_K = 10
"""Answers rescored precisely (phrasings, margin) after the inverted-index pass."""

LEXICAL_COEFFICIENTS = (-3.63, 1.49, 1.37, 0.81, 4.27)
"""Logistic lexical confidence: intercept and weights of (coverage, phrasing, margin,
evidence). Printed by ``python -m benchmarks.fit`` (tune half only)."""

# --- Semantic side -------------------------------------------------------------------

MAX_ENCODED_CHARS = 1000
"""Longer texts are cut before encoding: e5 reads 512 tokens at most, and a member's
question is never that long; it keeps a hostile 100 kB message from costing seconds."""
MAX_PIECE_CHARS = 400
"""A body paragraph longer than this is split at sentence ends."""
FIRST_BODY_PIECES = 1
"""Body pieces per answer embedded by the first pass of a cold build (the opening, often
the bold answer), after which the encoder serves. Encoding costs about 0.3 ms a
character here: at 1,000 answers x 20 phrasings the first pass took 640 s of CPU with
two pieces (over the 10-minute budget, measured 2026-12-01 on a quiet machine) and
480 s with one (``benchmarks.scale``); the second pass then took 404 s. Until the second pass is done, the tune
half answers as it did with two pieces (full library: accuracy 0.907, ``wrong`` 0.047)."""
MAX_BODY_PIECES = 8
"""Body pieces per answer once the index is complete: the rest of the body is embedded by
a second pass in the background, while the first-pass index serves (a warm restart reads
them all from the cache). On the tune half (2026-12-01), refitted each time: ranking
top-1 over the full library 0.933 -> 0.952; at the shipped threshold accuracy 0.907 ->
0.920, ``wrong`` 0.047 -> 0.040; best accuracy with ``wrong`` <= 0.04, averaged over the
five training libraries, 0.800 -> 0.821 (4 pieces: 0.805). On the food-truck library,
whose answers have 3 pieces, within a question. Members ask about any part of an answer,
not only its opening."""
MAX_HEADER_KEYWORDS = 5
"""Keywords put in front of each body piece, with the title."""
MIN_PIECE_CHARS = 25
"""Shorter body fragments ("Bon courage !") say nothing about the topic."""
EMBED_BATCH = 16
"""Pieces embedded per call while indexing: big enough to amortise, small enough to
report progress often and to stop promptly."""

SEMANTIC_CANDIDATES = 5
"""Answers taken from the encoder's side, next to the lexical top, to be scored together."""
LEXICAL_CANDIDATES = 5
SEMANTIC_SCALE = 10.0
"""e5 cosines all sit between 0.7 and 1: differences are scaled before the logistic."""
DEFAULT_FLOOR = 0.85
"""The library's similarity floor when it is too small to measure one (one answer)."""
FLOOR_SAMPLE = 1000
"""Phrasings sampled to measure the floor of a big library: enough for a stable mean."""

ACCEPTANCE_COEFFICIENTS = (1.05, 0.59, -1.41, 0.92, -1.39, 1.16, 0.67, 0.44, 1.09, 1.6)
"""Logistic acceptance confidence of the best candidate: intercept and weights of its six
features, its lead over the runner-up's ranking confidence, its ranking confidence as
log-odds, and whether the question is in English (``text.looks_english``). Fitted on
the tune half, one row per question (is the best one right?), against the full library
and its four thinner copies. The English flag (2026-12-01): on the food-truck library
never fitted on, accuracy 0.554 → 0.580, ``wrong`` 0.071 → 0.062, English questions
answered right 7/14 → 10/14; over the five training libraries 0.807 → 0.804."""

COMBINED_COEFFICIENTS = (-1.18, 1.78, 2.17, 1.22, 0.89, 1.57, 2.09)
"""Logistic combined confidence: intercept and weights of (lexical confidence, its
margin over the next answer, best phrasing cosine above the library's phrasing floor,
its margin, best body cosine above the library's body floor, its margin). Fitted on
the tune half against the full library and four thinner copies of it."""
