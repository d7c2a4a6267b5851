-- Who can open a share's link, as the mode that made it: thisComputer,
-- network or team. NULL for shares made before it was recorded (judged by
-- their server's address).
ALTER TABLE shares ADD COLUMN reach TEXT;
