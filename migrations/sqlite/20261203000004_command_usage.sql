-- Questions about the plan (status, blockers, search, …) are counted per
-- minute, verb and outcome instead of one command_log row each: the log
-- is written under every answer's load, and these answers come thousands
-- a second. Commands that act for someone still get their own row.
CREATE TABLE command_usage (
    minute_ms BIGINT NOT NULL,
    verb TEXT NOT NULL,
    outcome TEXT NOT NULL,
    answered BIGINT NOT NULL,
    latency_us_total BIGINT NOT NULL,
    latency_us_max BIGINT NOT NULL,
    PRIMARY KEY (minute_ms, verb, outcome)
);
