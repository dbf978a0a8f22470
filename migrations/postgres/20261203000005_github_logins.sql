-- A person's GitHub login (`/plan iam github:LOGIN`): their commits and
-- pull requests draft their standup update.
CREATE TABLE github_logins (
    slack_user_id TEXT PRIMARY KEY NOT NULL,
    login TEXT NOT NULL,
    linked_at_ms BIGINT NOT NULL
);
