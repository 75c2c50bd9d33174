-- Every question asked, the groups editors review, and members' votes on answers.
-- Dates are ISO 8601 strings in UTC (same format everywhere, so they sort as text).

CREATE TABLE question_groups (
    id            INTEGER PRIMARY KEY,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    resolved_slug TEXT,
    reason        TEXT,
    reviewed_by   TEXT,
    reviewed_at   TEXT,
    created_at    TEXT    NOT NULL
);

CREATE TABLE questions (
    id            INTEGER PRIMARY KEY,
    asked_at      TEXT    NOT NULL,
    guild_id      INTEGER,
    channel_id    INTEGER,
    user_id       INTEGER,
    display_name  TEXT,
    text          TEXT    NOT NULL,
    -- Normalised text of an unanswered question: the exact-duplicate grouping key.
    grouping_key  TEXT,
    answer_slug   TEXT,
    score         REAL    NOT NULL DEFAULT 0,
    -- Review status, only for unanswered questions (NULL when the bot answered).
    status        TEXT    CHECK (status IN ('open', 'resolved', 'dismissed')),
    group_id      INTEGER REFERENCES question_groups (id) ON DELETE SET NULL,
    resolved_slug TEXT,
    reason        TEXT,
    reviewed_by   TEXT,
    reviewed_at   TEXT
);

CREATE INDEX questions_group ON questions (group_id);

CREATE TABLE votes (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    helpful     INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    voted_at    TEXT    NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
