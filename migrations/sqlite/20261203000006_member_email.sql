-- A person's e-mail from their Slack profile (users:read.email): commits
-- with that author e-mail draft their standup update without a linked login.
ALTER TABLE standup_members ADD COLUMN email TEXT;
