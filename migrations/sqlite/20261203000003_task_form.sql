-- Which file an edited task is written in ('csv' or 'markdown'): a
-- Markdown task's edit rewrites its status line, and its commit message
-- uses the document's own words ("mark T4 done").
ALTER TABLE plan_edits ADD COLUMN task_form TEXT NOT NULL DEFAULT 'csv';
