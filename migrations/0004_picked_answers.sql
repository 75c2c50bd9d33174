-- "Did you mean…": the answer the asker picked among the suggestions. The question stays
-- in the editors' queue (a click is a hint, not a review), and moderators see the pick
-- when they resolve it.

ALTER TABLE questions ADD COLUMN picked_slug TEXT;
