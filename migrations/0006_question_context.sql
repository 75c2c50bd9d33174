-- A follow-up (« et en freelance ? ») is read with the question it followed. Until now
-- only its own words were stored, so resolving it taught the matcher a bare fragment and
-- the moderator saw a question without its sense. The question it followed is kept
-- beside it; NULL for a question that stands on its own (every question stored before).
ALTER TABLE questions ADD COLUMN context TEXT;
