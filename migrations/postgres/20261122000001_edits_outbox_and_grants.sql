-- Owner roles an editor granted to someone (`/plan grant`): write rights
-- for that role's tasks. Roles people claim with `iam` grant nothing.
CREATE TABLE role_grants (
    slack_user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at_ms BIGINT NOT NULL,
    PRIMARY KEY (slack_user_id, role)
);

-- The outbox: every plan edit asked for from Slack, stored before anything
-- is sent anywhere, until it is committed or known to be impossible.
CREATE TABLE plan_edits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key TEXT UNIQUE,
    created_at_ms BIGINT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    task_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    seen TEXT NOT NULL,
    value TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at_ms BIGINT NOT NULL,
    claimed_until_ms BIGINT,
    settled_at_ms BIGINT,
    commit_ref TEXT,
    commit_url TEXT,
    current_value TEXT
);

CREATE INDEX plan_edits_by_state ON plan_edits (state, next_attempt_at_ms);
CREATE INDEX plan_edits_by_author ON plan_edits (author_id, id);
