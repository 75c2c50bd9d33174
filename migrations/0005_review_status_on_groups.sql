-- The review status lives on the group only. Until now every unanswered question carried
-- a copy of its group's status, answer, reason, reviewer and date, and the two could drift
-- apart. The group keeps what it has; a review field it lacks is taken from its questions;
-- an unanswered question that somehow has no group gets one of its own, with its status.
-- Then the copies go. A question is unanswered when answer_slug is NULL.

UPDATE question_groups SET
    resolved_slug = COALESCE(resolved_slug, (SELECT q.resolved_slug FROM questions q
                                             WHERE q.group_id = question_groups.id AND q.resolved_slug IS NOT NULL
                                             ORDER BY q.id LIMIT 1)),
    reason        = COALESCE(reason, (SELECT q.reason FROM questions q
                                      WHERE q.group_id = question_groups.id AND q.reason IS NOT NULL
                                      ORDER BY q.id LIMIT 1)),
    reviewed_by   = COALESCE(reviewed_by, (SELECT q.reviewed_by FROM questions q
                                           WHERE q.group_id = question_groups.id AND q.reviewed_by IS NOT NULL
                                           ORDER BY q.id LIMIT 1)),
    reviewed_at   = COALESCE(reviewed_at, (SELECT q.reviewed_at FROM questions q
                                           WHERE q.group_id = question_groups.id AND q.reviewed_at IS NOT NULL
                                           ORDER BY q.id LIMIT 1));

CREATE TEMP TABLE migration_0005_base AS SELECT COALESCE(MAX(id), 0) AS base FROM question_groups;

INSERT INTO question_groups (id, status, resolved_slug, reason, reviewed_by, reviewed_at, created_at)
SELECT (SELECT base FROM migration_0005_base) + q.id, q.status, q.resolved_slug, q.reason, q.reviewed_by,
       q.reviewed_at, q.asked_at
FROM questions q
WHERE q.group_id IS NULL AND q.answer_slug IS NULL AND q.status IS NOT NULL;

UPDATE questions SET group_id = (SELECT base FROM migration_0005_base) + id
WHERE group_id IS NULL AND answer_slug IS NULL AND status IS NOT NULL;

DROP TABLE migration_0005_base;

DROP INDEX questions_open_key;
ALTER TABLE questions DROP COLUMN status;
ALTER TABLE questions DROP COLUMN resolved_slug;
ALTER TABLE questions DROP COLUMN reason;
ALTER TABLE questions DROP COLUMN reviewed_by;
ALTER TABLE questions DROP COLUMN reviewed_at;

-- Finding the open group of an exact duplicate: unanswered questions only have a key.
CREATE INDEX questions_grouping_key ON questions (grouping_key) WHERE grouping_key IS NOT NULL;
