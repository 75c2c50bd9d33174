"""Domain errors: each one carries a message that can be shown to a user as is.

The CLI prints them as one line (exit code 2 for bad settings or arguments, 1 otherwise)
and the Discord adapter turns them into a short ephemeral reply; anything else is a bug
and is logged with its traceback.
"""

from __future__ import annotations


class BotError(Exception):
    """Base for errors whose message is meant for a person, not a traceback."""


class SettingsError(BotError):
    """A setting is missing or invalid; the message names the setting."""


class UnknownAnswer(BotError):
    """No answer has this slug."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"aucune réponse ne porte l'identifiant « {slug} »")
        self.slug = slug


class UnknownQuestion(BotError):
    """No unanswered question (group) has this id."""

    def __init__(self, question_id: int) -> None:
        super().__init__(f"aucune question en attente n'a le numéro {question_id}")
        self.question_id = question_id


class DatabaseError(BotError):
    """The database cannot be used as it is (newer than the code, corrupt, unreachable)."""


class DatabaseUnavailable(DatabaseError):
    """The database file cannot be opened or written where the settings say it is: a
    setting to fix (``DATABASE_PATH``), not a state of the data. ``path`` is that file."""

    def __init__(self, message: str, path: object) -> None:
        super().__init__(message)
        self.path = path


class UnknownRecordedQuestion(UnknownQuestion):
    """No stored question at all has this id (a vote on a question that was forgotten)."""

    def __init__(self, question_id: int) -> None:
        BotError.__init__(self, f"aucune question enregistrée n'a le numéro {question_id}")
        self.question_id = question_id
