-- Indexes for the hot paths: grouping a new unanswered question, forgetting a member,
-- purging old questions and listing groups by status.

CREATE INDEX questions_open_key ON questions (grouping_key) WHERE status = 'open';
CREATE INDEX questions_user ON questions (user_id);
CREATE INDEX questions_asked_at ON questions (asked_at);
CREATE INDEX question_groups_status ON question_groups (status);
