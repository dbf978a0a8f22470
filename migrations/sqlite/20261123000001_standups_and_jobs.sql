-- Standup participants' settings and what planbot learned from Slack
-- about them. People who claimed a role take part unless they left.
CREATE TABLE standup_members (
    slack_user_id TEXT PRIMARY KEY NOT NULL,
    membership TEXT,
    display_name TEXT,
    tz TEXT,
    profile_checked_at_ms INTEGER,
    dm_channel TEXT,
    away_until TEXT
);

-- The standup settings editors chose (one row; absent = the defaults).
CREATE TABLE standup_config (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    config TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);

-- Team holidays: no standup on these days.
CREATE TABLE standup_skip_days (
    day TEXT PRIMARY KEY NOT NULL,
    reason TEXT,
    added_by TEXT NOT NULL
);

-- Every scheduled send (prompt, reminder, summary, digest) once per key:
-- the primary key is what makes a send happen once across restarts and
-- instances. person is '' for team-wide jobs.
CREATE TABLE scheduled_jobs (
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    person TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    lease_until_ms INTEGER,
    next_attempt_at_ms INTEGER,
    created_at_ms INTEGER NOT NULL,
    done_at_ms INTEGER,
    detail TEXT,
    last_error TEXT,
    PRIMARY KEY (kind, day, person)
);

CREATE TABLE standup_answers (
    day TEXT NOT NULL,
    slack_user_id TEXT NOT NULL,
    responses TEXT NOT NULL,
    source TEXT NOT NULL,
    submitted_at_ms INTEGER NOT NULL,
    reply_ts TEXT,
    PRIMARY KEY (day, slack_user_id)
);

CREATE INDEX standup_answers_by_user ON standup_answers (slack_user_id, day);

CREATE TABLE standup_summaries (
    day TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL,
    permalink TEXT,
    posted_at_ms INTEGER NOT NULL
);

-- Slack redelivers events it thinks were lost; each event_id is handled once.
CREATE TABLE seen_events (
    event_id TEXT PRIMARY KEY NOT NULL,
    seen_at_ms INTEGER NOT NULL
);

CREATE INDEX seen_events_by_time ON seen_events (seen_at_ms);
