-- "Apply anyway" pressed by someone other than the author: who applied it
-- (the author stays in author_id / author_name), for the commit message
-- and so that both people are told.
ALTER TABLE plan_edits ADD COLUMN applied_by_id TEXT;
ALTER TABLE plan_edits ADD COLUMN applied_by_name TEXT;
