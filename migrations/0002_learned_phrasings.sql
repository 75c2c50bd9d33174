-- Questions a moderator attached to an answer: the matcher learns them at every start.
-- One row per source question, with its asker, so that forgetting a member removes the
-- phrasings that came only from them, and purging old questions keeps what was learned.

CREATE TABLE learned_phrasings (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    question_id INTEGER REFERENCES questions (id) ON DELETE SET NULL,
    group_id    INTEGER REFERENCES question_groups (id) ON DELETE SET NULL,
    user_id     INTEGER,
    learned_at  TEXT    NOT NULL
);

CREATE INDEX learned_phrasings_slug ON learned_phrasings (slug);
CREATE INDEX learned_phrasings_user ON learned_phrasings (user_id);
