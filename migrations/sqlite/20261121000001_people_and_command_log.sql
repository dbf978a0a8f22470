-- People who told planbot which owner roles are theirs (`/plan iam`).
CREATE TABLE people (
    slack_user_id TEXT PRIMARY KEY NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE person_roles (
    slack_user_id TEXT NOT NULL REFERENCES people (slack_user_id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (slack_user_id, role)
);

CREATE INDEX person_roles_by_role ON person_roles (role);

-- Every /plan command answered, for support and usage questions.
CREATE TABLE command_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms BIGINT NOT NULL,
    slack_user_id TEXT,
    channel_id TEXT,
    verb TEXT NOT NULL,
    task_id TEXT,
    latency_us BIGINT NOT NULL,
    outcome TEXT NOT NULL
);

CREATE INDEX command_log_by_time ON command_log (at_ms);
