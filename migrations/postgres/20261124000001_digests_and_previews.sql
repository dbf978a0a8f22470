-- The plan as it stood each day (task id -> status, as JSON), kept by
-- planbot so the digest can chart eight weeks and count days blocked.
CREATE TABLE plan_snapshots (
    day TEXT PRIMARY KEY NOT NULL,
    statuses TEXT NOT NULL,
    taken_at_ms BIGINT NOT NULL
);

-- Monday digests posted (the Home tab shows the last headline).
CREATE TABLE digests (
    week TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL,
    headline TEXT NOT NULL,
    late INTEGER NOT NULL,
    posted_at_ms BIGINT NOT NULL
);

-- Task cards already shown in a thread: each task once per thread.
CREATE TABLE task_previews (
    channel TEXT NOT NULL,
    thread_ts TEXT NOT NULL,
    task_id TEXT NOT NULL,
    shown_at_ms BIGINT NOT NULL,
    PRIMARY KEY (channel, thread_ts, task_id)
);

-- People who opened planbot's Home tab: it is re-published when their
-- tasks change.
CREATE TABLE home_views (
    slack_user_id TEXT PRIMARY KEY NOT NULL,
    published_at_ms BIGINT NOT NULL,
    fingerprint TEXT NOT NULL
);
