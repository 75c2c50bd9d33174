"""Text hygiene, in one place: what members type is data, and reaches every reader safely.

Members' words come in through Discord (JSON that may carry a lone surrogate such as
``"\\ud800"``) and the console (a command line that is not UTF-8 arrives with
``surrogateescape`` code points). They leave through a terminal (``unanswered show``), a
CSV file opened in a spreadsheet (``unanswered export``) and Discord. Each way has one
function here, used by the service, the CLI and the export alike:

- ``clean``: on the way in, valid UTF-8 (lone surrogates become U+FFFD), line breaks as
  ``\\n``, no NUL or other control character; never an exception.
- ``for_terminal``: escape sequences (colours, window titles, OSC 8 links) and control
  characters removed before a terminal sees them.
- ``csv_cell``: the same, line breaks kept (the CSV writer quotes them) and the
  spreadsheet formula guard.
- ``sqlite_id``: an id is a number SQLite can hold, or a clear message.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
SQLITE_MAX_INTEGER = 2**63 - 1
"""The largest id SQLite stores; a bigger number cannot name anything."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""A cell starting with these is run as a formula by spreadsheets: members' text must not be."""

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks (OSC 8)
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clearing
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b.?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls but ``\\t`` and ``\\n``, DEL, and the bidirectional overrides that
make a line read differently from what it holds."""


def clean(text: str) -> str:
    """Member text as the bot stores and matches it: valid UTF-8, ``\\n`` line breaks,
    no control character. Printable text (accents, emoji) is left exactly as typed."""
    text = clean_surrogates(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def for_terminal(text: str) -> str:
    """Text safe to print to a moderator's terminal: no escape sequence, no control character."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", clean_surrogates(text).replace("\r", "\n")))


def csv_cell(text: str) -> str:
    """A CSV cell from member text: terminal-safe, line breaks as ``\\n`` (quoted by the
    writer), and a leading apostrophe where a spreadsheet would run a formula."""
    cell = for_terminal(text)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def clean_surrogates(text: str) -> str:
    """Valid UTF-8: a surrogate pair split over two code points is joined, a lone one replaced."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def sqlite_id(value: int) -> int | None:
    """``value`` when SQLite can hold it as an id (1 to 2**63 - 1), else ``None``."""
    return value if 1 <= value <= SQLITE_MAX_INTEGER else None
